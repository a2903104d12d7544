import { beforeAll, describe, expect, it } from "vitest";
import { DecisionTreeClassifier } from "../src/decision_tree.ts";
import { LabelVector, Matrix, type Core } from "../src/wasm.ts";
import { loadCore, readJson } from "./support/platform.ts";
import { loadHeads, tileRows, type HeadsData } from "./support/heads.ts";

// Written by reference/trees.py with scikit-learn 1.2.1.
const fixture = await readJson("test/fixtures/trees/heads.json");

let core: Core;
let heads: HeadsData;

beforeAll(async () => {
  core = await loadCore();
  heads = await loadHeads(core);
});

describe("heads fixture input", () => {
  it("has the reference's rows, features and classes", () => {
    expect(heads.rows).toBe(fixture.rows);
    expect(heads.featureNames).toEqual(fixture.featureNames);
    expect(heads.classNames).toEqual(fixture.classes);
  });
});

describe("DecisionTreeClassifier against scikit-learn", () => {
  for (const reference of fixture.trees) {
    const o = reference.options;
    const name = `seed ${reference.seed} ${JSON.stringify(o)}`;
    const options = {
      seed: reference.seed,
      maxDepth: o.max_depth ?? null,
      minSamplesLeaf: o.min_samples_leaf,
      minSamplesSplit: o.min_samples_split,
      maxFeatures: o.max_features ?? null,
    };

    it(`builds the same nodes, ${name}`, () => {
      const tree = new DecisionTreeClassifier(core, options).fit(heads.train, heads.trainLabels);
      const s = tree.structure();
      expect(tree.nodeCount).toBe(reference.nodeCount);
      expect(tree.depth).toBe(reference.depth);
      expect(Array.from(s.feature)).toEqual(reference.feature);
      expect(Array.from(s.threshold)).toEqual(reference.threshold);
      expect(Array.from(s.childrenLeft)).toEqual(reference.childrenLeft);
      expect(Array.from(s.weightedNodeSamples)).toEqual(reference.weightedNodeSamples);
      for (let i = 0; i < s.impurity.length; i++) expect(s.impurity[i]).toBeCloseTo(reference.impurity[i], 12);
      tree.dispose();
    });

    it(`predicts identically, ${name}`, () => {
      const tree = new DecisionTreeClassifier(core, options).fit(heads.train, heads.trainLabels);
      expect(Array.from(tree.predict(heads.test))).toEqual(reference.predictions);
      const importances = tree.featureImportances!;
      for (let f = 0; f < importances.length; f++) expect(importances[f]).toBeCloseTo(reference.importances[f], 12);
      tree.dispose();
    });
  }
});

describe("DecisionTreeClassifier properties", () => {
  it("predictProba rows sum to 1 and argmax equals predict", () => {
    const tree = new DecisionTreeClassifier(core, { maxDepth: 5 }).fit(heads.train, heads.trainLabels);
    const proba = tree.predictProba(heads.test);
    const predicted = tree.predict(heads.test);
    const k = heads.classNames.length;
    for (let i = 0; i < heads.test.rows; i++) {
      const row = proba.subarray(i * k, (i + 1) * k);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(row.indexOf(Math.max(...row))).toBe(predicted[i]);
    }
    tree.dispose();
  });

  it("importances sum to 1", () => {
    const tree = new DecisionTreeClassifier(core).fit(heads.train, heads.trainLabels);
    expect(tree.featureImportances!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    tree.dispose();
  });

  it("same seed gives the same tree", () => {
    const a = new DecisionTreeClassifier(core, { seed: 9 }).fit(heads.train, heads.trainLabels).structure();
    const b = new DecisionTreeClassifier(core, { seed: 9 }).fit(heads.train, heads.trainLabels).structure();
    expect(Array.from(a.feature)).toEqual(Array.from(b.feature));
    expect(Array.from(a.threshold)).toEqual(Array.from(b.threshold));
  });

  it("fits a single class as one leaf", () => {
    const x = Matrix.upload(core, [new Float32Array([1, 2, 3])], 3);
    const y = LabelVector.upload(core, new Int32Array([0, 0, 0]), 1);
    const tree = new DecisionTreeClassifier(core).fit(x, y);
    expect(tree.nodeCount).toBe(1);
    expect(Array.from(tree.predict(x))).toEqual([0, 0, 0]);
  });

  it("trains on negative sentinels", () => {
    const x = Matrix.upload(core, [new Float32Array([-1, -1, 5, 8]), new Float32Array([-13, 2, -1062718975, 4])], 4);
    const y = LabelVector.upload(core, new Int32Array([0, 0, 1, 1]), 2);
    const tree = new DecisionTreeClassifier(core).fit(x, y);
    expect(Array.from(tree.predict(x))).toEqual([0, 0, 1, 1]);
  });

  it("separates float32 neighbours exactly", () => {
    // Thresholds are float64 midpoints; probabilities walk float32 copies of them.
    // Neighbours in float32 (3 + 2^-22 is the next float32 after 3), more than 1e-7 apart.
    const next = 3 + 2 ** -22;
    const large = Math.fround(3e38);
    const largeNext = new Float32Array(new Uint32Array([new Uint32Array(new Float32Array([large]).buffer)[0] + 1]).buffer)[0];
    const x = Matrix.upload(core, [new Float32Array([3, next, -next, -3, large, largeNext])], 6);
    const y = LabelVector.upload(core, new Int32Array([0, 1, 0, 1, 0, 1]), 2);
    const tree = new DecisionTreeClassifier(core).fit(x, y);
    expect(Array.from(tree.predict(x))).toEqual([0, 1, 0, 1, 0, 1]);
    expect(Array.from(tree.predictProba(x))).toEqual([1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1]);
  });

  it("predicts chunked rows consistently", () => {
    // Prediction copies rows to row-major chunks of 65,536; 70,000 rows cross a chunk edge.
    const tree = new DecisionTreeClassifier(core, { seed: 0 }).fit(heads.train, heads.trainLabels);
    const long = tileRows(core, heads.test, 70_000);
    const copies = long.rows / heads.test.rows;
    const short = tree.predictProba(heads.test);
    const proba = tree.predictProba(long);
    expect(proba.length).toBe(short.length * copies);
    for (let c = 0; c < copies; c++) expect(Array.from(proba.subarray(c * short.length, (c + 1) * short.length))).toEqual(Array.from(short));
    long.free();
    tree.dispose();
  });
});

describe("DecisionTreeClassifier options", () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ["maxDepth 0", { maxDepth: 0 }, /DecisionTreeClassifier option maxDepth must be an integer >= 1 or null, got 0/],
    ["minSamplesSplit 1", { minSamplesSplit: 1 }, /option minSamplesSplit must be an integer >= 2, got 1/],
    ["minSamplesLeaf 1.5", { minSamplesLeaf: 1.5 }, /option minSamplesLeaf must be an integer >= 1, got 1.5/],
    ["negative seed", { seed: -1 }, /option seed must be an integer >= 0 and <= 4294967295, got -1/],
    ["unknown option", { depth: 3 }, /has no option "depth"/],
  ];
  for (const [name, options, message] of cases) {
    it(`rejects ${name}`, () => {
      expect(() => new DecisionTreeClassifier(core, options)).toThrow(message);
    });
  }

  it("rejects rows and labels of different lengths", () => {
    const x = Matrix.upload(core, [new Float32Array([1, 2, 3])], 3);
    const y = LabelVector.upload(core, new Int32Array([0, 1]), 2);
    expect(() => new DecisionTreeClassifier(core).fit(x, y)).toThrow(/got 3 rows of features but 2 labels/);
  });
});
