// Column statistics and the Pearson correlation matrix of a column-major
// float32 matrix (feature j of row i at x + 4 * (j * rows + i)).
//
// r(j, k) = S(j, k) / sqrt(S(j, j) * S(k, k)), where
// S(j, k) = sum_i (x_ij - mean_j) * (x_ik - mean_k)
// is accumulated in f64 after the means are known (two passes).

import { laneSum, minMaxF32, stageBlock, sumF32, sumSquaredDeviationsF32 } from "./util/column";

/** Rows staged per block; 80 features x 256 rows x 8 bytes stays within a 256 KB L2 cache. */
const BLOCK_ROWS: i32 = 256;

/**
 * Writes the mean, population variance, minimum and maximum of one f32
 * column of `rows` values to `out[0..3]` (f64). When min == max the mean is
 * set to that value exactly and the variance to 0, because sum / rows can
 * miss the f32 value by an ulp and would then give a constant column a tiny
 * variance. A column containing NaN gets NaN for all four.
 */
export function columnStats(column: usize, rows: i32, out: usize): void {
  minMaxF32(column, rows, out + 16);
  const low = load<f64>(out, 16);
  const high = load<f64>(out, 24);
  if (low == high) {
    store<f64>(out, low);
    store<f64>(out, 0.0, 8);
    return;
  }
  const m = sumF32(column, rows) / <f64>rows;
  store<f64>(out, m);
  store<f64>(out, sumSquaredDeviationsF32(column, rows, m) / <f64>rows, 8);
}

/**
 * Adds the centred cross products of one staged block to `sums` (`cols` x
 * `cols` f64, upper triangle including the diagonal). `block` contains
 * `padded` columns of `blockRows` f64 values, where `padded` is `cols`
 * rounded up to even and the extra column is zero. Columns are taken in
 * 2 x 2 tiles so each loaded vector serves two products.
 */
function accumulateBlock(block: usize, cols: i32, padded: i32, blockRows: i32, sums: usize): void {
  const stride = <usize>blockRows << 3;
  for (let j = 0; j < padded; j += 2) {
    const a0 = block + <usize>j * stride;
    const a1 = a0 + stride;
    for (let k = j; k < padded; k += 2) {
      const b0 = block + <usize>k * stride;
      const b1 = b0 + stride;
      let s00 = f64x2.splat(0);
      let s01 = f64x2.splat(0);
      let s10 = f64x2.splat(0);
      let s11 = f64x2.splat(0);
      for (let i = 0; i < blockRows; i += 2) {
        const offset = <usize>i << 3;
        const x0 = v128.load(a0 + offset);
        const x1 = v128.load(a1 + offset);
        const y0 = v128.load(b0 + offset);
        const y1 = v128.load(b1 + offset);
        s00 = f64x2.add(s00, f64x2.mul(x0, y0));
        s01 = f64x2.add(s01, f64x2.mul(x0, y1));
        s10 = f64x2.add(s10, f64x2.mul(x1, y0));
        s11 = f64x2.add(s11, f64x2.mul(x1, y1));
      }
      const row0 = sums + ((<usize>j * <usize>cols + <usize>k) << 3);
      const row1 = row0 + (<usize>cols << 3);
      const hasK1 = k + 1 < cols;
      store<f64>(row0, load<f64>(row0) + laneSum(s00));
      if (hasK1) store<f64>(row0, load<f64>(row0, 8) + laneSum(s01), 8);
      if (j + 1 < cols) {
        store<f64>(row1, load<f64>(row1) + laneSum(s10));
        if (hasK1) store<f64>(row1, load<f64>(row1, 8) + laneSum(s11), 8);
      }
    }
  }
}

/**
 * Adds sum_i (x_ij - mean_j) * (x_ik - mean_k) over rows
 * `rowStart .. rowEnd` to `sums` (`cols` x `cols` f64, row-major, zeroed
 * by the caller; only the upper triangle and the diagonal are written).
 * `rows` is the matrix height, `mean` the f64 column means. Callers split
 * long matrices into several row ranges, which also lets the engine move
 * this function to its optimising tier between calls.
 */
export function pearsonAccumulate(x: usize, rows: i32, cols: i32, mean: usize, rowStart: i32, rowEnd: i32, sums: usize): void {
  const padded = (cols + 1) & ~1;
  const block = heap.alloc((<usize>padded * <usize>BLOCK_ROWS) << 3);
  // The padding column stays zero, so its products add nothing.
  if (padded > cols) stageBlock(0, 0, 0, 0, 0, block + ((<usize>cols * <usize>BLOCK_ROWS) << 3), BLOCK_ROWS);

  for (let start = rowStart; start < rowEnd; start += BLOCK_ROWS) {
    const count = min(BLOCK_ROWS, rowEnd - start);
    for (let j = 0; j < cols; j++) {
      const column = x + ((<usize>j * <usize>rows) << 2);
      const staged = block + ((<usize>j * <usize>BLOCK_ROWS) << 3);
      stageBlock(column, start, count, load<f64>(mean + (<usize>j << 3)), 1.0, staged, BLOCK_ROWS);
    }
    accumulateBlock(block, cols, padded, BLOCK_ROWS, sums);
  }
  heap.free(block);
}

/**
 * Writes the `cols` x `cols` Pearson correlation matrix (row-major f64) to
 * `out` from the sums built by `pearsonAccumulate`. A column whose centred
 * sum of squares is 0 gets NaN in its row and column, diagonal included.
 * Other values are clamped to [-1, 1] against rounding.
 */
export function pearsonFinish(sums: usize, cols: i32, out: usize): void {
  for (let j = 0; j < cols; j++) {
    const sjj = load<f64>(sums + ((<usize>j * <usize>cols + <usize>j) << 3));
    for (let k = j; k < cols; k++) {
      const skk = load<f64>(sums + ((<usize>k * <usize>cols + <usize>k) << 3));
      let r: f64 = NaN;
      if (sjj > 0 && skk > 0) {
        if (k == j) {
          r = 1.0;
        } else {
          r = load<f64>(sums + ((<usize>j * <usize>cols + <usize>k) << 3)) / Math.sqrt(sjj * skk);
          r = Math.max(-1.0, Math.min(1.0, r));
        }
      }
      store<f64>(out + ((<usize>j * <usize>cols + <usize>k) << 3), r);
      store<f64>(out + ((<usize>k * <usize>cols + <usize>j) << 3), r);
    }
  }
}
