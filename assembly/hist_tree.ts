// CART trees grown from binned features (see binning.ts): a node counts the
// weighted classes of its rows per bin of each candidate feature, then scans
// the bins for the split with the best Gini proxy -w_R * Gini_R - w_L * Gini_L.
// Building a histogram is one pass over the node's rows, so a node costs
// O(rows × candidate features) instead of the exact splitter's sort per
// feature; the price is that thresholds can only fall on bin edges.
//
// Random choices (the candidate features at each node) come from a
// xorshift generator seeded by the caller, so the same seed gives the same
// tree. Candidates are drawn as scikit-learn draws them: without
// replacement, and a feature found constant in the node does not count
// towards maxFeatures. Trees are stored in the same Tree structure as the
// exact builder's, so prediction, importances and export are shared.

import { Tree, registerTree } from "./cart";
import { bootstrapCounts } from "./util/bootstrap";

const EPSILON: f64 = 2.220446049250313e-16;
const LEAF: i32 = -1;

/** A xorshift32 step; a zero state is replaced by 1. */
@inline function nextRandom(state: StaticArray<u32>): u32 {
  let s = unchecked(state[0]);
  if (s == 0) s = 1;
  s ^= s << 13;
  s ^= s >>> 17;
  s ^= s << 5;
  unchecked((state[0] = s));
  return s;
}

class HistBuilder {
  samples: StaticArray<i32>;
  sampleClass: StaticArray<i32>;
  sampleWeight: StaticArray<u32>;
  features: StaticArray<i32>;
  candidates: StaticArray<i32>;
  /** Per candidate: bins × classes weighted counts, then bins row counts. */
  histWeights: StaticArray<u32>;
  histRows: StaticArray<u32>;
  sumTotal: StaticArray<f64>;
  sumLeft: StaticArray<f64>;
  random: StaticArray<u32> = new StaticArray<u32>(1);
  sampleCount: i32 = 0;
  totalWeight: f64 = 0;
  nodeWeight: f64 = 0;
  bins: i32;
  /** The codes of each sample's row, in sample order (sampleCount × featureCount bytes), moved along with the samples. */
  rowCodes: usize = 0;
  swapBuffer: usize = 0;

  bestPos: i32 = 0;
  bestFeature: i32 = 0;
  bestBin: i32 = 0;
  bestImpurityLeft: f64 = 0;
  bestImpurityRight: f64 = 0;
  bestImprovement: f64 = 0;

  constructor(
    public codes: usize,
    public rows: i32,
    public featureCount: i32,
    public edges: usize,
    public edgeCounts: usize,
    public maxBins: i32,
    public y: usize,
    public classCount: i32,
    public weights: usize,
    public maxFeatures: i32,
    public maxDepth: i32,
    public minSamplesSplit: i32,
    public minSamplesLeaf: i32,
  ) {
    this.bins = maxBins;
    let count = 0;
    for (let i = 0; i < rows; i++) if (weights == 0 || load<u32>(weights + (<usize>i << 2)) != 0) count++;
    this.samples = new StaticArray<i32>(count);
    this.sampleClass = new StaticArray<i32>(count);
    this.sampleWeight = new StaticArray<u32>(count);
    this.features = new StaticArray<i32>(featureCount);
    this.candidates = new StaticArray<i32>(featureCount);
    this.histWeights = new StaticArray<u32>(featureCount * maxBins * classCount);
    this.histRows = new StaticArray<u32>(featureCount * maxBins);
    this.sumTotal = new StaticArray<f64>(classCount);
    this.sumLeft = new StaticArray<f64>(classCount);
    for (let f = 0; f < featureCount; f++) this.features[f] = f;
    let total: f64 = 0;
    let p = 0;
    for (let i = 0; i < rows; i++) {
      const w = this.weightOf(i);
      if (w == 0) continue;
      this.samples[p] = i;
      this.sampleClass[p] = load<i32>(this.y + (<usize>i << 2));
      this.sampleWeight[p] = w;
      total += <f64>w;
      p++;
    }
    const stride = <usize>featureCount;
    this.rowCodes = heap.alloc(<usize>count * stride);
    this.swapBuffer = heap.alloc(stride);
    for (let q = 0; q < count; q++) {
      memory.copy(this.rowCodes + <usize>q * stride, codes + <usize>this.samples[q] * stride, stride);
    }
    this.sampleCount = count;
    this.totalWeight = total;
  }

  @inline weightOf(row: i32): u32 {
    return this.weights == 0 ? 1 : load<u32>(this.weights + (<usize>row << 2));
  }

  /** Frees the sample-ordered codes. */
  dispose(): void {
    heap.free(this.rowCodes);
    heap.free(this.swapBuffer);
  }

  resetNode(start: i32, end: i32): void {
    const sums = this.sumTotal;
    for (let c = 0; c < this.classCount; c++) unchecked((sums[c] = 0));
    let weight: f64 = 0;
    for (let p = start; p < end; p++) {
      const w = <f64>unchecked(this.sampleWeight[p]);
      unchecked((sums[unchecked(this.sampleClass[p])] += w));
      weight += w;
    }
    this.nodeWeight = weight;
  }

  gini(sums: StaticArray<f64>, weight: f64): f64 {
    let squares: f64 = 0;
    for (let c = 0; c < this.classCount; c++) {
      const v = unchecked(sums[c]);
      squares += v * v;
    }
    return 1.0 - squares / (weight * weight);
  }

  giniRight(weightRight: f64): f64 {
    let squares: f64 = 0;
    for (let c = 0; c < this.classCount; c++) {
      const v = unchecked(this.sumTotal[c]) - unchecked(this.sumLeft[c]);
      squares += v * v;
    }
    return 1.0 - squares / (weightRight * weightRight);
  }

  /** Fills the histograms of `count` candidate features over samples[start, end). */
  buildHistograms(start: i32, end: i32, count: i32): void {
    const k = this.classCount;
    const bins = this.bins;
    const histWeights = this.histWeights;
    const histRows = this.histRows;
    const candidates = this.candidates;
    const stride = <usize>this.featureCount;
    for (let p = start; p < end; p++) {
      const rowBase = this.rowCodes + <usize>p * stride;
      const c = unchecked(this.sampleClass[p]);
      const w = unchecked(this.sampleWeight[p]);
      for (let j = 0; j < count; j++) {
        const b = <i32>load<u8>(rowBase + <usize>unchecked(candidates[j]));
        const slot = j * bins + b;
        unchecked((histRows[slot] += 1));
        unchecked((histWeights[slot * k + c] += w));
      }
    }
  }

  /**
   * Zeroes the histograms of `count` candidates again, which every node
   * expects: through the node's rows when they are few, else by clearing
   * each candidate's used bins.
   */
  clearHistograms(start: i32, end: i32, count: i32): void {
    const k = this.classCount;
    const bins = this.bins;
    const histWeights = this.histWeights;
    const histRows = this.histRows;
    const candidates = this.candidates;
    if (end - start < 64) {
      const stride = <usize>this.featureCount;
      for (let p = start; p < end; p++) {
        const rowBase = this.rowCodes + <usize>p * stride;
        const c = unchecked(this.sampleClass[p]);
        for (let j = 0; j < count; j++) {
          const slot = j * bins + <i32>load<u8>(rowBase + <usize>unchecked(candidates[j]));
          unchecked((histRows[slot] = 0));
          unchecked((histWeights[slot * k + c] = 0));
        }
      }
      return;
    }
    for (let j = 0; j < count; j++) {
      const used = load<i32>(this.edgeCounts + (<usize>unchecked(candidates[j]) << 2)) + 1;
      memory.fill(changetype<usize>(histRows) + (<usize>(j * bins) << 2), 0, <usize>used << 2);
      memory.fill(changetype<usize>(histWeights) + (<usize>(j * bins * k) << 2), 0, <usize>(used * k) << 2);
    }
  }

  /** Finds the best split of samples[start, end); bestPos is `end` when there is none. */
  splitNode(start: i32, end: i32, impurity: f64): void {
    const k = this.classCount;
    const bins = this.bins;
    const nodeRows = end - start;
    this.bestPos = end;
    this.bestImprovement = -Infinity;
    let bestProxy: f64 = -Infinity;

    // Draw candidates without replacement; constant ones do not count, as in scikit-learn.
    let remaining = this.featureCount;
    let accepted = 0;
    while (remaining > 0 && accepted < this.maxFeatures) {
      const want = this.maxFeatures - accepted;
      let drawn = 0;
      while (drawn < want && remaining > 0) {
        const j = <i32>(nextRandom(this.random) % <u32>remaining);
        remaining--;
        const f = unchecked(this.features[j]);
        unchecked((this.features[j] = unchecked(this.features[remaining])));
        unchecked((this.features[remaining] = f));
        unchecked((this.candidates[drawn++] = f));
      }
      this.buildHistograms(start, end, drawn);
      for (let j = 0; j < drawn; j++) {
        const f = unchecked(this.candidates[j]);
        const binCount = load<i32>(this.edgeCounts + (<usize>f << 2)) + 1;
        let nonEmpty = 0;
        for (let b = 0; b < binCount; b++) if (unchecked(this.histRows[j * bins + b]) != 0) nonEmpty++;
        if (nonEmpty <= 1) continue;
        accepted++;

        for (let c = 0; c < k; c++) unchecked((this.sumLeft[c] = 0));
        let weightLeft: f64 = 0;
        let rowsLeft = 0;
        for (let b = 0; b + 1 < binCount; b++) {
          const binRows = <i32>unchecked(this.histRows[j * bins + b]);
          if (binRows == 0) continue;
          rowsLeft += binRows;
          const base = (j * bins + b) * k;
          for (let c = 0; c < k; c++) {
            const w = <f64>unchecked(this.histWeights[base + c]);
            unchecked((this.sumLeft[c] += w));
            weightLeft += w;
          }
          if (rowsLeft >= nodeRows) break;
          if (rowsLeft < this.minSamplesLeaf || nodeRows - rowsLeft < this.minSamplesLeaf) continue;
          const weightRight = this.nodeWeight - weightLeft;
          const giniLeft = this.gini(this.sumLeft, weightLeft);
          const giniRight = this.giniRight(weightRight);
          const proxy = -weightRight * giniRight - weightLeft * giniLeft;
          if (proxy > bestProxy) {
            bestProxy = proxy;
            this.bestPos = start + rowsLeft;
            this.bestFeature = f;
            this.bestBin = b;
            this.bestImpurityLeft = giniLeft;
            this.bestImpurityRight = giniRight;
            this.bestImprovement =
              (this.nodeWeight / this.totalWeight) *
              (impurity - (weightRight / this.nodeWeight) * giniRight - (weightLeft / this.nodeWeight) * giniLeft);
          }
        }
      }
      this.clearHistograms(start, end, drawn);
    }

    if (this.bestPos < end) {
      // Rows whose code is at most bestBin go left.
      let p = start;
      let partitionEnd = end;
      const f = this.bestFeature;
      const limit = this.bestBin;
      while (p < partitionEnd) {
        if (<i32>load<u8>(this.rowCodes + <usize>p * <usize>this.featureCount + <usize>f) <= limit) {
          p++;
        } else {
          partitionEnd--;
          this.swap(p, partitionEnd);
        }
      }
    }
  }

  @inline swap(a: i32, b: i32): void {
    const s = unchecked(this.samples[a]);
    unchecked((this.samples[a] = unchecked(this.samples[b])));
    unchecked((this.samples[b] = s));
    const c = unchecked(this.sampleClass[a]);
    unchecked((this.sampleClass[a] = unchecked(this.sampleClass[b])));
    unchecked((this.sampleClass[b] = c));
    const w = unchecked(this.sampleWeight[a]);
    unchecked((this.sampleWeight[a] = unchecked(this.sampleWeight[b])));
    unchecked((this.sampleWeight[b] = w));
    const stride = <usize>this.featureCount;
    const rowA = this.rowCodes + <usize>a * stride;
    const rowB = this.rowCodes + <usize>b * stride;
    memory.copy(this.swapBuffer, rowA, stride);
    memory.copy(rowA, rowB, stride);
    memory.copy(rowB, this.swapBuffer, stride);
  }
}

function buildHistTree(builder: HistBuilder, seed: u32): Tree {
  builder.random[0] = seed;
  const tree = new Tree(builder.classCount, builder.featureCount);
  const k = builder.classCount;
  const stackStart = new Array<i32>();
  const stackEnd = new Array<i32>();
  const stackDepth = new Array<i32>();
  const stackParent = new Array<i32>();
  const stackIsLeft = new Array<bool>();
  const stackImpurity = new Array<f64>();
  stackStart.push(0);
  stackEnd.push(builder.sampleCount);
  stackDepth.push(0);
  stackParent.push(-2);
  stackIsLeft.push(false);
  stackImpurity.push(Infinity);
  let first = true;

  while (stackStart.length > 0) {
    const start = stackStart.pop();
    const end = stackEnd.pop();
    const depth = stackDepth.pop();
    const parent = stackParent.pop();
    const isLeft = stackIsLeft.pop();
    let impurity = stackImpurity.pop();
    const nodeSamples = end - start;

    builder.resetNode(start, end);
    let isLeaf = depth >= builder.maxDepth || nodeSamples < builder.minSamplesSplit || nodeSamples < 2 * builder.minSamplesLeaf;
    if (first) {
      impurity = builder.gini(builder.sumTotal, builder.nodeWeight);
      first = false;
    }
    isLeaf = isLeaf || impurity <= EPSILON;
    if (!isLeaf) {
      builder.splitNode(start, end, impurity);
      isLeaf = builder.bestPos >= end || builder.bestImprovement + EPSILON < 0.0;
    }

    const node = tree.feature.length;
    if (parent >= 0) {
      if (isLeft) tree.left[parent] = node;
      else tree.right[parent] = node;
    }
    tree.impurity.push(impurity);
    tree.nodeSamples.push(nodeSamples);
    tree.weightedNodeSamples.push(builder.nodeWeight);
    for (let c = 0; c < k; c++) tree.value.push(builder.sumTotal[c]);
    tree.left.push(LEAF);
    tree.right.push(LEAF);
    if (depth > tree.depth) tree.depth = depth;

    if (isLeaf) {
      tree.feature.push(-2);
      tree.threshold.push(-2.0);
      continue;
    }
    const f = builder.bestFeature;
    tree.feature.push(f);
    tree.threshold.push(load<f64>(builder.edges + ((<usize>f * <usize>(builder.maxBins - 1) + <usize>builder.bestBin) << 3)));
    const pos = builder.bestPos;
    stackStart.push(pos);
    stackEnd.push(end);
    stackDepth.push(depth + 1);
    stackParent.push(node);
    stackIsLeft.push(false);
    stackImpurity.push(builder.bestImpurityRight);
    stackStart.push(start);
    stackEnd.push(pos);
    stackDepth.push(depth + 1);
    stackParent.push(node);
    stackIsLeft.push(true);
    stackImpurity.push(builder.bestImpurityLeft);
  }
  tree.compact();
  return tree;
}

/**
 * Fits a tree on binned features: `codes` (u8, rows × featureCount,
 * row-major), `edges` (f64, featureCount × (maxBins - 1)), `edgeCounts`
 * (i32 per feature); `weights` is 0 or one u32 weight per row. Returns the
 * tree's handle; thresholds are bin edges, so prediction works on the raw
 * float32 matrix.
 */
export function histTreeFit(
  codes: usize,
  rows: i32,
  featureCount: i32,
  edges: usize,
  edgeCounts: usize,
  maxBins: i32,
  y: usize,
  classCount: i32,
  weights: usize,
  maxFeatures: i32,
  maxDepth: i32,
  minSamplesSplit: i32,
  minSamplesLeaf: i32,
  seed: u32,
): i32 {
  const builder = new HistBuilder(
    codes,
    rows,
    featureCount,
    edges,
    edgeCounts,
    maxBins,
    y,
    classCount,
    weights,
    maxFeatures,
    maxDepth <= 0 ? i32.MAX_VALUE : maxDepth,
    minSamplesSplit,
    minSamplesLeaf,
  );
  const tree = buildHistTree(builder, seed);
  builder.dispose();
  return registerTree(tree);
}

/**
 * Fits one forest tree on binned features from its seed: the bootstrap
 * counts are drawn exactly as for the exact forest (numpy's
 * RandomState(treeSeed).randint(0, n, n)), and the candidate features come
 * from a xorshift generator seeded with the tree seed.
 */
export function histForestTreeFit(
  codes: usize,
  rows: i32,
  featureCount: i32,
  edges: usize,
  edgeCounts: usize,
  maxBins: i32,
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
  const handle = histTreeFit(
    codes, rows, featureCount, edges, edgeCounts, maxBins, y, classCount, weights,
    maxFeatures, maxDepth, minSamplesSplit, minSamplesLeaf, treeSeed ^ 0x9e3779b9,
  );
  if (weights != 0) heap.free(weights);
  return handle;
}
