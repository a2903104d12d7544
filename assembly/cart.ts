// CART classification trees with the Gini criterion, built the way
// scikit-learn 1.2's DepthFirstTreeBuilder and BestSplitter build them, so
// that the same data and seed give the same tree node for node:
//
// - features are drawn in random order with scikit-learn's `rand_r`
//   generator, seeded from numpy's MT19937 exactly as
//   `RandomState(seed).randint(0, RAND_R_MAX)`; known constant features are
//   skipped and kept at the front of the feature list as scikit-learn does;
// - a split is only placed between values that differ by more than 1e-7
//   (float32 arithmetic), the threshold is the midpoint computed as
//   a/2 + b/2 in float64 (the lower value when the midpoint rounds up to the
//   upper one), and a later candidate replaces the best only when its proxy
//   improvement -w_R * Gini_R - w_L * Gini_L is strictly greater, so ties go
//   to the feature drawn first and the lowest threshold;
// - nodes are numbered depth-first, left child first.
//
// Gini impurity of a node with weighted class counts n_c and weight w:
//   Gini = 1 - sum_c (n_c / w)^2, computed as 1 - (sum_c n_c^2) / w^2.
// Sample weights are whole numbers here (1, or bootstrap counts), so every
// class sum is exact in float64 and the order of accumulation cannot change
// a result.

import { MersenneTwister, RAND_R_MAX, randInt } from "./util/mt19937";
import { transposeRows } from "./util/column";
import { sortKeys, sortKeysByHighBits } from "./util/sort";

/** Values closer than this (in float32) are treated as equal when placing splits. */
export const FEATURE_THRESHOLD: f32 = 1e-7;
/** Machine epsilon of float64: impurities at or below it count as pure. */
const EPSILON: f64 = 2.220446049250313e-16;
const LEAF: i32 = -1;

/** A fitted tree: parallel node arrays, node 0 is the root. */
export class Tree {
  feature: Array<i32> = [];
  threshold: Array<f64> = [];
  left: Array<i32> = [];
  right: Array<i32> = [];
  impurity: Array<f64> = [];
  nodeSamples: Array<i32> = [];
  weightedNodeSamples: Array<f64> = [];
  /** Weighted class counts, `nodeCount * classCount` values. */
  value: Array<f64> = [];
  depth: i32 = 0;
  /**
   * The prediction form, made at the first prediction and kept until
   * `treeFree`. `packed` has 16 bytes per split node: the feature's byte
   * offset in a float32 row (feature × 4), the float32 threshold, and the
   * left and right children. A split child is stored as its byte offset in
   * `packed` (index × 16) and a leaf child as ~reference (see prepare), so
   * that a step of the walk needs no shifts. `leafFractions` has the class fractions of the leaves
   * with more than one class (leafCount × classCount float64). Both are 0
   * until made.
   */
  packed: usize = 0;
  leafFractions: usize = 0;
  /** Reference of the root, in the form children have in `packed`: offset 0, or ~reference when the root is a leaf. */
  root: i32 = 0;
  splitCount: i32 = 0;
  leafCount: i32 = 0;
  /** Count of nodes in the node arrays. While a tree is built, the arrays may be longer (see reserve). */
  nodes: i32 = 0;
  constructor(public classCount: i32, public featureCount: i32) {}

  /** Makes the prediction form once. */
  prepare(): void {
    if (this.packed != 0) return;
    const nodes = this.nodeCount;
    const k = this.classCount;
    // Number split nodes in node order. A leaf gets a reference instead: class * 2 + 1
    // when one class holds all its weight (its probabilities are then 1 and 0, with no
    // table to read), else its row in the fraction table * 2.
    const index = heap.alloc(<usize>max<i32>(nodes, 1) << <usize>2);
    let splits = 0;
    let leaves = 0;
    for (let node = 0; node < nodes; node++) {
      if (unchecked(this.left[node]) != LEAF) {
        store<i32>(index + (<usize>node << 2), splits++);
        continue;
      }
      let holder = -1;
      let holders = 0;
      for (let c = 0; c < k; c++) {
        if (unchecked(this.value[node * k + c]) != 0) {
          holder = c;
          holders++;
        }
      }
      store<i32>(index + (<usize>node << 2), ~(holders == 1 ? holder * 2 + 1 : leaves++ * 2));
    }
    this.packed = heap.alloc(<usize>max<i32>(splits, 1) << <usize>4);
    this.leafFractions = heap.alloc(<usize>(leaves * k) << 3);
    for (let node = 0; node < nodes; node++) {
      const ref = load<i32>(index + (<usize>node << 2));
      if (ref < 0) {
        if ((~ref & 1) == 1) continue;
        let total: f64 = 0;
        for (let c = 0; c < k; c++) total += unchecked(this.value[node * k + c]);
        if (total == 0) total = 1;
        const target = this.leafFractions + (<usize>((~ref >> 1) * k) << 3);
        for (let c = 0; c < k; c++) store<f64>(target + (<usize>c << 3), unchecked(this.value[node * k + c]) / total);
        continue;
      }
      const at = this.packed + (<usize>ref << 4);
      store<i32>(at, unchecked(this.feature[node]) << 2);
      store<f32>(at, floorF32(unchecked(this.threshold[node])), 4);
      store<i32>(at, childOffset(load<i32>(index + (<usize>unchecked(this.left[node]) << 2))), 8);
      store<i32>(at, childOffset(load<i32>(index + (<usize>unchecked(this.right[node]) << 2))), 12);
    }
    this.root = childOffset(load<i32>(index));
    this.splitCount = splits;
    this.leafCount = leaves;
    heap.free(index);
  }

  /** Frees the prediction form. */
  release(): void {
    if (this.packed == 0) return;
    heap.free(this.packed);
    heap.free(this.leafFractions);
    this.packed = 0;
    this.leafFractions = 0;
  }

  get nodeCount(): i32 {
    return this.nodes;
  }

  /**
   * Lengthens every node array to room for `nodes` nodes, when it is
   * shorter. A build writes its nodes in place, so that adding one calls
   * nothing, and `compact` cuts the arrays to the nodes added.
   */
  reserve(nodes: i32): void {
    if (nodes <= this.feature.length) return;
    this.feature.length = nodes;
    this.threshold.length = nodes;
    this.left.length = nodes;
    this.right.length = nodes;
    this.impurity.length = nodes;
    this.nodeSamples.length = nodes;
    this.weightedNodeSamples.length = nodes;
    this.value.length = nodes * this.classCount;
  }

  /**
   * Appends a node with the given statistics, links it to `parent` (a
   * negative parent for the root) and returns its index. Its feature and
   * threshold follow with `endLeaf` or `endSplit`.
   */
  addNode(parent: i32, isLeft: bool, impurity: f64, samples: i32, weight: f64, sums: StaticArray<f64>, depth: i32): i32 {
    const node = this.nodes;
    if (node >= this.feature.length) this.reserve(max<i32>(64, node * 2));
    if (parent >= 0) setI32(isLeft ? this.left : this.right, parent, node);
    setF64(this.impurity, node, impurity);
    setI32(this.nodeSamples, node, samples);
    setF64(this.weightedNodeSamples, node, weight);
    const k = this.classCount;
    for (let c = 0; c < k; c++) setF64(this.value, node * k + c, unchecked(sums[c]));
    setI32(this.left, node, LEAF);
    setI32(this.right, node, LEAF);
    if (depth > this.depth) this.depth = depth;
    this.nodes = node + 1;
    return node;
  }

  /** Makes the node just added a leaf. */
  endLeaf(): void {
    setI32(this.feature, this.nodes - 1, -2);
    setF64(this.threshold, this.nodes - 1, -2.0);
  }

  /** Makes the node just added a split on `feature` at `threshold`. */
  endSplit(feature: i32, threshold: f64): void {
    setI32(this.feature, this.nodes - 1, feature);
    setF64(this.threshold, this.nodes - 1, threshold);
  }

  /** Replaces every node array with a copy of the nodes added, as the build leaves room unused (see reserve). */
  compact(): void {
    const n = this.nodes;
    this.feature = this.feature.slice(0, n);
    this.threshold = this.threshold.slice(0, n);
    this.left = this.left.slice(0, n);
    this.right = this.right.slice(0, n);
    this.impurity = this.impurity.slice(0, n);
    this.nodeSamples = this.nodeSamples.slice(0, n);
    this.weightedNodeSamples = this.weightedNodeSamples.slice(0, n);
    this.value = this.value.slice(0, n * this.classCount);
  }
}

/** Writes `array[index] = value` with no bounds check, for arrays already long enough (see Tree.reserve). */
@inline function setI32(array: Array<i32>, index: i32, value: i32): void {
  store<i32>(array.dataStart + (<usize>index << 2), value);
}

@inline function setF64(array: Array<f64>, index: i32, value: f64): void {
  store<f64>(array.dataStart + (<usize>index << 3), value);
}

// Fitted trees stay reachable from this table until `treeFree`, so the
// garbage collector keeps them. The TypeScript side keeps the index.
const registry = new Array<Tree | null>();

export function registerTree(tree: Tree): i32 {
  for (let i = 0; i < registry.length; i++) {
    if (registry[i] === null) {
      registry[i] = tree;
      return i;
    }
  }
  registry.push(tree);
  return registry.length - 1;
}

export function getTree(handle: i32): Tree {
  const tree = registry[handle];
  if (tree === null) throw new Error("tree handle is not in use");
  return tree;
}

/** Drops a fitted tree. */
export function treeFree(handle: i32): void {
  const tree = registry[handle];
  if (tree !== null) tree.release();
  registry[handle] = null;
}

/** Everything a tree build needs; scratch arrays are sized once per build. */
class Builder {
  samples: StaticArray<i32>;
  values: StaticArray<f32>;
  keys: StaticArray<u64>;
  features: StaticArray<i32>;
  constantFeatures: StaticArray<i32>;
  sumTotal: StaticArray<f64>;
  sumLeft: StaticArray<f64>;
  randState: StaticArray<u32> = new StaticArray<u32>(1);
  sampleCount: i32 = 0;
  totalWeight: f64 = 0;
  nodeWeight: f64 = 0;

  // The best split of the node being split.
  bestPos: i32 = 0;
  bestFeature: i32 = 0;
  bestThreshold: f64 = 0;
  bestImpurityLeft: f64 = 0;
  bestImpurityRight: f64 = 0;
  bestImprovement: f64 = 0;
  constantCount: i32 = 0;

  constructor(
    public x: usize,
    public rows: i32,
    public featureCount: i32,
    public y: usize,
    public classCount: i32,
    public weights: usize,
    public maxFeatures: i32,
    public maxDepth: i32,
    public minSamplesSplit: i32,
    public minSamplesLeaf: i32,
  ) {
    this.samples = new StaticArray<i32>(rows);
    this.values = new StaticArray<f32>(rows);
    this.keys = new StaticArray<u64>(rows);
    this.features = new StaticArray<i32>(featureCount);
    this.constantFeatures = new StaticArray<i32>(featureCount);
    this.sumTotal = new StaticArray<f64>(classCount);
    this.sumLeft = new StaticArray<f64>(classCount);
    for (let f = 0; f < featureCount; f++) this.features[f] = f;
    // Rows with weight 0 (left out of a bootstrap sample) take no part.
    let count = 0;
    let total: f64 = 0;
    for (let i = 0; i < rows; i++) {
      const w = this.weightOf(i);
      if (w != 0) {
        this.samples[count++] = i;
        total += w;
      }
    }
    this.sampleCount = count;
    this.totalWeight = total;
  }

  @inline weightOf(row: i32): f64 {
    return this.weights == 0 ? 1.0 : <f64>load<u32>(this.weights + (<usize>row << 2));
  }

  @inline classOf(row: i32): i32 {
    return load<i32>(this.y + (<usize>row << 2));
  }

  @inline feature(f: i32, row: i32): f32 {
    return load<f32>(this.x + ((<usize>f * <usize>this.rows + <usize>row) << 2));
  }

  /** Sums class weights of samples[start, end) into sumTotal and nodeWeight. */
  resetNode(start: i32, end: i32): void {
    const sums = this.sumTotal;
    for (let c = 0; c < this.classCount; c++) unchecked(sums[c] = 0);
    let weight: f64 = 0;
    for (let p = start; p < end; p++) {
      const row = unchecked(this.samples[p]);
      const w = this.weightOf(row);
      unchecked(sums[this.classOf(row)] += w);
      weight += w;
    }
    this.nodeWeight = weight;
  }

  giniOf(sums: StaticArray<f64>, weight: f64): f64 {
    let squares: f64 = 0;
    for (let c = 0; c < this.classCount; c++) {
      const count = unchecked(sums[c]);
      squares += count * count;
    }
    return 1.0 - squares / (weight * weight);
  }

  giniRight(weightRight: f64): f64 {
    let squares: f64 = 0;
    for (let c = 0; c < this.classCount; c++) {
      const count = unchecked(this.sumTotal[c]) - unchecked(this.sumLeft[c]);
      squares += count * count;
    }
    return 1.0 - squares / (weightRight * weightRight);
  }

  /** Loads feature `f` of samples[start, end) into `values` and sorts both by value. */
  sortByFeature(f: i32, start: i32, end: i32): void {
    const keys = this.keys;
    for (let p = start; p < end; p++) {
      const row = unchecked(this.samples[p]);
      const bits = reinterpret<u32>(this.feature(f, row));
      // Map float bits to unsigned integers that sort in numeric order.
      const ordered = bits & 0x80000000 ? ~bits : bits | 0x80000000;
      unchecked(keys[p] = (<u64>ordered << 32) | <u64>(<u32>row));
    }
    sortKeys(changetype<usize>(keys) + (<usize>start << 3), end - start);
    for (let p = start; p < end; p++) {
      const key = unchecked(keys[p]);
      const ordered = <u32>(key >>> 32);
      const bits = ordered & 0x80000000 ? ordered & 0x7fffffff : ~ordered;
      unchecked(this.samples[p] = <i32>(<u32>key));
      unchecked(this.values[p] = reinterpret<f32>(bits));
    }
  }

  /**
   * Finds the best split of samples[start, end) (scikit-learn's
   * BestSplitter.node_split). Sets bestPos to `end` when there is none.
   */
  splitNode(start: i32, end: i32, impurity: f64, knownConstants: i32): void {
    const features = this.features;
    const constantFeatures = this.constantFeatures;
    const values = this.values;
    const sumLeft = this.sumLeft;
    let bestProxy: f64 = -Infinity;
    let featureIndex = this.featureCount;
    let visited = 0;
    let foundConstants = 0;
    let drawnConstants = 0;
    let totalConstants = knownConstants;
    this.bestPos = end;
    this.bestFeature = 0;
    this.bestThreshold = 0;
    this.bestImpurityLeft = Infinity;
    this.bestImpurityRight = Infinity;
    this.bestImprovement = -Infinity;

    while (
      featureIndex > totalConstants &&
      (visited < this.maxFeatures || visited <= foundConstants + drawnConstants)
    ) {
      visited++;
      let j = randInt(drawnConstants, featureIndex - foundConstants, this.randState);
      if (j < knownConstants) {
        // A constant feature known from an ancestor: move it aside.
        const swap = unchecked(features[drawnConstants]);
        unchecked(features[drawnConstants] = unchecked(features[j]));
        unchecked(features[j] = swap);
        drawnConstants++;
        continue;
      }
      j += foundConstants;
      const f = unchecked(features[j]);
      this.sortByFeature(f, start, end);
      if (unchecked(values[end - 1]) <= unchecked(values[start]) + FEATURE_THRESHOLD) {
        unchecked(features[j] = unchecked(features[totalConstants]));
        unchecked(features[totalConstants] = f);
        foundConstants++;
        totalConstants++;
        continue;
      }
      featureIndex--;
      unchecked(features[j] = unchecked(features[featureIndex]));
      unchecked(features[featureIndex] = f);

      for (let c = 0; c < this.classCount; c++) unchecked(sumLeft[c] = 0);
      let weightLeft: f64 = 0;
      let pos = start;
      let p = start;
      while (p < end) {
        while (p + 1 < end && unchecked(values[p + 1]) <= unchecked(values[p]) + FEATURE_THRESHOLD) p++;
        p++;
        if (p >= end) break;
        if (p - start < this.minSamplesLeaf || end - p < this.minSamplesLeaf) continue;
        for (; pos < p; pos++) {
          const row = unchecked(this.samples[pos]);
          const w = this.weightOf(row);
          unchecked(sumLeft[this.classOf(row)] += w);
          weightLeft += w;
        }
        const weightRight = this.nodeWeight - weightLeft;
        const giniLeft = this.giniOf(sumLeft, weightLeft);
        const giniRight = this.giniRight(weightRight);
        const proxy = -weightRight * giniRight - weightLeft * giniLeft;
        if (proxy > bestProxy) {
          bestProxy = proxy;
          const lower = <f64>unchecked(values[p - 1]);
          const upper = <f64>unchecked(values[p]);
          let threshold = lower / 2.0 + upper / 2.0;
          if (threshold == upper || threshold == Infinity || threshold == -Infinity) threshold = lower;
          this.bestPos = p;
          this.bestFeature = f;
          this.bestThreshold = threshold;
          this.bestImpurityLeft = giniLeft;
          this.bestImpurityRight = giniRight;
          this.bestImprovement =
            (this.nodeWeight / this.totalWeight) *
            (impurity - (weightRight / this.nodeWeight) * giniRight - (weightLeft / this.nodeWeight) * giniLeft);
        }
      }
    }

    if (this.bestPos < end) {
      // Partition the samples: rows going left first.
      let p = start;
      let partitionEnd = end;
      while (p < partitionEnd) {
        if (<f64>this.feature(this.bestFeature, unchecked(this.samples[p])) <= this.bestThreshold) {
          p++;
        } else {
          partitionEnd--;
          const swap = unchecked(this.samples[p]);
          unchecked(this.samples[p] = unchecked(this.samples[partitionEnd]));
          unchecked(this.samples[partitionEnd] = swap);
        }
      }
    }

    // Keep known constants at the front, in their original order, for the children.
    for (let i = 0; i < knownConstants; i++) unchecked(features[i] = unchecked(constantFeatures[i]));
    for (let i = 0; i < foundConstants; i++) unchecked(constantFeatures[knownConstants + i] = unchecked(features[knownConstants + i]));
    this.constantCount = totalConstants;
  }
}

/**
 * Nodes waiting to be built, last in first out. Each entry starts with
 * NODE_RECORD bytes: start, end, depth, parent, isLeft, constants and hist
 * as i32, then impurity as f64. `pop` loads the top node into the public
 * fields. `hist` and the float64 values after the record are used by the
 * histogram builder only (a histogram buffer or -1, and the node's weight
 * and class sums).
 */
export class NodeStack {
  /** Bytes per entry: NODE_RECORD, then `sumCount` float64 values that the caller fills (see pushedSums). */
  private recordBytes: usize;
  private records: usize;
  private capacity: i32 = 16;
  private top: i32 = 0;
  start: i32 = 0;
  end: i32 = 0;
  depth: i32 = 0;
  parent: i32 = 0;
  isLeft: bool = false;
  impurity: f64 = 0;
  constants: i32 = 0;
  hist: i32 = -1;

  constructor(sumCount: i32 = 0) {
    this.recordBytes = NODE_RECORD + (<usize>sumCount << 3);
    this.records = heap.alloc(<usize>this.capacity * this.recordBytes);
  }

  get length(): i32 {
    return this.top;
  }

  /** Returns the address of the float64 values of the entry pushed last. */
  pushedSums(): usize {
    return this.records + <usize>(this.top - 1) * this.recordBytes + NODE_RECORD;
  }

  /** Returns the address of the float64 values of the entry popped last. It stays valid until the next push. */
  poppedSums(): usize {
    return this.records + <usize>this.top * this.recordBytes + NODE_RECORD;
  }

  push(start: i32, end: i32, depth: i32, parent: i32, isLeft: bool, impurity: f64, constants: i32, hist: i32): void {
    if (this.top == this.capacity) {
      this.capacity *= 2;
      this.records = heap.realloc(this.records, <usize>this.capacity * this.recordBytes);
    }
    const at = this.records + <usize>this.top * this.recordBytes;
    store<i32>(at, start);
    store<i32>(at, end, 4);
    store<i32>(at, depth, 8);
    store<i32>(at, parent, 12);
    store<i32>(at, isLeft ? 1 : 0, 16);
    store<i32>(at, constants, 20);
    store<i32>(at, hist, 24);
    store<f64>(at, impurity, 32);
    this.top++;
  }

  pop(): void {
    this.top--;
    const at = this.records + <usize>this.top * this.recordBytes;
    this.start = load<i32>(at);
    this.end = load<i32>(at, 4);
    this.depth = load<i32>(at, 8);
    this.parent = load<i32>(at, 12);
    this.isLeft = load<i32>(at, 16) != 0;
    this.constants = load<i32>(at, 20);
    this.hist = load<i32>(at, 24);
    this.impurity = load<f64>(at, 32);
  }

  /** Frees the buffer; the stack is not used again. */
  dispose(): void {
    heap.free(this.records);
    this.records = 0;
  }
}

/** Bytes of one NodeStack entry. */
const NODE_RECORD: usize = 40;

/** Builds a tree depth-first (scikit-learn's DepthFirstTreeBuilder). */
export function buildTree(builder: Builder, splitterSeed: u32): Tree {
  builder.randState[0] = splitterSeed;
  const tree = new Tree(builder.classCount, builder.featureCount);
  const stack = new NodeStack();
  stack.push(0, builder.sampleCount, 0, -2, false, Infinity, 0, -1);
  let first = true;

  while (stack.length > 0) {
    stack.pop();
    const start = stack.start;
    const end = stack.end;
    const depth = stack.depth;
    let impurity = stack.impurity;
    let constants = stack.constants;
    const nodeSamples = end - start;

    builder.resetNode(start, end);
    let isLeaf = depth >= builder.maxDepth || nodeSamples < builder.minSamplesSplit || nodeSamples < 2 * builder.minSamplesLeaf;
    if (first) {
      impurity = builder.giniOf(builder.sumTotal, builder.nodeWeight);
      first = false;
    }
    isLeaf = isLeaf || impurity <= EPSILON;
    if (!isLeaf) {
      builder.splitNode(start, end, impurity, constants);
      constants = builder.constantCount;
      isLeaf = builder.bestPos >= end || builder.bestImprovement + EPSILON < 0.0;
    }

    const node = tree.addNode(stack.parent, stack.isLeft, impurity, nodeSamples, builder.nodeWeight, builder.sumTotal, depth);
    if (isLeaf) {
      tree.endLeaf();
      continue;
    }
    tree.endSplit(builder.bestFeature, builder.bestThreshold);
    const pos = builder.bestPos;
    // Right child pushed first, so the left child is built first.
    stack.push(pos, end, depth + 1, node, false, builder.bestImpurityRight, constants, -1);
    stack.push(start, pos, depth + 1, node, true, builder.bestImpurityLeft, constants, -1);
  }
  tree.compact();
  stack.dispose();
  return tree;
}

/** Returns scikit-learn's splitter seed for `random_state=seed`: RandomState(seed).randint(0, RAND_R_MAX). */
export function splitterSeedFor(seed: u32): u32 {
  return new MersenneTwister(seed).boundedU32(RAND_R_MAX - 1);
}

/**
 * Fits one tree on column-major float32 `x` (rows × featureCount) and int32
 * classes `y`; `weights` is 0 or a pointer to one u32 weight per row (whole numbers, such as bootstrap counts).
 * `maxDepth` <= 0 means unlimited. Returns the tree's handle.
 */
export function treeFit(
  x: usize,
  rows: i32,
  featureCount: i32,
  y: usize,
  classCount: i32,
  weights: usize,
  maxFeatures: i32,
  maxDepth: i32,
  minSamplesSplit: i32,
  minSamplesLeaf: i32,
  seed: u32,
): i32 {
  const tree = treeFitWithState(
    x, rows, featureCount, y, classCount, weights, maxFeatures, maxDepth, minSamplesSplit, minSamplesLeaf, splitterSeedFor(seed),
  );
  return registerTree(tree);
}

/** Fits a tree with a splitter state given directly (used by the forest). */
export function treeFitWithState(
  x: usize,
  rows: i32,
  featureCount: i32,
  y: usize,
  classCount: i32,
  weights: usize,
  maxFeatures: i32,
  maxDepth: i32,
  minSamplesSplit: i32,
  minSamplesLeaf: i32,
  splitterState: u32,
): Tree {
  const builder = new Builder(
    x,
    rows,
    featureCount,
    y,
    classCount,
    weights,
    maxFeatures,
    maxDepth <= 0 ? i32.MAX_VALUE : maxDepth,
    minSamplesSplit,
    minSamplesLeaf,
  );
  return buildTree(builder, splitterState);
}

export function treeNodeCount(handle: i32): i32 {
  return getTree(handle).nodeCount;
}

export function treeDepth(handle: i32): i32 {
  return getTree(handle).depth;
}

/** Returns the leaf index reached by row `row` of column-major `x`. */
@inline function leafOf(tree: Tree, x: usize, rows: i32, row: i32): i32 {
  let node = 0;
  while (unchecked(tree.left[node]) != LEAF) {
    const value = load<f32>(x + ((<usize>unchecked(tree.feature[node]) * <usize>rows + <usize>row) << 2));
    node = <f64>value <= unchecked(tree.threshold[node]) ? unchecked(tree.left[node]) : unchecked(tree.right[node]);
  }
  return node;
}

/** The largest float32 at or below `t`: for every float32 v, v <= t exactly when v <= floorF32(t). */
@inline function floorF32(t: f64): f32 {
  const r = <f32>t;
  if (<f64>r <= t) return r;
  const bits = reinterpret<u32>(r);
  // One step towards minus infinity; r is not zero here, as zero would be <= any t it rounds from.
  return reinterpret<f32>(r > 0 ? bits - 1 : bits + 1);
}

/** Returns the byte offset in the packed nodes of split node `ref` (index × 16). A leaf reference (negative) comes back unchanged. */
@inline function childOffset(ref: i32): i32 {
  return ref < 0 ? ref : ref << 4;
}

/** One level of the walk: the child of split node `node` (not a leaf) that `row` (row-major float32) goes to. */
@inline function stepNode(packed: usize, node: i32, row: usize): i32 {
  const at = packed + <usize>node;
  const value = load<f32>(row + <usize>load<i32>(at));
  return select<i32>(load<i32>(at, 8), load<i32>(at, 12), value <= load<f32>(at, 4));
}

/** Walks `row` from `node` down to its leaf and returns the leaf reference (negative). */
@inline function walkFrom(packed: usize, node: i32, row: usize): i32 {
  while (node >= 0) node = stepNode(packed, node, row);
  return node;
}

/** Finishes the walk of a lane at node `node` (or at the leaf it reached) for row `row` at `base`, unless the lane is done (row -1). */
@inline function finishLane(packed: usize, fractions: usize, node: i32, row: i32, base: usize, out: usize, k: i32, accumulate: bool): void {
  if (row < 0) return;
  addLeaf(fractions, ~walkFrom(packed, node, base), out, row, k, accumulate);
}

/** Writes (or adds) the class probabilities of leaf reference `leaf` (see Tree.prepare) to row `row` of `out`. */
@inline function addLeaf(fractions: usize, leaf: i32, out: usize, row: i32, k: i32, accumulate: bool): void {
  const target = out + ((<usize>row * <usize>k) << 3);
  if (leaf & 1) {
    // A pure leaf: probability 1 for its class, 0 for the others.
    const at = target + (<usize>(leaf >> 1) << 3);
    if (accumulate) {
      store<f64>(at, load<f64>(at) + 1.0);
    } else {
      memory.fill(target, 0, <usize>k << 3);
      store<f64>(at, 1.0);
    }
    return;
  }
  const source = fractions + (<usize>((leaf >> 1) * k) << 3);
  if (accumulate) {
    for (let c = 0; c < k; c++) {
      const at = target + (<usize>c << 3);
      store<f64>(at, load<f64>(at) + load<f64>(source + (<usize>c << 3)));
    }
  } else {
    memory.copy(target, source, <usize>k << 3);
  }
}

/** Rows copied to row-major form and walked at a time in file order (12 MiB of float32 values at 46 features). */
const CHUNK_ROWS: i32 = 65536;
/**
 * Rows walked at a time in path order (3 MiB at 46 features). Rows of like
 * paths share nodes, so a smaller chunk keeps its rows and their nodes in
 * cache together. On the 2-core AMD machine, predict on the benchmark's
 * 1.65 M rows with 100 trees in one thread took 9.13 to 9.63 s with chunks
 * of 16,384 rows, against 10.00 to 10.36 s with 65,536. Chunks of 4,096,
 * 8,192 and 32,768 rows took 9.89, 9.19 to 9.54 and 10.44 s.
 */
const ORDERED_CHUNK_ROWS: i32 = 16384;

/** Row `i` of a walk's list: `ids[i]` (int32), or `i` itself when `ids` is 0. */
@inline function rowAt(ids: usize, i: i32): i32 {
  return ids == 0 ? i : load<i32>(ids + (<usize>i << 2));
}

/**
 * Adds (or, without `accumulate`, writes) the class probabilities of `tree`
 * for `count` rows of row-major float32 `rowMajor` into `out` (one row of
 * classCount float64 per row of `rowMajor`). The rows walked are the first
 * `count`, or with `ids` (not 0) the `count` rows that int32 `ids` lists.
 * A probability is the leaf's class weight divided by the leaf's total, as
 * scikit-learn computes it.
 */
function walkRows(tree: Tree, rowMajor: usize, ids: usize, count: i32, out: usize, accumulate: bool): void {
  tree.prepare();
  const k = tree.classCount;
  const packed = tree.packed;
  const fractions = tree.leafFractions;
  const root = tree.root;
  const rowBytes = <usize>tree.featureCount << 2;

  // Sixteen rows walk at once, one level per round, so that their memory
  // loads overlap (sixteen lanes measured 11% faster than eight, the lanes
  // spelled out because locals stay in registers and arrays do not). A lane
  // that reaches its leaf takes the next row right away, and
  // the lanes are checked only in rounds where some lane reached a leaf (the
  // sign bit of the OR of their nodes). When no rows are left to take, each
  // lane finishes its walk alone.
  let next = 0;
  if (root >= 0 && count >= 16) {
    let r0 = rowAt(ids, 0); let r1 = rowAt(ids, 1); let r2 = rowAt(ids, 2); let r3 = rowAt(ids, 3); let r4 = rowAt(ids, 4); let r5 = rowAt(ids, 5); let r6 = rowAt(ids, 6); let r7 = rowAt(ids, 7); let r8 = rowAt(ids, 8); let r9 = rowAt(ids, 9); let r10 = rowAt(ids, 10); let r11 = rowAt(ids, 11); let r12 = rowAt(ids, 12); let r13 = rowAt(ids, 13); let r14 = rowAt(ids, 14); let r15 = rowAt(ids, 15);
    let b0 = rowMajor + <usize>r0 * rowBytes;
    let b1 = rowMajor + <usize>r1 * rowBytes;
    let b2 = rowMajor + <usize>r2 * rowBytes;
    let b3 = rowMajor + <usize>r3 * rowBytes;
    let b4 = rowMajor + <usize>r4 * rowBytes;
    let b5 = rowMajor + <usize>r5 * rowBytes;
    let b6 = rowMajor + <usize>r6 * rowBytes;
    let b7 = rowMajor + <usize>r7 * rowBytes;
    let b8 = rowMajor + <usize>r8 * rowBytes;
    let b9 = rowMajor + <usize>r9 * rowBytes;
    let b10 = rowMajor + <usize>r10 * rowBytes;
    let b11 = rowMajor + <usize>r11 * rowBytes;
    let b12 = rowMajor + <usize>r12 * rowBytes;
    let b13 = rowMajor + <usize>r13 * rowBytes;
    let b14 = rowMajor + <usize>r14 * rowBytes;
    let b15 = rowMajor + <usize>r15 * rowBytes;
    let n0 = root; let n1 = root; let n2 = root; let n3 = root; let n4 = root; let n5 = root; let n6 = root; let n7 = root; let n8 = root; let n9 = root; let n10 = root; let n11 = root; let n12 = root; let n13 = root; let n14 = root; let n15 = root;
    next = 16;
    while (true) {
      n0 = stepNode(packed, n0, b0);
      n1 = stepNode(packed, n1, b1);
      n2 = stepNode(packed, n2, b2);
      n3 = stepNode(packed, n3, b3);
      n4 = stepNode(packed, n4, b4);
      n5 = stepNode(packed, n5, b5);
      n6 = stepNode(packed, n6, b6);
      n7 = stepNode(packed, n7, b7);
      n8 = stepNode(packed, n8, b8);
      n9 = stepNode(packed, n9, b9);
      n10 = stepNode(packed, n10, b10);
      n11 = stepNode(packed, n11, b11);
      n12 = stepNode(packed, n12, b12);
      n13 = stepNode(packed, n13, b13);
      n14 = stepNode(packed, n14, b14);
      n15 = stepNode(packed, n15, b15);
      if ((n0 | n1 | n2 | n3 | n4 | n5 | n6 | n7 | n8 | n9 | n10 | n11 | n12 | n13 | n14 | n15) >= 0) continue;
      if (n0 < 0) {
        addLeaf(fractions, ~n0, out, r0, k, accumulate);
        if (next == count) {
          r0 = -1;
          break;
        }
        r0 = rowAt(ids, next++);
        b0 = rowMajor + <usize>r0 * rowBytes;
        n0 = root;
      }
      if (n1 < 0) {
        addLeaf(fractions, ~n1, out, r1, k, accumulate);
        if (next == count) {
          r1 = -1;
          break;
        }
        r1 = rowAt(ids, next++);
        b1 = rowMajor + <usize>r1 * rowBytes;
        n1 = root;
      }
      if (n2 < 0) {
        addLeaf(fractions, ~n2, out, r2, k, accumulate);
        if (next == count) {
          r2 = -1;
          break;
        }
        r2 = rowAt(ids, next++);
        b2 = rowMajor + <usize>r2 * rowBytes;
        n2 = root;
      }
      if (n3 < 0) {
        addLeaf(fractions, ~n3, out, r3, k, accumulate);
        if (next == count) {
          r3 = -1;
          break;
        }
        r3 = rowAt(ids, next++);
        b3 = rowMajor + <usize>r3 * rowBytes;
        n3 = root;
      }
      if (n4 < 0) {
        addLeaf(fractions, ~n4, out, r4, k, accumulate);
        if (next == count) {
          r4 = -1;
          break;
        }
        r4 = rowAt(ids, next++);
        b4 = rowMajor + <usize>r4 * rowBytes;
        n4 = root;
      }
      if (n5 < 0) {
        addLeaf(fractions, ~n5, out, r5, k, accumulate);
        if (next == count) {
          r5 = -1;
          break;
        }
        r5 = rowAt(ids, next++);
        b5 = rowMajor + <usize>r5 * rowBytes;
        n5 = root;
      }
      if (n6 < 0) {
        addLeaf(fractions, ~n6, out, r6, k, accumulate);
        if (next == count) {
          r6 = -1;
          break;
        }
        r6 = rowAt(ids, next++);
        b6 = rowMajor + <usize>r6 * rowBytes;
        n6 = root;
      }
      if (n7 < 0) {
        addLeaf(fractions, ~n7, out, r7, k, accumulate);
        if (next == count) {
          r7 = -1;
          break;
        }
        r7 = rowAt(ids, next++);
        b7 = rowMajor + <usize>r7 * rowBytes;
        n7 = root;
      }
      if (n8 < 0) {
        addLeaf(fractions, ~n8, out, r8, k, accumulate);
        if (next == count) {
          r8 = -1;
          break;
        }
        r8 = rowAt(ids, next++);
        b8 = rowMajor + <usize>r8 * rowBytes;
        n8 = root;
      }
      if (n9 < 0) {
        addLeaf(fractions, ~n9, out, r9, k, accumulate);
        if (next == count) {
          r9 = -1;
          break;
        }
        r9 = rowAt(ids, next++);
        b9 = rowMajor + <usize>r9 * rowBytes;
        n9 = root;
      }
      if (n10 < 0) {
        addLeaf(fractions, ~n10, out, r10, k, accumulate);
        if (next == count) {
          r10 = -1;
          break;
        }
        r10 = rowAt(ids, next++);
        b10 = rowMajor + <usize>r10 * rowBytes;
        n10 = root;
      }
      if (n11 < 0) {
        addLeaf(fractions, ~n11, out, r11, k, accumulate);
        if (next == count) {
          r11 = -1;
          break;
        }
        r11 = rowAt(ids, next++);
        b11 = rowMajor + <usize>r11 * rowBytes;
        n11 = root;
      }
      if (n12 < 0) {
        addLeaf(fractions, ~n12, out, r12, k, accumulate);
        if (next == count) {
          r12 = -1;
          break;
        }
        r12 = rowAt(ids, next++);
        b12 = rowMajor + <usize>r12 * rowBytes;
        n12 = root;
      }
      if (n13 < 0) {
        addLeaf(fractions, ~n13, out, r13, k, accumulate);
        if (next == count) {
          r13 = -1;
          break;
        }
        r13 = rowAt(ids, next++);
        b13 = rowMajor + <usize>r13 * rowBytes;
        n13 = root;
      }
      if (n14 < 0) {
        addLeaf(fractions, ~n14, out, r14, k, accumulate);
        if (next == count) {
          r14 = -1;
          break;
        }
        r14 = rowAt(ids, next++);
        b14 = rowMajor + <usize>r14 * rowBytes;
        n14 = root;
      }
      if (n15 < 0) {
        addLeaf(fractions, ~n15, out, r15, k, accumulate);
        if (next == count) {
          r15 = -1;
          break;
        }
        r15 = rowAt(ids, next++);
        b15 = rowMajor + <usize>r15 * rowBytes;
        n15 = root;
      }
    }
    // No rows are left to take: the lane that broke the loop is done (row
    // -1), and the others walk on alone, or add the leaf they reached.
    finishLane(packed, fractions, n0, r0, b0, out, k, accumulate);
    finishLane(packed, fractions, n1, r1, b1, out, k, accumulate);
    finishLane(packed, fractions, n2, r2, b2, out, k, accumulate);
    finishLane(packed, fractions, n3, r3, b3, out, k, accumulate);
    finishLane(packed, fractions, n4, r4, b4, out, k, accumulate);
    finishLane(packed, fractions, n5, r5, b5, out, k, accumulate);
    finishLane(packed, fractions, n6, r6, b6, out, k, accumulate);
    finishLane(packed, fractions, n7, r7, b7, out, k, accumulate);
    finishLane(packed, fractions, n8, r8, b8, out, k, accumulate);
    finishLane(packed, fractions, n9, r9, b9, out, k, accumulate);
    finishLane(packed, fractions, n10, r10, b10, out, k, accumulate);
    finishLane(packed, fractions, n11, r11, b11, out, k, accumulate);
    finishLane(packed, fractions, n12, r12, b12, out, k, accumulate);
    finishLane(packed, fractions, n13, r13, b13, out, k, accumulate);
    finishLane(packed, fractions, n14, r14, b14, out, k, accumulate);
    finishLane(packed, fractions, n15, r15, b15, out, k, accumulate);
  }
  for (let i = next; i < count; i++) {
    const row = rowAt(ids, i);
    addLeaf(fractions, ~walkFrom(packed, root, rowMajor + <usize>row * rowBytes), out, row, k, accumulate);
  }
}

/**
 * Adds the class probabilities of `trees` for each row of column-major
 * float32 `x` to `out` (rows × classCount float64), tree by tree in order.
 * Rows are copied to row-major chunks first, where one row's values share
 * cache lines, and from ORDER_MIN_TREES trees on they are walked in path
 * order (see RowBlock). Each row's sum still adds the trees in order. Without
 * `accumulate`, the first tree's probabilities overwrite `out`.
 */
export function treeListProbaInto(trees: Array<Tree>, x: usize, rows: i32, out: usize, accumulate: bool): void {
  if (trees.length == 0 || rows == 0) return;
  const k = trees[0].classCount;
  const rowBytes = <usize>k << 3;
  const block = new RowBlock(trees[0], rows, trees.length >= ORDER_MIN_TREES);
  const sums = block.ordered ? heap.alloc(<usize>block.chunkRows * rowBytes) : 0;
  for (let start = 0; start < rows; start += block.blockRows) {
    const blockCount = min(block.blockRows, rows - start);
    block.load(x, rows, start, blockCount);
    for (let first = 0; first < blockCount; first += block.chunkRows) {
      const count = min(block.chunkRows, blockCount - first);
      const chunk = block.chunk(x, rows, start, first, count);
      if (!block.ordered) {
        const target = out + <usize>(start + first) * rowBytes;
        for (let t = 0; t < trees.length; t++) walkRows(trees[t], chunk, 0, count, target, accumulate || t > 0);
        continue;
      }
      // Sum in walk order, from the rows' values in `out` when accumulating, and put the sums back.
      if (accumulate) {
        for (let i = 0; i < count; i++) memory.copy(sums + <usize>i * rowBytes, out + <usize>block.rowOf(start, first + i) * rowBytes, rowBytes);
      }
      for (let t = 0; t < trees.length; t++) walkRows(trees[t], chunk, 0, count, sums, accumulate || t > 0);
      for (let i = 0; i < count; i++) memory.copy(out + <usize>block.rowOf(start, first + i) * rowBytes, sums + <usize>i * rowBytes, rowBytes);
    }
  }
  block.free();
  if (sums != 0) heap.free(sums);
}

/**
 * Minimum tree count for which rows are put in path order before the walks.
 * The order costs about 100 to 150 ns per row, so it pays only for many
 * trees: predictProba on the benchmark's test rows took 15% longer with 16
 * trees ordered, and 7% less with 48.
 */
export const ORDER_MIN_TREES: i32 = 40;
/**
 * Rows in a block of ordered rows, and the maximum bytes of values in a
 * block, unless one chunk is larger. Blocks of 524,288 and 1,048,576 rows
 * (the byte limit lifted) sorted no better: predict took 9.24 to 9.55 s
 * against 9.17 to 9.63 s.
 */
const BLOCK_ROWS: i32 = 262144;
const BLOCK_BYTES: i32 = 48 << 20;
/** Bits of a row's sort key that contain its position in the block (blocks have at most 2^20 rows). */
const INDEX_BITS: i32 = 20;
/** Path turns in a row's sort key. 16, 24 and 44 turns measured alike, and 24 make 3 radix passes. */
const PATH_TURNS: i32 = 24;

/**
 * Takes one turn of `row` from split node `node`: sets `bit` in the u64 key
 * at `key` when the row goes right, and returns the child. A leaf (negative)
 * stays where it is.
 */
@inline function pathTurn(packed: usize, node: i32, row: usize, key: usize, bit: u64): i32 {
  if (node < 0) return node;
  const at = packed + <usize>node;
  if (load<f32>(row + <usize>load<i32>(at)) <= load<f32>(at, 4)) return load<i32>(at, 8);
  store<u64>(key, load<u64>(key) | bit);
  return load<i32>(at, 12);
}

/**
 * Rows of a column-major matrix, copied to row-major chunks for walking.
 *
 * Unordered, each chunk contains the next CHUNK_ROWS rows. Ordered, the rows
 * are taken in blocks of BLOCK_ROWS rows, fewer when that would pass
 * BLOCK_BYTES but at least one chunk of ORDERED_CHUNK_ROWS. A block is
 * copied to row-major form and sorted by the first PATH_TURNS turns its rows
 * take in the first tree, left before right. Each chunk then gets the next
 * rows of that order. Rows walked one after another then tend to take like
 * paths in the other trees too, and find the nodes in cache. Measured in one thread
 * with 100 trees of the 1.65 M-row benchmark split: predict took 22% less
 * time on its 320,427 test rows and 19% less on its 1,281,707 training
 * rows, and predictProba 13% less on the test rows.
 */
class RowBlock {
  featureCount: i32;
  ordered: bool;
  chunkRows: i32;
  blockRows: i32;
  /** The chunk being walked, row-major float32. */
  values: usize;
  /** Ordered: the block's rows in their original order, row-major float32. */
  blockValues: usize = 0;
  /** Ordered: the sort keys, whose low INDEX_BITS bits give each walk position's row in the block. */
  keys: usize = 0;
  scratch: usize = 0;

  constructor(public tree: Tree, rows: i32, ordered: bool) {
    this.featureCount = tree.featureCount;
    this.ordered = ordered;
    this.chunkRows = min(rows, ordered ? ORDERED_CHUNK_ROWS : CHUNK_ROWS);
    const rowBytes = max<i32>(tree.featureCount, 1) << 2;
    this.blockRows = ordered ? min(min(rows, BLOCK_ROWS), max(this.chunkRows, BLOCK_BYTES / rowBytes)) : this.chunkRows;
    this.values = heap.alloc((<usize>this.chunkRows * <usize>this.featureCount) << 2);
    if (ordered) {
      this.blockValues = heap.alloc((<usize>this.blockRows * <usize>this.featureCount) << 2);
      this.keys = heap.alloc(<usize>this.blockRows << 3);
      this.scratch = heap.alloc(<usize>this.blockRows << 3);
    }
  }

  /** Starts the block of rows [start, start + count) of column-major `x`, which an ordered block copies and sorts. */
  load(x: usize, rows: i32, start: i32, count: i32): void {
    if (!this.ordered) return;
    transposeRows(x, rows, this.featureCount, start, start + count, this.blockValues);
    const tree = this.tree;
    tree.prepare();
    const packed = tree.packed;
    const root = tree.root;
    const rowBytes = <usize>this.featureCount << 2;
    const keys = this.keys;
    const values = this.blockValues;
    memory.fill(keys, 0, <usize>count << 3);

    // Eight rows walk at once, one turn per round, so that their loads overlap.
    let i = 0;
    for (; i + 8 <= count; i += 8) {
      const k0 = keys + (<usize>i << 3);
      const v0 = values + <usize>i * rowBytes;
      let n0 = root; let n1 = root; let n2 = root; let n3 = root; let n4 = root; let n5 = root; let n6 = root; let n7 = root;
      for (let turn = 0; turn < PATH_TURNS && (n0 & n1 & n2 & n3 & n4 & n5 & n6 & n7) >= 0; turn++) {
        const bit = <u64>1 << <u64>(63 - turn);
        n0 = pathTurn(packed, n0, v0, k0, bit);
        n1 = pathTurn(packed, n1, v0 + rowBytes, k0 + 8, bit);
        n2 = pathTurn(packed, n2, v0 + 2 * rowBytes, k0 + 16, bit);
        n3 = pathTurn(packed, n3, v0 + 3 * rowBytes, k0 + 24, bit);
        n4 = pathTurn(packed, n4, v0 + 4 * rowBytes, k0 + 32, bit);
        n5 = pathTurn(packed, n5, v0 + 5 * rowBytes, k0 + 40, bit);
        n6 = pathTurn(packed, n6, v0 + 6 * rowBytes, k0 + 48, bit);
        n7 = pathTurn(packed, n7, v0 + 7 * rowBytes, k0 + 56, bit);
      }
    }
    for (; i < count; i++) {
      let node = root;
      for (let turn = 0; turn < PATH_TURNS && node >= 0; turn++) {
        node = pathTurn(packed, node, values + <usize>i * rowBytes, keys + (<usize>i << 3), <u64>1 << <u64>(63 - turn));
      }
    }

    // The low bits keep each row's position, which also breaks ties in file order.
    for (let j = 0; j < count; j++) {
      const at = keys + (<usize>j << 3);
      store<u64>(at, load<u64>(at) | <u64>j);
    }
    sortKeysByHighBits(keys, this.scratch, count, 64 - PATH_TURNS);
  }

  /**
   * Returns the row-major values of the `count` rows from walk position
   * `first` of the block that starts at row `start`.
   */
  chunk(x: usize, rows: i32, start: i32, first: i32, count: i32): usize {
    if (!this.ordered) {
      transposeRows(x, rows, this.featureCount, start + first, start + first + count, this.values);
      return this.values;
    }
    const rowBytes = <usize>this.featureCount << 2;
    for (let i = 0; i < count; i++) {
      const from = <usize>(this.rowOf(0, first + i));
      memory.copy(this.values + <usize>i * rowBytes, this.blockValues + from * rowBytes, rowBytes);
    }
    return this.values;
  }

  /** The row of `x` walked at position i of the block that starts at row `start`. */
  @inline rowOf(start: i32, i: i32): i32 {
    if (!this.ordered) return start + i;
    return start + <i32>(<u32>load<u64>(this.keys + (<usize>i << 3)) & ((1 << INDEX_BITS) - 1));
  }

  free(): void {
    heap.free(this.values);
    if (!this.ordered) return;
    heap.free(this.blockValues);
    heap.free(this.keys);
    heap.free(this.scratch);
  }
}

/**
 * Writes, for each row of column-major float32 `x`, the first class of
 * largest mean probability over `trees` into int32 `out`. That is the class
 * that `treeListProbaInto`, a division by the tree count and an argmax
 * give. Returns how many walks (rows × trees) it skipped.
 *
 * A row stops being walked once its class is settled. Each tree adds at
 * most 1 to a class's sum (its leaf fractions are at most 1, and never
 * negative). So after t of T trees, a class whose sum leads every other by
 * more than T - t stays strictly ahead whatever the other trees add. Rows
 * are checked from the first tree count at which a lead can exceed the
 * trees left, then every SETTLE_EVERY trees. A settled row's partial sums
 * still give its class, because its lead is far above any rounding. The
 * other rows sum every tree in tree order, as treeListProbaInto does, so
 * their classes are the same too.
 */
export function treeListClassesInto(trees: Array<Tree>, x: usize, rows: i32, out: usize): f64 {
  if (trees.length == 0 || rows == 0) return 0;
  const k = trees[0].classCount;
  const treeCount = trees.length;
  const block = new RowBlock(trees[0], rows, treeCount >= ORDER_MIN_TREES);
  const chunkRows = block.chunkRows;
  const sums = heap.alloc((<usize>chunkRows * <usize>k) << 3);
  const ids = heap.alloc(<usize>chunkRows << 2);
  // A lead is at most t after t trees, so none can exceed T - t before t > T / 2.
  const firstCheck = (treeCount >> 1) + 1;
  const margin = max<f64>(SETTLE_MARGIN, <f64>treeCount * <f64>treeCount * 8.881784197001252e-16);
  let skipped: f64 = 0;

  for (let start = 0; start < rows; start += block.blockRows) {
    const blockCount = min(block.blockRows, rows - start);
    block.load(x, rows, start, blockCount);
    for (let first = 0; first < blockCount; first += chunkRows) {
      const count = min(chunkRows, blockCount - first);
      const chunk = block.chunk(x, rows, start, first, count);
      memory.fill(sums, 0, (<usize>count * <usize>k) << 3);
      for (let i = 0; i < count; i++) store<i32>(ids + (<usize>i << 2), i);

      let active = count;
      for (let t = 0; t < treeCount; t++) {
        walkRows(unchecked(trees[t]), chunk, ids, active, sums, true);
        const done = t + 1;
        if (done >= firstCheck && done < treeCount && (done - firstCheck) % SETTLE_EVERY == 0) {
          const unsettled = keepUnsettled(sums, ids, active, k, <f64>(treeCount - done), margin);
          skipped += <f64>(active - unsettled) * <f64>(treeCount - done);
          active = unsettled;
          if (active == 0) break;
        }
      }

      const divisor = <f64>treeCount;
      for (let i = 0; i < count; i++) {
        const row = sums + ((<usize>i * <usize>k) << 3);
        let best = 0;
        let bestValue = load<f64>(row) / divisor;
        for (let c = 1; c < k; c++) {
          const value = load<f64>(row + (<usize>c << 3)) / divisor;
          if (value > bestValue) {
            bestValue = value;
            best = c;
          }
        }
        store<i32>(out + (<usize>block.rowOf(start, first + i) << 2), best);
      }
    }
  }
  block.free();
  heap.free(sums);
  heap.free(ids);
  return skipped;
}

/** Trees walked between two checks for settled rows in treeListClassesInto. */
const SETTLE_EVERY: i32 = 2;
/**
 * Smallest allowance for rounding that a lead must exceed besides the trees
 * left. A sum of T probabilities is within T * T * 2^-53 of its exact value,
 * so the allowance grows to T * T * 2^-50 for very large forests.
 */
const SETTLE_MARGIN: f64 = 1e-9;

/**
 * Keeps in `ids` (in order) the `active` rows whose largest class sum in
 * `sums` leads the second largest by at most `treesLeft` plus `margin`, and
 * returns how many it kept.
 */
function keepUnsettled(sums: usize, ids: usize, active: i32, k: i32, treesLeft: f64, margin: f64): i32 {
  let unsettled = 0;
  const bound = treesLeft + margin;
  for (let i = 0; i < active; i++) {
    const id = load<i32>(ids + (<usize>i << 2));
    const row = sums + ((<usize>id * <usize>k) << 3);
    let first = load<f64>(row);
    let second: f64 = -Infinity;
    for (let c = 1; c < k; c++) {
      const value = load<f64>(row + (<usize>c << 3));
      second = max(second, min(first, value));
      first = max(first, value);
    }
    if (first - second > bound) continue;
    store<i32>(ids + (<usize>unsettled << 2), id);
    unsettled++;
  }
  return unsettled;
}

/**
 * Writes class probabilities (leaf class weights divided by their sum) for
 * each row of column-major `x` into `out` (rows × classCount float64).
 * With `accumulate`, adds them to the values already in `out` instead.
 */
export function treeProbaInto(tree: Tree, x: usize, rows: i32, out: usize, accumulate: bool): void {
  treeListProbaInto([tree], x, rows, out, accumulate);
}

export function treePredictProba(handle: i32, x: usize, rows: i32, out: usize): void {
  treeProbaInto(getTree(handle), x, rows, out, false);
}

/** Writes the class with the largest leaf weight (first on ties) for each row into int32 `out`. */
export function treePredict(handle: i32, x: usize, rows: i32, out: usize): void {
  const tree = getTree(handle);
  const k = tree.classCount;
  for (let i = 0; i < rows; i++) {
    const leaf = leafOf(tree, x, rows, i);
    let best = 0;
    let bestValue = tree.value[leaf * k];
    for (let c = 1; c < k; c++) {
      const v = tree.value[leaf * k + c];
      if (v > bestValue) {
        bestValue = v;
        best = c;
      }
    }
    store<i32>(out + (<usize>i << 2), best);
  }
}

/**
 * Writes impurity-based importances (mean decrease in impurity) into
 * float64 `out` (featureCount values): for every split node,
 * w * impurity - w_L * impurity_L - w_R * impurity_R, divided by the root's
 * weight and then normalised to sum to 1 (all zero for a single leaf).
 */
export function treeImportancesInto(tree: Tree, out: usize): void {
  const d = tree.featureCount;
  for (let f = 0; f < d; f++) store<f64>(out + (<usize>f << 3), 0);
  for (let node = 0; node < tree.nodeCount; node++) {
    const left = tree.left[node];
    if (left == LEAF) continue;
    const right = tree.right[node];
    const decrease =
      tree.weightedNodeSamples[node] * tree.impurity[node] -
      tree.weightedNodeSamples[left] * tree.impurity[left] -
      tree.weightedNodeSamples[right] * tree.impurity[right];
    const at = out + (<usize>tree.feature[node] << 3);
    store<f64>(at, load<f64>(at) + decrease);
  }
  const rootWeight = tree.weightedNodeSamples[0];
  let total: f64 = 0;
  for (let f = 0; f < d; f++) {
    const at = out + (<usize>f << 3);
    const v = load<f64>(at) / rootWeight;
    store<f64>(at, v);
    total += v;
  }
  if (total > 0) {
    for (let f = 0; f < d; f++) {
      const at = out + (<usize>f << 3);
      store<f64>(at, load<f64>(at) / total);
    }
  }
}

export function treeImportances(handle: i32, out: usize): void {
  treeImportancesInto(getTree(handle), out);
}

/**
 * Copies the node arrays out: feature (i32, -2 at leaves), threshold (f64),
 * left and right child (i32, -1 at leaves), impurity (f64), node samples
 * (i32), weighted node samples (f64) and class weights (f64, nodes × classes).
 */
export function treeExport(
  handle: i32,
  feature: usize,
  threshold: usize,
  left: usize,
  right: usize,
  impurity: usize,
  nodeSamples: usize,
  weightedNodeSamples: usize,
  value: usize,
): void {
  const tree = getTree(handle);
  const n = tree.nodeCount;
  for (let i = 0; i < n; i++) {
    store<i32>(feature + (<usize>i << 2), tree.feature[i]);
    store<f64>(threshold + (<usize>i << 3), tree.threshold[i]);
    store<i32>(left + (<usize>i << 2), tree.left[i]);
    store<i32>(right + (<usize>i << 2), tree.right[i]);
    store<f64>(impurity + (<usize>i << 3), tree.impurity[i]);
    store<i32>(nodeSamples + (<usize>i << 2), tree.nodeSamples[i]);
    store<f64>(weightedNodeSamples + (<usize>i << 3), tree.weightedNodeSamples[i]);
  }
  const k = tree.classCount;
  for (let i = 0; i < n * k; i++) store<f64>(value + (<usize>i << 3), tree.value[i]);
}

/**
 * Rebuilds a tree from node arrays laid out as `treeExport` writes them
 * (trees fitted in another instance, such as a worker) and returns its handle.
 */
export function treeImport(
  nodeCount: i32,
  classCount: i32,
  featureCount: i32,
  depth: i32,
  feature: usize,
  threshold: usize,
  left: usize,
  right: usize,
  impurity: usize,
  nodeSamples: usize,
  weightedNodeSamples: usize,
  value: usize,
): i32 {
  const tree = new Tree(classCount, featureCount);
  // Arrays of the exact length (pushing would leave up to half of each unused).
  tree.feature = new Array<i32>(nodeCount);
  tree.threshold = new Array<f64>(nodeCount);
  tree.left = new Array<i32>(nodeCount);
  tree.right = new Array<i32>(nodeCount);
  tree.impurity = new Array<f64>(nodeCount);
  tree.nodeSamples = new Array<i32>(nodeCount);
  tree.weightedNodeSamples = new Array<f64>(nodeCount);
  tree.value = new Array<f64>(nodeCount * classCount);
  memory.copy(tree.feature.dataStart, feature, <usize>nodeCount << 2);
  memory.copy(tree.threshold.dataStart, threshold, <usize>nodeCount << 3);
  memory.copy(tree.left.dataStart, left, <usize>nodeCount << 2);
  memory.copy(tree.right.dataStart, right, <usize>nodeCount << 2);
  memory.copy(tree.impurity.dataStart, impurity, <usize>nodeCount << 3);
  memory.copy(tree.nodeSamples.dataStart, nodeSamples, <usize>nodeCount << 2);
  memory.copy(tree.weightedNodeSamples.dataStart, weightedNodeSamples, <usize>nodeCount << 3);
  memory.copy(tree.value.dataStart, value, <usize>(nodeCount * classCount) << 3);
  tree.nodes = nodeCount;
  tree.depth = depth;
  return registerTree(tree);
}

/**
 * Makes the tree's prediction form (see Tree.packed) and writes where it is
 * into int32 `out`: split count, leaf count, root reference, address of the
 * packed split nodes, address of the leaf fractions.
 */
export function treePackedForm(handle: i32, out: usize): void {
  const tree = getTree(handle);
  tree.prepare();
  store<i32>(out, tree.splitCount);
  store<i32>(out, tree.leafCount, 4);
  store<i32>(out, tree.root, 8);
  store<u32>(out, <u32>tree.packed, 12);
  store<u32>(out, <u32>tree.leafFractions, 16);
}

/**
 * Registers a tree that has only a prediction form, of `splits` packed
 * split nodes and `leaves` rows of leaf fractions (see Tree.packed), and
 * returns its handle. The memory is left for the caller to fill at the
 * addresses that `treePackedForm` gives, so the form is copied in once.
 * Such a tree predicts; it has no node arrays to export or to compute
 * importances from.
 */
export function treeAllocPacked(classCount: i32, featureCount: i32, splits: i32, leaves: i32, root: i32): i32 {
  const tree = new Tree(classCount, featureCount);
  tree.packed = heap.alloc(<usize>max<i32>(splits, 1) << <usize>4);
  tree.leafFractions = heap.alloc(<usize>(leaves * classCount) << 3);
  tree.root = root;
  tree.splitCount = splits;
  tree.leafCount = leaves;
  return registerTree(tree);
}
