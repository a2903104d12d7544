// Skipping tests in the runtimes where they cannot run, with the reason in
// the test name, so every runner's output shows what was skipped and why.
import { describe, it } from "vitest";
import { runtimeName, type RuntimeName } from "./platform.ts";

/** Why a test cannot run, per runtime; runtimes without an entry run it. */
export type SkipReasons = Partial<Record<RuntimeName, string>>;

function skipReason(reasons: SkipReasons): string | undefined {
  return reasons[runtimeName];
}

/** `describe`, or in a runtime listed in `reasons` a skipped suite whose name carries the reason. */
export function describeExcept(reasons: SkipReasons): (name: string, body: () => void) => void {
  const reason = skipReason(reasons);
  if (reason === undefined) return describe;
  return (name, body) => describe.skip(`${name} [skipped in ${runtimeName}: ${reason}]`, body);
}

/** `it`, or in a runtime listed in `reasons` a skipped test whose name carries the reason. */
export function itExcept(reasons: SkipReasons): (name: string, body: () => unknown, timeoutMs?: number) => void {
  const reason = skipReason(reasons);
  if (reason === undefined) return it;
  return (name, body, timeoutMs) => it.skip(`${name} [skipped in ${runtimeName}: ${reason}]`, body, timeoutMs);
}
