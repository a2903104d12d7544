// The script of the browser test page: imports the bundled test file named
// in the page's `file` query parameter, runs its tests with the harness and
// leaves the results in `globalThis.flowguardResults`, where browser.mjs
// collects them.
import { describeError, runTests, type TestResult } from "../support/harness.ts";

const results: TestResult[] = [];

function addFailure(name: string, error: unknown): void {
  results.push({ path: [name], status: "failed", durationMs: 0, error: describeError(error) });
}

addEventListener("unhandledrejection", (event) => addFailure("unhandled promise rejection", event.reason));
addEventListener("error", (event) => addFailure("uncaught exception", event.error ?? event.message));

const file = new URLSearchParams(location.search).get("file");
try {
  if (!file) throw new Error("test page: the URL names no test bundle; add ?file=NAME.js");
  // A computed specifier, so that esbuild leaves the import to the page.
  const url = new URL(file, import.meta.url).href;
  await import(url);
  await runTests((result) => results.push(result));
} catch (error) {
  addFailure("loading the test file", error);
}
(globalThis as { flowguardResults?: TestResult[] }).flowguardResults = results;
