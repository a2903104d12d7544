/**
 * The experiment: the study's pipeline from files to report. Load each
 * side, map labels and keep the recipe's classes, apply the non-finite
 * policy, remove duplicates, split (when the recipe requests it), drop constant
 * and correlated features using the training side only, train each model
 * in the WebAssembly core and measure it on both sides.
 */
import { applyNonFinitePolicy, type ColumnFill, type NonFiniteColumnCounts } from "./clean.ts";
import { concatTables } from "./columns.ts";
import { readCsv, type CsvOptions } from "./csv.ts";
import { countRowsInOther, dropDuplicates, type DuplicateResult } from "./dedupe.ts";
import { applyLabels, classOf, countByClass, labelMapByName, type LabelAssignment } from "./labels.ts";
import type { ForestPool } from "./forest_pool.ts";
import type { ModelKind } from "./model.ts";
import { readParquet } from "./parquet.ts";
import type { ResolvedRecipe } from "./recipe.ts";
import type { ByteSource } from "./source.ts";
import { stratifiedSplit } from "./split.ts";
import type { FlowTable } from "./table.ts";
import type { ClassCounts, DroppedFeature, ExperimentReport, RowStep } from "./report_types.ts";
import { gatherMatrix, selectFeatures, trainModels, type ModelOptions } from "./train.ts";
import type { Core, Matrix } from "./wasm.ts";

/** Version written into reports. */
export const FLOWGUARD_VERSION = "0.1.0";

/** A progress event: a step started, advanced or finished. */
export interface ProgressEvent {
  step: string;
  message: string;
  /** Fraction done in [0, 1], when the step can tell. */
  fraction?: number;
  /** For a "load" step: the recipe path of the file being read. */
  file?: string;
  /** For a "load" step: the bytes of `file` read so far, as stored (compressed, for gzip), when the reader can tell. */
  bytes?: number;
}

/** Runtime services and caller choices that an experiment needs. */
export interface ExperimentOptions {
  core: Core;
  /** Opens a file named in the recipe. */
  open: (path: string) => ByteSource;
  /** Models to train, in report order; default all four. */
  models?: ModelKind[];
  /** Overrides the recipe's seed. */
  seed?: number;
  modelOptions?: ModelOptions;
  /** Workers for the random forest's trees (see forest_pool.ts); default: none, trees fit in this thread. */
  forestPool?: ForestPool;
  csv?: Pick<CsvOptions, "encoding" | "strict" | "pool">;
  /** Name of the runtime, written into the report. */
  runtime: string;
  onProgress?: (event: ProgressEvent) => void;
}

/**
 * The cleaned, filtered data a run trained on, in WebAssembly memory, for
 * export and reference runs; call `free` when done with it.
 */
export interface PreparedDataset {
  featureNames: string[];
  classNames: string[];
  train: { matrix: Matrix; classIndex: Int32Array };
  test: { matrix: Matrix; classIndex: Int32Array };
  free(): void;
}

export interface ExperimentResult {
  report: ExperimentReport;
  dataset: PreparedDataset;
}

/** Default models, in the order the study reports them. */
export const ALL_MODELS: ModelKind[] = ["gnb", "dt", "rf", "lr"];

/** Loads files into one table; parquet by the `.parquet` extension, CSV (plain or gzip) otherwise. */
async function loadSide(files: string[], options: ExperimentOptions, side: string): Promise<FlowTable> {
  const tables: FlowTable[] = [];
  for (const [i, file] of files.entries()) {
    const source = options.open(file);
    const message = `reading ${side} file ${i + 1} of ${files.length}: ${file}`;
    options.onProgress?.({ step: `load ${side}`, message, fraction: i / files.length });
    const table = file.toLowerCase().endsWith(".parquet")
      ? await readParquet(source)
      : await readCsv(source, {
          core: options.core,
          ...options.csv,
          onProgress: (bytes) => {
            const fraction = source.size ? Math.min(1, bytes / source.size) : undefined;
            options.onProgress?.({ step: `load ${side}`, message, fraction, file, bytes });
          },
          onSequential: (reason) => {
            options.onProgress?.({ step: `load ${side}`, message: `reading ${file} on one thread instead of in parallel: ${reason}` });
          },
        });
    tables.push(table);
  }
  return tables.length === 1 ? tables[0] : concatTables(tables);
}

/** Counts a table's rows per class name under the label map, kept or not. */
function loadedCounts(table: FlowTable, map: Record<string, string>): ClassCounts {
  const counts: ClassCounts = {};
  for (const source of table.sources) {
    for (const [label, rows] of source.rawLabels) {
      const name = classOf(map, label);
      counts[name] = (counts[name] ?? 0) + rows;
    }
  }
  return counts;
}

function step(name: string, counts: ClassCounts, removed?: Record<string, number>): RowStep {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return removed ? { step: name, counts, total, removed } : { step: name, counts, total };
}

/** State of one side after cleaning. */
interface CleanSide {
  table: FlowTable;
  labels: LabelAssignment;
  rows: Uint32Array;
  steps: RowStep[];
  nonFinite: Record<string, NonFiniteColumnCounts>;
  imputed: number;
  fills: Record<string, ColumnFill>;
  duplicates: DuplicateResult;
}

function cleanSide(table: FlowTable, recipe: ResolvedRecipe): CleanSide {
  const map = typeof recipe.labels === "string" ? labelMapByName(recipe.labels) : recipe.labels;
  const labels = applyLabels(table, map, recipe.classes);
  const steps: RowStep[] = [step("loaded", loadedCounts(table, map))];
  steps.push(step("label map and class filter", { ...labels.counts }, { "class not kept": labels.removed }));

  // NOTE: "impute" takes its fill values from all rows of the side, so with a
  // split recipe they include the rows later held out for testing.
  const finite = applyNonFinitePolicy(table, labels.rows, recipe.nonFinite);
  const afterFinite = countByClass(labels.classIndex, labels.classNames, finite.rows);
  steps.push(step("non-finite values", afterFinite, { [`non-finite feature (${recipe.nonFinite})`]: finite.removed }));

  const duplicates = dropDuplicates(finite.table, finite.rows, labels.classIndex, recipe.conflicts);
  const afterDuplicates = countByClass(labels.classIndex, labels.classNames, duplicates.rows);
  steps.push(
    step("duplicates", afterDuplicates, {
      "exact duplicate": duplicates.duplicates,
      [`label conflict (${recipe.conflicts})`]: duplicates.conflicts.removed,
    }),
  );
  return {
    table: finite.table,
    labels,
    rows: duplicates.rows,
    steps,
    nonFinite: finite.counts.columns,
    imputed: finite.imputed,
    fills: finite.fills,
    duplicates,
  };
}

/**
 * Throws when a side has nothing to learn from or measure: no rows at all,
 * or (training side) fewer than two classes with rows. The message names
 * the classes the recipe requested and the classes the files contain.
 */
function checkSide(side: CleanSide, recipe: ResolvedRecipe, name: "training" | "test"): void {
  const counts = side.steps.at(-1)!.counts;
  const present = Object.entries(counts).filter(([, rows]) => rows > 0).map(([cls]) => cls);
  const found = [...new Set(side.labels.mapping.map((m) => classOf(typeof recipe.labels === "string" ? labelMapByName(recipe.labels) : recipe.labels, m.rawLabel)))];
  const enough = name === "training" ? present.length >= 2 : present.length >= 1;
  if (enough) return;
  const files = name === "training" ? recipe.trainFiles : recipe.testFiles;
  throw new RangeError(
    `recipe: the ${name} side has rows of ${present.length === 0 ? "no class" : `only ${present.join(", ")}`} after cleaning ` +
      `(classes requested: ${recipe.classes.join(", ")}; classes in ${files.length === 1 ? files[0] : `its ${files.length} files`} ` +
      `under the "${typeof recipe.labels === "string" ? recipe.labels : "custom"}" label map: ${found.join(", ") || "none, the files have no rows"}); ` +
      `check the recipe's "classes" (names are case-sensitive) and its files`,
  );
}


/** Runs the experiment a resolved recipe describes and returns its report and the data it trained on. */
export async function runExperiment(recipe: ResolvedRecipe, options: ExperimentOptions): Promise<ExperimentResult> {
  const timings: Record<string, number> = {};
  const time = async <T>(name: string, work: () => T | Promise<T>): Promise<T> => {
    const start = performance.now();
    const result = await work();
    timings[name] = (performance.now() - start) / 1000;
    return result;
  };
  const seed = options.seed ?? recipe.seed;
  const models = options.models ?? ALL_MODELS;
  const progress = (stepName: string, message: string) => options.onProgress?.({ step: stepName, message });

  const trainTable = await time("load train", () => loadSide(recipe.trainFiles, options, "train"));
  const testTable =
    recipe.split === null ? await time("load test", () => loadSide(recipe.testFiles, options, "test")) : null;

  progress("clean", "mapping labels, applying the non-finite policy and removing duplicates");
  const train = await time("clean train", () => cleanSide(trainTable, recipe));
  const testClean = testTable ? await time("clean test", () => cleanSide(testTable, recipe)) : null;
  checkSide(train, recipe, "training");
  if (testClean) checkSide(testClean, recipe, "test");
  const classNames = train.labels.classNames;

  let trainRows = train.rows;
  let testRows: Uint32Array;
  let testSide: CleanSide;
  let trainSteps = train.steps;
  let testSteps: RowStep[];
  if (testClean === null) {
    const split = await time("split", () =>
      stratifiedSplit(train.labels.classIndex, train.rows, recipe.split!, seed, train.duplicates.conflictGroupOfRow),
    );
    trainRows = split.train;
    testRows = split.test;
    testSide = train;
    const splitName = `split ${Math.round((1 - recipe.split!) * 100)}/${Math.round(recipe.split! * 100)}`;
    testSteps = [step(`held out by ${splitName}`, countByClass(train.labels.classIndex, classNames, testRows))];
    trainSteps = [...train.steps, step(splitName, countByClass(train.labels.classIndex, classNames, trainRows))];
  } else {
    testSide = testClean;
    testRows = testClean.rows;
    testSteps = testClean.steps;
  }

  const overlap = countRowsInOther(train.table, trainRows, testSide.table, testRows);

  progress("features", "dropping constant and correlated features (training side)");
  const features = await time("feature selection", () =>
    selectFeatures(options.core, train.table, trainRows, testSide.table, recipe.correlationThreshold),
  );

  const trainClasses = gatherClasses(train.labels.classIndex, trainRows);
  const testClasses = gatherClasses(testSide.labels.classIndex, testRows);
  const trainMatrix = features.trainMatrix;
  const testMatrix = gatherMatrix(options.core, testSide.table, features.kept, testRows);

  const modelResults = await trainModels({
    core: options.core,
    models,
    seed,
    modelOptions: options.modelOptions,
    forestPool: options.forestPool,
    featureNames: features.kept,
    classNames,
    train: { matrix: trainMatrix, classIndex: trainClasses },
    test: { matrix: testMatrix, classIndex: testClasses },
    timings,
    onProgress: options.onProgress,
  });

  const dropped: DroppedFeature[] = [
    ...trainTable.droppedColumns.map((c) => ({ feature: c.name, reason: c.reason })),
    ...features.dropped,
  ];
  const inputs = [
    ...train.labels.mapping.map((m) => ({ side: "train" as const, ...m })),
    ...(testClean ? testClean.labels.mapping.map((m) => ({ side: "test" as const, ...m })) : []),
  ];
  const warnings = [...trainTable.warnings, ...(testTable?.warnings ?? [])];
  const nonFinite = { train: train.nonFinite, test: testClean?.nonFinite ?? {} };
  const notes: string[] = [];
  if (train.labels.missingClasses.length > 0) {
    notes.push(`classes with no training rows: ${train.labels.missingClasses.join(", ")}`);
  }
  const testCounts = testSteps.at(-1)!.counts;
  const untested = classNames.filter((name) => !(testCounts[name] > 0));
  if (untested.length > 0) {
    notes.push(`classes with no test rows, so their recall is undefined: ${untested.join(", ")}`);
  }
  if (overlap.testRowsEqualToTrainRows > 0.5 * testRows.length) {
    notes.push(
      `${overlap.testRowsEqualToTrainRows} of ${testRows.length} test rows equal a training row; ` +
        "the test figures then mostly measure memory, not detection (are the same files on both sides?)",
    );
  }
  if (recipe.nonFinite === "impute" && recipe.split !== null) {
    notes.push("non-finite values were imputed before the split, with fill values computed over training and test rows together");
  }

  const report: ExperimentReport = {
    flowguard: { version: FLOWGUARD_VERSION, runtime: options.runtime, workers: options.forestPool?.size ?? options.csv?.pool?.size ?? 1 },
    recipe: {
      name: recipe.name,
      description: recipe.description,
      seed,
      ...(recipe.split !== null ? { split: recipe.split } : {}),
      classes: classNames,
      labels: typeof recipe.labels === "string" ? recipe.labels : "custom",
      trainFiles: recipe.trainFiles,
      testFiles: recipe.testFiles,
      nonFinite: recipe.nonFinite,
      conflicts: recipe.conflicts,
      correlationThreshold: recipe.correlationThreshold,
    },
    inputs: groupInputs(inputs),
    rows: { train: trainSteps, test: testSteps },
    cleaning: {
      nonFinitePolicy: recipe.nonFinite,
      nonFinite,
      imputed: {
        values: train.imputed + (testClean?.imputed ?? 0),
        fills: { train: train.fills, test: testClean?.fills ?? {} },
      },
      duplicates: {
        removed: { train: train.duplicates.duplicates, test: testClean?.duplicates.duplicates ?? 0 },
        conflicts: { train: train.duplicates.conflicts.vectors, test: testClean?.duplicates.conflicts.vectors ?? 0 },
        conflictPolicy: recipe.conflicts,
      },
      testRowsEqualToTrainRows: overlap.testRowsEqualToTrainRows,
      skippedRows: {
        repeatedHeader: trainTable.skipped.repeatedHeader + (testTable?.skipped.repeatedHeader ?? 0),
        emptyRow: trainTable.skipped.emptyRow + (testTable?.skipped.emptyRow ?? 0),
      },
      warnings,
    },
    features: { kept: features.kept, dropped, threshold: recipe.correlationThreshold, summary: features.summary },
    models: modelResults,
    timings,
    notes,
  };
  return {
    report,
    dataset: {
      featureNames: features.kept,
      classNames,
      train: { matrix: trainMatrix, classIndex: trainClasses },
      test: { matrix: testMatrix, classIndex: testClasses },
      free() {
        trainMatrix.free();
        testMatrix.free();
      },
    },
  };
}

function gatherClasses(classIndex: Int32Array, rows: Uint32Array): Int32Array {
  const out = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = classIndex[rows[i]];
  return out;
}

/** Groups per-file label mappings into one entry per file. */
function groupInputs(
  mappings: { side: "train" | "test"; file: string; rawLabel: string; rows: number; class: string | null }[],
): ExperimentReport["inputs"] {
  const byFile = new Map<string, ExperimentReport["inputs"][number]>();
  for (const m of mappings) {
    const key = `${m.side}\u0000${m.file}`;
    let entry = byFile.get(key);
    if (!entry) {
      entry = { side: m.side, file: m.file, rows: 0, rawLabels: [] };
      byFile.set(key, entry);
    }
    entry.rows += m.rows;
    entry.rawLabels.push({ label: m.rawLabel, rows: m.rows, class: m.class });
  }
  return [...byFile.values()];
}
