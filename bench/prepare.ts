/**
 * The benchmark's data preparation, run once per benchmark run: load the
 * grown file with flowguard, clean it the way the study does, split it 80/20
 * with flowguard's stratified split and choose the features with
 * flowguard's constant and correlation filter. The result is written as raw
 * little-endian files that both sides of the benchmark read without parsing
 * text, so the model timings do not include CSV costs:
 *
 * - `x_train.f32`, `x_test.f32`: kept features, float32, column-major
 *   (feature j of row i at element j * rows + i), as flowguard's Matrix;
 * - `y_train.i32`, `y_test.i32`: class indices, int32;
 * - `corr_train.f32`: the training rows of every non-constant feature,
 *   column-major, which is the input of the correlation filter;
 * - `meta.json`: shapes, names, row counts per cleaning stage (`PreparedMeta`).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { findConstantColumns } from "../src/correlation.ts";
import { readCsv } from "../src/csv.ts";
import { labelMapByName } from "../src/labels.ts";
import { stratifiedSplit } from "../src/split.ts";
import type { FlowTable } from "../src/table.ts";
import { gatherMatrix, selectFeatures } from "../src/train.ts";
import type { Core, Matrix } from "../src/wasm.ts";
import { fileSource } from "../runtimes/node/files.ts";
import { cleanTable } from "./clean_table.ts";

/** Share of the cleaned rows that go to the test side, as in the study's dataset 1. */
export const TEST_FRACTION = 0.2;

/** The study's correlation threshold. */
export const CORRELATION_THRESHOLD = 0.97;

/** Shapes, names and row counts of a prepared split, as written to meta.json. */
export interface PreparedMeta {
  csvPath: string;
  seed: number;
  classNames: string[];
  /** The study's label map (raw label to class name), for the pandas cleaning step. */
  labelMap: Record<string, string>;
  /** Every feature column of the file, in file order. */
  allFeatureNames: string[];
  /** Columns flowguard does not load as features (identifiers), canonical names. */
  droppedColumns: string[];
  /** Non-constant features of the training rows: the columns of corr_train.f32. */
  correlationFeatureNames: string[];
  /** Features kept after the correlation filter: the columns of x_train.f32 and x_test.f32. */
  featureNames: string[];
  rows: {
    file: number;
    afterLabels: number;
    afterNonFinite: number;
    afterDuplicates: number;
    train: number;
    test: number;
  };
  /** Rows removed as exact duplicates (features and class equal to an earlier row). */
  duplicates: number;
}

/** Loads, cleans, splits and filters the grown file and writes the split to `outDir`; returns its meta data. */
export async function prepareSplit(core: Core, csvPath: string, outDir: string, seed: number): Promise<PreparedMeta> {
  mkdirSync(outDir, { recursive: true });
  const table = await readCsv(fileSource(csvPath));
  const cleaned = cleanTable(table);
  const { labels, duplicates } = cleaned;
  const split = stratifiedSplit(labels.classIndex, duplicates.rows, TEST_FRACTION, seed, duplicates.conflictGroupOfRow);

  const correlationFeatureNames = writeCorrelationInput(core, table, split.train, join(outDir, "corr_train.f32"));
  const features = selectFeatures(core, cleaned.finite.table, split.train, cleaned.finite.table, CORRELATION_THRESHOLD);
  const testMatrix = gatherMatrix(core, cleaned.finite.table, features.kept, split.test);
  writeMatrix(join(outDir, "x_train.f32"), features.trainMatrix);
  writeMatrix(join(outDir, "x_test.f32"), testMatrix);
  features.trainMatrix.free();
  testMatrix.free();
  writeFileSync(join(outDir, "y_train.i32"), gatherClasses(labels.classIndex, split.train));
  writeFileSync(join(outDir, "y_test.i32"), gatherClasses(labels.classIndex, split.test));

  const meta: PreparedMeta = {
    csvPath,
    seed,
    classNames: labels.classNames,
    labelMap: labelMapByName("study"),
    allFeatureNames: table.featureNames,
    droppedColumns: table.droppedColumns.map((column) => column.name),
    correlationFeatureNames,
    featureNames: features.kept,
    rows: {
      file: table.rowCount,
      afterLabels: labels.rows.length,
      afterNonFinite: cleaned.finite.rows.length,
      afterDuplicates: duplicates.rows.length,
      train: split.train.length,
      test: split.test.length,
    },
    duplicates: duplicates.duplicates,
  };
  writeFileSync(join(outDir, "meta.json"), `${JSON.stringify(meta, null, 2)}\n`);
  return meta;
}

/** Writes the training rows of every non-constant feature to `path`; returns the feature names written. */
function writeCorrelationInput(core: Core, table: FlowTable, trainRows: Uint32Array, path: string): string[] {
  let matrix = gatherMatrix(core, table, table.featureNames, trainRows);
  const constant = new Set(findConstantColumns(matrix).map((c) => c.index));
  const varying = table.featureNames.map((_, j) => j).filter((j) => !constant.has(j));
  matrix = matrix.keepColumns(varying);
  writeMatrix(path, matrix);
  matrix.free();
  return varying.map((j) => table.featureNames[j]);
}

/** Writes a matrix's float32 values, column-major, as they lie in linear memory. */
function writeMatrix(path: string, matrix: Matrix): void {
  const bytes = matrix.rows * matrix.cols * 4;
  writeFileSync(path, new Uint8Array(matrix.core.exports.memory.buffer, matrix.ptr, bytes));
}

function gatherClasses(classIndex: Int32Array, rows: Uint32Array): Int32Array {
  const out = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = classIndex[rows[i]];
  return out;
}
