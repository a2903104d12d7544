import { beforeAll, describe, expect, it } from "vitest";
import { exportTree } from "../src/decision_tree.ts";
import { RandomForestClassifier } from "../src/random_forest.ts";
import type { Core } from "../src/wasm.ts";
import { loadCore, readJson } from "./support/platform.ts";
import { loadHeads, type HeadsData } from "./support/heads.ts";

// Written by reference/trees.py with scikit-learn 1.2.1.
const fixture = await readJson("test/fixtures/trees/heads.json");

let core: Core;
let heads: HeadsData;

beforeAll(async () => {
  core = await loadCore();
  heads = await loadHeads(core);
});

describe("numpy RandomState replay", () => {
  it("draws randint like numpy", () => {
    const { seed, high, values } = fixture.randint;
    const out = core.alloc(values.length * 4);
    core.exports.mtRandint(seed, high, values.length, out);
    expect(Array.from(core.u32(out, values.length))).toEqual(values);
    core.free(out);
  });
});

describe("RandomForestClassifier against scikit-learn", () => {
  for (const reference of fixture.forests) {
    const o = reference.options;
    const name = `seed ${reference.seed} ${JSON.stringify(o)}`;
    const build = () =>
      new RandomForestClassifier(core, { seed: reference.seed, trees: o.n_estimators, maxDepth: o.max_depth ?? null }).fit(
        heads.train,
        heads.trainLabels,
      );

    it(`draws the same tree seeds, ${name}`, () => {
      const forest = build();
      expect(Array.from(forest.treeSeeds)).toEqual(reference.treeSeeds);
      forest.dispose();
    });

    it(`builds the same first tree, ${name}`, () => {
      const forest = build();
      const first = exportTree(core, forest.treeHandles[0], heads.classNames.length);
      expect(first.feature.length).toBe(reference.firstTree.nodeCount);
      expect(Array.from(first.feature)).toEqual(reference.firstTree.feature);
      expect(Array.from(first.threshold)).toEqual(reference.firstTree.threshold);
      expect(Array.from(first.weightedNodeSamples)).toEqual(reference.firstTree.weightedNodeSamples);
      forest.dispose();
    });

    it(`predicts identically, ${name}`, () => {
      const forest = build();
      expect(Array.from(forest.predict(heads.test))).toEqual(reference.predictions);
      const proba = forest.predictProba(heads.test);
      const k = heads.classNames.length;
      reference.probaHead.forEach((row: number[], i: number) => {
        row.forEach((p, c) => expect(proba[i * k + c]).toBeCloseTo(p, 12));
      });
      forest.featureImportances!.forEach((v, f) => expect(v).toBeCloseTo(reference.importances[f], 12));
      forest.dispose();
    });
  }
});

describe("RandomForestClassifier properties", () => {
  it("same seed gives the same forest", () => {
    const a = new RandomForestClassifier(core, { trees: 5, seed: 3 }).fit(heads.train, heads.trainLabels);
    const b = new RandomForestClassifier(core, { trees: 5, seed: 3 }).fit(heads.train, heads.trainLabels);
    expect(Array.from(a.predictProba(heads.test))).toEqual(Array.from(b.predictProba(heads.test)));
  });

  it("importances sum to 1", () => {
    const forest = new RandomForestClassifier(core, { trees: 5 }).fit(heads.train, heads.trainLabels);
    expect(forest.featureImportances!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it("reports progress per tree", () => {
    const seen: number[] = [];
    new RandomForestClassifier(core, { trees: 3, onProgress: (done) => seen.push(done) }).fit(heads.train, heads.trainLabels);
    expect(seen).toEqual([1, 2, 3]);
  });

  it("rejects zero trees", () => {
    expect(() => new RandomForestClassifier(core, { trees: 0 })).toThrow(/option trees must be an integer >= 1 and <= 100000, got 0/);
  });
});
