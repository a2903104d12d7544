import { describe, expect, it } from "vitest";
import { GaussianNB } from "../src/gaussian_nb.ts";
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

/** Uploads a case file with classes numbered in first-seen order. */
async function uploadCase(core: Core, name: string) {
  const { names, columns, labels } = await readCase(name);
  const classNames = [...new Set(labels)];
  const x = Matrix.upload(core, columns, labels.length);
  const y = LabelVector.upload(core, Int32Array.from(labels, (l) => classNames.indexOf(l)), classNames.length);
  return { names, classNames, x, y };
}

function argmaxRows(proba: Float64Array, k: number): Int32Array {
  const out = new Int32Array(proba.length / k);
  for (let i = 0; i < out.length; i++) {
    for (let c = 1; c < k; c++) if (proba[i * k + c] > proba[i * k + out[i]]) out[i] = c;
  }
  return out;
}

function maxDeviation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe("GaussianNB", () => {
  it("matches scikit-learn on real flows", async () => {
    const core = await loadCore();
    const dataset = await readFixture("dataset.json");
    const reference = await readFixture("gaussian_nb.json");
    const x = Matrix.upload(core, dataset.columns.map((c: number[]) => Float32Array.from(c)), dataset.rows);
    const y = LabelVector.upload(core, Int32Array.from(dataset.y), dataset.classNames.length);
    const model = new GaussianNB(core).fit(x, y);

    expect(Math.abs(model.epsilon - reference.epsilon) / reference.epsilon).toBeLessThan(1e-12);
    expect(maxDeviation(model.classPrior, reference.classPrior)).toBeLessThan(1e-15);
    for (let i = 0; i < reference.theta.length; i++) {
      expect(Math.abs(model.theta[i] - reference.theta[i])).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(reference.theta[i])));
      expect(Math.abs(model.variance[i] - reference.var[i])).toBeLessThanOrEqual(1e-9 * Math.max(1, reference.var[i]));
    }
    const proba = model.predictProba(x);
    expect(maxDeviation(proba, reference.proba)).toBeLessThan(1e-6);
    expect(Array.from(model.predict(x))).toEqual(reference.predict);
    model.dispose();
    x.free();
    y.free();
  });

  it("predicts the argmax with rows summing to 1", async () => {
    const core = await loadCore();
    const dataset = await readFixture("dataset.json");
    const k = dataset.classNames.length;
    const x = Matrix.upload(core, dataset.columns.map((c: number[]) => Float32Array.from(c)), dataset.rows);
    const y = LabelVector.upload(core, Int32Array.from(dataset.y), k);
    const model = new GaussianNB(core).fit(x, y);
    const proba = model.predictProba(x);
    expect(Array.from(model.predict(x))).toEqual(Array.from(argmaxRows(proba, k)));
    for (let i = 0; i < dataset.rows; i++) {
      let total = 0;
      for (let c = 0; c < k; c++) total += proba[i * k + c];
      expect(Math.abs(total - 1)).toBeLessThan(1e-12);
    }
    model.dispose();
    x.free();
    y.free();
  });

  it("smooths zero variance within a class", async () => {
    const core = await loadCore();
    const { classNames, x, y } = await uploadCase(core, "gnb-zero-variance.csv");
    const model = new GaussianNB(core).fit(x, y);
    expect(model.epsilon).toBeCloseTo(0.5230174979375, 10);
    expect(Array.from(model.predict(x))).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);

    const queries = [
      [120, 2, 1, 0, 512],
      [40000, 8, 0, 1, 29200],
      [130, 2, 1, 1, 512],
    ];
    const q = Matrix.upload(core, [0, 1, 2, 3, 4].map((j) => Float32Array.from(queries, (row) => row[j])), 3);
    expect(Array.from(model.predict(q), (c) => classNames[c])).toEqual(["Syn", "BENIGN", "Syn"]);
    const proba = model.predictProba(q);
    expect(proba.every(Number.isFinite)).toBe(true);
    for (let i = 0; i < 3; i++) expect(Math.abs(proba[2 * i] + proba[2 * i + 1] - 1)).toBeLessThan(1e-12);
    model.dispose();
    q.free();
    x.free();
    y.free();
  });

  it("rejects zero variance without smoothing", async () => {
    const core = await loadCore();
    const { names, classNames, x, y } = await uploadCase(core, "gnb-zero-variance.csv");
    // Total Fwd Packets (feature 1) varies in Syn, SYN Flag Count (feature 2) does not.
    expect(() => new GaussianNB(core, { varSmoothing: 0 }).fit(x, y)).toThrow(/feature 2: its variance in class 0 is 0 and varSmoothing is 0/);
    expect(() => new GaussianNB(core, { varSmoothing: 0 }).fit(x, y, { featureNames: names, classNames })).toThrow(
      'feature 2 ("SYN Flag Count"): its variance in class 0 ("Syn") is 0',
    );
    x.free();
    y.free();
  });

  it("trains on negative sentinels without NaN", async () => {
    const core = await loadCore();
    const { x, y } = await uploadCase(core, "negative-sentinels-ids2017.csv");
    const model = new GaussianNB(core).fit(x, y);
    expect(model.theta.every(Number.isFinite)).toBe(true);
    expect(model.variance.every((v) => v > 0)).toBe(true);
    expect(model.predictProba(x).every(Number.isFinite)).toBe(true);
    expect(Array.from(model.predict(x))).toEqual([0, 0, 1, 1]);
    model.dispose();
    x.free();
    y.free();
  });

  it("gives the same model twice", async () => {
    const core = await loadCore();
    const dataset = await readFixture("dataset.json");
    const x = Matrix.upload(core, dataset.columns.map((c: number[]) => Float32Array.from(c)), dataset.rows);
    const y = LabelVector.upload(core, Int32Array.from(dataset.y), dataset.classNames.length);
    const first = new GaussianNB(core).fit(x, y);
    const second = new GaussianNB(core).fit(x, y);
    expect(second.theta).toEqual(first.theta);
    expect(second.variance).toEqual(first.variance);
    expect(second.predictProba(x)).toEqual(first.predictProba(x));
    first.dispose();
    second.dispose();
    x.free();
    y.free();
  });

  it("gives an absent class probability 0", async () => {
    const core = await loadCore();
    const x = Matrix.upload(core, [new Float32Array([1, 2, 10, 11])], 4);
    const y = LabelVector.upload(core, new Int32Array([0, 0, 2, 2]), 3);
    const model = new GaussianNB(core).fit(x, y);
    const proba = model.predictProba(x);
    expect(Array.from(model.classPrior)).toEqual([0.5, 0, 0.5]);
    for (let i = 0; i < 4; i++) expect(proba[i * 3 + 1]).toBe(0);
    expect(Array.from(model.predict(x))).toEqual([0, 0, 2, 2]);
    model.dispose();
    x.free();
    y.free();
  });

  it("rejects invalid options and inputs", async () => {
    const core = await loadCore();
    expect(() => new GaussianNB(core, { varSmoothing: -1 })).toThrow("model: GaussianNB option varSmoothing must be a number >= 0, got -1; omit it to use the default 1e-9");
    expect(() => new GaussianNB(core, { smoothing: 1 } as never)).toThrow('model: GaussianNB has no option "smoothing"; known options are varSmoothing');
    expect(() => new GaussianNB(core, { varSmoothing: NaN })).toThrow(/got NaN/);
    const x = Matrix.upload(core, [new Float32Array([1, NaN, 3])], 3);
    const y = LabelVector.upload(core, new Int32Array([0, 1, 0]), 2);
    expect(() => new GaussianNB(core).fit(x, y)).toThrow(/feature 0: it contains non-finite values/);
    expect(() => new GaussianNB(core).predict(x)).toThrow(/not fitted/);
    const short = LabelVector.upload(core, new Int32Array([0, 1]), 2);
    expect(() => new GaussianNB(core).fit(x, short)).toThrow(/got 2 labels for 3 rows/);
    const good = Matrix.upload(core, [new Float32Array([1, 2, 3])], 3);
    const model = new GaussianNB(core).fit(good, y);
    const wide = Matrix.upload(core, [new Float32Array(1), new Float32Array(1)], 1);
    expect(() => model.predict(wide)).toThrow(/fitted on 1 features, got a matrix with 2/);
    model.dispose();
    for (const m of [x, good, wide]) m.free();
    y.free();
    short.free();
  });
});
