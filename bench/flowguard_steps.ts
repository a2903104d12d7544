/**
 * flowguard's timed steps, written once for every runtime the benchmark
 * measures. bench/steps.ts runs them in Node and bench/browser_main.ts in
 * headless Chromium. Each runtime supplies a `StepRuntime` that opens the
 * CSV, reads the split files and starts forest workers. Nothing here may
 * import a Node module, because the page bundle includes this file.
 *
 * Model steps read the split that prepare.ts wrote straight into
 * WebAssembly memory and time only the fit (or the prediction). Each run
 * fits a new model. The bins of the histogram splitter are freed between
 * runs, so every run pays for binning as a first fit does.
 */
import { releaseBinned } from "../src/binning.ts";
import { correlationMatrix } from "../src/correlation.ts";
import { readCsv } from "../src/csv.ts";
import { DecisionTreeClassifier } from "../src/decision_tree.ts";
import type { ForestPool } from "../src/forest_pool.ts";
import { GaussianNB } from "../src/gaussian_nb.ts";
import { LogisticRegression } from "../src/logistic_regression.ts";
import { PARALLEL_PREDICT_ROWS, RandomForestClassifier } from "../src/random_forest.ts";
import type { ByteSource } from "../src/source.ts";
import { LabelVector, type Core, type Matrix } from "../src/wasm.ts";
import { cleanTable } from "./clean_table.ts";
import type { PreparedMeta } from "./prepare.ts";
import { accuracy, roundAccuracy, timeRuns, type LoadedSplit, type StepEntry } from "./step_common.ts";

/** Name of a runtime that runs the steps, as the tool names show it. */
export type RuntimeName = "Node" | "Chromium";

/** The runtime-specific input and output of the steps. */
export interface StepRuntime {
  name: RuntimeName;
  /** Returns a source over the grown CSV. */
  csvSource(): ByteSource;
  /** Origin of csvSource's bytes, named in the read steps' results when it is not the local file system: "picked file" or "HTTP" in Chromium. */
  csvFrom?: string;
  /** Reads the column-major float32 file `file` of the split straight into a new matrix. */
  readMatrix(file: string, rows: number, cols: number): Promise<Matrix>;
  /** Reads the int32 class-index file `file` of the split. */
  readClasses(file: string): Promise<Int32Array>;
  /** Returns a pool of `size` forest workers (worker threads in Node, Web Workers in Chromium). */
  forestPool(size: number): ForestPool;
}

/** Inputs of one step, the same in every runtime. */
export interface FlowguardStepContext {
  core: Core;
  meta: PreparedMeta;
  runs: number;
  trees: number;
  seed: number;
  /** Forest workers; 0 fits and predicts the forest on the calling thread. */
  workers: number;
  /** L-BFGS iteration limit of the logistic regression, the same as scikit-learn's. */
  lrMaxIter: number;
  runtime: StepRuntime;
}

/** A flowguard step: runs its timed work and returns the entries it measured. */
export type FlowguardStep = (context: FlowguardStepContext) => Promise<StepEntry[]>;

/**
 * Returns a tool name: "flowguard API (variant)" in Node, as results before
 * the Chromium step named them, and "flowguard in Chromium (API, variant)"
 * in Chromium.
 */
function toolName(runtime: RuntimeName, api: string, variant?: string): string {
  if (runtime === "Chromium") return `flowguard in Chromium (${variant ? `${api}, ${variant}` : api})`;
  return variant ? `flowguard ${api} (${variant})` : `flowguard ${api}`;
}

/**
 * Builds an entry named for the context's runtime. A Chromium entry also
 * gets the name of its Node counterpart, which the results divide it by.
 * `variant` returns the bracketed part of the name for a runtime.
 */
function entry(
  context: FlowguardStepContext,
  fields: { step: string; api: string; variant?: (runtime: RuntimeName) => string; seconds: number[]; details: StepEntry["details"] },
): StepEntry {
  const { step, api, variant, seconds, details } = fields;
  const runtime = context.runtime.name;
  const tool = toolName(runtime, api, variant?.(runtime));
  if (runtime === "Node") return { step, tool, seconds, details };
  return { step, tool, seconds, details, runtime, nodeTool: toolName("Node", api, variant?.("Node")) };
}

/** Describes a pool of `count` forest workers: "2 worker threads" in Node, "2 Web Workers" in Chromium. */
function workersText(runtime: RuntimeName, count: number): string {
  const noun = runtime === "Chromium" ? "Web Worker" : "worker thread";
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** Reads the prepared training and test sides into linear memory. */
async function readSplit(context: FlowguardStepContext): Promise<LoadedSplit> {
  const { core, meta, runtime } = context;
  const cols = meta.featureNames.length;
  const yTrainIndex = await runtime.readClasses("y_train.i32");
  return {
    xTrain: await runtime.readMatrix("x_train.f32", meta.rows.train, cols),
    xTest: await runtime.readMatrix("x_test.f32", meta.rows.test, cols),
    yTrain: LabelVector.upload(core, yTrainIndex, meta.classNames.length),
    yTrainIndex,
    yTest: await runtime.readClasses("y_test.i32"),
  };
}

/** Returns the workers that read the CSV in byte ranges (none with 0 or 1 worker) and how the results name them. */
function readPool(context: FlowguardStepContext): { pool?: ForestPool; variant: (runtime: RuntimeName) => string } {
  const from = context.runtime.csvFrom;
  const withFrom = (runtime: RuntimeName, text: string) => (runtime === context.runtime.name && from ? `${text}, ${from}` : text);
  if (context.workers < 2) return { variant: (runtime) => withFrom(runtime, "1 thread") };
  return { pool: context.runtime.forestPool(context.workers), variant: (runtime) => withFrom(runtime, workersText(runtime, context.workers)) };
}

const readStep: FlowguardStep = async (context) => {
  const { pool, variant } = readPool(context);
  let rows = 0;
  const seconds = await timeRuns(context.runs, async () => {
    rows = (await readCsv(context.runtime.csvSource(), { pool, core: context.core, minParallelBytes: 0, onSequential: sequentialRead })).rowCount;
  });
  return [entry(context, { step: "read", api: "readCsv", variant, seconds, details: { rows } })];
};

const cleanStep: FlowguardStep = async (context) => {
  const { pool, variant } = readPool(context);
  let rows = 0;
  const seconds = await timeRuns(context.runs, async () => {
    const cleaned = cleanTable(await readCsv(context.runtime.csvSource(), { pool, core: context.core, minParallelBytes: 0, onSequential: sequentialRead }));
    rows = cleaned.duplicates.rows.length;
  });
  return [entry(context, { step: "clean", api: "readCsv + labels + non-finite + dropDuplicates", variant, seconds, details: { "rows kept": rows } })];
};

/** Rejects a one-thread read: a grown file always splits, and the step's name states the worker count. */
function sequentialRead(reason: string): never {
  throw new Error(`bench: the grown CSV was read on one thread instead of in parallel: ${reason}`);
}

const correlationStep: FlowguardStep = async (context) => {
  const { core, meta, runtime } = context;
  const x = await runtime.readMatrix("corr_train.f32", meta.rows.train, meta.correlationFeatureNames.length);
  const seconds = await timeRuns(context.runs, () => correlationMatrix(core, x));
  return [entry(context, { step: "corr", api: "correlationMatrix", seconds, details: { features: x.cols } })];
};

const gaussianNBStep: FlowguardStep = async (context) => {
  const split = await readSplit(context);
  let model: GaussianNB | undefined;
  const seconds = await timeRuns(context.runs, () => {
    model?.dispose();
    model = new GaussianNB(context.core).fit(split.xTrain, split.yTrain);
  });
  const testAccuracy = roundAccuracy(accuracy(model!.predict(split.xTest), split.yTest));
  return [entry(context, { step: "gnb", api: "GaussianNB", seconds, details: { "test accuracy": testAccuracy } })];
};

function treeStep(splitter: "exact" | "histogram"): FlowguardStep {
  return async (context) => {
    const split = await readSplit(context);
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
    return [entry(context, { step: "dt", api: "DecisionTreeClassifier", variant: () => splitter, seconds, details })];
  };
}

const forestStep: FlowguardStep = async (context) => {
  const split = await readSplit(context);
  const pool = context.workers > 0 ? context.runtime.forestPool(context.workers) : undefined;
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
    // Each run starts its workers: the test rows reuse those of the training rows, and no more.
    pool?.close();
    (globalThis as { gc?: () => void }).gc?.();
    const start = performance.now();
    const testPredicted = pool
      ? (await forest!.predictAsync(split.xTrain, pool), await forest!.predictAsync(split.xTest, pool))
      : (forest!.predict(split.xTrain), forest!.predict(split.xTest));
    predictSeconds.push((performance.now() - start) / 1000);
    testAccuracy = accuracy(testPredicted, split.yTest);
  }
  const splitter = forest!.splitterUsed!;
  const fitDetails = { trees: context.trees, splitter, "test accuracy": roundAccuracy(testAccuracy) };
  return [
    entry(context, {
      step: "rf-fit",
      api: "RandomForestClassifier",
      variant: (runtime) => `${splitter}, ${pool ? workersText(runtime, context.workers) : "1 thread"}`,
      seconds: fitSeconds,
      details: fitDetails,
    }),
    entry(context, {
      step: "rf-predict",
      api: "RandomForestClassifier.predict",
      variant: (runtime) => predictThreads(runtime, context.workers, split),
      seconds: predictSeconds,
      details: { rows: split.xTrain.rows + split.xTest.rows },
    }),
  ];
};

/**
 * Describes the threads of the forest's prediction. predictAsync uses a
 * worker per PARALLEL_PREDICT_ROWS rows, up to the pool's size, and the
 * calling thread when that comes to one worker or none.
 */
function predictThreads(runtime: RuntimeName, workers: number, split: LoadedSplit): string {
  const describe = (rows: number) => {
    const used = Math.min(workers, Math.floor(rows / PARALLEL_PREDICT_ROWS));
    return used > 1 ? workersText(runtime, used) : "1 thread";
  };
  const train = describe(split.xTrain.rows);
  const test = describe(split.xTest.rows);
  if (train === test) return train === "1 thread" ? train : `${train}, started per run and kept from the training rows for the test rows`;
  return `${train} for the training rows, ${test} for the test rows`;
}

const logisticStep: FlowguardStep = async (context) => {
  const split = await readSplit(context);
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
  return [entry(context, { step: "lr", api: "LogisticRegression", seconds, details })];
};

/** flowguard's steps by the name the driver passes. */
export const FLOWGUARD_STEPS: Record<string, FlowguardStep> = {
  read: readStep,
  clean: cleanStep,
  corr: correlationStep,
  gnb: gaussianNBStep,
  "dt-exact": treeStep("exact"),
  "dt-histogram": treeStep("histogram"),
  rf: forestStep,
  lr: logisticStep,
};
