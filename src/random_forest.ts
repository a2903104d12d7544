/**
 * Random forest classifier: bootstrap samples, a fresh random choice of
 * candidate features at every split, probabilities averaged over trees, as
 * scikit-learn 1.2's RandomForestClassifier.
 *
 * Notes: tree t's randomness comes only from its own seed, the t-th draw of
 * numpy's RandomState(seed).randint(2^31 - 1), exactly as scikit-learn
 * derives it. With the same float32 data, class indices and seed the forest
 * equals scikit-learn's tree for tree. Probabilities are summed in tree
 * order and divided by the tree count, and predict takes the first class of
 * largest probability. Importances are the mean of the trees' normalised
 * impurity decreases, normalised again. Missing values are not supported.
 */
import { binMatrix, checkSplitter, chooseSplitter, EXACT_BELOW, type Splitter } from "./binning.ts";
import { checkShapes, TREE_PARAMS, treeImportances } from "./decision_tree.ts";
import { importPackedTree, packedTree, shareCopy, sharePackedTree, type ForestJob, type ForestPool, type PackedTree, type PredictJob, type PredictPart, type TreeMessage } from "./forest_pool.ts";
import type { Classifier } from "./model.ts";
import { resolveParams, type ParamTable } from "./params.ts";
import type { Core, LabelVector, Matrix } from "./wasm.ts";

/** Options of the random forest. */
export interface RandomForestOptions {
  /** Number of trees; default 100. */
  trees?: number;
  /** Features tried per split; default null, meaning floor(sqrt(features)). */
  maxFeatures?: number | null;
  maxDepth?: number | null;
  minSamplesSplit?: number;
  minSamplesLeaf?: number;
  /** Whether each tree trains on a bootstrap sample (1) or on all rows (0); default 1. */
  bootstrap?: number;
  /** Seed of the whole forest, like scikit-learn's random_state; default 0. */
  seed?: number;
  /** "exact", "histogram" or "auto" (default: histograms above 200,000 rows); see DecisionTreeOptions. */
  splitter?: Splitter | "auto";
  /** Called after each fitted tree with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Rows per worker below which a parallel prediction uses fewer workers,
 * because each worker first receives every tree.
 * NOTE: 50,000 is an estimate from one 2-core machine, not a measured break-even.
 */
export const PARALLEL_PREDICT_ROWS = 50_000;

const FOREST_PARAMS: ParamTable = {
  ...TREE_PARAMS,
  trees: { integer: true, min: 1, max: 100_000, default: 100, description: "number of trees" },
  bootstrap: { integer: true, min: 0, max: 1, default: 1, description: "1 to bootstrap, 0 to use all rows" },
};

type ResolvedForestOptions = {
  trees: number;
  maxFeatures: number | null;
  maxDepth: number | null;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  bootstrap: number;
  seed: number;
};

/** A random forest trained in the WebAssembly core. */
export class RandomForestClassifier implements Classifier {
  readonly kind = "rf" as const;
  readonly options: ResolvedForestOptions & { splitter: Splitter | "auto" };
  /** The splitter the last fit used. */
  splitterUsed?: Splitter;
  classCount = 0;
  featureCount = 0;
  featureImportances?: Float64Array;
  /** Seed of each tree, in tree order. */
  treeSeeds: Uint32Array = new Uint32Array(0);
  private handles = new Int32Array(0);
  /** The trees in prediction form, copied out at the first parallel prediction. */
  private packedTrees: PackedTree[] | undefined;
  /** Whether packedTrees were copied to shared buffers for the workers (see shareCopy). */
  private packedTreesShared = false;
  private readonly onProgress?: (done: number, total: number) => void;

  /**
   * Creates an unfitted forest.
   *
   * @example
   * const forest = new RandomForestClassifier(core, { trees: 100, seed: 0 }).fit(x, y);
   * const proba = forest.predictProba(xTest);
   */
  constructor(
    private readonly core: Core,
    options: RandomForestOptions = {},
  ) {
    const { onProgress, splitter, ...numeric } = options;
    this.onProgress = onProgress;
    this.options = {
      ...resolveParams<ResolvedForestOptions>("RandomForestClassifier", FOREST_PARAMS, numeric),
      splitter: checkSplitter("RandomForestClassifier", splitter),
    };
  }

  /**
   * Fits the trees on the workers of `pool` (see forest_pool.ts) and rebuilds
   * them in this core; the forest equals `fit`'s for the same seed.
   */
  async fitAsync(x: Matrix, y: LabelVector, pool: ForestPool): Promise<this> {
    checkShapes("RandomForestClassifier", x, y);
    this.dispose();
    const o = this.options;
    this.treeSeeds = this.drawSeeds();
    this.splitterUsed = chooseSplitter(o.splitter, x.rows);
    const core = this.core;
    const job: ForestJob = {
      splitter: this.splitterUsed,
      rows: x.rows,
      cols: x.cols,
      classCount: y.classCount,
      y: shareCopy(core.i32(y.ptr, y.length)),
      bootstrap: o.bootstrap === 1,
      maxFeatures: this.maxFeaturesFor(x.cols),
      maxDepth: o.maxDepth ?? 0,
      minSamplesSplit: o.minSamplesSplit,
      minSamplesLeaf: o.minSamplesLeaf,
    };
    if (this.splitterUsed === "histogram") {
      const binned = binMatrix(x);
      job.codes = shareCopy(new Uint8Array(core.exports.memory.buffer, binned.codes, x.rows * x.cols));
      job.edges = shareCopy(core.f64(binned.edges, x.cols * (binned.maxBins - 1)));
      job.edgeCounts = shareCopy(core.i32(binned.edgeCounts, x.cols));
      job.maxBins = binned.maxBins;
      job.rowValues = shareCopy(core.f32(binned.rowValues, x.rows * x.cols));
      job.exactBelow = EXACT_BELOW;
    } else {
      job.x = shareCopy(core.f32(x.ptr, x.rows * x.cols));
    }
    const trees = new Array(o.trees);
    let done = 0;
    await pool.fitTrees(job, this.treeSeeds, (tree) => {
      trees[tree.index] = tree;
      this.onProgress?.(++done, o.trees);
    });
    this.handles = Int32Array.from(trees as TreeMessage[], (tree) => importPackedTree(core, tree.packed, y.classCount, x.cols));
    this.packedTrees = (trees as TreeMessage[]).map((tree) => tree.packed);
    this.packedTreesShared = false;
    this.finishFit(x.cols, y.classCount, trees as TreeMessage[]);
    return this;
  }

  private drawSeeds(): Uint32Array {
    const trees = this.options.trees;
    const seedsPtr = this.core.alloc(trees * 4);
    this.core.exports.forestTreeSeeds(this.options.seed >>> 0, trees, seedsPtr);
    const seeds = this.core.u32(seedsPtr, trees).slice();
    this.core.free(seedsPtr);
    return seeds;
  }

  private maxFeaturesFor(featureCount: number): number {
    return Math.min(this.options.maxFeatures ?? Math.max(1, Math.floor(Math.sqrt(featureCount))), featureCount);
  }

  /**
   * Sets the fitted state shared by both fit paths: importances averaged over
   * trees with a split, taken from the workers' messages when given, else
   * computed from the trees in this core.
   */
  private finishFit(featureCount: number, classCount: number, fromWorkers?: TreeMessage[]): void {
    const e = this.core.exports;
    const importanceSum = new Float64Array(featureCount);
    let treesWithSplits = 0;
    this.handles.forEach((handle, t) => {
      const nodeCount = fromWorkers ? fromWorkers[t].nodeCount : e.treeNodeCount(handle);
      // scikit-learn averages only trees that have at least one split.
      if (nodeCount <= 1) return;
      const importances = fromWorkers ? fromWorkers[t].importances : treeImportances(this.core, handle, featureCount);
      for (let f = 0; f < featureCount; f++) importanceSum[f] += importances[f];
      treesWithSplits++;
    });
    this.classCount = classCount;
    this.featureCount = featureCount;
    this.featureImportances = normalise(importanceSum, treesWithSplits);
  }

  /** Fits every tree on its bootstrap sample; returns this model. */
  fit(x: Matrix, y: LabelVector): this {
    checkShapes("RandomForestClassifier", x, y);
    this.dispose();
    const o = this.options;
    const e = this.core.exports;
    const maxFeatures = this.maxFeaturesFor(x.cols);
    this.treeSeeds = this.drawSeeds();

    this.splitterUsed = chooseSplitter(o.splitter, x.rows);
    const binned = this.splitterUsed === "histogram" ? binMatrix(x) : null;
    this.handles = new Int32Array(o.trees);
    for (let t = 0; t < o.trees; t++) {
      const handle = binned
        ? e.histForestTreeFit(
            binned.rowValues,
            binned.codes,
            x.rows,
            x.cols,
            binned.edges,
            binned.edgeCounts,
            binned.maxBins,
            y.ptr,
            y.classCount,
            o.bootstrap === 1,
            maxFeatures,
            o.maxDepth ?? 0,
            o.minSamplesSplit,
            o.minSamplesLeaf,
            EXACT_BELOW,
            this.treeSeeds[t],
          )
        : e.forestTreeFit(
            x.ptr,
            x.rows,
            x.cols,
            y.ptr,
            y.classCount,
            o.bootstrap === 1,
            maxFeatures,
            o.maxDepth ?? 0,
            o.minSamplesSplit,
            o.minSamplesLeaf,
            this.treeSeeds[t],
          );
      this.handles[t] = handle;
      this.onProgress?.(t + 1, o.trees);
    }
    this.finishFit(x.cols, y.classCount);
    return this;
  }

  /** Returns the mean of the trees' class probabilities, row-major rows × classCount. */
  predictProba(x: Matrix): Float64Array {
    this.checkFitted(x);
    const n = x.rows * this.classCount;
    const out = this.core.alloc(n * 8);
    const handles = this.core.copyI32(this.handles);
    this.core.exports.forestSumProba(handles, this.handles.length, x.ptr, x.rows, out);
    const proba = this.core.f64(out, n).slice();
    this.core.free(out);
    this.core.free(handles);
    const trees = this.handles.length;
    for (let i = 0; i < n; i++) proba[i] /= trees;
    return proba;
  }

  /**
   * Returns the first class of largest mean probability for each row, the
   * argmax of predictProba. A row stops being walked once the trees left
   * cannot change its class, so this is faster than predictProba.
   */
  predict(x: Matrix): Int32Array {
    this.checkFitted(x);
    const out = this.core.alloc(x.rows * 4);
    const handles = this.core.copyI32(this.handles);
    this.core.exports.forestPredictClasses(handles, this.handles.length, x.ptr, x.rows, out);
    const classes = this.core.i32(out, x.rows).slice();
    this.core.free(out);
    this.core.free(handles);
    return classes;
  }

  /**
   * predictProba with the rows split across the pool's workers; the result
   * is identical, as each row's sum still runs over the trees in order.
   * Below PARALLEL_PREDICT_ROWS rows per worker, fewer workers are used,
   * and with one the rows are predicted in this thread.
   */
  async predictProbaAsync(x: Matrix, pool: ForestPool): Promise<Float64Array> {
    this.checkFitted(x);
    const parts = this.partsFor(x, pool);
    if (parts === undefined) return this.predictProba(x);
    const k = this.classCount;
    const sums = await pool.sumProba(this.predictJob(x), parts.parts);
    const proba = new Float64Array(x.rows * k);
    sums.forEach((sum, i) => proba.set(sum, parts.starts[i] * k));
    const trees = this.handles.length;
    for (let i = 0; i < proba.length; i++) proba[i] /= trees;
    return proba;
  }

  /** predict with the rows split across the pool's workers, as predictProbaAsync splits them. */
  async predictAsync(x: Matrix, pool: ForestPool): Promise<Int32Array> {
    this.checkFitted(x);
    const parts = this.partsFor(x, pool);
    if (parts === undefined) return this.predict(x);
    const classes = await pool.predictClasses(this.predictJob(x), parts.parts);
    const out = new Int32Array(x.rows);
    classes.forEach((part, i) => out.set(part, parts.starts[i]));
    return out;
  }

  /** Returns the trees in prediction form for the workers, shared once per forest. */
  private predictJob(x: Matrix): PredictJob {
    const k = this.classCount;
    if (!this.packedTreesShared) {
      const trees = this.packedTrees ?? Array.from(this.handles, (handle) => packedTree(this.core, handle, k));
      this.packedTrees = trees.map(sharePackedTree);
      this.packedTreesShared = true;
    }
    return { classCount: k, featureCount: x.cols, trees: this.packedTrees! };
  }

  /**
   * Splits the rows of `x` into one part per worker, whose values the pool
   * copies out column-major when it sends them. Returns undefined when fewer
   * than two parts would have PARALLEL_PREDICT_ROWS rows.
   */
  private partsFor(x: Matrix, pool: ForestPool): { parts: PredictPart[]; starts: number[] } | undefined {
    const count = Math.min(pool.size, Math.floor(x.rows / PARALLEL_PREDICT_ROWS));
    if (count <= 1) return undefined;
    const bounds = Array.from({ length: count + 1 }, (_, i) => Math.round((i * x.rows) / count));
    const parts = bounds.slice(1).map((end, i): PredictPart => {
      const start = bounds[i];
      const rows = end - start;
      const values = () => {
        const slice = new Float32Array(rows * x.cols);
        for (let j = 0; j < x.cols; j++) slice.set(this.core.f32(x.ptr + (j * x.rows + start) * 4, rows), j * rows);
        return slice;
      };
      return { rows, values };
    });
    return { parts, starts: bounds.slice(0, count) };
  }

  /**
   * Handles of the fitted trees in the core, in tree order. After fitAsync
   * they contain only the trees' prediction form, which predicts but cannot be
   * exported with exportTree; fit keeps every node array.
   */
  get treeHandles(): Int32Array {
    return this.handles;
  }

  dispose(): void {
    for (const handle of this.handles) this.core.exports.treeFree(handle);
    this.handles = new Int32Array(0);
    this.packedTrees = undefined;
    this.packedTreesShared = false;
  }

  private checkFitted(x: Matrix): void {
    if (this.handles.length === 0) throw new Error("model: RandomForestClassifier is not fitted; call fit or fitAsync first");
    if (x.cols !== this.featureCount) {
      throw new RangeError(
        `model: RandomForestClassifier was fitted on ${this.featureCount} features, got a matrix with ${x.cols}`,
      );
    }
  }
}

/** Returns the mean of `sum` over `count` trees, normalised to sum to 1 (zeros when nothing split). */
function normalise(sum: Float64Array, count: number): Float64Array {
  const out = new Float64Array(sum.length);
  if (count === 0) return out;
  let total = 0;
  for (let f = 0; f < sum.length; f++) {
    out[f] = sum[f] / count;
    total += out[f];
  }
  if (total > 0) for (let f = 0; f < sum.length; f++) out[f] /= total;
  return out;
}

/** Returns, per row of a row-major rows × classCount array, the first index of the largest value. */
export function argmaxRows(proba: Float64Array, classCount: number): Int32Array {
  const rows = proba.length / classCount;
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    let bestValue = proba[i * classCount];
    for (let c = 1; c < classCount; c++) {
      const v = proba[i * classCount + c];
      if (v > bestValue) {
        bestValue = v;
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}
