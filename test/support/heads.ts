// Loads the real CIC-DDoS2019 heads the way reference/trees.py does, and
// uploads even rows (training) and odd rows (prediction) to the core.
import { applyNonFinitePolicy } from "../../src/clean.ts";
import { concatTables } from "../../src/columns.ts";
import { readCsv } from "../../src/csv.ts";
import { applyLabels, labelMapByName } from "../../src/labels.ts";
import { LabelVector, Matrix, type Core } from "../../src/wasm.ts";
import { gatherMatrix } from "../../src/train.ts";
import { fileSource, listDir } from "./platform.ts";

export const HEADS_DIR = "test/data/heads/01-12";

export interface HeadsData {
  featureNames: string[];
  classNames: string[];
  rows: number;
  train: Matrix;
  trainLabels: LabelVector;
  test: Matrix;
  testClasses: Int32Array;
}

/** Reads every head, drops rows with non-finite features, numbers classes in sorted order of raw labels. */
export async function loadHeads(core: Core): Promise<HeadsData> {
  const files = (await listDir(HEADS_DIR)).filter((f) => f.endsWith(".head.csv")).sort();
  const tables = [];
  for (const file of files) tables.push(await readCsv(fileSource(`${HEADS_DIR}/${file}`)));
  const table = concatTables(tables);
  const labels = applyLabels(table, labelMapByName("identity"));
  const finite = applyNonFinitePolicy(table, labels.rows, "drop");
  const even = finite.rows.filter((_, i) => i % 2 === 0);
  const odd = finite.rows.filter((_, i) => i % 2 === 1);
  const classesOf = (rows: Uint32Array) => Int32Array.from(rows, (r) => labels.classIndex[r]);
  return {
    featureNames: table.featureNames,
    classNames: labels.classNames,
    rows: finite.rows.length,
    train: gatherMatrix(core, table, table.featureNames, even),
    trainLabels: LabelVector.upload(core, classesOf(even), labels.classNames.length),
    test: gatherMatrix(core, table, table.featureNames, odd),
    testClasses: classesOf(odd),
  };
}

/** Returns a new matrix of at least `rows` rows: copies of `x`'s rows, one after another, in order. */
export function tileRows(core: Core, x: Matrix, rows: number): Matrix {
  const copies = Math.ceil(rows / x.rows);
  const columns = Array.from({ length: x.cols }, (_, j) => {
    const column = core.f32(x.ptr + j * x.rows * 4, x.rows);
    const long = new Float32Array(x.rows * copies);
    for (let c = 0; c < copies; c++) long.set(column, c * x.rows);
    return long;
  });
  return Matrix.upload(core, columns, x.rows * copies);
}
