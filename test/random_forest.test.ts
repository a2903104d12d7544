import { beforeAll, describe, expect, it } from "vitest";
import { exportTree } from "../src/decision_tree.ts";
import { argmaxRows, RandomForestClassifier } from "../src/random_forest.ts";
import { Matrix, type Core } from "../src/wasm.ts";
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

  it("predicts any row count row by row", () => {
    // The walk steps sixteen rows at once and finishes the last ones alone, so
    // counts around multiples of sixteen must give each row's own probabilities.
    const forest = new RandomForestClassifier(core, { trees: 5, seed: 1 }).fit(heads.train, heads.trainLabels);
    const x = heads.test;
    const firstRows = (count: number, from = 0) =>
      Matrix.upload(
        core,
        Array.from({ length: x.cols }, (_, j) => core.f32(x.ptr + j * x.rows * 4, x.rows).slice(from, from + count)),
        count,
      );
    const k = forest.classCount;
    const single = Array.from({ length: 40 }, (_, row) => {
      const rowMatrix = firstRows(1, row);
      const proba = Array.from(forest.predictProba(rowMatrix));
      rowMatrix.free();
      return proba;
    });

    for (const count of [1, 15, 16, 17, 31, 32, 33, 40]) {
      const rows = firstRows(count);
      const proba = forest.predictProba(rows);
      for (let row = 0; row < count; row++) {
        expect(Array.from(proba.subarray(row * k, (row + 1) * k)), `row ${row} of ${count}`).toEqual(single[row]);
      }
      rows.free();
    }
    forest.dispose();
  });

  it("sums path-ordered blocks exactly", () => {
    // From 40 trees on, the walk sorts rows by their path in the first tree, a block
    // at a time: 159,277 rows of these 79 features (48 MiB), walked in chunks of at
    // most 16,384. Each test row's sum must be the trees' own probabilities added in
    // tree order, and the same again when the rows come back, scattered, in 2 blocks
    // and a part.
    const trees = 40;
    const forest = new RandomForestClassifier(core, { trees, seed: 2 }).fit(heads.train, heads.trainLabels);
    const k = forest.classCount;
    const handles = core.copyI32(forest.treeHandles);
    const sumsOf = (x: Matrix) => {
      const sums = core.alloc(x.rows * k * 8);
      core.f64(sums, x.rows * k).fill(Number.NaN);
      core.exports.forestSumProba(handles, trees, x.ptr, x.rows, sums);
      const got = core.f64(sums, x.rows * k).slice();
      core.free(sums);
      return got;
    };
    const source = heads.test;
    const expected = new Float64Array(source.rows * k);
    const proba = core.alloc(source.rows * k * 8);
    for (let t = 0; t < trees; t++) {
      core.exports.treePredictProba(forest.treeHandles[t], source.ptr, source.rows, proba);
      const p = core.f64(proba, source.rows * k);
      for (let i = 0; i < expected.length; i++) expected[i] += p[i];
    }
    core.free(proba);
    expect(Array.from(sumsOf(source))).toEqual(Array.from(expected));

    const rows = 2 * 159_277 + 12_345;
    const pick = (i: number) => (i * 7_919) % source.rows;
    const values = Array.from({ length: source.cols }, (_, j) => {
      const column = core.f32(source.ptr + j * source.rows * 4, source.rows);
      return Float32Array.from({ length: rows }, (_, i) => column[pick(i)]);
    });
    const x = Matrix.upload(core, values, rows);
    const got = sumsOf(x);
    let differing = 0;
    for (let i = 0; i < rows; i++) {
      for (let c = 0; c < k; c++) if (got[i * k + c] !== expected[pick(i) * k + c]) differing++;
    }
    expect(differing).toBe(0);
    const classes = argmaxRows(expected, k);
    expect(Array.from(forest.predict(x))).toEqual(Array.from({ length: rows }, (_, i) => classes[pick(i)]));
    core.free(handles);
    x.free();
    forest.dispose();
  });

  it("predict equals the argmax of predictProba", () => {
    // predict stops walking a row once the trees left cannot change its class. Forests of
    // 1 to 3 trees settle no row early, and 7 and 25 trees are odd counts.
    for (const trees of [1, 2, 3, 4, 7, 25]) {
      const forest = new RandomForestClassifier(core, { trees, seed: 4 }).fit(heads.train, heads.trainLabels);
      for (const [side, x] of [["train", heads.train], ["test", heads.test]] as const) {
        const expected = Array.from(argmaxRows(forest.predictProba(x), forest.classCount));
        expect(Array.from(forest.predict(x)), `${trees} trees, ${side}`).toEqual(expected);
      }
      forest.dispose();
    }
  });

  it("skips the walks of settled rows", () => {
    // The rule, written again in JavaScript. Rows are checked from tree floor(T / 2) + 1
    // on, at every second tree but the last. A row whose leading class sum beats the next
    // by more than the trees left is settled, and its remaining walks are skipped.
    const trees = 25;
    const forest = new RandomForestClassifier(core, { trees, seed: 4 }).fit(heads.train, heads.trainLabels);
    const x = heads.train;
    const k = forest.classCount;
    const sums = new Float64Array(x.rows * k);
    const settled = new Uint8Array(x.rows);
    const proba = core.alloc(x.rows * k * 8);
    let expected = 0;

    for (let t = 0; t < trees; t++) {
      core.exports.treePredictProba(forest.treeHandles[t], x.ptr, x.rows, proba);
      const p = core.f64(proba, x.rows * k);
      for (let i = 0; i < sums.length; i++) sums[i] += p[i];
      const done = t + 1;
      const firstCheck = Math.floor(trees / 2) + 1;
      if (done < firstCheck || done === trees || (done - firstCheck) % 2 !== 0) continue;
      for (let row = 0; row < x.rows; row++) {
        if (settled[row]) continue;
        const sorted = Array.from(sums.subarray(row * k, (row + 1) * k)).sort((a, b) => b - a);
        if (sorted[0] - sorted[1] > trees - done + 1e-9) {
          settled[row] = 1;
          expected += trees - done;
        }
      }
    }
    core.free(proba);

    const handles = core.copyI32(forest.treeHandles);
    const out = core.alloc(x.rows * 4);
    const skipped = core.exports.forestPredictClasses(handles, trees, x.ptr, x.rows, out);
    core.free(out);
    core.free(handles);
    expect(expected).toBeGreaterThan(0);
    expect(skipped).toBe(expected);
    forest.dispose();
  });

  it("rejects zero trees", () => {
    expect(() => new RandomForestClassifier(core, { trees: 0 })).toThrow(/option trees must be an integer >= 1 and <= 100000, got 0/);
  });
});
