// Reductions over one float32 column, staging of row blocks as float64, and
// row-major copies of row ranges.
// Every sum is accumulated in f64, two lanes at a time with f64x2.

/** Returns the sum of the two f64 lanes of `v`. */
// @ts-ignore: decorator
@inline export function laneSum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** Loads two consecutive f32 values at `ptr` and promotes them to an f64x2. */
// @ts-ignore: decorator
@inline export function loadPairF64(ptr: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(ptr));
}

/** Returns the f64 sum of `count` f32 values starting at `ptr`. */
export function sumF32(ptr: usize, count: i32): f64 {
  let a = f64x2.splat(0);
  let b = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const p = ptr + (<usize>i << 2);
    a = f64x2.add(a, loadPairF64(p));
    b = f64x2.add(b, loadPairF64(p + 8));
  }
  let total = laneSum(f64x2.add(a, b));
  for (; i < count; i++) total += <f64>load<f32>(ptr + (<usize>i << 2));
  return total;
}

/** Returns sum((x - center)^2) over `count` f32 values at `ptr`, in f64. */
export function sumSquaredDeviationsF32(ptr: usize, count: i32, center: f64): f64 {
  const c = f64x2.splat(center);
  let a = f64x2.splat(0);
  let b = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const p = ptr + (<usize>i << 2);
    const da = f64x2.sub(loadPairF64(p), c);
    const db = f64x2.sub(loadPairF64(p + 8), c);
    a = f64x2.add(a, f64x2.mul(da, da));
    b = f64x2.add(b, f64x2.mul(db, db));
  }
  let total = laneSum(f64x2.add(a, b));
  for (; i < count; i++) {
    const d = <f64>load<f32>(ptr + (<usize>i << 2)) - center;
    total += d * d;
  }
  return total;
}

/**
 * Writes the minimum and maximum of `count` f32 values at `ptr` to
 * `out[0]` and `out[1]` (f64). A NaN anywhere makes both NaN, so a column
 * with missing values is never mistaken for a constant one.
 */
export function minMaxF32(ptr: usize, count: i32, out: usize): void {
  let lo = f32x4.splat(Infinity);
  let hi = f32x4.splat(-Infinity);
  let nan = f32x4.splat(0);

  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const v = v128.load(ptr + (<usize>i << 2));
    lo = f32x4.pmin(v, lo);
    hi = f32x4.pmax(v, hi);
    nan = v128.or(nan, f32x4.ne(v, v));
  }

  // Fold the four lanes, then the scalar tail.
  let low = <f64>Infinity;
  let high = <f64>-Infinity;
  let hasNaN = v128.any_true(nan);
  for (let lane = 0; lane < 4; lane++) {
    low = Math.min(low, <f64>f32x4.extract_lane(lo, 0));
    high = Math.max(high, <f64>f32x4.extract_lane(hi, 0));
    lo = v128.shuffle<f32>(lo, lo, 1, 2, 3, 0);
    hi = v128.shuffle<f32>(hi, hi, 1, 2, 3, 0);
  }
  for (; i < count; i++) {
    const v = <f64>load<f32>(ptr + (<usize>i << 2));
    if (v != v) hasNaN = true;
    low = Math.min(low, v);
    high = Math.max(high, v);
  }

  if (hasNaN) {
    low = NaN;
    high = NaN;
  }
  store<f64>(out, low);
  store<f64>(out, high, 8);
}

/**
 * Stages rows `start .. start + count` of the f32 column at `column` as f64
 * values `(x - shift) * factor` at `dst`, then writes zeros up to `padded`
 * values, so kernels can run whole f64x2 steps over a block.
 */
export function stageBlock(column: usize, start: i32, count: i32, shift: f64, factor: f64, dst: usize, padded: i32): void {
  const src = column + (<usize>start << 2);
  const s = f64x2.splat(shift);
  const f = f64x2.splat(factor);
  let i = 0;
  for (; i + 2 <= count; i += 2) {
    const v = f64x2.mul(f64x2.sub(loadPairF64(src + (<usize>i << 2)), s), f);
    v128.store(dst + (<usize>i << 3), v);
  }
  for (; i < count; i++) {
    store<f64>(dst + (<usize>i << 3), (<f64>load<f32>(src + (<usize>i << 2)) - shift) * factor);
  }
  for (; i < padded; i++) store<f64>(dst + (<usize>i << 3), 0);
}

/**
 * Copies rows [start, end) of column-major float32 `x` (`rows` rows, `cols`
 * columns) into row-major `out` (`out[(row - start) * cols + col]`), 256
 * rows at a time so that both sides stay in cache.
 */
export function transposeRows(x: usize, rows: i32, cols: i32, start: i32, end: i32, out: usize): void {
  const rowBytes = <usize>cols << 2;
  for (let blockStart = start; blockStart < end; blockStart += 256) {
    const blockEnd = blockStart + 256 < end ? blockStart + 256 : end;
    for (let col = 0; col < cols; col++) {
      const column = x + ((<usize>col * <usize>rows) << 2);
      const target = out + (<usize>col << 2);
      for (let row = blockStart; row < blockEnd; row++) {
        store<f32>(target + <usize>(row - start) * rowBytes, load<f32>(column + (<usize>row << 2)));
      }
    }
  }
}
