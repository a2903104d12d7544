import { describe, expect, it } from "vitest";
import {
  countRowsInOther,
  dropDuplicates,
  MAX_CONFLICT_EXAMPLES,
  MAX_ROWS_PER_EXAMPLE,
  type ConflictPolicy,
} from "../src/dedupe.ts";
import { applyLabels, labelMapByName } from "../src/labels.ts";
import { readCsv } from "../src/csv.ts";
import { fileSource, readText } from "./support/platform.ts";
import { Random } from "../src/random.ts";
import type { FlowTable } from "../src/table.ts";

const CASES = "test/data/cases/";

/** Builds a table from feature rows, all from file "t.csv" starting at line 2, with raw label "x". */
function makeTable(rows: number[][], featureNames = rows[0].map((_, j) => `f${j}`)): FlowTable {
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

function allRows(count: number): Uint32Array {
  return Uint32Array.from({ length: count }, (_, i) => i);
}

describe("dropDuplicates", () => {
  it("keeps first of exact duplicates", () => {
    const table = makeTable([[1, 2], [3, 4], [1, 2], [1, 2], [3, 4], [5, 6]]);
    const classes = Int32Array.of(0, 1, 0, 0, 1, 0);
    const result = dropDuplicates(table, allRows(6), classes);
    expect(Array.from(result.rows)).toEqual([0, 1, 5]);
    expect(result.duplicates).toBe(3);
    expect(result.removed).toBe(3);
    expect(result.duplicatesByClass).toEqual([2, 1]);
    expect(result.conflicts.vectors).toBe(0);
    expect(result.conflicts.examples).toEqual([]);
  });

  it("accepts no rows", () => {
    const result = dropDuplicates(makeTable([[1, 2]]), new Uint32Array(0), new Int32Array(1));
    expect(result.rows.length).toBe(0);
    expect(result.removed).toBe(0);
  });

  it("considers only the given rows", () => {
    const table = makeTable([[1, 2], [1, 2], [1, 2], [7, 8]]);
    const result = dropDuplicates(table, Uint32Array.of(3, 2, 1), new Int32Array(4));
    expect(Array.from(result.rows)).toEqual([3, 2]);
    expect(result.duplicates).toBe(1);
  });

  const equalValues: [name: string, a: number, b: number, equal: boolean][] = [
    ["+0 and -0", 0, -0, true],
    ["NaN and NaN", NaN, NaN, true],
    ["1 and 1 + 2^-23", 1, 1 + 2 ** -23, false],
    ["values equal in float32", 0.1, Math.fround(0.1), true],
    ["Infinity and -Infinity", Infinity, -Infinity, false],
  ];
  for (const [name, a, b, equal] of equalValues) {
    it(`compares ${name}`, () => {
      const table = makeTable([[5, a], [5, b]]);
      const result = dropDuplicates(table, allRows(2), new Int32Array(2));
      expect(result.duplicates).toBe(equal ? 1 : 0);
    });
  }

  it("treats NaN payloads as one NaN", () => {
    const table = makeTable([[1], [1]]);
    const bits = new Int32Array(table.columns[0].buffer);
    bits[0] = 0x7fc00000;
    bits[1] = 0xffc00001 | 0;
    const result = dropDuplicates(table, allRows(2), new Int32Array(2));
    expect(result.duplicates).toBe(1);
  });

  it("keeps conflicts by default", () => {
    const table = makeTable([[1, 1], [1, 1], [1, 1], [1, 1], [2, 2]]);
    const classes = Int32Array.of(0, 1, 0, 1, 2);
    const result = dropDuplicates(table, allRows(5), classes);
    expect(result.conflictPolicy).toBe("keep");
    expect(Array.from(result.rows)).toEqual([0, 1, 4]);
    expect(result.duplicates).toBe(2);
    expect(result.duplicatesByClass).toEqual([1, 1, 0]);
    expect(result.conflicts.vectors).toBe(1);
    expect(result.conflicts.rows).toBe(4);
    expect(result.conflicts.removed).toBe(0);
  });

  it("drops conflicts on request", () => {
    const table = makeTable([[1, 1], [1, 1], [1, 1], [1, 1], [2, 2]]);
    const classes = Int32Array.of(0, 1, 0, 1, 2);
    const result = dropDuplicates(table, allRows(5), classes, "drop");
    expect(Array.from(result.rows)).toEqual([4]);
    expect(result.duplicates).toBe(2);
    expect(result.conflicts.removed).toBe(2);
    expect(result.removed).toBe(4);
  });

  it("describes a conflict example", () => {
    const table = makeTable([[9], [1], [1], [1]]);
    const classes = Int32Array.of(0, 2, 0, 2);
    const [example] = dropDuplicates(table, allRows(4), classes).conflicts.examples;
    expect(example.classes).toEqual([2, 0]);
    expect(example.rowCount).toBe(3);
    // One row per class: line 5 repeats the class of line 3.
    expect(example.rows).toEqual([
      { file: "t.csv", line: 3, rawLabel: "x", classIndex: 2 },
      { file: "t.csv", line: 4, rawLabel: "x", classIndex: 0 },
    ]);
  });

  it("limits conflict examples", () => {
    const vectors = MAX_CONFLICT_EXAMPLES + 2;
    const rowsPerVector = MAX_ROWS_PER_EXAMPLE + 5;
    const rows: number[][] = [];
    const classes: number[] = [];
    for (let v = 0; v < vectors; v++) {
      for (let k = 0; k < rowsPerVector; k++) {
        rows.push([v]);
        classes.push(k);
      }
    }
    const result = dropDuplicates(makeTable(rows), allRows(rows.length), Int32Array.from(classes));
    expect(result.conflicts.vectors).toBe(vectors);
    expect(result.conflicts.rows).toBe(rows.length);
    expect(result.conflicts.examples.length).toBe(MAX_CONFLICT_EXAMPLES);
    expect(result.conflicts.examples[0].rows.length).toBe(MAX_ROWS_PER_EXAMPLE);
    expect(result.conflicts.examples[0].rowCount).toBe(rowsPerVector);
    expect(result.conflicts.examples[9].rows[0].line).toBe(9 * rowsPerVector + 2);
  });

  it("matches a string-key reference", () => {
    // Few distinct values per column force many repeated vectors and hash probes.
    const random = new Random(7);
    const rowCount = 20_000;
    const rows = Array.from({ length: rowCount }, () => [random.nextInt(4), random.nextInt(3), random.nextInt(5) / 4, random.nextInt(3) - 1]);
    const classes = Int32Array.from({ length: rowCount }, () => random.nextInt(2));
    const table = makeTable(rows);

    const firstByKey = new Map<string, number>();
    const expected: number[] = [];
    rows.forEach((row, i) => {
      const key = `${row.join(",")}|${classes[i]}`;
      if (!firstByKey.has(key)) {
        firstByKey.set(key, i);
        expected.push(i);
      }
    });

    const result = dropDuplicates(table, allRows(rowCount), classes);
    expect(Array.from(result.rows)).toEqual(expected);
    expect(result.duplicates).toBe(rowCount - expected.length);
  });

  it("groups rows with colliding hashes", () => {
    // 300,000 random two-feature rows make a few 32-bit hash collisions likely (about 10).
    const random = new Random(11);
    const rowCount = 300_000;
    const rows = Array.from({ length: rowCount }, () => [random.nextU32() | 0, random.nextInt(1000)]);
    // Repeat some rows so that collided vectors also have duplicates.
    for (let i = 0; i < 1000; i++) rows.push(rows[random.nextInt(rowCount)]);
    const table = makeTable(rows);
    const classes = new Int32Array(rows.length);

    const seen = new Set<string>();
    const expected: number[] = [];
    for (let i = 0; i < rows.length; i++) {
      const key = `${table.columns[0][i]},${table.columns[1][i]}`;
      if (seen.has(key)) continue;
      seen.add(key);
      expected.push(i);
    }

    const result = dropDuplicates(table, allRows(rows.length), classes);
    expect(result.hashCollisions).toBeGreaterThan(0);
    expect(Array.from(result.rows)).toEqual(expected);

    const overlap = countRowsInOther(table, allRows(rowCount), table, allRows(rows.length));
    expect(overlap.testRowsEqualToTrainRows).toBe(rows.length);
  });

  const invalid: [name: string, run: () => unknown, message: RegExp][] = [
    [
      "unknown policy",
      () => dropDuplicates(makeTable([[1]]), allRows(1), new Int32Array(1), "first" as ConflictPolicy),
      /dedupe: unknown conflict policy "first"; expected "keep" or "drop"/,
    ],
    [
      "row without class",
      () => dropDuplicates(makeTable([[1], [2]]), allRows(2), Int32Array.of(0, -1)),
      /dedupe: row 1 \(t\.csv line 3\) has no class \(class index -1\); pass only the rows that applyLabels kept/,
    ],
    [
      "short classIndex",
      () => dropDuplicates(makeTable([[1], [2]]), allRows(2), Int32Array.of(0)),
      /dedupe: classIndex has 1 entries, expected one per table row \(2\)/,
    ],
    [
      "row outside table",
      () => dropDuplicates(makeTable([[1], [2]]), Uint32Array.of(0, 2), Int32Array.of(0, 0)),
      /dedupe: row index 2 at position 1 is outside the input table's 2 rows/,
    ],
  ];
  for (const [name, run, message] of invalid) {
    it(`rejects ${name}`, () => {
      expect(run).toThrow(RangeError);
      expect(run).toThrow(message);
    });
  }
});

describe("countRowsInOther", () => {
  it("counts test rows seen in training", () => {
    const train = makeTable([[1, 2], [3, 4], [3, 4]]);
    const test = makeTable([[3, 4], [5, 6], [1, 2], [1, 2], [2, 1]]);
    const result = countRowsInOther(train, allRows(3), test, allRows(5));
    expect(result).toEqual({ testRows: 5, testRowsEqualToTrainRows: 3 });
  });

  it("uses only the given rows", () => {
    const train = makeTable([[1, 2], [3, 4]]);
    const test = makeTable([[3, 4], [1, 2]]);
    const result = countRowsInOther(train, Uint32Array.of(0), test, Uint32Array.of(0, 1));
    expect(result.testRowsEqualToTrainRows).toBe(1);
  });

  it("pairs columns by name", () => {
    const train = makeTable([[1, 2]], ["a", "b"]);
    const test = makeTable([[2, 1], [1, 2]], ["b", "a"]);
    const result = countRowsInOther(train, allRows(1), test, allRows(2));
    expect(result.testRowsEqualToTrainRows).toBe(1);
  });

  it("rejects a missing column", () => {
    const train = makeTable([[1, 2]], ["a", "b"]);
    const test = makeTable([[1, 2]], ["a", "c"]);
    const run = () => countRowsInOther(train, allRows(1), test, allRows(1));
    expect(run).toThrow(RangeError);
    expect(run).toThrow(/dedupe: feature column "b" of the training table is missing from the test table/);
  });

  it("rejects an extra test column", () => {
    const train = makeTable([[1]], ["a"]);
    const test = makeTable([[1, 2]], ["a", "c"]);
    const run = () => countRowsInOther(train, allRows(1), test, allRows(1));
    expect(run).toThrow(/dedupe: the test table has 2 feature columns and the training table 1; columns only in the test table: c/);
  });
});

describe("dropDuplicates on case files", () => {
  const path = CASES + "split-flow-duplicates.csv";

  it("finds no duplicates with identifiers", async () => {
    const lines = (await readText(path)).trim().split(/\r?\n/).slice(1);
    expect(lines.length).toBe(6);
    expect(new Set(lines).size).toBe(6);
  });

  it("removes one duplicate after load", async () => {
    const table = await readCsv(fileSource(path));
    const labels = applyLabels(table, labelMapByName("study"));
    const result = dropDuplicates(table, labels.rows, labels.classIndex);
    expect(result.duplicates).toBe(1);
    expect(result.rows.length).toBe(5);
    // Unnamed: 0 = 802 (line 3) repeats 801 (line 2).
    expect(Array.from(result.rows, (row) => table.lineNumbers[row])).toEqual([2, 4, 5, 6, 7]);
    expect(result.duplicatesByClass[labels.classNames.indexOf("NetBIOS")]).toBe(1);
  });

  it("reports the NetBIOS/Portmap conflict", async () => {
    const table = await readCsv(fileSource(path));
    const labels = applyLabels(table, labelMapByName("study"));
    const result = dropDuplicates(table, labels.rows, labels.classIndex);
    expect(result.conflicts.vectors).toBe(1);
    expect(result.conflicts.rows).toBe(2);
    const [example] = result.conflicts.examples;
    // Unnamed: 0 = 803 and 804 are on lines 4 and 5.
    expect(example.rows.map((row) => row.line)).toEqual([4, 5]);
    expect(example.rows.map((row) => row.file)).toEqual([path, path]);
    expect(example.rows.map((row) => row.rawLabel)).toEqual(["NetBIOS", "Portmap"]);
    expect(example.classes.map((c) => labels.classNames[c])).toEqual(["NetBIOS", "Portmap"]);
  });

  it("drops the conflict on request", async () => {
    const table = await readCsv(fileSource(path));
    const labels = applyLabels(table, labelMapByName("study"));
    const result = dropDuplicates(table, labels.rows, labels.classIndex, "drop");
    expect(result.rows.length).toBe(3);
    expect(result.conflicts.removed).toBe(2);
  });
});
