// Printing of test results, shared by the runners of Deno, Bun and Chromium,
// in the style of vitest's verbose reporter: one line per test, then the
// failures again with their messages, then the counts.

const MARKS = { passed: "✓", failed: "✗", skipped: "↓" };

function indent(text, prefix = "      ") {
  return text
    .split("\n")
    .map((line) => prefix + line)
    .join("\n");
}

/** Prints the results of one file, and its output when there is any. */
export function printFileResults(file, results, output = "") {
  const counts = countResults(results);
  let mark = MARKS.skipped;
  if (counts.failed > 0) mark = MARKS.failed;
  else if (counts.passed > 0) mark = MARKS.passed;
  console.log(` ${mark} ${file} (${results.length} ${results.length === 1 ? "test" : "tests"})`);
  for (const result of results) {
    const time = result.status === "passed" && result.durationMs >= 1 ? ` ${Math.round(result.durationMs)} ms` : "";
    console.log(`   ${MARKS[result.status]} ${result.path.join(" > ")}${time}`);
    if (result.error) console.log(indent(result.error));
  }
  if (output.trim() !== "") console.log(`   output of ${file}:\n${indent(output.trimEnd())}`);
}

/** Returns the number of passed, failed and skipped results. */
export function countResults(results) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for (const result of results) counts[result.status]++;
  return counts;
}

/** Formats counts as "N passed, N failed, N skipped". */
export function formatCounts(counts) {
  return `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`;
}

/** Prints every failure of a runtime with file and message, after the per-file lines. */
export function printFailures(runtime, fileResults) {
  const failures = fileResults.flatMap(({ file, results }) => results.filter((r) => r.status === "failed").map((r) => ({ file, ...r })));
  if (failures.length === 0) return;
  console.log(`\n${runtime}: ${failures.length} failed`);
  for (const failure of failures) {
    console.log(` ${MARKS.failed} ${failure.file} > ${failure.path.join(" > ")}`);
    console.log(indent(failure.error ?? "(no message)"));
  }
}

/** Returns the result that represents a whole file that a runtime does not load. */
export function skippedFileResult(reason) {
  return { path: [`whole file, skipped: ${reason}`], status: "skipped", durationMs: 0 };
}
