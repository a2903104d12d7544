/**
 * Measures one thread's fit and walk of histogram trees on a split that
 * `npm run bench` prepared. The walk runs over three sets of rows: the test
 * rows as they are, 1,024 distinct test rows repeated (so the rows and most
 * visited nodes stay in cache), and one row repeated (one path per tree, so
 * its loads hit the cache). The gaps between the three show how much of a
 * walk's time goes to memory.
 *
 *   node bench/work/bundle/walk_probe.js --split bench/work/split-1650000 [--trees 16] [--wasm dist/flowguard.wasm]
 *
 * Prints seconds per tree for the fit and nanoseconds per row and tree for
 * each walk, with what that rate would give for the benchmark's prediction
 * step (every grown row, 100 trees, 2 workers) before the calls' own cost.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { RandomForestClassifier } from "../src/random_forest.ts";
import { Core, LabelVector, Matrix } from "../src/wasm.ts";
import type { PreparedMeta } from "./prepare.ts";
import { readClasses, readMatrix } from "./step_support.ts";

const DISTINCT_ROWS = 1024;
const BENCH_TREES = 100;
const BENCH_WORKERS = 2;

const { values } = parseArgs({
  options: {
    split: { type: "string" },
    trees: { type: "string", default: "16" },
    wasm: { type: "string", default: "dist/flowguard.wasm" },
  },
});
if (values.split === undefined) {
  throw new Error("walk_probe: --split is missing; give a folder that `npm run bench` prepared, such as bench/work/split-1650000");
}
const trees = Number(values.trees);
if (!Number.isInteger(trees) || trees < 1) throw new Error(`walk_probe: --trees ${values.trees} is invalid; give a whole number of 1 or more`);

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

const spacing = Math.max(1, Math.floor(xTest.rows / DISTINCT_ROWS));
const walks: [string, Matrix][] = [
  ["test rows", xTest],
  [`${DISTINCT_ROWS} distinct rows`, rowsFrom((i) => (i % DISTINCT_ROWS) * spacing % xTest.rows)],
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
