// Shared helpers of the build steps.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** Newest modification time of a file or, recursively, of a folder's files. */
export function newestMtime(path) {
  if (!statSync(path).isDirectory()) return statSync(path).mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/**
 * Whether `output` is missing or older than any of `inputs` (always true
 * without --if-stale). With --if-stale, a stale output is named on stderr,
 * so that a command that builds before it runs says why it pauses.
 */
export function isStale(output, inputs, ifStale) {
  if (!ifStale) return true;
  const missing = !existsSync(output);
  const outputTime = missing ? 0 : statSync(output).mtimeMs;
  const stale = missing || inputs.some((input) => existsSync(input) && newestMtime(input) > outputTime);
  if (stale) process.stderr.write(`build: ${output} is ${missing ? "missing" : "older than its sources"}; building it\n`);
  return stale;
}
