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
  // Four classes and four rows at a time, in eight registers, so that each staged
  // value is loaded once for four classes. Every score still adds its terms in
  // feature order after the intercept, so the sums are those of one class at a time.
  let c = 0;
  for (; c + 4 <= classCount; c += 4) {
    const w0 = coef + <usize>c * coefStride;
    const w1 = w0 + coefStride;
    const w2 = w1 + coefStride;
    const w3 = w2 + coefStride;
    const bias = <usize>cols << 3;
    for (let i = 0; i < BLOCK_ROWS; i += 4) {
      let s00 = f64x2.splat(load<f64>(w0 + bias));
      let s01 = s00;
      let s10 = f64x2.splat(load<f64>(w1 + bias));
      let s11 = s10;
      let s20 = f64x2.splat(load<f64>(w2 + bias));
      let s21 = s20;
      let s30 = f64x2.splat(load<f64>(w3 + bias));
      let s31 = s30;
      let z = staged + (<usize>i << 3);
      for (let j = 0; j < cols; j++) {
        const offset = <usize>j << 3;
        const z0 = v128.load(z);
        const z1 = v128.load(z, 16);
        const a = f64x2.splat(load<f64>(w0 + offset));
        const b = f64x2.splat(load<f64>(w1 + offset));
        const d = f64x2.splat(load<f64>(w2 + offset));
        const e = f64x2.splat(load<f64>(w3 + offset));
        s00 = f64x2.add(s00, f64x2.mul(a, z0));
        s01 = f64x2.add(s01, f64x2.mul(a, z1));
        s10 = f64x2.add(s10, f64x2.mul(b, z0));
        s11 = f64x2.add(s11, f64x2.mul(b, z1));
        s20 = f64x2.add(s20, f64x2.mul(d, z0));
        s21 = f64x2.add(s21, f64x2.mul(d, z1));
        s30 = f64x2.add(s30, f64x2.mul(e, z0));
        s31 = f64x2.add(s31, f64x2.mul(e, z1));
        z += stride;
      }
      const target = scores + <usize>c * stride + (<usize>i << 3);
      v128.store(target, s00);
      v128.store(target, s01, 16);
      v128.store(target + stride, s10);
      v128.store(target + stride, s11, 16);
      v128.store(target + 2 * stride, s20);
      v128.store(target + 2 * stride, s21, 16);
      v128.store(target + 3 * stride, s30);
      v128.store(target + 3 * stride, s31, 16);
    }
  }
  for (; c < classCount; c++) {
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

/** Adds sum_i r_i z_i over one block to the f64 at `slot`, with two accumulators of two lanes each. */
@inline function addGradient(residuals: usize, z: usize, slot: usize): void {
  let a = f64x2.splat(0);
  let b = f64x2.splat(0);
  for (let i = 0; i < BLOCK_ROWS; i += 4) {
    const offset = <usize>i << 3;
    a = f64x2.add(a, f64x2.mul(v128.load(residuals + offset), v128.load(z + offset)));
    b = f64x2.add(b, f64x2.mul(v128.load(residuals + offset, 16), v128.load(z + offset, 16)));
  }
  store<f64>(slot, load<f64>(slot) + laneSum(f64x2.add(a, b)));
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
      let bias = f64x2.splat(0);
      for (let i = 0; i < BLOCK_ROWS; i += 2) bias = f64x2.add(bias, v128.load(residuals + (<usize>i << 3)));
      const biasSlot = grad + <usize>c * coefStride + (<usize>cols << 3);
      store<f64>(biasSlot, load<f64>(biasSlot) + laneSum(bias));
    }
    // Two classes by two features at a time, so that each residual and staged
    // value loaded serves two products. Each sum keeps its own two accumulators
    // (rows 4m, 4m + 1 and rows 4m + 2, 4m + 3), as addGradient has.
    let c = 0;
    for (; c + 2 <= classCount; c += 2) {
      const r0 = scores + <usize>c * stride;
      const r1 = r0 + stride;
      const g0 = grad + <usize>c * coefStride;
      const g1 = g0 + coefStride;
      let j = 0;
      for (; j + 2 <= cols; j += 2) {
        const z0 = staged + <usize>j * stride;
        const z1 = z0 + stride;
        let a00 = f64x2.splat(0);
        let b00 = a00;
        let a01 = a00;
        let b01 = a00;
        let a10 = a00;
        let b10 = a00;
        let a11 = a00;
        let b11 = a00;
        for (let i = 0; i < BLOCK_ROWS; i += 4) {
          const offset = <usize>i << 3;
          const p0 = v128.load(r0 + offset);
          const q0 = v128.load(r0 + offset, 16);
          const p1 = v128.load(r1 + offset);
          const q1 = v128.load(r1 + offset, 16);
          const u0 = v128.load(z0 + offset);
          const v0 = v128.load(z0 + offset, 16);
          const u1 = v128.load(z1 + offset);
          const v1 = v128.load(z1 + offset, 16);
          a00 = f64x2.add(a00, f64x2.mul(p0, u0));
          b00 = f64x2.add(b00, f64x2.mul(q0, v0));
          a01 = f64x2.add(a01, f64x2.mul(p0, u1));
          b01 = f64x2.add(b01, f64x2.mul(q0, v1));
          a10 = f64x2.add(a10, f64x2.mul(p1, u0));
          b10 = f64x2.add(b10, f64x2.mul(q1, v0));
          a11 = f64x2.add(a11, f64x2.mul(p1, u1));
          b11 = f64x2.add(b11, f64x2.mul(q1, v1));
        }
        const slot0 = g0 + (<usize>j << 3);
        const slot1 = g1 + (<usize>j << 3);
        store<f64>(slot0, load<f64>(slot0) + laneSum(f64x2.add(a00, b00)));
        store<f64>(slot0, load<f64>(slot0, 8) + laneSum(f64x2.add(a01, b01)), 8);
        store<f64>(slot1, load<f64>(slot1) + laneSum(f64x2.add(a10, b10)));
        store<f64>(slot1, load<f64>(slot1, 8) + laneSum(f64x2.add(a11, b11)), 8);
      }
      for (; j < cols; j++) {
        addGradient(r0, staged + <usize>j * stride, g0 + (<usize>j << 3));
        addGradient(r1, staged + <usize>j * stride, g1 + (<usize>j << 3));
      }
    }
    for (; c < classCount; c++) {
      const residuals = scores + <usize>c * stride;
      const g = grad + <usize>c * coefStride;
      for (let j = 0; j < cols; j++) addGradient(residuals, staged + <usize>j * stride, g + (<usize>j << 3));
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
