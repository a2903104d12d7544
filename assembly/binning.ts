// Quantile binning of feature columns for histogram split finding: every
// feature value becomes a u8 bin code, stored row-major (`codes[row * cols +
// feature]`) so that one row's codes share a cache line when a node builds
// histograms for several features at once.
//
// Bin edges come from the sorted distinct values of the column (or of an
// evenly spaced subsample of rows when the column is long). With at most
// `maxBins` distinct values every gap gets an edge, so the candidate
// thresholds are exactly those of the exact splitter; otherwise edges are
// placed at quantiles of the value distribution. An edge is the midpoint
// a/2 + b/2 of the two distinct values around it, like scikit-learn's
// thresholds, and a value goes to bin b when edge[b - 1] < value <= edge[b].

import { transposeRows } from "./util/column";
import { sortKeys } from "./util/sort";

/** Maps float bits to unsigned integers that sort in numeric order. */
@inline export function orderedBits(value: f32): u32 {
  const bits = reinterpret<u32>(value);
  return bits & 0x80000000 ? ~bits : bits | 0x80000000;
}

@inline export function fromOrdered(ordered: u32): f32 {
  return reinterpret<f32>(ordered & 0x80000000 ? ordered & 0x7fffffff : ~ordered);
}

/**
 * Computes the edges of feature column `column` (`rows` float32 values) into
 * `edges` (float64, at most maxBins - 1 values) and returns how many there
 * are. `sampleRows` bounds the rows looked at; `scratch` has room for at least
 * min(rows, sampleRows) u64 values.
 */
export function binEdges(column: usize, rows: i32, maxBins: i32, sampleRows: i32, scratch: usize, edges: usize): i32 {
  const count = rows < sampleRows ? rows : sampleRows;
  if (count == 0) return 0;
  // Evenly spaced rows, so the subsample does not depend on file order quirks at one end.
  const step: f64 = <f64>rows / <f64>count;
  for (let i = 0; i < count; i++) {
    const row = <i32>(<f64>i * step);
    store<u64>(scratch + (<usize>i << 3), <u64>orderedBits(load<f32>(column + (<usize>row << 2))) << 32);
  }
  sortKeys(scratch, count);

  // Distinct values and their counts, compacted in place: value in the high word, count in the low word.
  let distinct = 0;
  let previous: u32 = <u32>(load<u64>(scratch) >>> 32);
  let run: u32 = 0;
  for (let i = 0; i < count; i++) {
    const value = <u32>(load<u64>(scratch + (<usize>i << 3)) >>> 32);
    if (value != previous) {
      store<u64>(scratch + (<usize>distinct << 3), (<u64>previous << 32) | <u64>run);
      distinct++;
      previous = value;
      run = 0;
    }
    run++;
  }
  store<u64>(scratch + (<usize>distinct << 3), (<u64>previous << 32) | <u64>run);
  distinct++;

  let edgeCount = 0;
  if (distinct <= maxBins) {
    for (let i = 0; i + 1 < distinct; i++) {
      const a = <f64>fromOrdered(<u32>(load<u64>(scratch + (<usize>i << 3)) >>> 32));
      const b = <f64>fromOrdered(<u32>(load<u64>(scratch + (<usize>(i + 1) << 3)) >>> 32));
      store<f64>(edges + (<usize>edgeCount << 3), midpoint(a, b));
      edgeCount++;
    }
    return edgeCount;
  }

  // Quantile edges: after the distinct value where the running count first reaches q * count.
  let cumulative: f64 = 0;
  let nextQuantile = 1;
  for (let i = 0; i + 1 < distinct && edgeCount < maxBins - 1; i++) {
    cumulative += <f64>(<u32>load<u64>(scratch + (<usize>i << 3)));
    const target = (<f64>nextQuantile * <f64>count) / <f64>maxBins;
    if (cumulative >= target) {
      const a = <f64>fromOrdered(<u32>(load<u64>(scratch + (<usize>i << 3)) >>> 32));
      const b = <f64>fromOrdered(<u32>(load<u64>(scratch + (<usize>(i + 1) << 3)) >>> 32));
      store<f64>(edges + (<usize>edgeCount << 3), midpoint(a, b));
      edgeCount++;
      while (<f64>nextQuantile * <f64>count / <f64>maxBins <= cumulative) nextQuantile++;
    }
  }
  return edgeCount;
}

/** scikit-learn's threshold between two neighbouring values: a/2 + b/2, or a when that rounds up to b. */
@inline export function midpoint(a: f64, b: f64): f64 {
  const m = a / 2.0 + b / 2.0;
  return m == b || m == Infinity || m == -Infinity ? a : m;
}

/**
 * Writes the bin code of every value of `column` into `codes` (u8,
 * `stride` bytes apart): the number of edges below the
 * value, so a value equal to an edge goes to the lower bin.
 */
export function binEncode(column: usize, rows: i32, edges: usize, edgeCount: i32, codes: usize, stride: i32): void {
  for (let row = 0; row < rows; row++) {
    const value = <f64>load<f32>(column + (<usize>row << 2));
    // Lower bound: first edge >= value.
    let low = 0;
    let high = edgeCount;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (load<f64>(edges + (<usize>mid << 3)) < value) low = mid + 1;
      else high = mid;
    }
    store<u8>(codes + <usize>row * <usize>stride, <u8>low);
  }
}

/** Copies column-major float32 `x` (rows × cols) into row-major `out` (`out[row * cols + col]`). */
export function transposeF32(x: usize, rows: i32, cols: i32, out: usize): void {
  transposeRows(x, rows, cols, 0, rows, out);
}
