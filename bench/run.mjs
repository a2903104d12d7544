// Benchmark driver: `npm run bench -- [options]` (see HELP). It grows the
// shipped sample to a timing-only CSV and prepares one split with
// flowguard. Then it runs every step of flowguard and of the reference
// tools in fresh processes, and flowguard's steps once more in headless
// Chromium (bench/chromium.mjs). It prints each result and writes a
// results page (bench/RESULTS.md by default). Nothing here asserts on time.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { freemem, loadavg } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import * as esbuild from "esbuild";
import { prepareChromiumLeg, runChromiumSteps } from "./chromium.mjs";
import { collectMachine, formatStepLines, label, writeResults } from "./results.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const HELP = `Usage: npm run bench -- [options]

Times flowguard beside pandas, numpy and scikit-learn on one grown,
timing-only copy of the shipped CIC-DDoS2019 sample.

Options:
  --rows N          data rows of the grown CSV; default 1650000
  --runs R          timed runs per step (the median is reported); default 3
  --trees T         trees of both random forests; default 100
  --growth          run at each --growth-rows count and add a growth table;
                    --rows is then ignored
  --growth-rows L   comma-separated row counts of --growth; default
                    100000,400000,1650000,6600000 (counts of 6600000 and more
                    get 1 run)
  --steps LIST      comma-separated steps to run, from read, clean, corr, gnb,
                    dt, rf, lr, mljs and browser; default all. browser runs
                    flowguard's side of the other listed steps in headless
                    Chromium (dt with the histogram splitter only), or of
                    every step when no other listed step has a Chromium side
  --seed S          seed of the split and the tree models; default 0
  --workers W       worker threads of flowguard's forest, Web Workers in Chromium
                    (0: calling thread); default 2
  --mljs-rows M     training rows given to ml.js; default 20000
  --mljs-timeout S  seconds after which an ml.js step is stopped; default 60
  --lr-max-iter I   L-BFGS iteration limit of both logistic regressions; default
                    100 (scikit-learn's default; flowguard's own default is 1000)
  --browser-timeout S
                    seconds a Chromium step may take before it is stopped and
                    reported as failed; default 3600
  --work DIR        folder for the grown files, the split and the bundles; default bench/work
  --out FILE        results page to write; default bench/RESULTS.md
  --python FILE     Python with scikit-learn; default $PYTHON or /usr/bin/python3
  --references-max-rows N
                    skip the Python references at row counts above N (at
                    6,600,000 rows their forest alone would take an
                    estimated 25 minutes on 2 cores); default: no limit
  --help            show this help
`;

/**
 * Steps in the order they run: the Node, Python and Chromium step names of
 * each. The "browser" step runs the Chromium names of the other selected
 * steps, after all of them.
 */
const PLAN = [
  { id: "read", node: ["read"], python: ["read-pandas", "read-pandas-features"], chromium: ["read"] },
  { id: "clean", node: ["clean"], python: ["clean-pandas"], chromium: ["clean"] },
  { id: "corr", node: ["corr"], python: ["corr-numpy", "corr-pandas"], chromium: ["corr"] },
  { id: "gnb", node: ["gnb"], python: ["gnb"], chromium: ["gnb"] },
  { id: "dt", node: ["dt-exact", "dt-histogram"], python: ["dt"], chromium: ["dt-histogram"] },
  { id: "rf", node: ["rf"], python: ["rf"], chromium: ["rf"] },
  { id: "lr", node: ["lr"], python: ["lr"], chromium: ["lr"] },
  { id: "mljs", node: ["mljs-dt", "mljs-rf"], python: [], chromium: [], bounded: true },
  { id: "browser", node: [], python: [], chromium: [] },
];

/** Row counts of --growth by default. */
const GROWTH_ROWS = "100000,400000,1650000,6600000";

/**
 * Peak memory of pandas reading every column, as a multiple of the CSV's
 * size: 1,131 MiB for the 262 MB file of 400,000 rows on this benchmark's
 * first runs (4.5), rounded up. Used to skip that step where it would not fit.
 */
const PANDAS_MEMORY_PER_CSV_BYTE = 5;

/** Python steps that read every column with pandas. */
const PANDAS_FULL_READS = ["read-pandas", "clean-pandas"];

/** Row count from which a size gets a single run, because the references take hours there at 3 runs. */
const SINGLE_RUN_ROWS = 6_600_000;

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      rows: { type: "string", default: "1650000" },
      runs: { type: "string", default: "3" },
      trees: { type: "string", default: "100" },
      growth: { type: "boolean", default: false },
      "growth-rows": { type: "string", default: GROWTH_ROWS },
      steps: { type: "string" },
      seed: { type: "string", default: "0" },
      workers: { type: "string", default: "2" },
      "mljs-rows": { type: "string", default: "20000" },
      "mljs-timeout": { type: "string", default: "60" },
      "lr-max-iter": { type: "string", default: "100" },
      "browser-timeout": { type: "string", default: "3600" },
      work: { type: "string", default: join(ROOT, "bench", "work") },
      out: { type: "string", default: join(ROOT, "bench", "RESULTS.md") },
      python: { type: "string", default: process.env.PYTHON ?? "/usr/bin/python3" },
      "references-max-rows": { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const count = (name, min) => {
    const value = Number(values[name]);
    if (!Number.isSafeInteger(value) || value < min) {
      throw new RangeError(`bench: invalid --${name} ${values[name]}; expected an integer of at least ${min}`);
    }
    return value;
  };
  const growthRows = values["growth-rows"].split(",").map((text) => {
    const rows = Number(text.trim());
    if (!Number.isSafeInteger(rows) || rows < 10) throw new RangeError(`bench: invalid row count "${text}" in --growth-rows; expected integers of at least 10`);
    return rows;
  });
  const known = PLAN.map((step) => step.id);
  const steps = values.steps ? values.steps.split(",").map((s) => s.trim()) : known;
  for (const step of steps) {
    if (!known.includes(step)) throw new RangeError(`bench: unknown step "${step}" in --steps; expected some of ${known.join(", ")}`);
  }
  return {
    rows: count("rows", 10),
    runs: count("runs", 1),
    trees: count("trees", 1),
    growth: values.growth,
    growthRows: growthRows.sort((a, b) => a - b),
    steps,
    seed: count("seed", 0),
    workers: count("workers", 0),
    mljsRows: count("mljs-rows", 10),
    mljsTimeoutSeconds: count("mljs-timeout", 1),
    lrMaxIter: count("lr-max-iter", 1),
    browserTimeoutSeconds: count("browser-timeout", 1),
    work: resolve(values.work),
    out: resolve(values.out),
    python: values.python,
    referencesMaxRows: values["references-max-rows"] === undefined ? Infinity : count("references-max-rows", 1),
  };
}

/** Prints one line; every line carries the timing-only label. */
function say(text) {
  process.stdout.write(`${label()} ${text}\n`);
}

/** Runs a command to completion and prints its output with the label in front of every line; returns the spawnSync result. */
function run(command, args, timeoutSeconds) {
  const result = spawnSync(command, args, {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
    maxBuffer: 64 << 20,
    ...(timeoutSeconds ? { timeout: timeoutSeconds * 1000, killSignal: "SIGKILL" } : {}),
  });
  for (const line of `${result.stdout ?? ""}${result.stderr ?? ""}`.split("\n")) {
    if (line.trim() !== "") process.stderr.write(`${label()}   ${line}\n`);
  }
  return result;
}

/**
 * Runs a task that writes a JSON result file; returns the parsed result, or
 * an error text that names the task by `description`.
 */
function runTask({ command, args, resultPath, description, timeoutSeconds }) {
  rmSync(resultPath, { force: true });
  const result = run(command, [...args, "--result", resultPath], timeoutSeconds);
  if (result.error?.code === "ETIMEDOUT" || (result.signal === "SIGKILL" && timeoutSeconds)) {
    return { error: `timed out after ${timeoutSeconds} s`, timedOut: true };
  }
  if (result.error) return { error: `${description}: could not start ${command}: ${result.error.message}` };
  if (result.status !== 0 || !existsSync(resultPath)) {
    return { error: `${description} failed with exit status ${result.status ?? result.signal}; its output is printed above` };
  }
  return { value: JSON.parse(readFileSync(resultPath, "utf8")) };
}

async function bundle(bundleDir) {
  await esbuild.build({
    entryPoints: {
      node_main: join(ROOT, "bench", "node_main.ts"),
      forest_worker: join(ROOT, "runtimes", "node", "forest_worker.ts"),
      walk_probe: join(ROOT, "bench", "walk_probe.ts"),
    },
    outdir: bundleDir,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "es2022",
    external: ["ml-cart", "ml-random-forest"],
    logLevel: "warning",
  });
}

/** Returns the Python versions, or undefined with the reason printed when the reference tools cannot run. */
function pythonVersions(options) {
  const outcome = runTask({
    command: options.python,
    args: [join(ROOT, "bench", "reference.py"), "versions"],
    resultPath: join(options.work, "versions.json"),
    description: "reference.py versions",
  });
  if (outcome.error) {
    say(`skipping every Python reference: ${options.python} with numpy, pandas and scikit-learn is not usable (${outcome.error}); set --python or PYTHON`);
    return undefined;
  }
  return outcome.value;
}

/** Returns the Chromium step names of the selected steps, or every Chromium step name when no selected step has one. */
function chromiumStepNames(steps) {
  const selected = PLAN.filter((step) => steps.includes(step.id)).flatMap((step) => step.chromium);
  return selected.length > 0 ? selected : PLAN.flatMap((step) => step.chromium);
}

/** Grows the file, prepares the split and runs every selected step at one row count; returns the results of that size. */
async function benchmarkSize(options, context, rows, runs) {
  const resultPath = join(options.work, "result.json");
  const wasm = join(ROOT, "dist", "flowguard.wasm");
  const nodeTask = (args, description, timeoutSeconds) =>
    runTask({
      command: process.execPath,
      args: ["--expose-gc", "--max-old-space-size=16384", join(context.bundleDir, "node_main.js"), ...args],
      resultPath,
      description,
      timeoutSeconds,
    });
  const common = ["--runs", String(runs), "--trees", String(options.trees), "--seed", String(options.seed), "--lr-max-iter", String(options.lrMaxIter)];

  say(`${rows.toLocaleString("en-US")} rows: growing the sample (written once, reused afterwards)`);
  const sampleDir = join(ROOT, "data", "sample", "01-12");
  const grown = nodeTask(["grow", "--sample", sampleDir, "--work", options.work, "--rows", String(rows)], "growing the sample");
  if (grown.error) throw new Error(`bench: ${grown.error}`);
  say(`${grown.value.written ? "wrote" : "reused"} ${relative(ROOT, grown.value.csvPath)} (see ${relative(ROOT, grown.value.readmePath)})`);

  const splitDir = join(options.work, `split-${rows}`);
  say(`${rows.toLocaleString("en-US")} rows: preparing the split with flowguard (load, clean, 80/20 split, feature filter)`);
  const prepared = nodeTask(["prepare", "--csv", grown.value.csvPath, "--split", splitDir, "--seed", String(options.seed), "--wasm", wasm], "preparing the split");
  if (prepared.error) throw new Error(`bench: ${prepared.error}`);
  const meta = prepared.value;
  say(`split: ${meta.rows.train.toLocaleString("en-US")} training and ${meta.rows.test.toLocaleString("en-US")} test rows, ${meta.featureNames.length} of ${meta.allFeatureNames.length} features kept`);

  const processes = [];
  for (const step of PLAN.filter((s) => options.steps.includes(s.id))) {
    if (step.id === "browser") {
      const names = chromiumStepNames(options.steps);
      if (!context.chromium.missing) say(`${rows.toLocaleString("en-US")} rows: running ${names.join(", ")} in headless Chromium, one page per step`);
      const nodeEntries = processes.flatMap((p) => p.entries);
      const onRecord = (record) => {
        for (const line of formatStepLines([record], nodeEntries)) say(line);
      };
      const stepOptions = { ...options, runs };
      const csvPath = grown.value.csvPath;
      processes.push(...(await runChromiumSteps({ leg: context.chromium, names, work: options.work, csvPath, splitDir, options: stepOptions, onRecord })));
      continue;
    }
    for (const name of step.node) {
      const args = ["step", name, "--split", splitDir, ...common, "--workers", String(options.workers), "--mljs-rows", String(options.mljsRows), "--wasm", wasm];
      const timeout = step.bounded ? options.mljsTimeoutSeconds : undefined;
      const outcome = nodeTask(args, `flowguard step ${name}`, timeout);
      processes.push(finishProcess(step.id, `flowguard ${name}`, outcome, rows, options));
    }
    for (const name of step.python) {
      if (!context.python) {
        processes.push({ group: step.id, name: `Python ${name}`, skipped: "no usable Python with scikit-learn", entries: [] });
        continue;
      }
      if (rows > options.referencesMaxRows) {
        const skipped = `skipped above ${options.referencesMaxRows.toLocaleString("en-US")} rows (--references-max-rows)`;
        processes.push({ group: step.id, name: `Python ${name}`, skipped, entries: [] });
        continue;
      }
      const memoryNeeded = PANDAS_MEMORY_PER_CSV_BYTE * statSync(grown.value.csvPath).size;
      if (PANDAS_FULL_READS.includes(name) && memoryNeeded > freemem()) {
        const gib = (bytes) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
        const skipped = `needs an estimated ${gib(memoryNeeded)} (${PANDAS_MEMORY_PER_CSV_BYTE} times the CSV size) but only ${gib(freemem())} is free`;
        processes.push({ group: step.id, name: `Python ${name}`, skipped, entries: [] });
        continue;
      }
      const args = [join(ROOT, "bench", "reference.py"), name, "--split", splitDir, ...common];
      const outcome = runTask({ command: options.python, args, resultPath, description: `reference.py ${name}` });
      processes.push(finishProcess(step.id, `Python ${name}`, outcome, rows, options));
    }
    for (const line of formatStepLines(processes.filter((p) => p.group === step.id))) say(line);
  }
  return { rows, runs, meta, grown: grown.value, processes };
}

/** Turns one process's outcome into its entries with memory attached, or a skip or failure note. */
function finishProcess(group, name, outcome, rows, options) {
  if (outcome.timedOut) {
    // The ml.js forest gets half of --mljs-rows (see bench/mljs_steps.ts).
    const mljsRows = name.endsWith("mljs-rf") ? Math.floor(options.mljsRows / 2) : options.mljsRows;
    return { group, name, skipped: `${outcome.error} on ${Math.min(mljsRows, rows).toLocaleString("en-US")} training rows`, entries: [] };
  }
  if (outcome.error) return { group, name, failed: outcome.error, entries: [] };
  const { entries, skipped, peakRssBytes, wasmBytes } = outcome.value;
  return {
    group,
    name,
    ...(skipped ? { skipped } : {}),
    // The WebAssembly memory is flowguard's, so only flowguard's entries of a Node process get it.
    entries: entries.map((entry) => ({
      ...entry,
      peakRssBytes,
      ...(wasmBytes !== undefined && entry.tool.startsWith("flowguard") ? { wasmBytes } : {}),
    })),
  };
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  mkdirSync(options.work, { recursive: true });
  const started = new Date();
  const machineAtStart = collectMachine(ROOT);

  say("building flowguard (node build.mjs --if-stale) and bundling the benchmark");
  const build = run(process.execPath, ["build.mjs", "--if-stale"]);
  if (build.status !== 0) throw new Error(`bench: node build.mjs --if-stale failed with exit status ${build.status}`);
  const bundleDir = join(options.work, "bundle");
  await bundle(bundleDir);
  const chromium = options.steps.includes("browser") ? await prepareChromiumLeg(ROOT, bundleDir) : undefined;
  const context = { bundleDir, python: pythonVersions(options), chromium };

  const sizes = options.growth
    ? options.growthRows.map((rows) => ({ rows, runs: rows >= SINGLE_RUN_ROWS ? 1 : options.runs }))
    : [{ rows: options.rows, runs: options.runs }];
  const results = [];
  for (const size of sizes) results.push(await benchmarkSize(options, context, size.rows, size.runs));

  const machine = { ...machineAtStart, loadAtEnd: loadavg(), python: context.python, chromium: chromium?.version };
  writeResults(options.out, { options, started, machine, results, command: process.argv.slice(2) });
  say(`wrote ${relative(process.cwd(), options.out) || options.out}`);

  const failed = results.flatMap((r) => r.processes).filter((p) => p.failed);
  if (failed.length > 0) {
    say(`${failed.length} step process(es) failed: ${failed.map((p) => p.name).join(", ")}`);
    process.exitCode = 1;
  }
}

try {
  await main();
} catch (error) {
  process.stderr.write(`${label()} ${error.message}\n`);
  process.exitCode = 1;
}
