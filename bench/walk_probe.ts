/**
 * Measures one thread's fit and walk of histogram trees on a split that
 * `npm run bench` prepared. The walk runs over three sets of rows. The first
 * is the test rows as they are. The second repeats 1,024 distinct test rows
 * (all the test rows on a smaller split), so the rows and most visited
 * nodes stay in cache. The third repeats one row, so each tree has one path
 * and its loads hit the cache. The gaps between the three show how much of a
 * walk's time goes to memory.
 *
 *   node bench/work/bundle/walk_probe.js --split bench/work/split-1650000 [--trees 16]
 *
 * Prints seconds per tree for the fit and nanoseconds per row and tree for
 * each walk. Each walk line ends with an estimate: what that rate would give
 * for the benchmark's prediction step (every row of the split, 100 trees, 2
 * workers, every tree walked), before the calls' own cost. See USAGE below.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { RandomForestClassifier } from "../src/random_forest.ts";
import { Core, LabelVector, Matrix } from "../src/wasm.ts";
import type { PreparedMeta } from "./prepare.ts";
import { readClasses, readMatrix } from "./step_support.ts";

const DISTINCT_ROWS = 1024;
const BENCH_TREES = 100;
const BENCH_WORKERS = 2;

const USAGE = `usage: node bench/work/bundle/walk_probe.js --split DIR [--trees N] [--wasm FILE]

Run it from the repository root, after \`npm run bench\` has prepared a split:
the split of an N-row run is bench/work/split-N, for example
bench/work/split-1650000 after the default run. Timings mean little on small
splits. --trees sets the trees fitted (default 16), and --wasm the core
(default dist/flowguard.wasm).`;

/** Prints `message` and the usage to stderr and exits with status 1. */
function fail(message: string): never {
  console.error(`walk_probe: ${message}\n\n${USAGE}`);
  process.exit(1);
}

let values: { split?: string; trees: string; wasm: string; help?: boolean };
try {
  values = parseArgs({
    options: {
      split: { type: "string" },
      trees: { type: "string", default: "16" },
      wasm: { type: "string", default: "dist/flowguard.wasm" },
      help: { type: "boolean" },
    },
  }).values as typeof values;
} catch (error) {
  fail((error as Error).message);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (values.split === undefined) fail("--split is missing");
const trees = Number(values.trees);
if (!Number.isInteger(trees) || trees < 1) fail(`--trees ${values.trees} is invalid; give a whole number of 1 or more`);
if (!existsSync(join(values.split, "meta.json"))) {
  const parent = dirname(values.split);
  const prepared = existsSync(parent) ? readdirSync(parent).filter((name) => name.startsWith("split-")) : [];
  const found = prepared.length > 0 ? ` Prepared splits in ${parent}: ${prepared.join(", ")}.` : "";
  fail(`${values.split} is not a prepared split (no meta.json). Run \`npm run bench -- --rows N\` to prepare bench/work/split-N.${found}`);
}
if (!existsSync(values.wasm)) fail(`the core ${values.wasm} was not found; run this from the repository root after \`npm run build\`, or pass --wasm FILE`);

const dir = values.split;
const meta = JSON.parse(readFileSync(`${dir}/meta.json`, "utf8")) as PreparedMeta;
const core = await Core.create(await WebAssembly.compile(readFileSync(values.wasm)));
const cols = meta.featureNames.length;
const xTrain = readMatrix(core, `${dir}/x_train.f32`, meta.rows.train, cols);
const xTest = readMatrix(core, `${dir}/x_test.f32`, meta.rows.test, cols);
const y = LabelVector.upload(core, readClasses(`${dir}/y_train.i32`), meta.classNames.length);

let started = performance.now();
const forest = new RandomForestClassifier(core, { trees, seed: 0, splitter: "histogram" }).fit(xTrain, y);
const fitSeconds = (performance.now() - started) / 1000;
console.log(`fit: ${trees} trees on ${meta.rows.train} rows in one thread, ${(fitSeconds / trees).toFixed(3)} s per tree (binning included)`);
const pathOrderFrom = core.exports.forestPathOrderMinTrees();
console.log(
  trees >= pathOrderFrom
    ? `walk order: path order of the first tree (${pathOrderFrom} trees or more)`
    : `walk order: file order (path order from ${pathOrderFrom} trees)`,
);

/** Returns a copy of the test rows in which row i is test row `pick(i)` (the matrix is column-major). */
function rowsFrom(pick: (row: number) => number): Matrix {
  const n = xTest.rows;
  const copy = Matrix.allocate(core, n, cols);
  const source = core.f32(xTest.ptr, n * cols);
  const target = core.f32(copy.ptr, n * cols);
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < n; i++) target[j * n + i] = source[j * n + pick(i)];
  }
  return copy;
}

const distinct = Math.min(DISTINCT_ROWS, xTest.rows);
const spacing = Math.floor(xTest.rows / distinct);
const walks: [string, Matrix][] = [
  ["test rows", xTest],
  [`${distinct} distinct rows`, rowsFrom((i) => (i % distinct) * spacing)],
  ["one row", rowsFrom(() => 0)],
];
// The first prediction also builds each tree's prediction form.
forest.predictProba(xTest);
const benchRowTrees = (meta.rows.train + meta.rows.test) * BENCH_TREES / BENCH_WORKERS;
for (const [name, rows] of walks) {
  started = performance.now();
  forest.predictProba(rows);
  const nanoseconds = ((performance.now() - started) * 1e6) / (rows.rows * trees);
  const implied = (nanoseconds * benchRowTrees) / 1e9;
  console.log(`walk, ${name}: ${nanoseconds.toFixed(1)} ns per row and tree, ${implied.toFixed(2)} s for the benchmark's prediction`);
}
