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

/** Whether `output` is missing or older than any of `inputs` (always true without --if-stale). */
export function isStale(output, inputs, ifStale) {
  if (!ifStale || !existsSync(output)) return true;
  const outputTime = statSync(output).mtimeMs;
  return inputs.some((input) => existsSync(input) && newestMtime(input) > outputTime);
}
