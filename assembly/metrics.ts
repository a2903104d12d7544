// Confusion counting: rows are true classes, columns predicted classes.

/**
 * Adds every (yTrue[i], yPred[i]) pair of rows `0 .. count` to `counts`
 * (K x K i32, row-major, zeroed by the caller). Returns -1 on success, or
 * the first row whose true or predicted class lies outside [0, classCount);
 * pairs before that row have already been counted.
 */
export function confusionCount(yTrue: usize, yPred: usize, count: i32, classCount: i32, counts: usize): i32 {
  for (let i = 0; i < count; i++) {
    const t = load<i32>(yTrue + (<usize>i << 2));
    const p = load<i32>(yPred + (<usize>i << 2));
    if (<u32>t >= <u32>classCount || <u32>p >= <u32>classCount) return i;
    const slot = counts + ((<usize>t * <usize>classCount + <usize>p) << 2);
    store<i32>(slot, load<i32>(slot) + 1);
  }
  return -1;
}
