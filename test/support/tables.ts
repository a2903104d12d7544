// Comparison of two tables read from the same bytes, column by column at the bit level.
import { expect } from "vitest";
import type { FlowTable } from "../../src/table.ts";

/** Asserts that two tables hold the same rows, values (bit for bit), labels, line numbers, skips and warnings. */
export function expectSameTable(actual: FlowTable, expected: FlowTable): void {
  expect(actual.rowCount).toBe(expected.rowCount);
  expect(actual.featureNames).toEqual(expected.featureNames);
  expect(actual.labelNames).toEqual(expected.labelNames);
  expect(Array.from(actual.labels)).toEqual(Array.from(expected.labels));
  expect(Array.from(actual.lineNumbers)).toEqual(Array.from(expected.lineNumbers));
  expect(Array.from(actual.fileIndex)).toEqual(Array.from(expected.fileIndex));
  actual.columns.forEach((values, j) => {
    const expectedBits = new Uint32Array(expected.columns[j].buffer, expected.columns[j].byteOffset, expected.rowCount);
    const actualBits = new Uint32Array(values.buffer, values.byteOffset, actual.rowCount);
    const firstDifference = actualBits.findIndex((bits, i) => bits !== expectedBits[i]);
    expect({ column: actual.featureNames[j], firstDifference }).toEqual({ column: actual.featureNames[j], firstDifference: -1 });
  });
  expect(actual.skipped).toEqual(expected.skipped);
  expect(actual.warnings).toEqual(expected.warnings);
  expect(actual.droppedColumns.map((d) => d.name)).toEqual(expected.droppedColumns.map((d) => d.name));
  expect([...actual.sources[0].rawLabels]).toEqual([...expected.sources[0].rawLabels]);
}
