// The line protocol between a test process (child.ts in Deno or Bun) and the
// Node-side runner: every result is one stdout line, the marker followed by
// the JSON of a harness TestResult. Other stdout lines are test output.

/** Starts a result line; the ASCII record separator keeps it apart from test output. */
export const RESULT_MARKER = "\u001eflowguard-result ";

/** Splits a test process's stdout into results and the remaining output. */
export function parseOutput(stdout) {
  const results = [];
  const output = [];
  for (const line of stdout.split("\n")) {
    if (line.startsWith(RESULT_MARKER)) results.push(JSON.parse(line.slice(RESULT_MARKER.length)));
    else if (line !== "") output.push(line);
  }
  return { results, output: output.join("\n") };
}
