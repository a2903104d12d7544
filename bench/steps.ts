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
import { releaseBinned } from "../src/binning.ts";
import { correlationMatrix } from "../src/correlation.ts";
import { readCsv } from "../src/csv.ts";
import { DecisionTreeClassifier } from "../src/decision_tree.ts";
import { GaussianNB } from "../src/gaussian_nb.ts";
import { LogisticRegression } from "../src/logistic_regression.ts";
import { PARALLEL_PREDICT_ROWS, RandomForestClassifier } from "../src/random_forest.ts";
import { fileSource } from "../runtimes/node/files.ts";
import { nodeForestPool } from "../runtimes/node/forest_pool.ts";
import { mljsStep } from "./mljs_steps.ts";
import { cleanTable } from "./prepare.ts";
import {
  accuracy,
  loadSplit,
  readMatrix,
  roundAccuracy,
  SkipStep,
  timeRuns,
  type LoadedSplit,
  type StepContext,
  type StepEntry,
  type StepFunction,
  type StepOutput,
} from "./step_support.ts";

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
    const testPredicted = pool
      ? (await forest!.predictAsync(split.xTrain, pool), await forest!.predictAsync(split.xTest, pool))
      : (forest!.predict(split.xTrain), forest!.predict(split.xTest));
    predictSeconds.push((performance.now() - start) / 1000);
    testAccuracy = accuracy(testPredicted, split.yTest);
  }
  const threads = pool ? `${context.workers} worker threads` : "1 thread";
  const fitDetails = { trees: context.trees, splitter: forest!.splitterUsed!, "test accuracy": roundAccuracy(testAccuracy) };
  return [
    { step: "rf-fit", tool: `flowguard RandomForestClassifier (${forest!.splitterUsed}, ${threads})`, seconds: fitSeconds, details: fitDetails },
    { step: "rf-predict", tool: `flowguard RandomForestClassifier.predict (${predictThreads(context.workers, split)})`, seconds: predictSeconds, details: { rows: split.xTrain.rows + split.xTest.rows } },
  ];
};

/** How the forest's prediction ran: predictAsync uses a worker per PARALLEL_PREDICT_ROWS rows, up to the pool's size. */
function predictThreads(workers: number, split: LoadedSplit): string {
  const describe = (rows: number) => {
    const used = Math.min(workers, Math.floor(rows / PARALLEL_PREDICT_ROWS));
    return used > 1 ? `${used} worker threads` : "1 thread";
  };
  const train = describe(split.xTrain.rows);
  const test = describe(split.xTest.rows);
  return train === test ? train : `${train} for the training rows, ${test} for the test rows`;
}

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
