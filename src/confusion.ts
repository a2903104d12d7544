/**
 * Confusion matrices counted in the WebAssembly core: entry [t][p] is the
 * number of rows of true class t predicted as class p.
 */
import type { Core, LabelVector } from "./wasm.ts";

/**
 * Counts true against predicted classes. `yTrue` is a LabelVector or a
 * pointer to `yPred.length` int32 class indices in the core's memory.
 * Returns `classCount` rows (true class) of `classCount` counts (predicted
 * class). Throws a RangeError naming the row of the first class index
 * outside [0, classCount).
 *
 * @example
 * confusionMatrix(core, LabelVector.upload(core, new Int32Array([0, 1]), 2), new Int32Array([0, 0]), 2); // [[1, 0], [1, 0]]
 */
export function confusionMatrix(core: Core, yTrue: LabelVector | number, yPred: Int32Array, classCount: number): number[][] {
  if (!Number.isInteger(classCount) || classCount < 1) {
    throw new RangeError(`model: confusion matrix classCount must be an integer >= 1, got ${classCount}`);
  }
  let truePtr: number;
  if (typeof yTrue === "number") {
    truePtr = yTrue;
  } else {
    if (yTrue.length !== yPred.length) {
      throw new RangeError(`model: confusion matrix got ${yTrue.length} true labels and ${yPred.length} predictions; pass one prediction per row`);
    }
    truePtr = yTrue.ptr;
  }
  const predPtr = core.copyI32(yPred);
  const counts = core.alloc(classCount * classCount * 4);
  try {
    core.i32(counts, classCount * classCount).fill(0);
    const badRow = core.exports.confusionCount(truePtr, predPtr, yPred.length, classCount, counts);
    if (badRow >= 0) {
      const t = core.i32(truePtr + 4 * badRow, 1)[0];
      throw new RangeError(`model: confusion matrix row ${badRow} has true class ${t} and predicted class ${yPred[badRow]}, allowed are 0 to ${classCount - 1}; check that labels and predictions use the same class list`);
    }
    const flat = core.i32(counts, classCount * classCount);
    const matrix: number[][] = [];
    for (let t = 0; t < classCount; t++) matrix.push(Array.from(flat.subarray(t * classCount, (t + 1) * classCount)));
    return matrix;
  } finally {
    core.free(counts);
    core.free(predPtr);
  }
}
