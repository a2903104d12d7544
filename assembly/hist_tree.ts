// CART trees grown from binned features (see binning.ts), with exact splits
// in small nodes. A node with more than `exactBelow` samples counts the
// weighted classes of its samples per bin of each candidate feature and
// scans the bins for the split with the best Gini proxy
// -w_R * Gini_R - w_L * Gini_L, so it costs one pass over its samples per
// candidate and its thresholds fall on bin edges. A node with at most
// `exactBelow` samples sorts the raw float32 values of each candidate, as
// the exact splitter does, and may split between any two distinct values.
// Large nodes thus decide the coarse shape quickly, and the deep, small
// nodes, where a bin edge is often far from the best threshold, are exact.
//
// Each sample carries its row of codes (row-major bytes) through the
// partitions, so a histogram pass reads the node's codes in order. When
// the depth-first walk enters a small subtree, the raw rows of its samples
// are copied once from a row-major copy of the matrix into a block that
// stays in cache while the subtree's exact nodes are split.
//
// Random choices (the candidate features at each node) come from a
// xorshift generator seeded by the caller, so the same seed gives the same
// tree. Candidates are drawn as scikit-learn draws them: without
// replacement, and a feature found constant in the node does not count
// towards maxFeatures. Trees are stored in the same Tree structure as the
// exact builder's, so prediction, importances and export are shared.

import { FEATURE_THRESHOLD, Tree, registerTree } from "./cart";
import { bootstrapCounts } from "./util/bootstrap";
import { fromOrdered, midpoint, orderedBits } from "./binning";
import { sortKeys } from "./util/sort";

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
  /** Row of each sample. */
  samples: StaticArray<i32>;
  /** Per sample: weight << 8 | class. */
  meta: StaticArray<u32>;
  features: StaticArray<i32>;
  candidates: StaticArray<i32>;
  /** Per candidate and bin: the weight of each class. */
  hist: StaticArray<u32>;
  /** Per candidate and bin: the sample count, kept only when minSamplesLeaf > 1. */
  histRows: StaticArray<u32>;
  countRows: bool;
  sumTotal: StaticArray<f64>;
  sumLeft: StaticArray<f64>;
  random: StaticArray<u32> = new StaticArray<u32>(1);
  sampleCount: i32 = 0;
  totalWeight: f64 = 0;
  nodeWeight: f64 = 0;
  /** The codes of each sample's row, in sample order (sampleCount × featureCount bytes), moved along with the samples. */
  rowCodes: usize = 0;
  swapBuffer: usize = 0;
  /** Sort keys of an exact node: ordered value bits << 32 | position in the node. */
  keys: usize = 0;
  /**
   * The raw rows of the small subtree being split exactly, copied once when
   * the depth-first walk enters it (at most exactBelow rows × featureCount
   * float32 values), so its nodes read values from cache.
   */
  block: usize = 0;
  /** For each sample position in [blockStart, blockEnd): its row in `block`. */
  blockRow: StaticArray<i32> = new StaticArray<i32>(0);
  blockStart: i32 = -1;
  blockEnd: i32 = -1;
  /**
   * Whether sibling subtraction is on: every node tries every feature and
   * minSamplesLeaf is 1. A histogram node then has the histograms of all
   * features in one buffer (featureCount × maxBins × classCount u32). The
   * smaller child's are counted from its samples, and the larger child's are
   * the parent's minus the smaller's.
   */
  subtract: bool = false;
  /** The current node's full histogram buffer, or 0. */
  nodeHist: usize = 0;
  histBuffers: Array<usize> = [];
  freeBuffers: Array<i32> = [];

  bestPos: i32 = 0;
  bestFeature: i32 = 0;
  bestBin: i32 = 0;
  bestExact: bool = false;
  bestThreshold: f64 = 0;
  bestImpurityLeft: f64 = 0;
  bestImpurityRight: f64 = 0;
  bestImprovement: f64 = 0;
  bestProxy: f64 = 0;

  constructor(
    public rowValues: usize,
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
    public exactBelow: i32,
  ) {
    assert(classCount <= 256, "histogram trees take at most 256 classes");
    this.countRows = minSamplesLeaf > 1;
    this.subtract = maxFeatures >= featureCount && minSamplesLeaf <= 1;
    let count = 0;
    for (let i = 0; i < rows; i++) if (weights == 0 || load<u32>(weights + (<usize>i << 2)) != 0) count++;
    this.samples = new StaticArray<i32>(count);
    this.meta = new StaticArray<u32>(count);
    this.features = new StaticArray<i32>(featureCount);
    this.candidates = new StaticArray<i32>(featureCount);
    this.hist = new StaticArray<u32>(maxFeatures * maxBins * classCount);
    this.histRows = new StaticArray<u32>(minSamplesLeaf > 1 ? maxFeatures * maxBins : 0);
    this.sumTotal = new StaticArray<f64>(classCount);
    this.sumLeft = new StaticArray<f64>(classCount);
    for (let f = 0; f < featureCount; f++) this.features[f] = f;
    let total: f64 = 0;
    let p = 0;
    for (let i = 0; i < rows; i++) {
      const w = weights == 0 ? 1 : load<u32>(weights + (<usize>i << 2));
      if (w == 0) continue;
      assert(w < 1 << 24, "a sample weight above 2^24 - 1");
      this.samples[p] = i;
      this.meta[p] = (w << 8) | load<u32>(y + (<usize>i << 2));
      total += <f64>w;
      p++;
    }
    const stride = <usize>featureCount;
    this.rowCodes = heap.alloc(<usize>count * stride);
    this.swapBuffer = heap.alloc(stride);
    for (let q = 0; q < count; q++) {
      memory.copy(this.rowCodes + <usize>q * stride, codes + <usize>this.samples[q] * stride, stride);
    }
    const exactRows = max<i32>(1, exactBelow < count ? exactBelow : count);
    this.keys = heap.alloc(<usize>exactRows << <usize>3);
    this.block = heap.alloc((<usize>exactRows * <usize>featureCount) << <usize>2);
    this.blockRow = new StaticArray<i32>(exactRows);
    this.sampleCount = count;
    this.totalWeight = total;
  }

  /** Byte offset of feature f's histogram in a node's full histogram buffer. */
  @inline featureHistOffset(f: i32): usize {
    return (<usize>f * <usize>this.maxBins * <usize>this.classCount) << 2;
  }

  /** Returns the index of a full histogram buffer, zeroed. */
  takeBuffer(): i32 {
    const bytes = (<usize>this.featureCount * <usize>this.maxBins * <usize>this.classCount) << 2;
    let index: i32;
    if (this.freeBuffers.length > 0) {
      index = this.freeBuffers.pop();
    } else {
      index = this.histBuffers.length;
      this.histBuffers.push(heap.alloc(bytes));
    }
    memory.fill(this.histBuffers[index], 0, bytes);
    return index;
  }

  giveBack(index: i32): void {
    if (index >= 0) this.freeBuffers.push(index);
  }

  /** Adds every feature's class weights over samples[start, end) to the full histogram buffer `index`. */
  countAll(start: i32, end: i32, index: i32): void {
    const k = <usize>this.classCount;
    const perFeature = <usize>this.maxBins * k;
    const stride = <usize>this.featureCount;
    const base = this.histBuffers[index];
    for (let p = start; p < end; p++) {
      const rowBase = this.rowCodes + <usize>p * stride;
      const m = unchecked(this.meta[p]);
      const w = m >>> 8;
      let at = base + (<usize>(m & 0xff) << 2);
      for (let f: usize = 0; f < stride; f++) {
        const slot = at + ((<usize>load<u8>(rowBase + f) * k) << 2);
        store<u32>(slot, load<u32>(slot) + w);
        at += perFeature << 2;
      }
    }
  }

  /** Subtracts full histogram `part` from `whole`, bin by used bin. */
  subtractFrom(whole: i32, part: i32): void {
    const k = <usize>this.classCount;
    const a = this.histBuffers[whole];
    const b = this.histBuffers[part];
    for (let f = 0; f < this.featureCount; f++) {
      const offset = this.featureHistOffset(f);
      const used = (<usize>load<i32>(this.edgeCounts + (<usize>f << 2)) + 1) * k;
      for (let i: usize = 0; i < used; i++) {
        const at = offset + (i << 2);
        store<u32>(a + at, load<u32>(a + at) - load<u32>(b + at));
      }
    }
  }

  /** Frees the sample-ordered codes and the sort keys. */
  dispose(): void {
    for (let i = 0; i < this.histBuffers.length; i++) heap.free(this.histBuffers[i]);
    heap.free(this.rowCodes);
    heap.free(this.swapBuffer);
    heap.free(this.keys);
    heap.free(this.block);
  }

  /** Copies the rows of samples[start, end) into `block`, unless the current block already holds them. */
  enterBlock(start: i32, end: i32): void {
    if (start >= this.blockStart && end <= this.blockEnd) return;
    const rowBytes = <usize>this.featureCount << 2;
    for (let p = start; p < end; p++) {
      const q = p - start;
      memory.copy(this.block + <usize>q * rowBytes, this.rowValues + <usize>unchecked(this.samples[p]) * rowBytes, rowBytes);
      unchecked((this.blockRow[q] = q));
    }
    this.blockStart = start;
    this.blockEnd = end;
  }

  /** The value of feature f for the sample at position p, which lies in the current block. */
  @inline blockValue(p: i32, f: i32): f32 {
    const row = <usize>unchecked(this.blockRow[p - this.blockStart]);
    return load<f32>(this.block + ((row * <usize>this.featureCount + <usize>f) << 2));
  }

  resetNode(start: i32, end: i32): void {
    const sums = this.sumTotal;
    for (let c = 0; c < this.classCount; c++) unchecked((sums[c] = 0));
    let weight: f64 = 0;
    for (let p = start; p < end; p++) {
      const m = unchecked(this.meta[p]);
      const w = <f64>(m >>> 8);
      unchecked((sums[m & 0xff] += w));
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

  /**
   * Scores the split with sumLeft and weightLeft on the left; keeps it and
   * returns true when it beats the best so far. The score is
   * sum_c L_c^2 / w_L + sum_c R_c^2 / w_R, which orders splits as the Gini
   * proxy -w_R * Gini_R - w_L * Gini_L does (the two differ by the node's
   * weight), with one pass over the classes.
   */
  @inline consider(start: i32, impurity: f64, rowsLeft: i32, weightLeft: f64): bool {
    const weightRight = this.nodeWeight - weightLeft;
    let squaresLeft: f64 = 0;
    let squaresRight: f64 = 0;
    for (let c = 0; c < this.classCount; c++) {
      const l = unchecked(this.sumLeft[c]);
      const r = unchecked(this.sumTotal[c]) - l;
      squaresLeft += l * l;
      squaresRight += r * r;
    }
    const proxy = squaresLeft / weightLeft + squaresRight / weightRight;
    if (!(proxy > this.bestProxy)) return false;
    const giniLeft = 1.0 - squaresLeft / (weightLeft * weightLeft);
    const giniRight = 1.0 - squaresRight / (weightRight * weightRight);
    this.bestProxy = proxy;
    this.bestPos = start + rowsLeft;
    this.bestImpurityLeft = giniLeft;
    this.bestImpurityRight = giniRight;
    this.bestImprovement =
      (this.nodeWeight / this.totalWeight) *
      (impurity - (weightRight / this.nodeWeight) * giniRight - (weightLeft / this.nodeWeight) * giniLeft);
    return true;
  }

  /**
   * Fills the class-weight histograms of `count` candidate features over
   * samples[start, end), and their sample-count histograms when
   * minSamplesLeaf needs them; both start at zero.
   */
  buildHistograms(start: i32, end: i32, count: i32): void {
    const k = <usize>this.classCount;
    const perCandidate = <usize>this.maxBins * k;
    const hist = changetype<usize>(this.hist);
    const candidates = this.candidates;
    const stride = <usize>this.featureCount;
    for (let p = start; p < end; p++) {
      const rowBase = this.rowCodes + <usize>p * stride;
      const m = unchecked(this.meta[p]);
      const c = <usize>(m & 0xff);
      const w = m >>> 8;
      let base = hist + (c << 2);
      for (let j = 0; j < count; j++) {
        const at = base + ((<usize>load<u8>(rowBase + <usize>unchecked(candidates[j])) * k) << 2);
        store<u32>(at, load<u32>(at) + w);
        base += perCandidate << 2;
      }
    }
    if (!this.countRows) return;
    const bins = <usize>this.maxBins;
    const rowsHist = changetype<usize>(this.histRows);
    for (let p = start; p < end; p++) {
      const rowBase = this.rowCodes + <usize>p * stride;
      for (let j = 0; j < count; j++) {
        const at = rowsHist + ((<usize>j * bins + <usize>load<u8>(rowBase + <usize>unchecked(candidates[j]))) << 2);
        store<u32>(at, load<u32>(at) + 1);
      }
    }
  }

  /** Zeroes the used bins of `count` candidates again. */
  clearHistograms(count: i32): void {
    const k = <usize>this.classCount;
    const bins = <usize>this.maxBins;
    const hist = changetype<usize>(this.hist);
    for (let j = 0; j < count; j++) {
      const used = <usize>load<i32>(this.edgeCounts + (<usize>unchecked(this.candidates[j]) << 2)) + 1;
      memory.fill(hist + ((<usize>j * bins * k) << 2), 0, (used * k) << 2);
      if (this.countRows) memory.fill(changetype<usize>(this.histRows) + ((<usize>j * bins) << 2), 0, used << 2);
    }
  }

  /** Scans the histogram of feature f at `base`; returns false when the feature is constant in the node. */
  scanBins(start: i32, end: i32, impurity: f64, j: i32, f: i32, base: usize): bool {
    const k = this.classCount;
    const rowsBase = changetype<usize>(this.histRows) + ((<usize>j * <usize>this.maxBins) << 2);
    const binCount = load<i32>(this.edgeCounts + (<usize>f << 2)) + 1;
    const nodeRows = end - start;
    const nodeWeight = this.nodeWeight;
    // Constant when the bin of the first sample contains the node's whole weight (every weight is at least 1).
    const first = <i32>load<u8>(this.rowCodes + <usize>start * <usize>this.featureCount + <usize>f);
    let firstWeight: f64 = 0;
    for (let c = 0; c < k; c++) firstWeight += <f64>load<u32>(base + (<usize>(first * k + c) << 2));
    if (firstWeight == nodeWeight) return false;

    for (let c = 0; c < k; c++) unchecked((this.sumLeft[c] = 0));
    let weightLeft: f64 = 0;
    let rowsLeft = 0;
    for (let b = 0; b + 1 < binCount; b++) {
      const at = base + (<usize>(b * k) << 2);
      let binWeight: u32 = 0;
      for (let c = 0; c < k; c++) {
        const w = load<u32>(at + (<usize>c << 2));
        unchecked((this.sumLeft[c] += <f64>w));
        binWeight += w;
      }
      if (binWeight == 0) continue;
      weightLeft += <f64>binWeight;
      if (weightLeft >= nodeWeight) break;
      if (this.countRows) {
        rowsLeft += <i32>load<u32>(rowsBase + (<usize>b << 2));
        if (rowsLeft < this.minSamplesLeaf || nodeRows - rowsLeft < this.minSamplesLeaf) continue;
      }
      if (this.consider(start, impurity, rowsLeft, weightLeft)) {
        this.bestFeature = f;
        this.bestBin = b;
        this.bestExact = false;
        this.bestThreshold = load<f64>(this.edges + ((<usize>f * <usize>(this.maxBins - 1) + <usize>b) << 3));
      }
    }
    return true;
  }

  /** Exact search over feature f on its raw values; returns false when f is constant in the node. */
  searchValues(start: i32, end: i32, impurity: f64, f: i32): bool {
    const n = end - start;
    const keys = this.keys;
    for (let i = 0; i < n; i++) {
      const value = this.blockValue(start + i, f);
      store<u64>(keys + (<usize>i << 3), (<u64>orderedBits(value) << 32) | <u64>i);
    }
    sortKeys(keys, n);
    const low = fromOrdered(<u32>(load<u64>(keys) >>> 32));
    const high = fromOrdered(<u32>(load<u64>(keys + (<usize>(n - 1) << 3)) >>> 32));
    if (high <= low + FEATURE_THRESHOLD) return false;

    for (let c = 0; c < this.classCount; c++) unchecked((this.sumLeft[c] = 0));
    let weightLeft: f64 = 0;
    let current = low;
    for (let i = 0; i + 1 < n; i++) {
      const m = unchecked(this.meta[start + <i32>(<u32>load<u64>(keys + (<usize>i << 3)))]);
      const w = <f64>(m >>> 8);
      unchecked((this.sumLeft[m & 0xff] += w));
      weightLeft += w;
      const next = fromOrdered(<u32>(load<u64>(keys + (<usize>(i + 1) << 3)) >>> 32));
      const below = current;
      current = next;
      if (next <= below + FEATURE_THRESHOLD) continue;
      const rowsLeft = i + 1;
      if (rowsLeft < this.minSamplesLeaf || n - rowsLeft < this.minSamplesLeaf) continue;
      if (this.consider(start, impurity, rowsLeft, weightLeft)) {
        this.bestFeature = f;
        this.bestExact = true;
        this.bestThreshold = midpoint(<f64>below, <f64>next);
      }
    }
    return true;
  }

  /** Finds the best split of samples[start, end) and partitions them; bestPos is `end` when there is none. */
  splitNode(start: i32, end: i32, impurity: f64): void {
    this.bestPos = end;
    this.bestImprovement = -Infinity;
    this.bestProxy = -Infinity;
    const exact = end - start <= this.exactBelow;

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
      if (exact) {
        this.enterBlock(start, end);
        for (let j = 0; j < drawn; j++) if (this.searchValues(start, end, impurity, unchecked(this.candidates[j]))) accepted++;
      } else if (this.nodeHist != 0) {
        // Every feature's histogram of this node is ready (see `subtract`).
        for (let j = 0; j < drawn; j++) {
          const f = unchecked(this.candidates[j]);
          if (this.scanBins(start, end, impurity, j, f, this.nodeHist + this.featureHistOffset(f))) accepted++;
        }
      } else {
        this.buildHistograms(start, end, drawn);
        const perCandidate = (<usize>this.maxBins * <usize>this.classCount) << 2;
        for (let j = 0; j < drawn; j++) {
          if (this.scanBins(start, end, impurity, j, unchecked(this.candidates[j]), changetype<usize>(this.hist) + <usize>j * perCandidate)) accepted++;
        }
        this.clearHistograms(drawn);
      }
    }
    if (this.bestPos < end) this.partition(start, end);
  }

  /** Whether the sample at position p goes left of the best split. */
  @inline goesLeft(p: i32): bool {
    const f = this.bestFeature;
    if (this.bestExact) return <f64>this.blockValue(p, f) <= this.bestThreshold;
    return <i32>load<u8>(this.rowCodes + <usize>p * <usize>this.featureCount + <usize>f) <= this.bestBin;
  }

  /** Moves the samples going left to the front (two-pointer partition, swapping only misplaced pairs). */
  partition(start: i32, end: i32): void {
    let i = start;
    let j = end - 1;
    while (true) {
      while (i <= j && this.goesLeft(i)) i++;
      while (i < j && !this.goesLeft(j)) j--;
      if (i >= j) break;
      this.swap(i, j);
      i++;
      j--;
    }
    // A histogram split has its left sample count only when it counted rows.
    assert(i == this.bestPos || (!this.bestExact && !this.countRows), "partition disagrees with the split's sample count");
    this.bestPos = i;
  }

  @inline swap(a: i32, b: i32): void {
    const s = unchecked(this.samples[a]);
    unchecked((this.samples[a] = unchecked(this.samples[b])));
    unchecked((this.samples[b] = s));
    const m = unchecked(this.meta[a]);
    unchecked((this.meta[a] = unchecked(this.meta[b])));
    unchecked((this.meta[b] = m));
    if (this.bestExact) {
      const blockA = a - this.blockStart;
      const blockB = b - this.blockStart;
      const r = unchecked(this.blockRow[blockA]);
      unchecked((this.blockRow[blockA] = unchecked(this.blockRow[blockB])));
      unchecked((this.blockRow[blockB] = r));
    }
    const stride = <usize>this.featureCount;
    const rowA = this.rowCodes + <usize>a * stride;
    const rowB = this.rowCodes + <usize>b * stride;
    memory.copy(this.swapBuffer, rowA, stride);
    memory.copy(rowA, rowB, stride);
    memory.copy(rowB, this.swapBuffer, stride);
  }
}

/** Whether a child node will be split on histograms, and so needs them when subtraction is on. */
@inline function needsHistograms(builder: HistBuilder, samples: i32, impurity: f64, depth: i32): bool {
  return samples > builder.exactBelow && samples >= builder.minSamplesSplit && impurity > EPSILON && depth < builder.maxDepth;
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
  /** Full histogram buffer of each pending node (see HistBuilder.subtract), or -1. */
  const stackHist = new Array<i32>();
  stackStart.push(0);
  stackEnd.push(builder.sampleCount);
  stackDepth.push(0);
  stackParent.push(-2);
  stackIsLeft.push(false);
  stackImpurity.push(Infinity);
  stackHist.push(-1);
  let first = true;

  while (stackStart.length > 0) {
    const start = stackStart.pop();
    const end = stackEnd.pop();
    const depth = stackDepth.pop();
    const parent = stackParent.pop();
    const isLeft = stackIsLeft.pop();
    let impurity = stackImpurity.pop();
    let hist = stackHist.pop();
    const nodeSamples = end - start;

    builder.resetNode(start, end);
    let isLeaf = depth >= builder.maxDepth || nodeSamples < builder.minSamplesSplit || nodeSamples < 2 * builder.minSamplesLeaf;
    if (first) {
      impurity = builder.gini(builder.sumTotal, builder.nodeWeight);
      first = false;
    }
    isLeaf = isLeaf || impurity <= EPSILON;
    if (!isLeaf) {
      if (builder.subtract && nodeSamples > builder.exactBelow && hist < 0) {
        hist = builder.takeBuffer();
        builder.countAll(start, end, hist);
      }
      builder.nodeHist = hist >= 0 ? builder.histBuffers[hist] : 0;
      builder.splitNode(start, end, impurity);
      builder.nodeHist = 0;
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
      builder.giveBack(hist);
      tree.feature.push(-2);
      tree.threshold.push(-2.0);
      continue;
    }
    tree.feature.push(builder.bestFeature);
    tree.threshold.push(builder.bestThreshold);
    const pos = builder.bestPos;

    // Children's histograms: count the smaller child, take the larger as the parent's minus it.
    let leftHist = -1;
    let rightHist = -1;
    if (hist >= 0) {
      const leftNeeds = needsHistograms(builder, pos - start, builder.bestImpurityLeft, depth + 1);
      const rightNeeds = needsHistograms(builder, end - pos, builder.bestImpurityRight, depth + 1);
      const leftSmaller = pos - start <= end - pos;
      if ((leftSmaller && rightNeeds) || (!leftSmaller && leftNeeds)) {
        const smaller = builder.takeBuffer();
        if (leftSmaller) builder.countAll(start, pos, smaller);
        else builder.countAll(pos, end, smaller);
        builder.subtractFrom(hist, smaller);
        if (leftSmaller) {
          rightHist = hist;
          if (leftNeeds) leftHist = smaller;
          else builder.giveBack(smaller);
        } else {
          leftHist = hist;
          if (rightNeeds) rightHist = smaller;
          else builder.giveBack(smaller);
        }
      } else {
        // Only the smaller child (or neither) needs histograms: it counts its own when popped.
        builder.giveBack(hist);
      }
    }
    stackStart.push(pos);
    stackEnd.push(end);
    stackDepth.push(depth + 1);
    stackParent.push(node);
    stackIsLeft.push(false);
    stackImpurity.push(builder.bestImpurityRight);
    stackHist.push(rightHist);
    stackStart.push(start);
    stackEnd.push(pos);
    stackDepth.push(depth + 1);
    stackParent.push(node);
    stackIsLeft.push(true);
    stackImpurity.push(builder.bestImpurityLeft);
    stackHist.push(leftHist);
  }
  tree.compact();
  return tree;
}

/**
 * Fits a tree on binned features: `rowValues` the float32 matrix
 * row-major (`rowValues[row * featureCount + feature]`), `codes` its bin
 * codes (u8, row-major in the same way),
 * `edges` (f64, featureCount × (maxBins - 1)), `edgeCounts` (i32 per
 * feature); `weights` is 0 or one u32 weight per row. Nodes with at most
 * `exactBelow` samples are split exactly on `rowValues`. Returns the
 * tree's handle.
 */
export function histTreeFit(
  rowValues: usize,
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
  exactBelow: i32,
  seed: u32,
): i32 {
  const builder = new HistBuilder(
    rowValues,
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
    exactBelow,
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
  rowValues: usize,
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
  exactBelow: i32,
  treeSeed: u32,
): i32 {
  const weights: usize = bootstrap ? bootstrapCounts(rows, treeSeed) : 0;
  const handle = histTreeFit(
    rowValues, codes, rows, featureCount, edges, edgeCounts, maxBins, y, classCount, weights,
    maxFeatures, maxDepth, minSamplesSplit, minSamplesLeaf, exactBelow, treeSeed ^ 0x9e3779b9,
  );
  if (weights != 0) heap.free(weights);
  return handle;
}
