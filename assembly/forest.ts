// Random forest trees as scikit-learn 1.2's RandomForestClassifier draws
// them: tree t gets the seed RandomState(seed).randint(2^31 - 1) (the t-th
// draw), its bootstrap sample is RandomState(treeSeed).randint(0, n, n)
// turned into whole-number sample weights, and its splitter seed is a fresh
// RandomState(treeSeed).randint(0, RAND_R_MAX). Every tree depends only on
// its own seed, so trees can be fitted in any order or on any worker.

import { bootstrapCounts } from "./util/bootstrap";
import { MersenneTwister } from "./util/mt19937";
import { ORDER_MIN_TREES, Tree, getTree, registerTree, splitterSeedFor, treeFitWithState, treeImportancesInto, treeListClassesInto, treeListProbaInto } from "./cart";

/** Writes the per-tree seeds (u32) that RandomState(seed) draws for `count` trees into `out`. */
export function forestTreeSeeds(seed: u32, count: i32, out: usize): void {
  const generator = new MersenneTwister(seed);
  for (let t = 0; t < count; t++) {
    store<u32>(out + (<usize>t << 2), generator.boundedU32(0x7ffffffe));
  }
}

/**
 * Fits one forest tree from its seed: bootstrap counts as weights (when
 * `bootstrap`), then a tree over `maxFeatures` candidates per split.
 * Returns the tree's handle.
 */
export function forestTreeFit(
  x: usize,
  rows: i32,
  featureCount: i32,
  y: usize,
  classCount: i32,
  bootstrap: bool,
  maxFeatures: i32,
  maxDepth: i32,
  minSamplesSplit: i32,
  minSamplesLeaf: i32,
  treeSeed: u32,
): i32 {
  const weights: usize = bootstrap ? bootstrapCounts(rows, treeSeed) : 0;
  const tree = treeFitWithState(
    x,
    rows,
    featureCount,
    y,
    classCount,
    weights,
    maxFeatures,
    maxDepth,
    minSamplesSplit,
    minSamplesLeaf,
    splitterSeedFor(treeSeed),
  );
  if (weights != 0) heap.free(weights);
  return registerTree(tree);
}

/**
 * Writes into `out` (rows × classCount float64) each row's sum of the class
 * probabilities of the listed trees, added in the order given; the caller
 * divides by the tree count.
 */
export function forestSumProba(handles: usize, treeCount: i32, x: usize, rows: i32, out: usize): void {
  treeListProbaInto(treesOf(handles, treeCount), x, rows, out, false);
}

/**
 * Writes the forest's class for each row into int32 `out`, the argmax of
 * forestSumProba's sums over the listed trees. Rows whose class is
 * settled before the last tree are not walked further (see
 * treeListClassesInto). Returns the number of row and tree walks skipped.
 */
export function forestPredictClasses(handles: usize, treeCount: i32, x: usize, rows: i32, out: usize): f64 {
  return treeListClassesInto(treesOf(handles, treeCount), x, rows, out);
}

/** Returns the minimum tree count for which forestSumProba and forestPredictClasses walk rows in path order (see RowBlock in cart.ts). */
export function forestPathOrderMinTrees(): i32 {
  return ORDER_MIN_TREES;
}

/** Returns the trees of `treeCount` int32 handles at `handles`, in order. */
function treesOf(handles: usize, treeCount: i32): Array<Tree> {
  const trees = new Array<Tree>(treeCount);
  for (let t = 0; t < treeCount; t++) trees[t] = getTree(load<i32>(handles + (<usize>t << 2)));
  return trees;
}

/** Writes the normalised importances of one tree into float64 `out`. */
export function forestTreeImportances(handle: i32, out: usize): void {
  treeImportancesInto(getTree(handle), out);
}
