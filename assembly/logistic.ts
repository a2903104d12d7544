// Multinomial logistic regression on standardised features:
//   z_ij = (x_ij - mean_j) * scale_j,   s_ic = b_c + sum_j W_cj z_ij,
//   p_ic = exp(s_ic - logsumexp_c(s_ic)),   loss_i = logsumexp(s_i) - s_{i,y_i}.
// `coef` is K x (d + 1) f64, row c = [W_c0 .. W_c(d-1), b_c]. The kernels
// return the data term only; the TypeScript optimiser adds the L2 penalty.
// Rows are processed in blocks: the block's standardised features are staged
// as f64 (d x BLOCK_ROWS), scores are class-major (K x BLOCK_ROWS).

import { laneSum, stageBlock } from "./util/column";
import { argmaxAt, writeProbabilities } from "./util/softmax";

/** Rows per block; 80 features x 128 rows x 8 bytes = 80 KB of staged values. */
const BLOCK_ROWS: i32 = 128;

/** Stages the standardised block and writes the class scores s_ic of its rows. */
function scoreBlock(x: usize, rows: i32, cols: i32, mean: usize, scale: usize, classCount: i32, coef: usize, start: i32, count: i32, staged: usize, scores: usize): void {
  const stride = <usize>BLOCK_ROWS << 3;
  for (let j = 0; j < cols; j++) {
    const column = x + ((<usize>j * <usize>rows) << 2);
    const offset = <usize>j << 3;
    stageBlock(column, start, count, load<f64>(mean + offset), load<f64>(scale + offset), staged + <usize>j * stride, BLOCK_ROWS);
  }
  const coefStride = (<usize>cols + 1) << 3;
  for (let c = 0; c < classCount; c++) {
    const w = coef + <usize>c * coefStride;
    const target = scores + <usize>c * stride;
    const intercept = f64x2.splat(load<f64>(w + (<usize>cols << 3)));
    for (let i = 0; i < BLOCK_ROWS; i += 2) v128.store(target + (<usize>i << 3), intercept);
    for (let j = 0; j < cols; j++) {
      const weight = f64x2.splat(load<f64>(w + (<usize>j << 3)));
      const z = staged + <usize>j * stride;
      for (let i = 0; i < BLOCK_ROWS; i += 2) {
        const slot = target + (<usize>i << 3);
        v128.store(slot, f64x2.add(v128.load(slot), f64x2.mul(weight, v128.load(z + (<usize>i << 3)))));
      }
    }
  }
}

/**
 * Returns sum_i loss_i over rows `rowStart .. rowEnd` and adds the data
 * gradient to `grad` (same layout as `coef`):
 * dW_cj += sum_i (p_ic - [y_i = c]) z_ij and db_c += sum_i (p_ic - [y_i = c]).
 * `y` contains int32 class indices in [0, classCount).
 */
export function lrLossGradient(x: usize, rows: i32, cols: i32, y: usize, mean: usize, scale: usize, classCount: i32, coef: usize, rowStart: i32, rowEnd: i32, grad: usize): f64 {
  const stride = <usize>BLOCK_ROWS << 3;
  const staged = heap.alloc(<usize>cols * stride);
  const scores = heap.alloc(<usize>classCount * stride);
  const coefStride = (<usize>cols + 1) << 3;
  let loss: f64 = 0;

  for (let start = rowStart; start < rowEnd; start += BLOCK_ROWS) {
    const count = min(BLOCK_ROWS, rowEnd - start);
    scoreBlock(x, rows, cols, mean, scale, classCount, coef, start, count, staged, scores);

    // Turn scores into residuals p_ic - [y_i = c]; padded rows get 0. Each
    // score is exponentiated once: p_ic = e_ic / sum_c e_ic with
    // e_ic = exp(s_ic - max_c s_ic), and logsumexp = max + log(sum).
    for (let i = 0; i < BLOCK_ROWS; i++) {
      const p = scores + (<usize>i << 3);
      if (i >= count) {
        for (let c = 0; c < classCount; c++) store<f64>(p + <usize>c * stride, 0);
        continue;
      }
      const label = load<i32>(y + (<usize>(start + i) << 2));
      const labelScore = load<f64>(p + <usize>label * stride);
      let top = load<f64>(p);
      for (let c = 1; c < classCount; c++) top = Math.max(top, load<f64>(p + <usize>c * stride));
      let total: f64 = 0;
      for (let c = 0; c < classCount; c++) {
        const slot = p + <usize>c * stride;
        const e = Math.exp(load<f64>(slot) - top);
        store<f64>(slot, e);
        total += e;
      }
      loss += top + Math.log(total) - labelScore;
      const inverse = 1.0 / total;
      for (let c = 0; c < classCount; c++) {
        const slot = p + <usize>c * stride;
        store<f64>(slot, load<f64>(slot) * inverse - (c == label ? 1.0 : 0.0));
      }
    }

    for (let c = 0; c < classCount; c++) {
      const residuals = scores + <usize>c * stride;
      const g = grad + <usize>c * coefStride;
      let bias = f64x2.splat(0);
      for (let i = 0; i < BLOCK_ROWS; i += 2) bias = f64x2.add(bias, v128.load(residuals + (<usize>i << 3)));
      const biasSlot = g + (<usize>cols << 3);
      store<f64>(biasSlot, load<f64>(biasSlot) + laneSum(bias));
      for (let j = 0; j < cols; j++) {
        const z = staged + <usize>j * stride;
        let a = f64x2.splat(0);
        let b = f64x2.splat(0);
        for (let i = 0; i < BLOCK_ROWS; i += 4) {
          const offset = <usize>i << 3;
          a = f64x2.add(a, f64x2.mul(v128.load(residuals + offset), v128.load(z + offset)));
          b = f64x2.add(b, f64x2.mul(v128.load(residuals + offset, 16), v128.load(z + offset, 16)));
        }
        const slot = g + (<usize>j << 3);
        store<f64>(slot, load<f64>(slot) + laneSum(f64x2.add(a, b)));
      }
    }
  }

  heap.free(scores);
  heap.free(staged);
  return loss;
}

/** Writes softmax probabilities for rows `rowStart .. rowEnd` to `out` (row-major, K f64 per row, indexed by absolute row). */
export function lrPredictProba(x: usize, rows: i32, cols: i32, mean: usize, scale: usize, classCount: i32, coef: usize, rowStart: i32, rowEnd: i32, out: usize): void {
  const stride = <usize>BLOCK_ROWS << 3;
  const staged = heap.alloc(<usize>cols * stride);
  const scores = heap.alloc(<usize>classCount * stride);
  for (let start = rowStart; start < rowEnd; start += BLOCK_ROWS) {
    const count = min(BLOCK_ROWS, rowEnd - start);
    scoreBlock(x, rows, cols, mean, scale, classCount, coef, start, count, staged, scores);
    writeProbabilities(scores, classCount, BLOCK_ROWS, count, out, start);
  }
  heap.free(scores);
  heap.free(staged);
}

/** Writes the class of largest score (lowest index on ties) for rows `rowStart .. rowEnd` to `out` (i32 per row). */
export function lrPredict(x: usize, rows: i32, cols: i32, mean: usize, scale: usize, classCount: i32, coef: usize, rowStart: i32, rowEnd: i32, out: usize): void {
  const stride = <usize>BLOCK_ROWS << 3;
  const staged = heap.alloc(<usize>cols * stride);
  const scores = heap.alloc(<usize>classCount * stride);
  for (let start = rowStart; start < rowEnd; start += BLOCK_ROWS) {
    const count = min(BLOCK_ROWS, rowEnd - start);
    scoreBlock(x, rows, cols, mean, scale, classCount, coef, start, count, staged, scores);
    for (let i = 0; i < count; i++) {
      store<i32>(out + (<usize>(start + i) << 2), argmaxAt(scores, classCount, BLOCK_ROWS, i));
    }
  }
  heap.free(scores);
  heap.free(staged);
}
