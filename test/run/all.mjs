// The test command (`npm test`): builds dist/ if it is stale, then runs the
// whole suite in Node (vitest), Deno, Bun and headless Chromium in turn,
// prints per-runtime counts and times, and ends with one combined line
// "N passed, N failed, N skipped". Exits with status 1 if any test failed.
//
// Usage: node test/run/all.mjs [--runtimes=node,deno,bun,browser] [--summary-file=PATH] [FILE...]
//   --runtimes       the runtimes to run, comma-separated (default: all four)
//   --summary-file   also write the counts as JSON to PATH (.ci/run reads it)
//   FILE...          run only these test files
//
// Without /usr/bin/chromium the browser part is skipped with a hint, unless
// the environment variable CI is "true": then a missing Chromium counts as
// one failure.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runInBrowser } from "./browser.mjs";
import { formatCounts } from "./report.mjs";
import { runInRuntime } from "./runtimes.mjs";

const ALL_RUNTIMES = ["node", "deno", "bun", "browser"];

const { values: options, positionals: files } = parseArgs({
  options: {
    runtimes: { type: "string", default: ALL_RUNTIMES.join(",") },
    "summary-file": { type: "string" },
  },
  allowPositionals: true,
});

/** Runs a command with inherited output and resolves to its exit status. */
function run(command, args, env = process.env) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: "inherit", env });
    child.on("error", (error) => {
      console.error(`could not start ${command}: ${error.message}`);
      resolve(1);
    });
    child.on("close", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/**
 * Runs vitest with its verbose reporter, which prints every test, and the
 * reporter of vitest_counts.mjs, which writes the counts to a file. A failed
 * vitest run without any failed test still counts as one failure.
 */
async function runInNode(only) {
  const dir = mkdtempSync(join(tmpdir(), "flowguard-vitest-"));
  const countsPath = join(dir, "counts.json");
  try {
    const status = await run(
      process.execPath,
      ["node_modules/vitest/vitest.mjs", "run", "--reporter=verbose", "--reporter=./test/run/vitest_counts.mjs", ...only],
      { ...process.env, FLOWGUARD_VITEST_COUNTS: countsPath },
    );
    let counts;
    try {
      counts = JSON.parse(readFileSync(countsPath, "utf8"));
    } catch {
      console.log(`node: vitest exited with status ${status} and wrote no counts`);
      return { passed: 0, failed: 1, skipped: 0 };
    }
    if (status !== 0 && counts.failed === 0) {
      console.log(`node: vitest exited with status ${status} although no test failed`);
      counts.failed = 1;
    }
    return counts;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the Chromium part; a missing Chromium is a failure in CI and a hint elsewhere. */
async function runInChromium(only) {
  const counts = await runInBrowser(only);
  if (counts.missing && process.env.CI === "true") {
    console.log("browser: CI is true, so the missing Chromium counts as a failure");
    return { passed: 0, failed: 1, skipped: 0, missing: true };
  }
  return counts;
}

const RUNNERS = {
  node: runInNode,
  deno: (only) => runInRuntime("deno", only),
  bun: (only) => runInRuntime("bun", only),
  browser: runInChromium,
};

const selected = options.runtimes.split(",").filter(Boolean);
const unknown = selected.filter((name) => !(name in RUNNERS));
if (unknown.length > 0) {
  console.error(`--runtimes: unknown runtime ${unknown.map((name) => `"${name}"`).join(", ")}; expected some of ${ALL_RUNTIMES.join(", ")}`);
  process.exit(2);
}

const started = performance.now();
const rows = [];
const total = { passed: 0, failed: 0, skipped: 0 };
const add = (runtime, counts, seconds) => {
  rows.push({ runtime, ...counts, seconds });
  for (const key of Object.keys(total)) total[key] += counts[key];
};

const buildStart = performance.now();
const buildStatus = await run(process.execPath, ["build.mjs", "--if-stale"]);
const buildSeconds = (performance.now() - buildStart) / 1000;
if (buildStatus !== 0) {
  console.log(`\nbuild: node build.mjs --if-stale exited with status ${buildStatus}, so no test ran`);
  add("build", { passed: 0, failed: 1, skipped: 0 }, buildSeconds);
} else {
  console.log(`build: node build.mjs --if-stale finished in ${buildSeconds.toFixed(1)} s`);
  for (const runtime of selected) {
    console.log(`\n== ${runtime}`);
    const start = performance.now();
    const counts = await RUNNERS[runtime](files);
    const seconds = (performance.now() - start) / 1000;
    console.log(`${runtime}: ${formatCounts(counts)} in ${seconds.toFixed(1)} s`);
    add(runtime, counts, seconds);
  }
}
const totalSeconds = (performance.now() - started) / 1000;

console.log("\nruntime    passed  failed  skipped   time");
for (const row of rows) {
  const cells = [row.runtime.padEnd(8), String(row.passed).padStart(8), String(row.failed).padStart(7), String(row.skipped).padStart(8)];
  const note = row.missing ? "  (not run: no Chromium)" : "";
  console.log(`${cells.join(" ")} ${row.seconds.toFixed(1).padStart(6)} s${note}`);
}
console.log(`${"all".padEnd(8)} ${String(total.passed).padStart(8)} ${String(total.failed).padStart(7)} ${String(total.skipped).padStart(8)} ${totalSeconds.toFixed(1).padStart(6)} s`);

if (options["summary-file"]) {
  writeFileSync(options["summary-file"], `${JSON.stringify({ ...total, seconds: totalSeconds, runtimes: rows }, null, 2)}\n`);
}
console.log(formatCounts(total));
process.exit(total.failed > 0 ? 1 : 0);
