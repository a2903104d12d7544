// Gaussian naive Bayes, matching scikit-learn's GaussianNB (1.2):
// per-class mean theta and population variance, every variance plus
// epsilon, and the joint log-likelihood
//   jll_c(x) = log prior_c - 0.5 * sum_j log(2 pi var_cj) - 0.5 * sum_j (x_j - theta_cj)^2 / var_cj.
// Fitting runs in two passes over row ranges: class sums first, then
// squared deviations from the class means. The TypeScript side divides by
// the class counts and adds epsilon. Parameters are row-major K x d f64 arrays.

import { argmaxAt, writeProbabilities } from "./util/softmax";
import { loadPairF64 } from "./util/column";

/** Rows scored per block; K x 256 f64 scores stay in the L1 cache for up to about 20 classes. */
const BLOCK_ROWS: i32 = 256;

/**
 * Adds the row count of each class to `counts` (K f64) and, for every
 * feature j, the sum of x_ij over the rows of class c to `sums[c * cols + j]`,
 * over rows `rowStart .. rowEnd`. `y` contains int32 class indices that the
 * caller has checked to lie in [0, classCount).
 */
export function gnbClassSums(x: usize, rows: i32, cols: i32, y: usize, classCount: i32, rowStart: i32, rowEnd: i32, counts: usize, sums: usize): void {
  for (let i = rowStart; i < rowEnd; i++) {
    const c = load<i32>(y + (<usize>i << 2));
    const slot = counts + (<usize>c << 3);
    store<f64>(slot, load<f64>(slot) + 1.0);
  }
  for (let j = 0; j < cols; j++) {
    const column = x + ((<usize>j * <usize>rows) << 2);
    for (let i = rowStart; i < rowEnd; i++) {
      const c = load<i32>(y + (<usize>i << 2));
      const slot = sums + ((<usize>c * <usize>cols + <usize>j) << 3);
      store<f64>(slot, load<f64>(slot) + <f64>load<f32>(column + (<usize>i << 2)));
    }
  }
}

/** Adds (x_ij - theta_cj)^2 over the rows of class c to `squares[c * cols + j]`, over rows `rowStart .. rowEnd`. */
export function gnbClassSquares(x: usize, rows: i32, cols: i32, y: usize, theta: usize, rowStart: i32, rowEnd: i32, squares: usize): void {
  for (let j = 0; j < cols; j++) {
    const column = x + ((<usize>j * <usize>rows) << 2);
    for (let i = rowStart; i < rowEnd; i++) {
      const c = load<i32>(y + (<usize>i << 2));
      const offset = (<usize>c * <usize>cols + <usize>j) << 3;
      const d = <f64>load<f32>(column + (<usize>i << 2)) - load<f64>(theta + offset);
      store<f64>(squares + offset, load<f64>(squares + offset) + d * d);
    }
  }
}

/**
 * Writes the joint log-likelihood of rows `start .. start + count` into
 * `scores` (K x BLOCK_ROWS f64, class-major). `logPrior` and `logNorm`
 * (K f64 each) hold log prior_c and -0.5 * sum_j log(2 pi var_cj).
 */
function scoreBlock(x: usize, rows: i32, cols: i32, classCount: i32, theta: usize, variance: usize, logPrior: usize, logNorm: usize, start: i32, count: i32, scores: usize): void {
  const stride = <usize>BLOCK_ROWS << 3;
  memory.fill(scores, 0, <usize>classCount * stride);
  const vectorEnd = count & ~1;
  for (let j = 0; j < cols; j++) {
    const column = x + ((<usize>j * <usize>rows + <usize>start) << 2);
    for (let c = 0; c < classCount; c++) {
      const offset = (<usize>c * <usize>cols + <usize>j) << 3;
      const mu = load<f64>(theta + offset);
      const v = load<f64>(variance + offset);
      const muPair = f64x2.splat(mu);
      const vPair = f64x2.splat(v);
      const target = scores + <usize>c * stride;
      let i = 0;
      for (; i < vectorEnd; i += 2) {
        const d = f64x2.sub(loadPairF64(column + (<usize>i << 2)), muPair);
        const slot = target + (<usize>i << 3);
        v128.store(slot, f64x2.add(v128.load(slot), f64x2.div(f64x2.mul(d, d), vPair)));
      }
      for (; i < count; i++) {
        const d = <f64>load<f32>(column + (<usize>i << 2)) - mu;
        const slot = target + (<usize>i << 3);
        store<f64>(slot, load<f64>(slot) + (d * d) / v);
      }
    }
  }
  for (let c = 0; c < classCount; c++) {
    const norm = load<f64>(logNorm + (<usize>c << 3));
    const prior = load<f64>(logPrior + (<usize>c << 3));
    const target = scores + <usize>c * stride;
    for (let i = 0; i < count; i++) {
      const slot = target + (<usize>i << 3);
      store<f64>(slot, prior + (norm - 0.5 * load<f64>(slot)));
    }
  }
}

/**
 * Writes class probabilities for rows `rowStart .. rowEnd` to `out`
 * (row-major, K f64 per row, indexed by absolute row), normalising the
 * joint log-likelihood with log-sum-exp.
 */
export function gnbPredictProba(x: usize, rows: i32, cols: i32, classCount: i32, theta: usize, variance: usize, logPrior: usize, logNorm: usize, rowStart: i32, rowEnd: i32, out: usize): void {
  const scores = heap.alloc((<usize>classCount * <usize>BLOCK_ROWS) << 3);
  for (let start = rowStart; start < rowEnd; start += BLOCK_ROWS) {
    const count = min(BLOCK_ROWS, rowEnd - start);
    scoreBlock(x, rows, cols, classCount, theta, variance, logPrior, logNorm, start, count, scores);
    writeProbabilities(scores, classCount, BLOCK_ROWS, count, out, start);
  }
  heap.free(scores);
}

/** Writes the class of largest joint log-likelihood (lowest index on ties) for rows `rowStart .. rowEnd` to `out` (i32 per row). */
export function gnbPredict(x: usize, rows: i32, cols: i32, classCount: i32, theta: usize, variance: usize, logPrior: usize, logNorm: usize, rowStart: i32, rowEnd: i32, out: usize): void {
  const scores = heap.alloc((<usize>classCount * <usize>BLOCK_ROWS) << 3);
  for (let start = rowStart; start < rowEnd; start += BLOCK_ROWS) {
    const count = min(BLOCK_ROWS, rowEnd - start);
    scoreBlock(x, rows, cols, classCount, theta, variance, logPrior, logNorm, start, count, scores);
    for (let i = 0; i < count; i++) {
      store<i32>(out + (<usize>(start + i) << 2), argmaxAt(scores, classCount, BLOCK_ROWS, i));
    }
  }
  heap.free(scores);
}
