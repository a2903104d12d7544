// CART trees grown from binned features (see binning.ts), with exact splits
// in small nodes. A node with more than `exactBelow` samples counts the
// weighted classes of its samples per bin of each candidate feature and
// scans the bins for the split with the best Gini proxy
// -w_R * Gini_R - w_L * Gini_L, so it costs one pass over its samples per
// candidate and its thresholds fall on bin edges. A node with at most
// `exactBelow` samples sorts the raw float32 values of each candidate (by
// bin code first, then within each bin), as the exact splitter does, and
// may split between any two distinct values.
// Large nodes thus decide the coarse shape quickly, and the deep, small
// nodes, where a bin edge is often far from the best threshold, are exact.
//
// Each sample carries its row of codes (row-major bytes) through the
// partitions, so a histogram pass reads the node's codes in order. When
// the depth-first walk enters a small subtree, the raw rows and codes of
// its samples are copied once into a block that stays in cache while the
// subtree's exact nodes are split.
//
// Random choices (the candidate features at each node) come from a
// xorshift generator seeded by the caller, so the same seed gives the same
// tree. Candidates are drawn as scikit-learn's best splitter draws them
// (see HistBuilder.splitNode), and features found constant in a node are
// not tried again in its subtree. Trees are stored in the same Tree
// structure as the exact builder's, so prediction, importances and export
// are shared.

import { FEATURE_THRESHOLD, NodeStack, Tree, registerTree } from "./cart";
import { bootstrapCounts } from "./util/bootstrap";
import { fromOrdered, midpoint, orderedBits } from "./binning";
import { sortKeys } from "./util/sort";

const EPSILON: f64 = 2.220446049250313e-16;
const LEAF: i32 = -1;
/** Draws per batch once maxFeatures draws found only constant features. */
const EXTEND_BATCH: i32 = 4;

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
  /** For each candidate of a batch: the undrawn count right after it was drawn. */
  remainingAfter: StaticArray<i32>;
  /**
   * Features known to be constant, in the order found: the first k entries
   * are a node's known constants when the node was given k. Histogram nodes
   * call a feature constant when all its samples fall in one bin, even if
   * their raw values differ. So exact nodes keep their own list, and the
   * root of each exact subtree starts it empty. A subtree's nodes write only
   * past their own k, so an ancestor's entries stay valid for its later
   * children.
   */
  histConstants: StaticArray<i32>;
  exactConstants: StaticArray<i32>;
  /** Per feature: 1 while it is a known constant of the node being split. */
  isKnown: StaticArray<u8>;
  constantCount: i32 = 0;
  /** Per candidate and bin: the weight of each class. */
  hist: StaticArray<u32>;
  /** Per candidate and bin: the sample count, kept only when minSamplesLeaf > 1. */
  histRows: StaticArray<u32>;
  countRows: bool;
  sumTotal: StaticArray<f64>;
  sumLeft: StaticArray<f64>;
  /** The class sums and weight of the best split's left side. */
  bestSumLeft: StaticArray<f64>;
  bestWeightLeft: f64 = 0;
  random: StaticArray<u32> = new StaticArray<u32>(1);
  sampleCount: i32 = 0;
  totalWeight: f64 = 0;
  nodeWeight: f64 = 0;
  /**
   * The codes of each sample's row, in sample order, moved along with the
   * samples: `codeStride` bytes per sample (featureCount rounded up to a
   * multiple of 16, so a row moves as whole v128 values).
   */
  rowCodes: usize = 0;
  codeStride: usize = 0;
  /** Sort keys of an exact node's candidate, sorted (see searchValues). */
  keys: usize = 0;
  /** The same keys in sample order, and the samples' bin codes, as searchValues gathers them. */
  gathered: usize = 0;
  gatheredCodes: usize = 0;
  /**
   * The raw rows of the small subtree being split exactly, copied once when
   * the depth-first walk enters it (at most exactBelow rows × featureCount
   * float32 values), so its nodes read values from cache.
   */
  block: usize = 0;
  /** The bin codes of the block's rows, codeStride bytes per row. */
  blockCodes: usize = 0;
  /** Per bin code: a count, then a start offset, while an exact node sorts by bins first. All zero between searches. */
  buckets: StaticArray<i32> = new StaticArray<i32>(256);
  /** For each sample position in [blockStart, blockEnd): its row in `block` and `blockCodes`. */
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
    this.remainingAfter = new StaticArray<i32>(featureCount);
    this.histConstants = new StaticArray<i32>(featureCount);
    this.exactConstants = new StaticArray<i32>(featureCount);
    this.isKnown = new StaticArray<u8>(featureCount);
    const slots = min(featureCount, max(maxFeatures, EXTEND_BATCH));
    this.hist = new StaticArray<u32>(slots * maxBins * classCount);
    this.histRows = new StaticArray<u32>(minSamplesLeaf > 1 ? slots * maxBins : 0);
    this.sumTotal = new StaticArray<f64>(classCount);
    this.sumLeft = new StaticArray<f64>(classCount);
    this.bestSumLeft = new StaticArray<f64>(classCount);
    for (let f = 0; f < featureCount; f++) this.features[f] = f;
    let total: f64 = 0;
    let p = 0;
    for (let i = 0; i < rows; i++) {
      const w = weights == 0 ? 1 : load<u32>(weights + (<usize>i << 2));
      if (w == 0) continue;
      assert(w < 1 << 24, "a sample weight above 2^24 - 1");
      unchecked((this.samples[p] = i));
      unchecked((this.meta[p] = (w << 8) | load<u32>(y + (<usize>i << 2))));
      total += <f64>w;
      p++;
    }
    const stride = (<usize>featureCount + 15) & ~(<usize>15);
    this.codeStride = stride;
    this.rowCodes = heap.alloc(<usize>count * stride);
    for (let q = 0; q < count; q++) {
      copyRow(this.rowCodes + <usize>q * stride, codes + <usize>unchecked(this.samples[q]) * <usize>featureCount, <usize>featureCount);
    }
    const exactRows = max<i32>(1, exactBelow < count ? exactBelow : count);
    this.keys = heap.alloc(<usize>exactRows << <usize>3);
    this.gathered = heap.alloc(<usize>exactRows << <usize>3);
    this.gatheredCodes = heap.alloc(<usize>exactRows);
    this.block = heap.alloc((<usize>exactRows * <usize>featureCount) << <usize>2);
    this.blockCodes = heap.alloc(<usize>exactRows * stride);
    this.blockRow = new StaticArray<i32>(exactRows);
    this.sampleCount = count;
    this.totalWeight = total;
  }

  /** The bin code of feature f for the sample at position p. */
  @inline codeAt(p: i32, f: i32): i32 {
    return <i32>load<u8>(this.rowCodes + <usize>p * this.codeStride + <usize>f);
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
    const stride = this.codeStride;
    const features = <usize>this.featureCount;
    const base = this.histBuffers[index];
    for (let p = start; p < end; p++) {
      const rowBase = this.rowCodes + <usize>p * stride;
      const m = unchecked(this.meta[p]);
      const w = m >>> 8;
      let at = base + (<usize>(m & 0xff) << 2);
      for (let f: usize = 0; f < features; f++) {
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

  /** Frees the sample-ordered codes, the sort keys and the exact block. */
  dispose(): void {
    for (let i = 0; i < this.histBuffers.length; i++) heap.free(this.histBuffers[i]);
    heap.free(this.rowCodes);
    heap.free(this.keys);
    heap.free(this.gathered);
    heap.free(this.gatheredCodes);
    heap.free(this.block);
    heap.free(this.blockCodes);
  }

  /** Copies the rows of samples[start, end) into `block`, unless the current block already holds them. */
  enterBlock(start: i32, end: i32): void {
    if (start >= this.blockStart && end <= this.blockEnd) return;
    const rowBytes = <usize>this.featureCount << 2;
    for (let p = start; p < end; p++) {
      const q = p - start;
      copyRow(this.block + <usize>q * rowBytes, this.rowValues + <usize>unchecked(this.samples[p]) * rowBytes, rowBytes);
      const codesFrom = this.rowCodes + <usize>p * this.codeStride;
      const codesTo = this.blockCodes + <usize>q * this.codeStride;
      for (let at: usize = 0; at < this.codeStride; at += 16) v128.store(codesTo + at, v128.load(codesFrom + at));
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

  /** Sets sumTotal and nodeWeight from the samples of the root node. */
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
   * Scores the split with weightLeft on the left. squaresLeft and
   * squaresRight are the sums of the squared class weights on each side.
   * Keeps the split and returns true when it beats the best so far. The score is
   * sum_c L_c^2 / w_L + sum_c R_c^2 / w_R, which orders splits as the Gini
   * proxy -w_R * Gini_R - w_L * Gini_L does (the two differ by the node's
   * weight).
   */
  @inline consider(start: i32, impurity: f64, rowsLeft: i32, weightLeft: f64, squaresLeft: f64, squaresRight: f64): bool {
    const weightRight = this.nodeWeight - weightLeft;
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
    this.bestWeightLeft = weightLeft;
    for (let c = 0; c < this.classCount; c++) unchecked((this.bestSumLeft[c] = unchecked(this.sumLeft[c])));
    return true;
  }

  /**
   * Writes a child's weight and class sums at `to` (see NodeStack): those
   * of the best split's left side, or of its right side. The weights are
   * whole numbers, so these equal the sums over the child's samples.
   */
  childSums(to: usize, left: bool): void {
    const k = this.classCount;
    if (left) {
      store<f64>(to, this.bestWeightLeft);
      for (let c = 0; c < k; c++) store<f64>(to + (<usize>(c + 1) << 3), unchecked(this.bestSumLeft[c]));
      return;
    }
    store<f64>(to, this.nodeWeight - this.bestWeightLeft);
    for (let c = 0; c < k; c++) store<f64>(to + (<usize>(c + 1) << 3), unchecked(this.sumTotal[c]) - unchecked(this.bestSumLeft[c]));
  }

  /** Sets sumTotal and nodeWeight from a weight and class sums that childSums wrote at `from`. */
  takeSums(from: usize): void {
    this.nodeWeight = load<f64>(from);
    for (let c = 0; c < this.classCount; c++) unchecked((this.sumTotal[c] = load<f64>(from + (<usize>(c + 1) << 3))));
  }

  /** Sum of the squared class weights of the node (every sample on the right). */
  totalSquares(): f64 {
    let squares: f64 = 0;
    for (let c = 0; c < this.classCount; c++) {
      const v = unchecked(this.sumTotal[c]);
      squares += v * v;
    }
    return squares;
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
    const stride = this.codeStride;
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
    const first = this.codeAt(start, f);
    let firstWeight: f64 = 0;
    for (let c = 0; c < k; c++) firstWeight += <f64>load<u32>(base + (<usize>(first * k + c) << 2));
    if (firstWeight == nodeWeight) return false;

    for (let c = 0; c < k; c++) unchecked((this.sumLeft[c] = 0));
    // Sums of squares move with each class weight: (l + w)^2 - l^2 = (2l + w) w on the left,
    // (r - w)^2 - r^2 = (w - 2r) w on the right. Weights are integers, so these stay exact.
    let squaresLeft: f64 = 0;
    let squaresRight = this.totalSquares();
    let weightLeft: f64 = 0;
    let rowsLeft = 0;
    for (let b = 0; b + 1 < binCount; b++) {
      const at = base + (<usize>(b * k) << 2);
      let binWeight: u32 = 0;
      for (let c = 0; c < k; c++) {
        const count = load<u32>(at + (<usize>c << 2));
        if (count == 0) continue;
        const w = <f64>count;
        const l = unchecked(this.sumLeft[c]);
        const r = unchecked(this.sumTotal[c]) - l;
        squaresLeft += (2.0 * l + w) * w;
        squaresRight += (w - 2.0 * r) * w;
        unchecked((this.sumLeft[c] = l + w));
        binWeight += count;
      }
      if (binWeight == 0) continue;
      weightLeft += <f64>binWeight;
      if (weightLeft >= nodeWeight) break;
      if (this.countRows) {
        rowsLeft += <i32>load<u32>(rowsBase + (<usize>b << 2));
        if (rowsLeft < this.minSamplesLeaf || nodeRows - rowsLeft < this.minSamplesLeaf) continue;
      }
      if (this.consider(start, impurity, rowsLeft, weightLeft, squaresLeft, squaresRight)) {
        this.bestFeature = f;
        this.bestBin = b;
        this.bestExact = false;
        this.bestThreshold = load<f64>(this.edges + ((<usize>f * <usize>(this.maxBins - 1) + <usize>b) << 3));
      }
    }
    return true;
  }

  /**
   * Searches feature f exactly, on its raw values, and returns false when f
   * is constant in the node. One pass over the node's samples reads each
   * sample's value and bin code once: it keeps the value's sort key
   * (ordered value bits << 32 | the sample's weight << 8 | class) in
   * `gathered`, the code in `gatheredCodes`, and counts the codes. Bin codes
   * rise with values, so a counting sort by code places the keys, and only
   * the keys sharing a bin are then sorted among themselves. Samples of
   * equal value may end up in any order: the scan only stops between
   * distinct values, where the sums on each side are the same for every
   * such order.
   */
  searchValues(start: i32, end: i32, impurity: f64, f: i32): bool {
    const n = end - start;
    const keys = this.keys;
    const gathered = this.gathered;
    const gatheredCodes = this.gatheredCodes;
    const buckets = this.buckets;
    const stride = this.codeStride;
    const rowBytes = <usize>this.featureCount << 2;
    const blockRows = changetype<usize>(this.blockRow) + (<usize>(start - this.blockStart) << 2);
    const values = this.block + (<usize>f << 2);
    const codes = this.blockCodes + <usize>f;
    const meta = changetype<usize>(this.meta) + (<usize>start << 2);
    let low = load<f32>(values + <usize>load<i32>(blockRows) * rowBytes);
    let high = low;
    let lowCode = 255;
    let highCode = 0;
    for (let i = 0; i < n; i++) {
      const row = <usize>load<i32>(blockRows + (<usize>i << 2));
      const value = load<f32>(values + row * rowBytes);
      const code = <i32>load<u8>(codes + row * stride);
      low = min(low, value);
      high = max(high, value);
      lowCode = min(lowCode, code);
      highCode = max(highCode, code);
      store<u8>(gatheredCodes + <usize>i, <u8>code);
      store<u64>(gathered + (<usize>i << 3), (<u64>orderedBits(value) << 32) | <u64>load<u32>(meta + (<usize>i << 2)));
      unchecked((buckets[code] += 1));
    }
    if (high <= low + FEATURE_THRESHOLD) {
      for (let b = lowCode; b <= highCode; b++) unchecked((buckets[b] = 0));
      return false;
    }

    // Turn the counts into start offsets, then place the keys by code.
    let offset = 0;
    for (let b = lowCode; b <= highCode; b++) {
      const count = unchecked(buckets[b]);
      unchecked((buckets[b] = offset));
      offset += count;
    }
    for (let i = 0; i < n; i++) {
      const code = <i32>load<u8>(gatheredCodes + <usize>i);
      const at = unchecked(buckets[code]);
      unchecked((buckets[code] = at + 1));
      store<u64>(keys + (<usize>at << 3), load<u64>(gathered + (<usize>i << 3)));
    }
    // After placing, buckets[b] is the end of bin b. Sort each bin, and leave the buckets at zero for the next search.
    let binStart = 0;
    for (let b = lowCode; b <= highCode; b++) {
      const binEnd = unchecked(buckets[b]);
      if (binEnd - binStart > 1 && !valuesAscending(keys, binStart, binEnd)) sortKeys(keys + (<usize>binStart << 3), binEnd - binStart);
      binStart = binEnd;
      unchecked((buckets[b] = 0));
    }

    for (let c = 0; c < this.classCount; c++) unchecked((this.sumLeft[c] = 0));
    // Sums of squares updated per sample as in scanBins.
    let squaresLeft: f64 = 0;
    let squaresRight = this.totalSquares();
    let weightLeft: f64 = 0;
    let current = fromOrdered(<u32>(load<u64>(keys) >>> 32));
    for (let i = 0; i + 1 < n; i++) {
      const m = <u32>load<u64>(keys + (<usize>i << 3));
      const w = <f64>(m >>> 8);
      const c = m & 0xff;
      const l = unchecked(this.sumLeft[c]);
      const r = unchecked(this.sumTotal[c]) - l;
      squaresLeft += (2.0 * l + w) * w;
      squaresRight += (w - 2.0 * r) * w;
      unchecked((this.sumLeft[c] = l + w));
      weightLeft += w;
      const next = fromOrdered(<u32>(load<u64>(keys + (<usize>(i + 1) << 3)) >>> 32));
      const below = current;
      current = next;
      if (next <= below + FEATURE_THRESHOLD) continue;
      const rowsLeft = i + 1;
      if (rowsLeft < this.minSamplesLeaf || n - rowsLeft < this.minSamplesLeaf) continue;
      if (this.consider(start, impurity, rowsLeft, weightLeft, squaresLeft, squaresRight)) {
        this.bestFeature = f;
        this.bestExact = true;
        this.bestThreshold = midpoint(<f64>below, <f64>next);
      }
    }
    return true;
  }

  /**
   * Finds the best split of samples[start, end) and partitions them. bestPos
   * is `end` when there is none. The first `known` features of the constant
   * list (see `histConstants`) are known to be constant in the node, and
   * `constantCount` is set to the count the children inherit.
   *
   * Candidates are drawn as scikit-learn's best splitter draws them, without
   * replacement. Every draw counts towards maxFeatures, constant or not. When
   * every feature drawn so far was constant, the search goes on until it
   * evaluates one that is not. Known constants cost nothing, and the others
   * of one batch of draws share one histogram pass.
   */
  splitNode(start: i32, end: i32, impurity: f64, known: i32): void {
    this.bestPos = end;
    this.bestImprovement = -Infinity;
    this.bestProxy = -Infinity;
    const exact = end - start <= this.exactBelow;
    const constants = exact ? this.exactConstants : this.histConstants;
    const isKnown = this.isKnown;
    for (let i = 0; i < known; i++) unchecked((isKnown[unchecked(constants[i])] = 1));

    const featureCount = this.featureCount;
    const maxFeatures = this.maxFeatures;
    let remaining = featureCount;
    let visited = 0;
    let constantsSeen = 0;
    let found = 0;
    while (remaining > 0 && (visited < maxFeatures || visited <= constantsSeen)) {
      // Past maxFeatures only the first non-constant of the batch counts; the draws after it are put back.
      const extending = visited >= maxFeatures;
      let drawn = 0;
      while (remaining > 0 && (extending ? drawn < EXTEND_BATCH : visited < maxFeatures)) {
        const j = <i32>(nextRandom(this.random) % <u32>remaining);
        remaining--;
        const f = unchecked(this.features[j]);
        unchecked((this.features[j] = unchecked(this.features[remaining])));
        unchecked((this.features[remaining] = f));
        visited++;
        if (unchecked(isKnown[f]) != 0) {
          constantsSeen++;
          continue;
        }
        unchecked((this.candidates[drawn] = f));
        unchecked((this.remainingAfter[drawn] = remaining));
        drawn++;
      }
      if (drawn == 0) continue;
      const countPass = !exact && this.nodeHist == 0;
      if (countPass) this.buildHistograms(start, end, drawn);
      if (exact) this.enterBlock(start, end);
      const perCandidate = (<usize>this.maxBins * <usize>this.classCount) << 2;
      for (let j = 0; j < drawn; j++) {
        const f = unchecked(this.candidates[j]);
        let splittable: bool;
        if (exact) splittable = this.searchValues(start, end, impurity, f);
        else if (countPass) splittable = this.scanBins(start, end, impurity, j, f, changetype<usize>(this.hist) + <usize>j * perCandidate);
        else splittable = this.scanBins(start, end, impurity, j, f, this.nodeHist + this.featureHistOffset(f));
        if (!splittable) {
          unchecked((constants[known + found] = f));
          found++;
          constantsSeen++;
        } else if (extending) {
          remaining = unchecked(this.remainingAfter[j]);
          break;
        }
      }
      if (countPass) this.clearHistograms(drawn);
    }
    for (let i = 0; i < known; i++) unchecked((isKnown[unchecked(constants[i])] = 0));
    this.constantCount = known + found;
    if (this.bestPos < end) this.partition(start, end);
  }

  /** Whether the sample at position p goes left of the best split. */
  @inline goesLeft(p: i32): bool {
    const f = this.bestFeature;
    if (this.bestExact) return <f64>this.blockValue(p, f) <= this.bestThreshold;
    return this.codeAt(p, f) <= this.bestBin;
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
      // Nodes only shrink, so an exact node's subtree is exact: it reads the block, never rowCodes.
      const blockA = a - this.blockStart;
      const blockB = b - this.blockStart;
      const r = unchecked(this.blockRow[blockA]);
      unchecked((this.blockRow[blockA] = unchecked(this.blockRow[blockB])));
      unchecked((this.blockRow[blockB] = r));
      return;
    }
    const stride = this.codeStride;
    const rowA = this.rowCodes + <usize>a * stride;
    const rowB = this.rowCodes + <usize>b * stride;
    for (let at: usize = 0; at < stride; at += 16) {
      const v = v128.load(rowA + at);
      v128.store(rowA + at, v128.load(rowB + at));
      v128.store(rowB + at, v);
    }
  }
}

/**
 * Copies `bytes` bytes from `from` to `to` (regions that do not overlap)
 * 16 at a time, the last 16 ending at the last byte, so that copying one
 * short row calls no memory.copy.
 */
@inline function copyRow(to: usize, from: usize, bytes: usize): void {
  if (bytes < 16) {
    memory.copy(to, from, bytes);
    return;
  }
  const last = bytes - 16;
  for (let at: usize = 0; at < last; at += 16) v128.store(to + at, v128.load(from + at));
  v128.store(to + last, v128.load(from + last));
}

/**
 * Returns whether the keys [start, end) at `keys` ascend by value (their
 * high 32 bits). The exact search needs no order among equal values, so such a
 * bin is left as it is.
 */
function valuesAscending(keys: usize, start: i32, end: i32): bool {
  let previous = <u32>(load<u64>(keys + (<usize>start << 3)) >>> 32);
  for (let i = start + 1; i < end; i++) {
    const value = <u32>(load<u64>(keys + (<usize>i << 3)) >>> 32);
    if (value < previous) return false;
    previous = value;
  }
  return true;
}

/** Whether a child node will be split on histograms, and so needs them when subtraction is on. */
@inline function needsHistograms(builder: HistBuilder, samples: i32, impurity: f64, depth: i32): bool {
  return samples > builder.exactBelow && samples >= builder.minSamplesSplit && impurity > EPSILON && depth < builder.maxDepth;
}

/**
 * The known constant count a child inherits: its parent's count, except
 * that the root of an exact subtree starts with none (a histogram node's
 * constants are features in one bin, not features of one value).
 */
@inline function inheritedConstants(builder: HistBuilder, parentSamples: i32, childSamples: i32): i32 {
  const exactChild = childSamples <= builder.exactBelow;
  return exactChild && parentSamples > builder.exactBelow ? 0 : builder.constantCount;
}

function buildHistTree(builder: HistBuilder, seed: u32): Tree {
  builder.random[0] = seed;
  const tree = new Tree(builder.classCount, builder.featureCount);
  // Trees of one fit are about the same size, so each starts with room for a little more than the last one
  // built, but never more than a tree of these samples can have.
  tree.reserve(min<i32>(lastNodeCount + (lastNodeCount >> 3), 2 * builder.sampleCount));
  // Each pending node carries its full histogram buffer (see HistBuilder.subtract)
  // or -1, and its known constant count (see HistBuilder.splitNode).
  // Each entry also carries the node's weight and class sums, from its parent's split.
  const stack = new NodeStack(builder.classCount + 1);
  stack.push(0, builder.sampleCount, 0, -2, false, Infinity, 0, -1);
  let first = true;

  while (stack.length > 0) {
    stack.pop();
    const start = stack.start;
    const end = stack.end;
    const depth = stack.depth;
    let impurity = stack.impurity;
    let hist = stack.hist;
    const known = stack.constants;
    const nodeSamples = end - start;

    let isLeaf = depth >= builder.maxDepth || nodeSamples < builder.minSamplesSplit || nodeSamples < 2 * builder.minSamplesLeaf;
    if (first) {
      builder.resetNode(start, end);
      impurity = builder.gini(builder.sumTotal, builder.nodeWeight);
      first = false;
    } else {
      builder.takeSums(stack.poppedSums());
    }
    isLeaf = isLeaf || impurity <= EPSILON;
    if (!isLeaf) {
      if (builder.subtract && nodeSamples > builder.exactBelow && hist < 0) {
        hist = builder.takeBuffer();
        builder.countAll(start, end, hist);
      }
      builder.nodeHist = hist >= 0 ? builder.histBuffers[hist] : 0;
      builder.splitNode(start, end, impurity, known);
      builder.nodeHist = 0;
      isLeaf = builder.bestPos >= end || builder.bestImprovement + EPSILON < 0.0;
    }

    const node = tree.addNode(stack.parent, stack.isLeft, impurity, nodeSamples, builder.nodeWeight, builder.sumTotal, depth);
    if (isLeaf) {
      builder.giveBack(hist);
      tree.endLeaf();
      continue;
    }
    tree.endSplit(builder.bestFeature, builder.bestThreshold);
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
    stack.push(pos, end, depth + 1, node, false, builder.bestImpurityRight, inheritedConstants(builder, nodeSamples, end - pos), rightHist);
    builder.childSums(stack.pushedSums(), false);
    stack.push(start, pos, depth + 1, node, true, builder.bestImpurityLeft, inheritedConstants(builder, nodeSamples, pos - start), leftHist);
    builder.childSums(stack.pushedSums(), true);
  }
  stack.dispose();
  lastNodeCount = tree.nodeCount;
  tree.compact();
  return tree;
}

/** Node count of the last tree built, from which the next one reserves room. */
let lastNodeCount: i32 = 0;

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
