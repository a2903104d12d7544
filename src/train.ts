/**
 * Feature selection and model training for an experiment. The training
 * rows are gathered straight into WebAssembly memory once; constant columns
 * (max == min) and correlated columns (absolute Pearson r above the
 * threshold, scanning in column order) are then removed inside that same
 * block, and every model trains on it.
 */
import { columnStats, correlationMatrix, filterCorrelated, findConstantColumns } from "./correlation.ts";
import { DecisionTreeClassifier, type DecisionTreeOptions } from "./decision_tree.ts";
import { GaussianNB, type GaussianNBOptions } from "./gaussian_nb.ts";
import { LogisticRegression, type LogisticRegressionOptions } from "./logistic_regression.ts";
import { confusionMatrix, sideMetrics } from "./metrics.ts";
import type { Classifier, ModelKind } from "./model.ts";
import { RandomForestClassifier, type RandomForestOptions } from "./random_forest.ts";
import type { DroppedFeature, FeatureSummary, ModelResult } from "./report_types.ts";
import { releaseBinned } from "./binning.ts";
import type { ForestPool } from "./forest_pool.ts";
import type { FlowTable } from "./table.ts";
import { LabelVector, Matrix, type Core } from "./wasm.ts";
import type { ProgressEvent } from "./experiment.ts";

/** Options per model kind; a seed given to the experiment overrides the trees' `seed`. */
export interface ModelOptions {
  gnb?: GaussianNBOptions;
  dt?: DecisionTreeOptions;
  rf?: Omit<RandomForestOptions, "onProgress">;
  lr?: LogisticRegressionOptions;
}

/** Display names of the models, as the study names them. */
export const MODEL_NAMES: Record<ModelKind, string> = {
  gnb: "Gaussian naive Bayes",
  dt: "Decision tree",
  rf: "Random forest",
  lr: "Logistic regression",
};

/** Result of `selectFeatures`. */
export interface FeatureSelection {
  kept: string[];
  dropped: DroppedFeature[];
  /** Statistics of every feature present on both sides, over the training rows. */
  summary: Record<string, FeatureSummary>;
  /** Training rows of the kept features, column-major in WebAssembly memory. */
  trainMatrix: Matrix;
}

/** Copies `rows` of the named columns of `table` into a new matrix in linear memory. */
export function gatherMatrix(core: Core, table: FlowTable, names: readonly string[], rows: Uint32Array): Matrix {
  const matrix = Matrix.allocate(core, rows.length, names.length);
  names.forEach((name, j) => {
    const source = table.columns[table.featureNames.indexOf(name)];
    const target = matrix.column(j);
    for (let i = 0; i < rows.length; i++) target[i] = source[rows[i]];
  });
  return matrix;
}

/**
 * Chooses the features to train on, from the training rows only: features
 * present on both sides, minus constant columns, minus every later feature
 * whose |r| with a kept earlier feature exceeds `threshold`.
 */
export function selectFeatures(
  core: Core,
  train: FlowTable,
  trainRows: Uint32Array,
  test: FlowTable,
  threshold: number,
): FeatureSelection {
  const dropped: DroppedFeature[] = [];
  const common = train.featureNames.filter((name) => test === train || test.featureNames.includes(name));
  for (const name of train.featureNames) {
    if (!common.includes(name)) dropped.push({ feature: name, reason: "missing-in-some-files" });
  }
  for (const name of test.featureNames) {
    if (!train.featureNames.includes(name)) dropped.push({ feature: name, reason: "missing-in-some-files" });
  }

  let matrix = gatherMatrix(core, train, common, trainRows);
  const summary: Record<string, FeatureSummary> = {};
  columnStats(core, matrix).forEach((s, j) => {
    summary[common[j]] = { min: s.min, max: s.max, mean: s.mean, std: Math.sqrt(s.variance) };
  });
  const constants = findConstantColumns(matrix);
  const constantIndex = new Set(constants.map((c) => c.index));
  for (const c of constants) dropped.push({ feature: common[c.index], reason: "constant", value: c.value });
  const varying = common.map((_, j) => j).filter((j) => !constantIndex.has(j));
  matrix = matrix.keepColumns(varying);
  const varyingNames = varying.map((j) => common[j]);

  const r = correlationMatrix(core, matrix);
  const filter = filterCorrelated(varyingNames, r, threshold);
  for (const d of filter.dropped) dropped.push({ feature: d.feature, reason: "correlated", partner: d.partner, r: d.r });
  matrix = matrix.keepColumns(filter.keptIndices);
  return { kept: filter.kept, dropped, summary, trainMatrix: matrix };
}

/** Inputs of `trainModels`. */
export interface TrainingRun {
  core: Core;
  models: ModelKind[];
  seed: number;
  modelOptions?: ModelOptions;
  featureNames: string[];
  classNames: string[];
  train: { matrix: Matrix; classIndex: Int32Array };
  test: { matrix: Matrix; classIndex: Int32Array };
  /** Workers for the random forest's trees; without one, trees are fitted in this thread. */
  forestPool?: ForestPool;
  /** Seconds per step; fit times are added as "fit <kind>" and "predict <kind>". */
  timings: Record<string, number>;
  onProgress?: (event: ProgressEvent) => void;
}

/** Creates the model of `kind` with the run's options and seed. */
export function createModel(core: Core, kind: ModelKind, run: Pick<TrainingRun, "seed" | "modelOptions" | "onProgress">): Classifier {
  const options = run.modelOptions ?? {};
  switch (kind) {
    case "gnb":
      return new GaussianNB(core, options.gnb);
    case "dt":
      return new DecisionTreeClassifier(core, { ...options.dt, seed: options.dt?.seed ?? run.seed });
    case "rf":
      return new RandomForestClassifier(core, {
        ...options.rf,
        seed: options.rf?.seed ?? run.seed,
        onProgress: (done, total) =>
          run.onProgress?.({ step: "fit rf", message: `random forest: ${done} of ${total} trees`, fraction: done / total }),
      });
    case "lr":
      return new LogisticRegression(core, options.lr);
  }
}

/** Options a fitted model ran with, for the report; "auto" splitters are shown as the one used. */
function optionsOf(model: Classifier): Record<string, unknown> {
  const fitted = model as unknown as { options?: Record<string, unknown>; splitterUsed?: string };
  const options = fitted.options ? { ...fitted.options } : {};
  if (fitted.splitterUsed) options.splitter = fitted.splitterUsed;
  return options;
}

/** Trains each model on the training matrix and measures it on both sides. */
export async function trainModels(run: TrainingRun): Promise<ModelResult[]> {
  const { core, classNames, featureNames } = run;
  const k = classNames.length;
  const trainLabels = LabelVector.upload(core, run.train.classIndex, k);
  const results: ModelResult[] = [];
  try {
    for (const kind of run.models) {
      run.onProgress?.({ step: `fit ${kind}`, message: `training ${MODEL_NAMES[kind]}` });
      const model = createModel(core, kind, run);
      const fitStart = performance.now();
      if (model instanceof RandomForestClassifier && run.forestPool) {
        await model.fitAsync(run.train.matrix, trainLabels, run.forestPool);
      } else {
        model.fit(run.train.matrix, trainLabels);
      }
      const fitSeconds = (performance.now() - fitStart) / 1000;
      run.timings[`fit ${kind}`] = fitSeconds;

      run.onProgress?.({ step: `predict ${kind}`, message: `measuring ${MODEL_NAMES[kind]}` });
      const predictStart = performance.now();
      const pool = model instanceof RandomForestClassifier ? run.forestPool : undefined;
      const trainPredicted = pool ? await (model as RandomForestClassifier).predictAsync(run.train.matrix, pool) : model.predict(run.train.matrix);
      const testPredicted = pool ? await (model as RandomForestClassifier).predictAsync(run.test.matrix, pool) : model.predict(run.test.matrix);
      run.timings[`predict ${kind}`] = (performance.now() - predictStart) / 1000;

      const result: ModelResult = {
        kind,
        name: MODEL_NAMES[kind],
        options: optionsOf(model),
        fitSeconds,
        train: { ...sideMetrics(confusionMatrix(run.train.classIndex, trainPredicted, k), classNames) },
        test: { ...sideMetrics(confusionMatrix(run.test.classIndex, testPredicted, k), classNames) },
      };
      if (model.featureImportances) {
        result.importances = featureNames
          .map((feature, j) => ({ feature, importance: model.featureImportances![j] }))
          .sort((a, b) => b.importance - a.importance || a.feature.localeCompare(b.feature));
      }
      results.push(result);
      model.dispose();
    }
  } finally {
    trainLabels.free();
    releaseBinned(run.train.matrix);
  }
  return results;
}
