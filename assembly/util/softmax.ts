// Row-wise operations on class scores kept column-major in a block:
// score of class c for block row i at scores + 8 * (c * blockRows + i).

/**
 * Returns log(sum_c exp(s_c)) for block row `i`, computed as
 * max + log(sum exp(s_c - max)) so it cannot overflow. Classes with score
 * -Infinity add nothing; if all are -Infinity the result is -Infinity.
 */
export function logSumExpAt(scores: usize, classCount: i32, blockRows: i32, i: i32): f64 {
  const stride = <usize>blockRows << 3;
  let p = scores + (<usize>i << 3);
  let top = <f64>-Infinity;
  for (let c = 0; c < classCount; c++) {
    top = Math.max(top, load<f64>(p + <usize>c * stride));
  }
  if (top == -Infinity) return top;
  let total: f64 = 0;
  for (let c = 0; c < classCount; c++) {
    total += Math.exp(load<f64>(p + <usize>c * stride) - top);
  }
  return top + Math.log(total);
}

/** Returns the class with the largest score in block row `i`; ties go to the lowest class index. */
export function argmaxAt(scores: usize, classCount: i32, blockRows: i32, i: i32): i32 {
  const stride = <usize>blockRows << 3;
  const p = scores + (<usize>i << 3);
  let best = 0;
  let bestScore = load<f64>(p);
  for (let c = 1; c < classCount; c++) {
    const s = load<f64>(p + <usize>c * stride);
    if (s > bestScore) {
      best = c;
      bestScore = s;
    }
  }
  return best;
}

/**
 * Writes exp(s_c - logSumExp) for block rows `0 .. count` to the row-major
 * output `out` (`classCount` values per row, starting at row `firstRow`).
 */
export function writeProbabilities(scores: usize, classCount: i32, blockRows: i32, count: i32, out: usize, firstRow: i32): void {
  const stride = <usize>blockRows << 3;
  for (let i = 0; i < count; i++) {
    const lse = logSumExpAt(scores, classCount, blockRows, i);
    const row = out + ((<usize>(firstRow + i) * <usize>classCount) << 3);
    const p = scores + (<usize>i << 3);
    for (let c = 0; c < classCount; c++) {
      store<f64>(row + (<usize>c << 3), Math.exp(load<f64>(p + <usize>c * stride) - lse));
    }
  }
}
