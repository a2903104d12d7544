// Runs one test file under the harness in Deno or Bun, in a process of its
// own so that files do not share module state, as under vitest. runtimes.mjs
// starts it as `child.ts FILE`. It writes each result as a marked line on
// stdout (protocol.mjs), and it exits with status 0 even when tests fail,
// because the runner counts failures from the results.
import process from "node:process";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describeError, runTests, type TestResult } from "../support/harness.ts";
import { RESULT_MARKER } from "./protocol.mjs";

function send(result: TestResult): void {
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`);
}

function sendFailure(name: string, error: unknown): void {
  send({ path: [name], status: "failed", durationMs: 0, error: describeError(error) });
}

const file = process.argv[2];
if (!file) {
  process.stderr.write("usage: child.ts TEST_FILE\n");
  process.exit(2);
}

process.on("unhandledRejection", (reason) => sendFailure("unhandled promise rejection", reason));
process.on("uncaughtException", (error) => sendFailure("uncaught exception", error));

try {
  await import(pathToFileURL(resolve(file)).href);
  await runTests(send);
} catch (error) {
  sendFailure("loading the test file", error);
}

// Tests may leave timers or handles open (a timed-out test keeps running), so
// exit explicitly once stdout has taken the last result.
process.stdout.write("", () => process.exit(0));
