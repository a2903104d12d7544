/**
 * flowguard's library API, independent of the runtime: the experiment, the
 * four estimators, the CSV and parquet loaders, recipes and the report
 * renderers. Loading the WebAssembly core and opening files is the
 * runtime's part. The entries in runtimes/ add a `loadCore` and a
 * `fileSource` for each runtime, and this module only offers
 * `Core.create(module)` for a module compiled by the caller.
 *
 * @example
 * // wasmBytes is dist/flowguard.wasm and csvBytes a CICFlowMeter CSV file, both as Uint8Array.
 * const core = await Core.create(await WebAssembly.compile(wasmBytes)); // for runExperiment and the estimators
 * const table = await readCsv(bytesSource("flows.csv", csvBytes));
 * table.rowCount; // rows read, before any cleaning
 */

// The experiment and what it returns.
export {
  ALL_MODELS,
  FLOWGUARD_VERSION,
  runExperiment,
  type ExperimentOptions,
  type ExperimentResult,
  type PreparedDataset,
  type ProgressEvent,
} from "./experiment.ts";
export { exportDatasetCsv } from "./export.ts";
export type { ModelOptions } from "./train.ts";

// Recipes.
export {
  BUILT_IN_RECIPES,
  builtInRecipe,
  expandPatterns,
  matchesPattern,
  resolveRecipe,
  resolveStudyRecipe,
  validateRecipe,
  type Recipe,
  type RecipeFileSystem,
  type ResolvedRecipe,
} from "./recipe.ts";
export { STUDY_FIGURES } from "./study.ts";

// Loaders and byte sources.
export { blobSource, bytesSource, maybeDecompress, urlSource, type ByteSource, type SourceHandle } from "./source.ts";
export { readCsv, type CsvOptions, type ReadPool } from "./csv.ts";
export {
  readParquet,
  setParquetWasmLoader,
  type ParquetOptions,
  type ParquetProgress,
  type ParquetWasmInput,
  type ParquetWasmLoader,
} from "./parquet.ts";
export type { FlowTable, TableSource } from "./table.ts";

// Estimators and the WebAssembly core they run on.
export { Core, LabelVector, Matrix } from "./wasm.ts";
export type { Classifier, ModelKind } from "./model.ts";
export { GaussianNB, type GaussianNBOptions } from "./gaussian_nb.ts";
export { DecisionTreeClassifier, type DecisionTreeOptions } from "./decision_tree.ts";
export { RandomForestClassifier, type RandomForestOptions } from "./random_forest.ts";
export type { ForestPool, ForestPoolOptions } from "./forest_pool.ts";
export { KEEP_PREDICTION_WORKERS_MS } from "./forest_pool.ts";
export { LogisticRegression, type LogisticRegressionOptions } from "./logistic_regression.ts";

// Reports.
export { reportJson, reportMarkdown, reportTerminal, type TerminalOptions } from "./report.ts";
export type { ClassMetrics, ExperimentReport, ModelResult, SideMetrics } from "./report_types.ts";
