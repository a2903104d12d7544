/**
 * The ml.js steps: ml-cart's decision tree on the first `mljsRows` training
 * rows and ml-random-forest's forest on the first half of those, each
 * beside flowguard on the same rows. The driver stops the process after a time limit, so one run
 * is timed, not several.
 */
import { DecisionTreeClassifier } from "../src/decision_tree.ts";
import { RandomForestClassifier } from "../src/random_forest.ts";
import { LabelVector, Matrix, type Core } from "../src/wasm.ts";
import { accuracy, loadSplit, roundAccuracy, SkipStep, timeRuns, type StepEntry, type StepFunction } from "./step_support.ts";

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

/**
 * Training rows of an ml.js step: `mljsRows` for the tree, half of it for
 * the forest, whose 100 trees take about as long at half the rows.
 */
export function mljsTrainingRows(kind: "dt" | "rf", mljsRows: number, available: number): number {
  return Math.min(kind === "dt" ? mljsRows : Math.floor(mljsRows / 2), available);
}

/**
 * ml-cart 2.1.1 and ml-random-forest 2.1.0 are devDependencies. ml.js's
 * forest draws one feature subset per tree, not per split as scikit-learn
 * and flowguard do. The step therefore gives each tree every feature
 * (maxFeatures 1.0, without replacement) and bags the rows, the nearest
 * setting it offers.
 */
export function mljsStep(kind: "dt" | "rf"): StepFunction {
  return async (context) => {
    const packageName = kind === "dt" ? "ml-cart" : "ml-random-forest";
    const loaded = await importOptional(packageName);
    if (!loaded) throw new SkipStep(`${packageName} is not installed (npm install --save-dev ${packageName})`);
    const split = loadSplit(context);
    const rows = mljsTrainingRows(kind, context.mljsRows, split.xTrain.rows);
    const xRows = rowArrays(split.xTrain, rows);
    const y = Array.from(split.yTrainIndex.subarray(0, rows));
    const testRows = rowArrays(split.xTest, split.xTest.rows);
    const xHead = headMatrix(context.core, split.xTrain, rows);
    const yHead = LabelVector.upload(context.core, split.yTrainIndex.slice(0, rows), context.meta.classNames.length);

    const entries: StepEntry[] = [];
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
