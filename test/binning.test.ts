import { beforeAll, describe, expect, it } from "vitest";
import { binMatrix, chooseSplitter, MAX_BINS } from "../src/binning.ts";
import { DecisionTreeClassifier } from "../src/decision_tree.ts";
import { RandomForestClassifier } from "../src/random_forest.ts";
import { LabelVector, Matrix, type Core } from "../src/wasm.ts";
import { loadCore } from "./support/platform.ts";
import { loadHeads, type HeadsData } from "./support/heads.ts";

let core: Core;
let heads: HeadsData;

beforeAll(async () => {
  core = await loadCore();
  heads = await loadHeads(core);
});

function accuracy(predicted: Int32Array, truth: Int32Array): number {
  let correct = 0;
  for (let i = 0; i < truth.length; i++) if (predicted[i] === truth[i]) correct++;
  return correct / truth.length;
}

describe("binMatrix", () => {
  it("puts an edge in every gap of a short column", () => {
    const x = Matrix.upload(core, [new Float32Array([3, 1, 2, 2, 10])], 5);
    const binned = binMatrix(x);
    expect(core.i32(binned.edgeCounts, 1)[0]).toBe(3);
    expect(Array.from(core.f64(binned.edges, 3))).toEqual([1.5, 2.5, 6.5]);
    expect(Array.from(new Uint8Array(core.exports.memory.buffer, binned.codes, 5))).toEqual([2, 0, 1, 1, 3]);
    binned.free();
  });

  it("sends a value equal to an edge to the lower bin", () => {
    const x = Matrix.upload(core, [new Float32Array([0, 1])], 2);
    const binned = binMatrix(x);
    expect(core.f64(binned.edges, 1)[0]).toBe(0.5);
    expect(Array.from(new Uint8Array(core.exports.memory.buffer, binned.codes, 2))).toEqual([0, 1]);
    binned.free();
  });

  it("caps a long column at 255 edges", () => {
    const values = Float32Array.from({ length: 5000 }, (_, i) => (i * 7919) % 5000);
    const binned = binMatrix(Matrix.upload(core, [values], values.length));
    const count = core.i32(binned.edgeCounts, 1)[0];
    expect(count).toBeLessThanOrEqual(MAX_BINS - 1);
    expect(count).toBeGreaterThan(200);
    const edges = core.f64(binned.edges, count);
    for (let i = 1; i < count; i++) expect(edges[i]).toBeGreaterThan(edges[i - 1]);
    binned.free();
  });

  it("codes every value as the number of edges below it, in row-major order", () => {
    // Columns with 0, 1, a few and 255 edges; 1,003 rows leave a tail after the four-row groups.
    const rows = 1003;
    const columns = [
      new Float32Array(rows).fill(4),
      Float32Array.from({ length: rows }, (_, i) => i % 2),
      Float32Array.from({ length: rows }, (_, i) => (i * 37) % 11),
      Float32Array.from({ length: rows }, (_, i) => ((i * 7919) % rows) / 3),
    ];
    const x = Matrix.upload(core, columns, rows);
    const binned = binMatrix(x);
    const counts = Array.from(core.i32(binned.edgeCounts, columns.length));
    expect(counts.slice(0, 3)).toEqual([0, 1, 10]);
    expect(counts[3]).toBe(MAX_BINS - 1);
    const codes = new Uint8Array(core.exports.memory.buffer, binned.codes, rows * columns.length);
    const rowValues = core.f32(binned.rowValues, rows * columns.length);
    columns.forEach((column, j) => {
      const edges = Array.from(core.f64(binned.edges + j * (MAX_BINS - 1) * 8, counts[j]));
      for (let row = 0; row < rows; row++) {
        const expected = edges.filter((edge) => edge < column[row]).length;
        expect(codes[row * columns.length + j], `row ${row}, column ${j}`).toBe(expected);
        expect(rowValues[row * columns.length + j]).toBe(column[row]);
      }
    });
    binned.free();
  });

  it("computes the codes once per matrix", () => {
    const x = Matrix.upload(core, [new Float32Array([1, 2, 3])], 3);
    expect(binMatrix(x)).toBe(binMatrix(x));
  });
});

describe("histogram splitter", () => {
  it("chooses exact below 200,000 rows", () => {
    expect(chooseSplitter("auto", 200_000)).toBe("exact");
    expect(chooseSplitter("auto", 200_001)).toBe("histogram");
    expect(chooseSplitter("exact", 5_000_000)).toBe("exact");
  });

  it("grows a tree as accurate as the exact one on the heads", () => {
    const exact = new DecisionTreeClassifier(core, { splitter: "exact" }).fit(heads.train, heads.trainLabels);
    const histogram = new DecisionTreeClassifier(core, { splitter: "histogram" }).fit(heads.train, heads.trainLabels);
    expect(histogram.splitterUsed).toBe("histogram");
    const exactAccuracy = accuracy(exact.predict(heads.test), heads.testClasses);
    const histogramAccuracy = accuracy(histogram.predict(heads.test), heads.testClasses);
    expect(Math.abs(histogramAccuracy - exactAccuracy)).toBeLessThan(0.02);
    expect(histogram.featureImportances!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it("splits small nodes exactly", () => {
    // 1,000 distinct values get quantile bins of about four values: 499.5 and
    // 503.5 are edges, 500.5 is not. Only an exact split in a small node can
    // separate 500 from 501.
    const values = Float32Array.from({ length: 1000 }, (_, i) => i);
    const classes = Int32Array.from({ length: 1000 }, (_, i) => (i > 500 ? 1 : 0));
    const x = Matrix.upload(core, [values], 1000);
    const y = LabelVector.upload(core, classes, 2);
    const edges = Array.from(core.f64(binMatrix(x).edges, MAX_BINS - 1));
    expect(edges).not.toContain(500.5);
    const tree = new DecisionTreeClassifier(core, { splitter: "histogram" }).fit(x, y);
    expect(Array.from(tree.structure().threshold)).toContain(500.5);
    expect(Array.from(tree.predict(x))).toEqual(Array.from(classes));
    tree.dispose();
    x.free();
  });

  it("subtraction matches counting", () => {
    // Subtraction runs when a node tries every feature. Column 1 is constant,
    // so trying 1 feature (counting) and 2 features (subtracting) must find
    // the same splits on column 0.
    const rows = 3000;
    const values = Float32Array.from({ length: rows }, (_, i) => i);
    const x = Matrix.upload(core, [values, new Float32Array(rows).fill(7)], rows);
    const y = LabelVector.upload(core, Int32Array.from({ length: rows }, (_, i) => ((i * 7919) % 13) % 3), 3);
    const counted = new DecisionTreeClassifier(core, { splitter: "histogram", maxFeatures: 1 }).fit(x, y).structure();
    const subtracted = new DecisionTreeClassifier(core, { splitter: "histogram", maxFeatures: 2 }).fit(x, y).structure();
    expect(counted.feature.length).toBeGreaterThan(500);
    expect(Array.from(subtracted.threshold)).toEqual(Array.from(counted.threshold));
    expect(Array.from(subtracted.feature)).toEqual(Array.from(counted.feature));
    expect(Array.from(subtracted.value)).toEqual(Array.from(counted.value));
    x.free();
  });

  it("counts constant features towards maxFeatures, as scikit-learn does", () => {
    // Feature 0 separates the classes, feature 1 only partly, features 2 to 9
    // are constant. With maxFeatures 2 scikit-learn's root tries the first two
    // features drawn, or, when both are constant, draws on until a
    // non-constant one: the root splits on feature 1 with probability
    // 16/90 + 28/90 = 0.489. Were constants not counted, it would try both
    // informative features every time and always split on feature 0.
    const rows = 1000;
    const classes = Int32Array.from({ length: rows }, (_, i) => (i < 500 ? 0 : 1));
    const columns = [
      Float32Array.from({ length: rows }, (_, i) => i),
      Float32Array.from({ length: rows }, (_, i) => (i < 500 ? i % 3 : (i % 3) + 1)),
      ...Array.from({ length: 8 }, () => new Float32Array(rows).fill(1)),
    ];
    const x = Matrix.upload(core, columns, rows);
    const y = LabelVector.upload(core, classes, 2);

    const seeds = 200;
    let histogramRoots = 0;
    let exactRoots = 0;
    for (let seed = 0; seed < seeds; seed++) {
      for (const splitter of ["histogram", "exact"] as const) {
        const tree = new DecisionTreeClassifier(core, { splitter, maxFeatures: 2, seed }).fit(x, y);
        if (tree.structure().feature[0] === 1) {
          if (splitter === "histogram") histogramRoots++;
          else exactRoots++;
        }
        tree.dispose();
      }
    }

    expect(histogramRoots / seeds).toBeGreaterThan(0.39);
    expect(histogramRoots / seeds).toBeLessThan(0.59);
    expect(Math.abs(histogramRoots - exactRoots) / seeds).toBeLessThan(0.12);
    x.free();
  });

  it("gives the same forest for the same seed", () => {
    const options = { trees: 5, seed: 11, splitter: "histogram" as const };
    const a = new RandomForestClassifier(core, options).fit(heads.train, heads.trainLabels);
    const b = new RandomForestClassifier(core, options).fit(heads.train, heads.trainLabels);
    expect(Array.from(a.predictProba(heads.test))).toEqual(Array.from(b.predictProba(heads.test)));
    expect(a.splitterUsed).toBe("histogram");
  });

  it("grows a forest close to the exact forest", () => {
    const exact = new RandomForestClassifier(core, { trees: 10, splitter: "exact" }).fit(heads.train, heads.trainLabels);
    const histogram = new RandomForestClassifier(core, { trees: 10, splitter: "histogram" }).fit(heads.train, heads.trainLabels);
    const difference = accuracy(histogram.predict(heads.test), heads.testClasses) - accuracy(exact.predict(heads.test), heads.testClasses);
    expect(Math.abs(difference)).toBeLessThan(0.02);
  });

  it("rejects an unknown splitter", () => {
    expect(() => new DecisionTreeClassifier(core, { splitter: "random" as never })).toThrow(
      /DecisionTreeClassifier option splitter must be "exact", "histogram" or "auto", got "random"/,
    );
  });
});
