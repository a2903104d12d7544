import { describe, expect, it } from "vitest";
import { applyNonFinitePolicy, countNonFinite, type NonFinitePolicy } from "../src/clean.ts";
import { readCsv } from "../src/csv.ts";
import { fileSource } from "./support/platform.ts";
import type { FlowTable } from "../src/table.ts";

const CASES = "test/data/cases/";

/** Builds a table with one row per entry of `rows` (feature values), all from one file, label "x". */
function makeTable(featureNames: string[], rows: number[][]): FlowTable {
  const rowCount = rows.length;
  return {
    featureNames,
    columns: featureNames.map((_, j) => Float32Array.from(rows, (row) => row[j])),
    labels: new Int32Array(rowCount),
    labelNames: ["x"],
    fileIndex: new Uint16Array(rowCount),
    lineNumbers: Uint32Array.from(rows, (_, i) => i + 2),
    rowCount,
    sources: [{ file: "t.csv", firstRow: 0, rowCount, rawLabels: new Map([["x", rowCount]]) }],
    droppedColumns: [],
    skipped: { repeatedHeader: 0, emptyRow: 0 },
    warnings: [],
  };
}

function allRows(table: FlowTable): Uint32Array {
  return Uint32Array.from({ length: table.rowCount }, (_, i) => i);
}

const table = makeTable(
  ["a", "b", "c"],
  [
    [1, 10, 5],
    [NaN, 20, 5],
    [3, Infinity, 5],
    [4, 40, -Infinity],
    [5, Infinity, NaN],
    [6, 60, 5],
  ],
);

describe("countNonFinite", () => {
  it("counts per column", () => {
    const counts = countNonFinite(table);
    expect(counts.columns).toEqual({
      a: { posInf: 0, negInf: 0, missing: 1 },
      b: { posInf: 2, negInf: 0, missing: 0 },
      c: { posInf: 0, negInf: 1, missing: 1 },
    });
    expect(counts.rowsCounted).toBe(6);
    expect(counts.rowsWithNonFinite).toBe(4);
  });

  it("counts selected row indices", () => {
    const counts = countNonFinite(table, Uint32Array.of(0, 2, 5));
    expect(counts.columns).toEqual({ b: { posInf: 1, negInf: 0, missing: 0 } });
    expect(counts.rowsCounted).toBe(3);
    expect(counts.rowsWithNonFinite).toBe(1);
  });

  it("counts rows of a mask", () => {
    const counts = countNonFinite(table, Uint8Array.of(0, 1, 0, 1, 0, 0));
    expect(counts.columns).toEqual({
      a: { posInf: 0, negInf: 0, missing: 1 },
      c: { posInf: 0, negInf: 1, missing: 0 },
    });
    expect(counts.rowsWithNonFinite).toBe(2);
  });

  it("omits finite columns", () => {
    const counts = countNonFinite(makeTable(["a"], [[0], [-1], [3.4e38]]));
    expect(counts.columns).toEqual({});
    expect(counts.rowsWithNonFinite).toBe(0);
  });

  it("rejects a short mask", () => {
    expect(() => countNonFinite(table, new Uint8Array(5))).toThrow(RangeError);
    expect(() => countNonFinite(table, new Uint8Array(5))).toThrow(/clean: the row mask has 5 entries, expected one per table row \(6\)/);
  });

  it("rejects a row outside the table", () => {
    expect(() => countNonFinite(table, Uint32Array.of(0, 6))).toThrow(/clean: row index 6 at position 1 is outside the table's 6 rows/);
  });
});

describe("applyNonFinitePolicy", () => {
  it("drops rows by default", () => {
    const result = applyNonFinitePolicy(table, allRows(table));
    expect(result.policy).toBe("drop");
    expect(Array.from(result.rows)).toEqual([0, 5]);
    expect(result.removed).toBe(4);
    expect(result.table).toBe(table);
    expect(result.fills).toEqual({});
    expect(result.counts.columns.b).toEqual({ posInf: 2, negInf: 0, missing: 0 });
  });

  it("drops only among given rows", () => {
    const result = applyNonFinitePolicy(table, Uint32Array.of(5, 2, 0), "drop");
    expect(Array.from(result.rows)).toEqual([5, 0]);
    expect(result.removed).toBe(1);
  });

  it("imputes median, max and min", () => {
    const result = applyNonFinitePolicy(table, allRows(table), "impute");
    expect(result.rows.length).toBe(6);
    expect(result.removed).toBe(0);
    expect(result.imputed).toBe(5);
    // a: finite 1,3,4,5,6 -> median 4; b: finite 10,20,40,60 -> max 60; c: finite 5,5,5,5 -> 5.
    expect(result.fills.a).toEqual({ missing: 4, posInf: 6, negInf: 1 });
    expect(result.fills.b).toEqual({ missing: 30, posInf: 60, negInf: 10 });
    expect(result.fills.c).toEqual({ missing: 5, posInf: 5, negInf: 5 });
    expect(Array.from(result.table.columns[0])).toEqual([1, 4, 3, 4, 5, 6]);
    expect(Array.from(result.table.columns[1])).toEqual([10, 20, 60, 40, 60, 60]);
    expect(Array.from(result.table.columns[2])).toEqual([5, 5, 5, 5, 5, 5]);
  });

  it("imputes without changing the input", () => {
    applyNonFinitePolicy(table, allRows(table), "impute");
    expect(Number.isNaN(table.columns[0][1])).toBe(true);
    expect(table.columns[1][2]).toBe(Infinity);
  });

  it("imputes from the given rows only", () => {
    // Rows 1..3: the finite a values are 3 and 4, so the median is 3.5.
    const result = applyNonFinitePolicy(table, Uint32Array.of(1, 2, 3), "impute");
    expect(result.fills.a.missing).toBe(3.5);
    expect(result.fills.b.posInf).toBe(40);
    expect(result.table.columns[0][1]).toBe(3.5);
    // Row 0 is not among the rows, so its column b keeps the input value.
    expect(result.table.columns[1][0]).toBe(10);
  });

  it("rounds the median to float32", () => {
    const result = applyNonFinitePolicy(makeTable(["a"], [[0.1], [0.2], [NaN]]), Uint32Array.of(0, 1, 2), "impute");
    expect(result.fills.a.missing).toBe(Math.fround((Math.fround(0.1) + Math.fround(0.2)) / 2));
  });

  it("rejects imputing a column without finite values", () => {
    const empty = makeTable(["a", "b"], [[NaN, 1], [Infinity, 2]]);
    const run = () => applyNonFinitePolicy(empty, allRows(empty), "impute");
    expect(run).toThrow(RangeError);
    expect(run).toThrow(/clean: imputation failed for column "a": none of its 2 rows contains a finite value/);
  });

  it("rejects an unknown policy", () => {
    const run = () => applyNonFinitePolicy(table, allRows(table), "zero" as NonFinitePolicy);
    expect(run).toThrow(RangeError);
    expect(run).toThrow(/clean: unknown non-finite policy "zero"; expected "drop" or "impute"/);
  });
});

describe("applyNonFinitePolicy on case files", () => {
  it("drops rate infinities and missing values", async () => {
    const loaded = await readCsv(fileSource(CASES + "nonfinite-rates.csv"));
    expect(loaded.rowCount).toBe(6);

    const result = applyNonFinitePolicy(loaded, allRows(loaded));
    expect(result.rows.length).toBe(3);
    expect(result.removed).toBe(3);
    // Unnamed: 0 values 101, 104 and 105 are on lines 2, 5 and 6.
    expect(Array.from(result.rows, (row) => loaded.lineNumbers[row])).toEqual([2, 5, 6]);
    expect(result.counts.columns["Flow Bytes/s"]).toEqual({ posInf: 1, negInf: 0, missing: 2 });
    expect(result.counts.columns["Flow Packets/s"]).toEqual({ posInf: 2, negInf: 0, missing: 0 });
    expect(Object.keys(result.counts.columns)).toEqual(["Flow Bytes/s", "Flow Packets/s"]);
  });

  it("imputes rate infinities and missing values", async () => {
    const loaded = await readCsv(fileSource(CASES + "nonfinite-rates.csv"));
    const result = applyNonFinitePolicy(loaded, allRows(loaded), "impute");
    const bytes = loaded.featureNames.indexOf("Flow Bytes/s");
    // Finite Flow Bytes/s values: 4.58E8, 100329.8 and 2.29E8.
    expect(result.fills["Flow Bytes/s"]).toEqual({
      missing: Math.fround(2.29e8),
      posInf: Math.fround(4.58e8),
      negInf: Math.fround(100329.8),
    });
    expect(result.rows.length).toBe(6);
    expect(result.imputed).toBe(5);
    expect(Array.from(result.table.columns[bytes]).every(Number.isFinite)).toBe(true);
  });

  it("keeps negative sentinels", async () => {
    const loaded = await readCsv(fileSource(CASES + "negative-sentinels-ids2017.csv"));
    const result = applyNonFinitePolicy(loaded, allRows(loaded));
    expect(result.rows.length).toBe(4);
    expect(result.removed).toBe(0);
    expect(result.counts.rowsWithNonFinite).toBe(0);
    const duration = loaded.columns[loaded.featureNames.indexOf("Flow Duration")];
    expect(Math.min(...duration)).toBe(-13);
  });
});
