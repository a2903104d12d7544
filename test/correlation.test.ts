import { describe, expect, it } from "vitest";
import { correlationMatrix, filterCorrelated, findConstantColumns } from "../src/correlation.ts";
import { Matrix } from "../src/wasm.ts";
import { loadCore, readJson, readText } from "./support/platform.ts";

/** Reads a small numeric case CSV: trimmed header names, float32 feature columns, last column the label. */
async function readCase(name: string): Promise<{ names: string[]; columns: Float32Array[]; labels: string[] }> {
  const lines = (await readText(`test/data/cases/${name}`)).trim().split("\n");
  const header = lines[0].split(",").map((h) => h.trim());
  const rows = lines.slice(1).map((line) => line.split(","));
  const names = header.slice(0, -1);
  const columns = names.map((_, j) => Float32Array.from(rows, (row) => Number(row[j])));
  return { names, columns, labels: rows.map((row) => row[row.length - 1].trim()) };
}

function readFixture(name: string) {
  return readJson(`test/fixtures/kernels/${name}`);
}

describe("correlationMatrix", () => {
  it("matches numpy corrcoef on real flows", async () => {
    const core = await loadCore();
    const dataset = await readFixture("dataset.json");
    const expected: number[] = (await readFixture("pearson.json")).r;
    const x = Matrix.upload(core, dataset.columns.map((c: number[]) => Float32Array.from(c)), dataset.rows);
    const r = correlationMatrix(core, x);
    let worst = 0;
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(r[i] - expected[i]));
    expect(r.length).toBe(expected.length);
    expect(worst).toBeLessThan(1e-9);
    x.free();
  });

  it("is symmetric with a unit diagonal", async () => {
    const core = await loadCore();
    const a = Float32Array.from({ length: 101 }, (_, i) => Math.sin(i));
    const b = Float32Array.from({ length: 101 }, (_, i) => -3 * Math.sin(i) + 1e6);
    const c = Float32Array.from({ length: 101 }, (_, i) => i * i);
    const x = Matrix.upload(core, [a, b, c], 101);
    const r = correlationMatrix(core, x);
    for (let j = 0; j < 3; j++) {
      expect(r[j * 3 + j]).toBe(1);
      for (let k = 0; k < 3; k++) expect(r[j * 3 + k]).toBe(r[k * 3 + j]);
    }
    // Reference: the same two-pass formula in plain f64 over the float32 values.
    const mean = (v: Float32Array) => v.reduce((s, t) => s + t, 0) / v.length;
    const products = (u: Float32Array, v: Float32Array) => u.reduce((s, t, i) => s + (t - mean(u)) * (v[i] - mean(v)), 0);
    const expected = products(a, b) / Math.sqrt(products(a, a) * products(b, b));
    expect(Math.abs(r[1] - expected)).toBeLessThan(1e-12);
    expect(r[1]).toBeLessThan(-0.9999);
    x.free();
  });

  it("gives NaN, never ±1, for constant columns", async () => {
    const core = await loadCore();
    const { names, columns } = await readCase("corr-constant-columns-1448.csv");
    const x = Matrix.upload(core, columns, columns[0].length);
    const r = correlationMatrix(core, x);
    const d = names.length;
    for (const name of ["Active Mean", "Idle Mean"]) {
      const j = names.indexOf(name);
      for (let k = 0; k < d; k++) {
        expect(r[j * d + k]).toBeNaN();
        expect(r[k * d + j]).toBeNaN();
      }
    }
    const duration = names.indexOf("Flow Duration");
    expect(Number.isFinite(r[duration * d + names.indexOf("Fwd Packet Length Max")])).toBe(true);
    x.free();
  });

  it("stays finite with negative sentinels", async () => {
    const core = await loadCore();
    const { columns } = await readCase("negative-sentinels-ids2017.csv");
    const varying = columns.filter((_, j) => !findConstantColumns(columns).some((c) => c.index === j));
    const x = Matrix.upload(core, varying, varying[0].length);
    const r = correlationMatrix(core, x);
    expect(r.every((v) => Number.isFinite(v) && Math.abs(v) <= 1)).toBe(true);
    x.free();
  });
});

describe("findConstantColumns", () => {
  it("lists the constants of the case file", async () => {
    const { names, columns } = await readCase("corr-constant-columns.csv");
    const constants = findConstantColumns(columns);
    expect(constants.map((c) => names[c.index])).toEqual(["Bwd PSH Flags", "Fwd Avg Bytes/Bulk", "Active Mean", "Idle Mean"]);
    expect(constants.map((c) => c.value)).toEqual([0, 0, Math.fround(1.81), Math.fround(0.576)]);
  });

  it("agrees between arrays and an uploaded matrix", async () => {
    const core = await loadCore();
    const { columns } = await readCase("corr-constant-columns-1448.csv");
    const x = Matrix.upload(core, columns, columns[0].length);
    expect(findConstantColumns(x)).toEqual(findConstantColumns(columns));
    expect(findConstantColumns(x).map((c) => c.value)).toEqual([Math.fround(1.81), Math.fround(0.576)]);
    x.free();
  });

  it("does not report a column holding NaN", async () => {
    const core = await loadCore();
    const columns = [new Float32Array([NaN, NaN, NaN, NaN, NaN]), new Float32Array([2, 2, NaN, 2, 2]), new Float32Array([7, 7, 7, 7, 7])];
    expect(findConstantColumns(columns)).toEqual([{ index: 2, value: 7 }]);
    const x = Matrix.upload(core, columns, 5);
    expect(findConstantColumns(x)).toEqual([{ index: 2, value: 7 }]);
    x.free();
  });
});

describe("filterCorrelated", () => {
  it("keeps three features of the case file", async () => {
    const core = await loadCore();
    const { names, columns } = await readCase("corr-constant-columns.csv");
    const constant = new Set(findConstantColumns(columns).map((c) => c.index));
    const keptNames = names.filter((_, j) => !constant.has(j));
    const x = Matrix.upload(core, columns.filter((_, j) => !constant.has(j)), columns[0].length);
    const filter = filterCorrelated(keptNames, correlationMatrix(core, x));
    expect(filter.kept).toEqual(["Flow Duration", "Fwd Packet Length Max", "Total Backward Packets"]);
    expect(filter.keptIndices).toEqual([0, 1, 4]);
    expect(filter.dropped.map((d) => [d.feature, d.partner])).toEqual([
      ["Fwd Packet Length Mean", "Fwd Packet Length Max"],
      ["Subflow Fwd Bytes", "Fwd Packet Length Max"],
    ]);
    x.free();
  });

  const cases: { name: string; r: number[]; kept: string[]; partner?: string }[] = [
    { name: "threshold is strict", r: [1, 0.97, 0.97, 1], kept: ["a", "b"] },
    { name: "negative r counts by magnitude", r: [1, -0.99, -0.99, 1], kept: ["a"], partner: "a" },
    // b is dropped for a, so c (close to b only) is kept.
    { name: "only kept features drop others", r: [1, 0.99, 0.5, 0.99, 1, 0.99, 0.5, 0.99, 1], kept: ["a", "c"] },
    // c correlates with both kept a and b; b has the larger |r|.
    { name: "partner has largest r", r: [1, 0.1, 0.98, 0.1, 1, -0.995, 0.98, -0.995, 1], kept: ["a", "b"], partner: "b" },
    { name: "NaN never drops", r: [NaN, NaN, NaN, 1], kept: ["a", "b"] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const names = ["a", "b", "c"].slice(0, Math.sqrt(c.r.length));
      const filter = filterCorrelated(names, new Float64Array(c.r));
      expect(filter.kept).toEqual(c.kept);
      if (c.partner) expect(filter.dropped[0].partner).toBe(c.partner);
    });
  }

  it("rejects bad size and threshold", () => {
    expect(() => filterCorrelated(["a", "b"], new Float64Array(3))).toThrow(/3 entries, expected 2 x 2 = 4/);
    expect(() => filterCorrelated(["a"], new Float64Array(1), 1.5)).toThrow(/threshold must be in \[0, 1\], got 1.5/);
  });
});
