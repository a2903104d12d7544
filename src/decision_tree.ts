/**
 * CART decision tree classifier (Gini impurity, best split), built in the
 * WebAssembly core the way scikit-learn 1.2's DecisionTreeClassifier builds
 * it.
 *
 * Notes: with the same float32 data, class indices and `seed` as
 * scikit-learn's `random_state`, the tree is the same node for node, because
 * the core reproduces scikit-learn's random feature order (numpy's MT19937
 * seeding its `rand_r` generator). Ties between splits of equal Gini
 * improvement go to the feature drawn first, then to the lowest threshold.
 * Values closer than 1e-7 are never separated. Features are read as float32;
 * thresholds and impurities are float64. The seed controls only the order in
 * which features are tried, which matters when splits tie. The tree cannot
 * handle missing values: clean them first.
 */
import { binMatrix, checkSplitter, chooseSplitter, EXACT_BELOW, type Splitter } from "./binning.ts";
import type { Classifier } from "./model.ts";
import { resolveParams, type ParamTable } from "./params.ts";
import type { Core, LabelVector, Matrix } from "./wasm.ts";

/** Options of the decision tree; null means "no limit". */
export interface DecisionTreeOptions {
  /** Maximum depth; default null (grow until leaves are pure or too small). */
  maxDepth?: number | null;
  /** Minimum rows a node needs to be split; default 2. */
  minSamplesSplit?: number;
  /** Minimum rows in each leaf; default 1. */
  minSamplesLeaf?: number;
  /** Features tried per split; default null (all of them). */
  maxFeatures?: number | null;
  /** Seed of the feature order, like scikit-learn's random_state; default 0. */
  seed?: number;
  /**
   * "exact" sorts each node's values (scikit-learn's algorithm, same tree),
   * "histogram" splits on bin edges of one-byte codes (faster, thresholds
   * limited to 255 edges per feature), "auto" (default) uses histograms
   * above 200,000 training rows.
   */
  splitter?: Splitter | "auto";
}

/** Parameter limits of the tree estimators, shared with the random forest. */
export const TREE_PARAMS: ParamTable = {
  maxDepth: { integer: true, min: 1, nullable: true, default: null, description: "maximum depth" },
  minSamplesSplit: { integer: true, min: 2, default: 2, description: "minimum rows to split a node" },
  minSamplesLeaf: { integer: true, min: 1, default: 1, description: "minimum rows in a leaf" },
  maxFeatures: { integer: true, min: 1, nullable: true, default: null, description: "features tried per split" },
  seed: { integer: true, min: 0, max: 0xffffffff, default: 0, description: "random seed" },
};

/** Node arrays of a fitted tree, as scikit-learn's `tree_` exposes them. */
export interface TreeStructure {
  /** Feature index of each split node; -2 at leaves. */
  feature: Int32Array;
  /** Threshold of each split node (x <= threshold goes left); -2 at leaves. */
  threshold: Float64Array;
  /** Left and right child of each node; -1 at leaves. */
  childrenLeft: Int32Array;
  childrenRight: Int32Array;
  impurity: Float64Array;
  nodeSamples: Int32Array;
  weightedNodeSamples: Float64Array;
  /** Weighted class counts, node-major: `value[node * classCount + c]`. */
  value: Float64Array;
}

/** Reads the node arrays of tree `handle` out of the core. */
export function exportTree(core: Core, handle: number, classCount: number): TreeStructure {
  const e = core.exports;
  const n = e.treeNodeCount(handle);
  const ptrs = [4, 8, 4, 4, 8, 4, 8, 8 * classCount].map((size) => core.alloc(n * size));
  e.treeExport(handle, ...ptrs);
  const structure: TreeStructure = {
    feature: core.i32(ptrs[0], n).slice(),
    threshold: core.f64(ptrs[1], n).slice(),
    childrenLeft: core.i32(ptrs[2], n).slice(),
    childrenRight: core.i32(ptrs[3], n).slice(),
    impurity: core.f64(ptrs[4], n).slice(),
    nodeSamples: core.i32(ptrs[5], n).slice(),
    weightedNodeSamples: core.f64(ptrs[6], n).slice(),
    value: core.f64(ptrs[7], n * classCount).slice(),
  };
  for (const ptr of ptrs) core.free(ptr);
  return structure;
}

type ResolvedTreeOptions = {
  maxDepth: number | null;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  maxFeatures: number | null;
  seed: number;
};

/** A CART classifier trained in the WebAssembly core. */
export class DecisionTreeClassifier implements Classifier {
  readonly kind = "dt" as const;
  readonly options: ResolvedTreeOptions & { splitter: Splitter | "auto" };
  /** The splitter the last fit used. */
  splitterUsed?: Splitter;
  classCount = 0;
  featureCount = 0;
  featureImportances?: Float64Array;
  private handle = -1;

  /**
   * Creates an unfitted tree.
   *
   * @example
   * const tree = new DecisionTreeClassifier(core, { maxDepth: 8, seed: 1 }).fit(x, y);
   * const classes = tree.predict(xTest);
   */
  constructor(
    private readonly core: Core,
    options: DecisionTreeOptions = {},
  ) {
    const { splitter, ...numeric } = options;
    this.options = {
      ...resolveParams<ResolvedTreeOptions>("DecisionTreeClassifier", TREE_PARAMS, numeric),
      splitter: checkSplitter("DecisionTreeClassifier", splitter),
    };
  }

  /** Builds the tree on `x` and `y`; returns this model. */
  fit(x: Matrix, y: LabelVector): this {
    checkShapes("DecisionTreeClassifier", x, y);
    this.dispose();
    const o = this.options;
    const maxFeatures = Math.min(o.maxFeatures ?? x.cols, x.cols);
    this.splitterUsed = chooseSplitter(o.splitter, x.rows);
    if (this.splitterUsed === "exact") {
      this.handle = this.core.exports.treeFit(
        x.ptr,
        x.rows,
        x.cols,
        y.ptr,
        y.classCount,
        0,
        maxFeatures,
        o.maxDepth ?? 0,
        o.minSamplesSplit,
        o.minSamplesLeaf,
        o.seed >>> 0,
      );
    } else {
      const binned = binMatrix(x);
      this.handle = this.core.exports.histTreeFit(
        binned.rowValues,
        binned.codes,
        x.rows,
        x.cols,
        binned.edges,
        binned.edgeCounts,
        binned.maxBins,
        y.ptr,
        y.classCount,
        0,
        maxFeatures,
        o.maxDepth ?? 0,
        o.minSamplesSplit,
        o.minSamplesLeaf,
        EXACT_BELOW,
        o.seed >>> 0,
      );
    }
    this.classCount = y.classCount;
    this.featureCount = x.cols;
    this.featureImportances = treeImportances(this.core, this.handle, x.cols);
    return this;
  }

  /** Returns the class with the largest weight in the leaf each row reaches. */
  predict(x: Matrix): Int32Array {
    this.checkFitted(x);
    const out = this.core.alloc(x.rows * 4);
    this.core.exports.treePredict(this.handle, x.ptr, x.rows, out);
    const classes = this.core.i32(out, x.rows).slice();
    this.core.free(out);
    return classes;
  }

  /** Returns leaf class fractions, row-major rows × classCount. */
  predictProba(x: Matrix): Float64Array {
    this.checkFitted(x);
    const n = x.rows * this.classCount;
    const out = this.core.alloc(n * 8);
    this.core.exports.treePredictProba(this.handle, x.ptr, x.rows, out);
    const proba = this.core.f64(out, n).slice();
    this.core.free(out);
    return proba;
  }

  /** Number of nodes of the fitted tree. */
  get nodeCount(): number {
    return this.handle < 0 ? 0 : this.core.exports.treeNodeCount(this.handle);
  }

  /** Depth of the fitted tree (a single leaf has depth 0). */
  get depth(): number {
    return this.handle < 0 ? 0 : this.core.exports.treeDepth(this.handle);
  }

  /** Returns the node arrays of the fitted tree. */
  structure(): TreeStructure {
    this.checkFitted();
    return exportTree(this.core, this.handle, this.classCount);
  }

  dispose(): void {
    if (this.handle >= 0) this.core.exports.treeFree(this.handle);
    this.handle = -1;
  }

  private checkFitted(x?: Matrix): void {
    if (this.handle < 0) throw new Error("model: DecisionTreeClassifier is not fitted; call fit first");
    if (x && x.cols !== this.featureCount) {
      throw new RangeError(
        `model: DecisionTreeClassifier was fitted on ${this.featureCount} features, got a matrix with ${x.cols}`,
      );
    }
  }
}

/** Reads the normalised importances of tree `handle`. */
export function treeImportances(core: Core, handle: number, featureCount: number): Float64Array {
  const out = core.alloc(featureCount * 8);
  core.exports.treeImportances(handle, out);
  const importances = core.f64(out, featureCount).slice();
  core.free(out);
  return importances;
}

/** Throws unless `x` and `y` describe the same non-empty rows. */
export function checkShapes(estimator: string, x: Matrix, y: LabelVector): void {
  if (x.rows !== y.length) {
    throw new RangeError(`model: ${estimator} got ${x.rows} rows of features but ${y.length} labels`);
  }
  if (x.rows === 0) throw new RangeError(`model: ${estimator} cannot be fitted on 0 rows`);
  if (x.cols === 0) throw new RangeError(`model: ${estimator} cannot be fitted on 0 features`);
}
