// Runs the test files in Deno or Bun: one process per file (child.ts), as
// many at once as the machine has cores, each with the harness in place of
// vitest. Usage: node test/run/runtimes.mjs deno|bun [FILE...]
import { spawn } from "node:child_process";
import { realpathSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { planFiles } from "./files.mjs";
import { parseOutput } from "./protocol.mjs";
import { countResults, formatCounts, printFailures, printFileResults, skippedFileResult } from "./report.mjs";

/** Time one test file may run before its process is killed, in milliseconds; the harness limits each test to 300 s. */
const FILE_TIMEOUT_MS = 20 * 60_000;

/**
 * Deno's permissions, as narrow as the tests allow: read the repository and
 * the temporary folder, write and read back temporary files, start `node`
 * (cli.test.ts) and read the variables that os.tmpdir() consults.
 */
function denoArgs(file) {
  const temp = realpathSync(tmpdir());
  return [
    "run",
    "--config=test/run/deno.json",
    "--no-prompt",
    `--allow-read=.,${temp}`,
    `--allow-write=${temp}`,
    "--allow-run=node",
    "--allow-env=TMPDIR,TMP,TEMP",
    "test/run/child.ts",
    file,
  ];
}

/**
 * How each runtime starts a test file. Deno and Bun are the devDependencies'
 * binaries. DENO_NO_UPDATE_CHECK keeps Deno from asking its server for a
 * newer version, and DO_NOT_TRACK is the opt-out of usage reporting that
 * the Bun binary reads.
 */
export const RUNTIMES = {
  deno: { command: "node_modules/.bin/deno", args: denoArgs, env: { DENO_NO_UPDATE_CHECK: "1" } },
  bun: {
    command: "node_modules/.bin/bun",
    args: (file) => ["--preload=./test/run/bun_preload.ts", "test/run/child.ts", file],
    env: { DO_NOT_TRACK: "1" },
  },
};

/** Runs one file in a new process and returns its results; a crash or timeout adds a failed result. */
function runFile(runtime, file) {
  const { command, args, env } = RUNTIMES[runtime];
  return new Promise((resolve) => {
    const child = spawn(command, args(file), { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (text) => (stdout += text));
    child.stderr.setEncoding("utf8").on("data", (text) => (stderr += text));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, FILE_TIMEOUT_MS);
    const finish = (problem) => {
      clearTimeout(timer);
      const { results, output } = parseOutput(stdout);
      if (problem) results.push({ path: ["test process"], status: "failed", durationMs: 0, error: problem });
      resolve({ file, results, output: [output, stderr.trimEnd()].filter(Boolean).join("\n") });
    };
    child.on("error", (error) => finish(`could not start ${command}: ${error.message}`));
    child.on("close", (code, signal) => {
      const { results } = parseOutput(stdout);
      if (timedOut) finish(`timed out after ${FILE_TIMEOUT_MS / 60_000} minutes and was killed`);
      else if (code !== 0) finish(`exited with ${signal ? `signal ${signal}` : `status ${code}`}`);
      else if (results.length === 0) finish("exited without reporting any test");
      else finish();
    });
  });
}

/**
 * Runs the test files (all, or the ones named in `only`) in `runtime`,
 * prints every result, and returns the counts of passed, failed and
 * skipped tests.
 */
export async function runInRuntime(runtime, only = []) {
  const { run, skipped } = planFiles(runtime, only);
  const fileResults = skipped.map(({ file, reason }) => ({ file, results: [skippedFileResult(reason)], output: "" }));
  for (const entry of fileResults) printFileResults(entry.file, entry.results);

  const pending = [...run];
  const worker = async () => {
    for (let file = pending.shift(); file !== undefined; file = pending.shift()) {
      const entry = await runFile(runtime, file);
      printFileResults(entry.file, entry.results, entry.output);
      fileResults.push(entry);
    }
  };
  const workers = Math.max(1, Math.min(availableParallelism(), run.length));
  await Promise.all(Array.from({ length: workers }, worker));

  printFailures(runtime, fileResults);
  return countResults(fileResults.flatMap((entry) => entry.results));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [runtime, ...files] = process.argv.slice(2);
  if (!(runtime in RUNTIMES)) {
    console.error(`usage: node test/run/runtimes.mjs ${Object.keys(RUNTIMES).join("|")} [FILE...]`);
    process.exit(2);
  }
  const counts = await runInRuntime(runtime, files);
  console.log(`${runtime}: ${formatCounts(counts)}`);
  process.exit(counts.failed > 0 ? 1 : 0);
}
