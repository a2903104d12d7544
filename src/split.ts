/**
 * The stratified train/test split, for recipes that take both sides from the
 * same files (the study's Dataset 1: 80% training, 20% testing). It runs
 * after deduplication, so no test row repeats a training row of the same class.
 */
import { Random } from "./random.ts";

/** Rows of one class on each side. */
export interface ClassSplit {
  classIndex: number;
  rows: number;
  train: number;
  test: number;
}

/** Result of `stratifiedSplit`. */
export interface SplitResult {
  /** Training rows, ascending, so file order is preserved. */
  train: Uint32Array;
  /** Test rows, ascending. */
  test: Uint32Array;
  /** One entry per class present in the input rows, by class index. */
  perClass: ClassSplit[];
}

/**
 * Splits `rows` into training and test rows, class by class.
 *
 * For each class with n rows, in ascending class index, the class's rows are
 * shuffled with one xoshiro128** generator seeded with `seed`, and the first
 * round(n × testFraction) go to the test side (halves round up). A class
 * with at least 2 rows keeps at least 1 row on each side. A class with a
 * single row goes to the training side, because a test row of a class that
 * was never trained on cannot be predicted correctly. Class proportions on
 * each side therefore match the input within one row per class.
 *
 * `together` maps rows that must land on the same side (label conflicts:
 * equal features, different classes) to a group id. Each group follows the
 * side drawn for its lowest row, so no test row has a feature vector equal
 * to a training row's. Per-class counts in `perClass` are taken after this.
 *
 * The same rows, classes, fraction and seed give the same split in every
 * runtime. The result does not match scikit-learn's `train_test_split`,
 * which draws with NumPy's generator.
 *
 * @example
 * ```ts
 * const { train, test } = stratifiedSplit(labels.classIndex, deduplicated.rows, 0.2, 42);
 * ```
 */
export function stratifiedSplit(
  classIndex: Int32Array,
  rows: Uint32Array,
  testFraction: number,
  seed: number,
  together?: ReadonlyMap<number, number>,
): SplitResult {
  if (typeof testFraction !== "number" || !(testFraction > 0 && testFraction < 1)) {
    throw new RangeError(
      `split: invalid test fraction ${String(testFraction)}; expected a number strictly between 0 and 1, such as 0.2 for an 80/20 split`,
    );
  }
  const random = new Random(seed);
  const classRows = rowsByClass(classIndex, rows);

  const perClass: ClassSplit[] = [];
  const trainParts: Uint32Array[] = [];
  const testParts: Uint32Array[] = [];
  classRows.forEach((members, c) => {
    if (members.length === 0) return;
    const n = members.length;
    const testCount = n === 1 ? 0 : Math.min(n - 1, Math.max(1, Math.round(n * testFraction)));
    random.shuffle(members);
    testParts.push(members.subarray(0, testCount));
    trainParts.push(members.subarray(testCount));
    perClass.push({ classIndex: c, rows: n, train: n - testCount, test: testCount });
  });

  let train = concatSorted(trainParts);
  let test = concatSorted(testParts);
  if (together !== undefined && together.size > 0) {
    [train, test] = keepGroupsTogether(train, test, together);
    for (const entry of perClass) {
      entry.train = 0;
      entry.test = 0;
    }
    const entryOf = new Map(perClass.map((entry) => [entry.classIndex, entry]));
    for (const row of train) entryOf.get(classIndex[row])!.train++;
    for (const row of test) entryOf.get(classIndex[row])!.test++;
  }
  return { train, test, perClass };
}

/** Moves every grouped row to the side of its group's lowest row. */
function keepGroupsTogether(
  train: Uint32Array,
  test: Uint32Array,
  together: ReadonlyMap<number, number>,
): [Uint32Array, Uint32Array] {
  const sideOfGroup = new Map<number, "train" | "test">();
  const grouped = [...together.keys()].sort((a, b) => a - b);
  const inTest = new Set<number>();
  for (const row of test) if (together.has(row)) inTest.add(row);
  for (const row of grouped) {
    const group = together.get(row)!;
    if (!sideOfGroup.has(group)) sideOfGroup.set(group, inTest.has(row) ? "test" : "train");
  }
  const belongsInTest = (row: number) => {
    const group = together.get(row);
    return group === undefined ? undefined : sideOfGroup.get(group) === "test";
  };
  const newTrain: number[] = [];
  const newTest: number[] = [];
  for (const row of train) (belongsInTest(row) === true ? newTest : newTrain).push(row);
  for (const row of test) (belongsInTest(row) === false ? newTrain : newTest).push(row);
  return [Uint32Array.from(newTrain).sort(), Uint32Array.from(newTest).sort()];
}

/** Groups `rows` by class, keeping input order within a class. */
function rowsByClass(classIndex: Int32Array, rows: Uint32Array): Uint32Array[] {
  let classCount = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (row >= classIndex.length) {
      throw new RangeError(
        `split: row index ${row} at position ${i} is outside classIndex, which has ${classIndex.length} entries`,
      );
    }
    const c = classIndex[row];
    if (c < 0) {
      throw new RangeError(
        `split: row ${row} has no class (class index ${c}); pass only the rows that applyLabels kept`,
      );
    }
    if (c >= classCount) classCount = c + 1;
  }

  const sizes = new Int32Array(classCount);
  for (let i = 0; i < rows.length; i++) sizes[classIndex[rows[i]]]++;
  const groups = Array.from(sizes, (size) => new Uint32Array(size));
  const filled = new Int32Array(classCount);
  for (let i = 0; i < rows.length; i++) {
    const c = classIndex[rows[i]];
    groups[c][filled[c]++] = rows[i];
  }
  return groups;
}

function concatSorted(parts: Uint32Array[]): Uint32Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint32Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out.sort();
}
