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

/** Slots per feature in the table binRows searches: the edges, then +Infinity up to the next power of two. */
const SEARCH_SLOTS: i32 = 256;

/**
 * Fills the search table of one feature (SEARCH_SLOTS float64 values at
 * `table`) from its `edgeCount` edges and returns the first step of
 * binRows' search: the largest power of two not above edgeCount, or 0.
 */
export function binSearchTable(edges: usize, edgeCount: i32, table: usize): i32 {
  assert(edgeCount < SEARCH_SLOTS, "at most 255 edges per feature");
  for (let i = 0; i < SEARCH_SLOTS; i++) {
    store<f64>(table + (<usize>i << 3), i < edgeCount ? load<f64>(edges + (<usize>i << 3)) : Infinity);
  }
  if (edgeCount == 0) return 0;
  let step = 1;
  while (step * 2 <= edgeCount) step *= 2;
  return step;
}

/** The bin code of `value`: how many edges of the feature's search table lie below it. */
@inline function searchCode(table: usize, first: i32, value: f64): i32 {
  let code = 0;
  for (let step = first; step > 0; step >>= 1) {
    code = select<i32>(code + step, code, load<f64>(table + (<usize>(code + step - 1) << 3)) < value);
  }
  return code;
}

/**
 * Writes the bin codes of column-major `x` (rows × cols float32) into
 * `codes` (u8, row-major) and a row-major copy of the values into
 * `rowValues`. A code is the number of edges below the value, so a value
 * equal to an edge goes to the lower bin. `tables` has each feature's
 * search table (see binSearchTable) and `firstSteps` its first step (i32).
 * Rows go in blocks whose output stays in cache, and four values are
 * searched side by side so that their chains of dependent loads overlap.
 */
export function binRows(x: usize, rows: i32, cols: i32, tables: usize, firstSteps: usize, codes: usize, rowValues: usize): void {
  const stride = <usize>cols;
  for (let blockStart = 0; blockStart < rows; blockStart += 256) {
    const blockEnd = min(blockStart + 256, rows);
    for (let col = 0; col < cols; col++) {
      const column = x + ((<usize>col * <usize>rows) << 2);
      const table = tables + ((<usize>col * <usize>SEARCH_SLOTS) << 3);
      const first = load<i32>(firstSteps + (<usize>col << 2));
      const codeAt = codes + <usize>col;
      const valueAt = rowValues + (<usize>col << 2);
      let row = blockStart;
      for (; row + 4 <= blockEnd; row += 4) {
        const a = load<f32>(column + (<usize>row << 2));
        const b = load<f32>(column + (<usize>row << 2), 4);
        const c = load<f32>(column + (<usize>row << 2), 8);
        const d = load<f32>(column + (<usize>row << 2), 12);
        let ca = 0;
        let cb = 0;
        let cc = 0;
        let cd = 0;
        for (let step = first; step > 0; step >>= 1) {
          ca = select<i32>(ca + step, ca, load<f64>(table + (<usize>(ca + step - 1) << 3)) < <f64>a);
          cb = select<i32>(cb + step, cb, load<f64>(table + (<usize>(cb + step - 1) << 3)) < <f64>b);
          cc = select<i32>(cc + step, cc, load<f64>(table + (<usize>(cc + step - 1) << 3)) < <f64>c);
          cd = select<i32>(cd + step, cd, load<f64>(table + (<usize>(cd + step - 1) << 3)) < <f64>d);
        }
        const at = <usize>row * stride;
        store<u8>(codeAt + at, <u8>ca);
        store<u8>(codeAt + at + stride, <u8>cb);
        store<u8>(codeAt + at + 2 * stride, <u8>cc);
        store<u8>(codeAt + at + 3 * stride, <u8>cd);
        store<f32>(valueAt + (at << 2), a);
        store<f32>(valueAt + ((at + stride) << 2), b);
        store<f32>(valueAt + ((at + 2 * stride) << 2), c);
        store<f32>(valueAt + ((at + 3 * stride) << 2), d);
      }
      for (; row < blockEnd; row++) {
        const value = load<f32>(column + (<usize>row << 2));
        const at = <usize>row * stride;
        store<u8>(codeAt + at, <u8>searchCode(table, first, <f64>value));
        store<f32>(valueAt + (at << 2), value);
      }
    }
  }
}
