import { describe, expect, it } from "vitest";
import { LogisticRegression } from "../src/logistic_regression.ts";
import { LabelVector, Matrix, type Core } from "../src/wasm.ts";
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

async function uploadFixture(core: Core) {
  const dataset = await readFixture("dataset.json");
  const x = Matrix.upload(core, dataset.columns.map((c: number[]) => Float32Array.from(c)), dataset.rows);
  const y = LabelVector.upload(core, Int32Array.from(dataset.y), dataset.classNames.length);
  return { x, y, k: dataset.classNames.length as number, rows: dataset.rows as number };
}

function argmaxRows(proba: Float64Array, k: number): Int32Array {
  const out = new Int32Array(proba.length / k);
  for (let i = 0; i < out.length; i++) {
    for (let c = 1; c < k; c++) if (proba[i * k + c] > proba[i * k + out[i]]) out[i] = c;
  }
  return out;
}

describe("LogisticRegression", () => {
  it("matches scikit-learn on real flows", async () => {
    const core = await loadCore();
    const { x, y } = await uploadFixture(core);
    const reference = await readFixture("logistic.json");
    const model = new LogisticRegression(core).fit(x, y);
    expect(model.converged).toBe(true);
    expect(model.diagnostics?.warnings).toEqual([]);
    const proba = model.predictProba(x);
    let worst = 0;
    for (let i = 0; i < proba.length; i++) worst = Math.max(worst, Math.abs(proba[i] - reference.proba[i]));
    expect(worst).toBeLessThan(1e-4);
    model.dispose();
    x.free();
    y.free();
  });

  it("predicts the argmax with rows summing to 1", async () => {
    const core = await loadCore();
    const { x, y, k, rows } = await uploadFixture(core);
    const model = new LogisticRegression(core).fit(x, y);
    const proba = model.predictProba(x);
    expect(Array.from(model.predict(x))).toEqual(Array.from(argmaxRows(proba, k)));
    for (let i = 0; i < rows; i++) {
      let total = 0;
      for (let c = 0; c < k; c++) total += proba[i * k + c];
      expect(Math.abs(total - 1)).toBeLessThan(1e-12);
    }
    model.dispose();
    x.free();
    y.free();
  });

  it("gives the same model twice", async () => {
    const core = await loadCore();
    const { x, y } = await uploadFixture(core);
    const first = new LogisticRegression(core).fit(x, y);
    const second = new LogisticRegression(core).fit(x, y);
    expect(second.nIter).toBe(first.nIter);
    expect(second.coef).toEqual(first.coef);
    expect(second.intercept).toEqual(first.intercept);
    first.dispose();
    second.dispose();
    x.free();
    y.free();
  });

  it("converges on unscaled flow magnitudes", async () => {
    const core = await loadCore();
    // Durations up to 1.2e8 microseconds and byte rates up to 4.6e9, as in CIC flows.
    const rows = 3000;
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
    const y = new Int32Array(rows);
    const duration = new Float32Array(rows);
    const rate = new Float32Array(rows);
    const packets = new Float32Array(rows);
    for (let i = 0; i < rows; i++) {
      y[i] = i % 3;
      duration[i] = (y[i] + random()) * 4e7;
      rate[i] = random() * 4.6e9 * (y[i] === 1 ? 1 : 0.5);
      packets[i] = Math.round(random() * 10) + y[i];
    }
    const x = Matrix.upload(core, [duration, rate, packets], rows);
    const labels = LabelVector.upload(core, y, 3);
    const model = new LogisticRegression(core).fit(x, labels);
    expect(model.converged).toBe(true);
    expect(model.diagnostics!.gradientMax).toBeLessThanOrEqual(1e-8);
    expect(model.predictProba(x).every(Number.isFinite)).toBe(true);
    let correct = 0;
    model.predict(x).forEach((c, i) => (correct += c === y[i] ? 1 : 0));
    expect(correct / rows).toBeGreaterThan(0.8);
    model.dispose();
    x.free();
    labels.free();
  });

  it("trains on negative sentinels without NaN", async () => {
    const core = await loadCore();
    const { columns, labels } = await readCase("negative-sentinels-ids2017.csv");
    const x = Matrix.upload(core, columns, labels.length);
    const y = LabelVector.upload(core, Int32Array.from(labels, (l) => (l === "BENIGN" ? 0 : 1)), 2);
    const model = new LogisticRegression(core).fit(x, y);
    expect(model.converged).toBe(true);
    expect(model.coef.every(Number.isFinite)).toBe(true);
    expect(model.predictProba(x).every(Number.isFinite)).toBe(true);
    expect(Array.from(model.predict(x))).toEqual([0, 0, 1, 1]);
    model.dispose();
    x.free();
    y.free();
  });

  it("reports a fit stopped by maxIter", async () => {
    const core = await loadCore();
    const { x, y } = await uploadFixture(core);
    const model = new LogisticRegression(core, { maxIter: 3 }).fit(x, y);
    expect(model.converged).toBe(false);
    expect(model.nIter).toBe(3);
    expect(model.diagnostics?.stopReason).toBe("maxIter");
    expect(model.diagnostics?.warnings[0]).toMatch(/^model: LogisticRegression did not converge: reached maxIter 3/);
    model.dispose();
    x.free();
    y.free();
  });

  it("rejects invalid options and inputs", async () => {
    const core = await loadCore();
    expect(() => new LogisticRegression(core, { C: 0 })).toThrow("model: LogisticRegression option C must be a number > 0, got 0; omit it to use the default 1");
    expect(() => new LogisticRegression(core, { maxIter: 2.5 })).toThrow("option maxIter must be an integer >= 1, got 2.5; omit it to use the default 1000");
    expect(() => new LogisticRegression(core, { tol: -1 })).toThrow(/option tol must be a number > 0, got -1/);
    expect(() => new LogisticRegression(core, { C: Infinity })).toThrow(/option C must be a number > 0, got Infinity/);
    expect(() => new LogisticRegression(core, { maxIterations: 10 } as never)).toThrow('model: LogisticRegression has no option "maxIterations"; known options are C, maxIter, tol');
    const x = Matrix.upload(core, [new Float32Array([1, 2, Infinity])], 3);
    const twoClasses = LabelVector.upload(core, new Int32Array([0, 1, 0]), 2);
    const oneClass = LabelVector.upload(core, new Int32Array([0, 0, 0]), 1);
    expect(() => new LogisticRegression(core).fit(x, oneClass)).toThrow(/needs at least 2 classes, got classCount 1/);
    expect(() => new LogisticRegression(core).fit(x, twoClasses, { featureNames: ["Flow Bytes/s"] })).toThrow(/feature 0 \("Flow Bytes\/s"\): it contains non-finite values/);
    expect(() => new LogisticRegression(core).predictProba(x)).toThrow(/not fitted/);
    x.free();
    twoClasses.free();
    oneClass.free();
  });
});
