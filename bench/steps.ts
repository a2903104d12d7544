/**
 * flowguard's side of the benchmark: one function per timed step. The
 * driver (bench/run.mjs) runs each step in a fresh Node process, so the
 * peak resident set size that the process reports at the end belongs to
 * that step alone, as on the Python side.
 *
 * Model steps read the split that prepare.ts wrote straight into
 * WebAssembly memory and time only the fit (or the prediction). Each run
 * fits a new model. The bins of the histogram splitter are freed between
 * runs, so every run pays for binning as a first fit does.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync } from "node:fs";
import { releaseBinned } from "../src/binning.ts";
import { correlationMatrix } from "../src/correlation.ts";
import { readCsv } from "../src/csv.ts";
import { DecisionTreeClassifier } from "../src/decision_tree.ts";
import { GaussianNB } from "../src/gaussian_nb.ts";
import { LogisticRegression } from "../src/logistic_regression.ts";
import { RandomForestClassifier } from "../src/random_forest.ts";
import { Core, LabelVector, Matrix } from "../src/wasm.ts";
import { fileSource } from "../runtimes/node/files.ts";
import { nodeForestPool } from "../runtimes/node/forest_pool.ts";
import { cleanTable, type PreparedMeta } from "./prepare.ts";

/** Inputs of a step process. */
export interface StepContext {
  core: Core;
  module: WebAssembly.Module;
  /** Folder with the files prepare.ts wrote. */
  splitDir: string;
  meta: PreparedMeta;
  runs: number;
  trees: number;
  seed: number;
  /** Worker threads of the forest pool; 0 fits the forest on the calling thread. */
  workers: number;
  /** The bundled forest worker script. */
  forestWorker: URL;
  /** Training rows given to ml.js, which cannot handle the full split in time. */
  mljsRows: number;
  /** L-BFGS iteration limit of the logistic regression, the same on both sides. */
  lrMaxIter: number;
}

/** One timed line of the results: a tool doing a step, with every run's seconds. */
export interface StepEntry {
  step: string;
  tool: string;
  /** Wall-clock seconds of each run. */
  seconds: number[];
  /** Free-form facts shown beside the time: splitter, accuracy, rows, iterations. */
  details: Record<string, string | number | boolean>;
}

/** Result of a step process: its entries or the reason it skipped, and its peak memory. */
export interface StepOutput {
  entries: StepEntry[];
  skipped?: string;
  /** Peak resident set size of the process (getrusage ru_maxrss), bytes. */
  peakRssBytes: number;
  /** Size of the WebAssembly linear memory at the end; it never shrinks, so this is its peak. */
  wasmBytes: number;
}

type StepFunction = (context: StepContext) => Promise<StepEntry[]>;

/** Runs `work` once per run, with a garbage collection before each when Node runs with --expose-gc; returns seconds per run. */
async function timeRuns(runs: number, work: (run: number) => unknown): Promise<number[]> {
  const seconds: number[] = [];
  for (let run = 0; run < runs; run++) {
    (globalThis as { gc?: () => void }).gc?.();
    const start = performance.now();
    await work(run);
    seconds.push((performance.now() - start) / 1000);
  }
  return seconds;
}

/** Reads a column-major float32 file straight into a new matrix in linear memory. */
function readMatrix(core: Core, path: string, rows: number, cols: number): Matrix {
  const matrix = Matrix.allocate(core, rows, cols);
  const bytes = rows * cols * 4;
  const target = new Uint8Array(core.exports.memory.buffer, matrix.ptr, bytes);
  const fd = openSync(path, "r");
  try {
    let offset = 0;
    while (offset < bytes) {
      const read = readSync(fd, target, offset, Math.min(bytes - offset, 1 << 28), offset);
      if (read === 0) throw new Error(`bench: ${path} ended after ${offset} bytes, expected ${bytes}; run the preparation again`);
      offset += read;
    }
  } finally {
    closeSync(fd);
  }
  return matrix;
}

function readClasses(path: string): Int32Array {
  const bytes = readFileSync(path);
  return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4).slice();
}

/** The prepared training and test sides in linear memory. */
interface LoadedSplit {
  xTrain: Matrix;
  yTrain: LabelVector;
  xTest: Matrix;
  yTrainIndex: Int32Array;
  yTest: Int32Array;
}

function loadSplit(context: StepContext): LoadedSplit {
  const { core, splitDir, meta } = context;
  const cols = meta.featureNames.length;
  const yTrainIndex = readClasses(`${splitDir}/y_train.i32`);
  return {
    xTrain: readMatrix(core, `${splitDir}/x_train.f32`, meta.rows.train, cols),
    xTest: readMatrix(core, `${splitDir}/x_test.f32`, meta.rows.test, cols),
    yTrain: LabelVector.upload(core, yTrainIndex, meta.classNames.length),
    yTrainIndex,
    yTest: readClasses(`${splitDir}/y_test.i32`),
  };
}

function accuracy(predicted: Int32Array, expected: Int32Array): number {
  let correct = 0;
  for (let i = 0; i < expected.length; i++) if (predicted[i] === expected[i]) correct++;
  return correct / expected.length;
}

function roundAccuracy(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}

const readStep: StepFunction = async ({ meta, runs }) => {
  let rows = 0;
  const seconds = await timeRuns(runs, async () => {
    rows = (await readCsv(fileSource(meta.csvPath))).rowCount;
  });
  return [{ step: "read", tool: "flowguard readCsv", seconds, details: { rows } }];
};

const cleanStep: StepFunction = async ({ meta, runs }) => {
  let rows = 0;
  const seconds = await timeRuns(runs, async () => {
    const cleaned = cleanTable(await readCsv(fileSource(meta.csvPath)));
    rows = cleaned.duplicates.rows.length;
  });
  return [{ step: "clean", tool: "flowguard readCsv + labels + non-finite + dropDuplicates", seconds, details: { "rows kept": rows } }];
};

const correlationStep: StepFunction = async ({ core, splitDir, meta, runs }) => {
  const x = readMatrix(core, `${splitDir}/corr_train.f32`, meta.rows.train, meta.correlationFeatureNames.length);
  const seconds = await timeRuns(runs, () => correlationMatrix(core, x));
  return [{ step: "corr", tool: "flowguard correlationMatrix", seconds, details: { features: x.cols } }];
};

const gaussianNBStep: StepFunction = async (context) => {
  const split = loadSplit(context);
  let model: GaussianNB | undefined;
  const seconds = await timeRuns(context.runs, () => {
    model?.dispose();
    model = new GaussianNB(context.core).fit(split.xTrain, split.yTrain);
  });
  const testAccuracy = roundAccuracy(accuracy(model!.predict(split.xTest), split.yTest));
  return [{ step: "gnb", tool: "flowguard GaussianNB", seconds, details: { "test accuracy": testAccuracy } }];
};

function treeStep(splitter: "exact" | "histogram"): StepFunction {
  return async (context) => {
    const split = loadSplit(context);
    let tree: DecisionTreeClassifier | undefined;
    const seconds = await timeRuns(context.runs, () => {
      tree?.dispose();
      releaseBinned(split.xTrain);
      tree = new DecisionTreeClassifier(context.core, { splitter, seed: context.seed }).fit(split.xTrain, split.yTrain);
    });
    const details = {
      splitter: tree!.splitterUsed!,
      nodes: tree!.nodeCount,
      depth: tree!.depth,
      "test accuracy": roundAccuracy(accuracy(tree!.predict(split.xTest), split.yTest)),
    };
    return [{ step: "dt", tool: `flowguard DecisionTreeClassifier (${splitter})`, seconds, details }];
  };
}

const forestStep: StepFunction = async (context) => {
  const split = loadSplit(context);
  const pool = context.workers > 0 ? nodeForestPool(context.module, context.forestWorker, context.workers) : undefined;
  let forest: RandomForestClassifier | undefined;
  const predictSeconds: number[] = [];
  let testAccuracy = 0;
  const fitSeconds = await timeRuns(context.runs, async () => {
    forest?.dispose();
    releaseBinned(split.xTrain);
    forest = new RandomForestClassifier(context.core, { trees: context.trees, splitter: "histogram", seed: context.seed });
    if (pool) await forest.fitAsync(split.xTrain, split.yTrain, pool);
    else forest.fit(split.xTrain, split.yTrain);
  });
  for (let run = 0; run < context.runs; run++) {
    (globalThis as { gc?: () => void }).gc?.();
    const start = performance.now();
    forest!.predict(split.xTrain);
    const testPredicted = forest!.predict(split.xTest);
    predictSeconds.push((performance.now() - start) / 1000);
    testAccuracy = accuracy(testPredicted, split.yTest);
  }
  const threads = pool ? `${context.workers} worker threads` : "1 thread";
  const fitDetails = { trees: context.trees, splitter: forest!.splitterUsed!, "test accuracy": roundAccuracy(testAccuracy) };
  return [
    { step: "rf-fit", tool: `flowguard RandomForestClassifier (${forest!.splitterUsed}, ${threads})`, seconds: fitSeconds, details: fitDetails },
    // predict always runs on the calling thread; the pool only fits.
    { step: "rf-predict", tool: "flowguard RandomForestClassifier.predict (1 thread)", seconds: predictSeconds, details: { rows: split.xTrain.rows + split.xTest.rows } },
  ];
};

const logisticStep: StepFunction = async (context) => {
  const split = loadSplit(context);
  let model: LogisticRegression | undefined;
  const seconds = await timeRuns(context.runs, () => {
    model?.dispose();
    model = new LogisticRegression(context.core, { maxIter: context.lrMaxIter }).fit(split.xTrain, split.yTrain);
  });
  const details = {
    iterations: model!.nIter,
    "max |gradient| / rows <= 1e-8": model!.converged,
    "test accuracy": roundAccuracy(accuracy(model!.predict(split.xTest), split.yTest)),
  };
  return [{ step: "lr", tool: "flowguard LogisticRegression", seconds, details }];
};

/** Copies the first `rows` rows of a column-major matrix into row arrays, the input ml.js takes. */
function rowArrays(x: Matrix, rows: number): number[][] {
  const columns = Array.from({ length: x.cols }, (_, j) => x.column(j));
  return Array.from({ length: rows }, (_, i) => columns.map((column) => column[i]));
}

/** Copies the first `rows` rows of a matrix into a new matrix, for flowguard's share of an ml.js comparison. */
function headMatrix(core: Core, x: Matrix, rows: number): Matrix {
  return Matrix.upload(core, Array.from({ length: x.cols }, (_, j) => x.column(j).slice(0, rows)), rows);
}

/**
 * Imports an optional ml.js package. The bundle marks it external, so it
 * resolves from the repository's node_modules when installed.
 */
async function importOptional(name: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await import(name)) as Record<string, unknown>;
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_MODULE_NOT_FOUND") return undefined;
    throw error;
  }
}

// NOTE: the ml.js steps follow the documented API of ml-cart 2.1.1 and
// ml-random-forest 2.1.0 but have not run here, because neither package is
// installed in this repository.
function mljsStep(kind: "dt" | "rf"): StepFunction {
  return async (context) => {
    const packageName = kind === "dt" ? "ml-cart" : "ml-random-forest";
    const loaded = await importOptional(packageName);
    if (!loaded) throw new SkipStep(`${packageName} is not installed (npm install --save-dev ${packageName})`);
    const split = loadSplit(context);
    const rows = Math.min(context.mljsRows, split.xTrain.rows);
    const xRows = rowArrays(split.xTrain, rows);
    const y = Array.from(split.yTrainIndex.subarray(0, rows));
    const testRows = rowArrays(split.xTest, split.xTest.rows);
    const xHead = headMatrix(context.core, split.xTrain, rows);
    const yHead = LabelVector.upload(context.core, split.yTrainIndex.slice(0, rows), context.meta.classNames.length);

    const entries: StepEntry[] = [];
    // Only one run: ml.js is bounded by the driver's time limit, not repeated.
    if (kind === "dt") {
      const Classifier = loaded.DecisionTreeClassifier as new (options: object) => { train(x: number[][], y: number[]): void; predict(x: number[][]): number[] };
      let model: InstanceType<typeof Classifier> | undefined;
      const seconds = await timeRuns(1, () => {
        model = new Classifier({ gainFunction: "gini" });
        model.train(xRows, y);
      });
      const mljsAccuracy = accuracy(Int32Array.from(model!.predict(testRows)), split.yTest);
      entries.push({ step: "mljs-dt", tool: "ml-cart DecisionTreeClassifier", seconds, details: { "training rows": rows, "test accuracy": roundAccuracy(mljsAccuracy) } });
      const flowguardSeconds = await timeRuns(1, () => new DecisionTreeClassifier(context.core, { splitter: "exact", seed: context.seed }).fit(xHead, yHead).dispose());
      entries.push({ step: "mljs-dt", tool: "flowguard DecisionTreeClassifier (exact)", seconds: flowguardSeconds, details: { "training rows": rows } });
    } else {
      const Classifier = loaded.RandomForestClassifier as new (options: object) => { train(x: number[][], y: number[]): void; predict(x: number[][]): number[] };
      let model: InstanceType<typeof Classifier> | undefined;
      const seconds = await timeRuns(1, () => {
        model = new Classifier({ nEstimators: context.trees, seed: context.seed, noOOB: true, maxFeatures: 1.0, replacement: false });
        model.train(xRows, y);
      });
      const mljsAccuracy = accuracy(Int32Array.from(model!.predict(testRows)), split.yTest);
      entries.push({ step: "mljs-rf", tool: "ml-random-forest RandomForestClassifier", seconds, details: { "training rows": rows, trees: context.trees, "test accuracy": roundAccuracy(mljsAccuracy) } });
      const flowguardSeconds = await timeRuns(1, () =>
        new RandomForestClassifier(context.core, { trees: context.trees, splitter: "exact", seed: context.seed }).fit(xHead, yHead).dispose(),
      );
      entries.push({ step: "mljs-rf", tool: "flowguard RandomForestClassifier (exact, 1 thread)", seconds: flowguardSeconds, details: { "training rows": rows, trees: context.trees } });
    }
    return entries;
  };
}

/** Error of a step that cannot run here, with the reason as its message. */
export class SkipStep extends Error {}

/** flowguard's steps by the name the driver passes. */
export const STEPS: Record<string, StepFunction> = {
  read: readStep,
  clean: cleanStep,
  corr: correlationStep,
  gnb: gaussianNBStep,
  "dt-exact": treeStep("exact"),
  "dt-histogram": treeStep("histogram"),
  rf: forestStep,
  lr: logisticStep,
  "mljs-dt": mljsStep("dt"),
  "mljs-rf": mljsStep("rf"),
};

/** Runs one step and returns its entries with the process's peak memory. */
export async function runStep(name: string, context: StepContext): Promise<StepOutput> {
  const step = STEPS[name];
  if (!step) throw new RangeError(`bench: unknown step "${name}"; expected one of ${Object.keys(STEPS).join(", ")}`);
  let entries: StepEntry[] = [];
  let skipped: string | undefined;
  try {
    entries = await step(context);
  } catch (error) {
    if (!(error instanceof SkipStep)) throw error;
    skipped = error.message;
  }
  return {
    entries,
    ...(skipped ? { skipped } : {}),
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    wasmBytes: context.core.exports.memory.buffer.byteLength,
  };
}

/** Returns whether the files of a prepared split are present in `splitDir`. */
export function splitExists(splitDir: string): boolean {
  return ["meta.json", "x_train.f32", "y_train.i32", "x_test.f32", "y_test.i32", "corr_train.f32"].every((name) =>
    existsSync(`${splitDir}/${name}`),
  );
}
