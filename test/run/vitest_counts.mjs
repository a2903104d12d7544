// A vitest reporter that writes the counts of passed, failed and skipped
// tests as JSON to the file named by the environment variable
// FLOWGUARD_VITEST_COUNTS; all.mjs adds it next to the verbose reporter.
// Unlike vitest's JSON reporter, it counts an error outside any test (a file
// that fails to load, a failing beforeAll or afterAll hook, an unhandled
// error) as a failure: vitest marks the tests under a failed hook skipped.
import { writeFileSync } from "node:fs";

export default class CountsReporter {
  onTestRunEnd(testModules, unhandledErrors) {
    const counts = { passed: 0, failed: unhandledErrors.length, skipped: 0 };
    for (const testModule of testModules) {
      for (const test of testModule.children.allTests()) {
        const { state } = test.result();
        if (state === "passed" || state === "failed") counts[state]++;
        else counts.skipped++;
      }
      for (const suite of [testModule, ...testModule.children.allSuites()]) {
        if (suite.errors().length > 0) counts.failed++;
      }
    }
    const path = process.env.FLOWGUARD_VITEST_COUNTS;
    if (path) writeFileSync(path, `${JSON.stringify(counts)}\n`);
  }
}
