/**
 * Duplicate flows. Flood traffic repeats identical records that differ only
 * in time and identifiers, and the loader has already dropped those columns.
 * The study removes such repeats with pandas `drop_duplicates` before
 * splitting.
 *
 * Two rows have equal features when every feature column contains the same
 * float32 value, compared by bit pattern after two normalizations: -0 counts
 * as +0, and every NaN counts as the same NaN. pandas 1.5 `duplicated()`
 * treats both cases the same way. Rows are grouped through an
 * open-addressing hash table (Int32Array slots) keyed by a 32-bit hash of
 * the feature bits, and every hash match is confirmed by comparing the
 * features, so no per-row strings or objects are made (see
 * `groupFeatureVectors`).
 */
import { canonicalBits, columnMultipliers, finalizeHash, rememberedRowHashes } from "./row_hash.ts";
import type { FlowTable } from "./table.ts";

/** Treatment of rows whose feature vector carries more than one class. */
export type ConflictPolicy = "keep" | "drop";

/** One row of a label-conflict example. */
export interface ConflictRow {
  file: string;
  /** 1-based line in the file (0 for formats without lines). */
  line: number;
  rawLabel: string;
  classIndex: number;
}

/** A feature vector seen with more than one class. */
export interface ConflictExample {
  /** Distinct class indices of the vector, in order of first appearance. */
  classes: number[];
  /** Rows with this vector among the input rows. */
  rowCount: number;
  /** The first row of each class with this vector, in input order, at most `MAX_ROWS_PER_EXAMPLE`. */
  rows: ConflictRow[];
}

/** Result of `dropDuplicates`. */
export interface DuplicateResult {
  /** Rows kept, in input order. */
  rows: Uint32Array;
  /**
   * Kept rows whose feature vector carries more than one class, mapped to an
   * id shared by the rows of the same vector; a split keeps each such group
   * on one side (see `stratifiedSplit`). Empty under "drop".
   */
  conflictGroupOfRow: Map<number, number>;
  /** Rows removed in total (duplicates plus, under "drop", conflicting rows). */
  removed: number;
  /** Exact duplicates removed: same features and class as an earlier row. */
  duplicates: number;
  /** Exact duplicates removed per class index (length: largest class index + 1). */
  duplicatesByClass: number[];
  conflictPolicy: ConflictPolicy;
  /**
   * Rows whose 32-bit feature hash equals that of an earlier, different
   * feature vector. They are grouped by a slower exact comparison; the count
   * only explains the running time.
   */
  hashCollisions: number;
  conflicts: {
    /** Distinct feature vectors that carry more than one class. */
    vectors: number;
    /** Input rows having one of those vectors, duplicates included. */
    rows: number;
    /** Rows removed because of a conflict (policy "drop" only; these are not in `duplicates`). */
    removed: number;
    /** The first `MAX_CONFLICT_EXAMPLES` conflicting vectors, by first appearance. */
    examples: ConflictExample[];
  };
}

/** Number of conflict examples reported. */
export const MAX_CONFLICT_EXAMPLES = 10;
/** Rows (one per class) listed per conflict example. */
export const MAX_ROWS_PER_EXAMPLE = 20;

/**
 * Removes exact duplicates among `rows`: rows with the same features and the
 * same class as an earlier row. The first occurrence stays.
 *
 * Rows with the same features but different classes are label conflicts.
 * With `conflictPolicy` "keep" (the default) one row per (features, class)
 * stays, which is what pandas `drop_duplicates` over features and label does.
 * With "drop" every row of a conflicting vector goes.
 * Every row in `rows` needs a class (`classIndex[row] >= 0`).
 *
 * @example
 * ```ts
 * const result = dropDuplicates(table, cleaned.rows, labels.classIndex);
 * // result.rows feed the split; result.duplicatesByClass[c] rows of class c were removed.
 * ```
 */
export function dropDuplicates(
  table: FlowTable,
  rows: Uint32Array,
  classIndex: Int32Array,
  conflictPolicy: ConflictPolicy = "keep",
): DuplicateResult {
  if (conflictPolicy !== "keep" && conflictPolicy !== "drop") {
    throw new RangeError(`dedupe: unknown conflict policy "${String(conflictPolicy)}"; expected "keep" or "drop"`);
  }
  const classCount = checkRowClasses(table, rows, classIndex);
  const n = rows.length;

  const { groupOfRow, groupCount, hashCollisions } = groupFeatureVectors(featureBits(table), rows, table.columns);

  // Per feature vector ("group"): first class seen (-1 before any row) and row count.
  const firstClass = new Int32Array(groupCount).fill(-1);
  const groupRows = new Int32Array(groupCount);
  // Classes beyond the first, only for conflicting groups (rare, so a Map is cheap).
  const otherClasses = new Map<number, number[]>();
  const keep = new Uint8Array(n);
  const duplicatesByClass = new Array<number>(classCount).fill(0);
  let duplicates = 0;

  for (let i = 0; i < n; i++) {
    const c = classIndex[rows[i]];
    const group = groupOfRow[i];
    groupRows[group]++;
    if (firstClass[group] < 0) {
      firstClass[group] = c;
      keep[i] = 1;
      continue;
    }
    if (c === firstClass[group]) {
      duplicates++;
      duplicatesByClass[c]++;
      continue;
    }
    const others = otherClasses.get(group);
    if (others === undefined) {
      otherClasses.set(group, [c]);
      keep[i] = 1;
    } else if (others.includes(c)) {
      duplicates++;
      duplicatesByClass[c]++;
    } else {
      others.push(c);
      keep[i] = 1;
    }
  }

  let conflictRows = 0;
  for (const group of otherClasses.keys()) conflictRows += groupRows[group];

  let conflictRemoved = 0;
  if (conflictPolicy === "drop" && otherClasses.size > 0) {
    for (let i = 0; i < n; i++) {
      if (keep[i] === 1 && otherClasses.has(groupOfRow[i])) {
        keep[i] = 0;
        conflictRemoved++;
      }
    }
  }

  const kept = new Uint32Array(n - duplicates - conflictRemoved);
  const conflictGroupOfRow = new Map<number, number>();
  for (let i = 0, k = 0; i < n; i++) {
    if (keep[i] !== 1) continue;
    kept[k++] = rows[i];
    if (otherClasses.has(groupOfRow[i])) conflictGroupOfRow.set(rows[i], groupOfRow[i]);
  }

  return {
    rows: kept,
    removed: n - kept.length,
    duplicates,
    duplicatesByClass,
    conflictPolicy,
    hashCollisions,
    conflictGroupOfRow,
    conflicts: {
      vectors: otherClasses.size,
      rows: conflictRows,
      removed: conflictRemoved,
      examples: conflictExamples(table, rows, classIndex, groupOfRow, groupRows, firstClass, otherClasses),
    },
  };
}

/** Result of `countRowsInOther`. */
export interface OverlapCounts {
  /** Test rows examined. */
  testRows: number;
  /** Test rows whose feature vector equals some training row's, whatever the classes. */
  testRowsEqualToTrainRows: number;
}

/**
 * Counts the test rows whose feature vector equals the feature vector of some
 * training row, by the same equality as `dropDuplicates`. Columns are paired
 * by feature name, so the two tables may order their columns differently,
 * but each needs the same set of names.
 */
export function countRowsInOther(
  train: FlowTable,
  trainRows: Uint32Array,
  test: FlowTable,
  testRows: Uint32Array,
): OverlapCounts {
  checkRowBounds(train, trainRows, "training");
  checkRowBounds(test, testRows, "test");
  const trainBits = featureBits(train);
  const testBits = featureBits(test);
  const pairedTestBits = trainBits.map((_, j) => testBits[columnInTest(train, test, j)]);
  if (test.columns.length !== train.columns.length) {
    const extra = test.featureNames.filter((name) => !train.featureNames.includes(name));
    throw new RangeError(
      `dedupe: the test table has ${test.columns.length} feature columns and the training table ${train.columns.length}; ` +
        `columns only in the test table: ${extra.join(", ")}; load both sides with the same feature columns`,
    );
  }

  const grouping = groupFeatureVectors(trainBits, trainRows, train.columns);
  // The test table's kept hashes follow its own column order, so they serve only when it matches the training order.
  const sameOrder = pairedTestBits.every((column, j) => column === testBits[j]);
  const matches = grouping.find(pairedTestBits, testRows, sameOrder ? test.columns : undefined);
  let equal = 0;
  for (let i = 0; i < matches.length; i++) if (matches[i] >= 0) equal++;
  return { testRows: testRows.length, testRowsEqualToTrainRows: equal };
}

function columnInTest(train: FlowTable, test: FlowTable, j: number): number {
  const name = train.featureNames[j];
  const position = test.featureNames.indexOf(name);
  if (position < 0) {
    throw new RangeError(
      `dedupe: feature column "${name}" of the training table is missing from the test table; ` +
        `load both sides with the same feature columns`,
    );
  }
  return position;
}

function checkRowBounds(table: FlowTable, rows: Uint32Array, side: string): void {
  for (let i = 0; i < rows.length; i++) {
    if (rows[i] >= table.rowCount) {
      throw new RangeError(
        `dedupe: row index ${rows[i]} at position ${i} is outside the ${side} table's ${table.rowCount} rows`,
      );
    }
  }
}

/** Checks that every row is in the table and has a class; returns the largest class index + 1. */
function checkRowClasses(table: FlowTable, rows: Uint32Array, classIndex: Int32Array): number {
  if (classIndex.length !== table.rowCount) {
    throw new RangeError(
      `dedupe: classIndex has ${classIndex.length} entries, expected one per table row (${table.rowCount})`,
    );
  }
  checkRowBounds(table, rows, "input");
  let classCount = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const c = classIndex[row];
    if (c < 0) {
      const where = `${table.sources[table.fileIndex[row]]?.file ?? "?"} line ${table.lineNumbers[row]}`;
      throw new RangeError(
        `dedupe: row ${row} (${where}) has no class (class index ${c}); pass only the rows that applyLabels kept`,
      );
    }
    if (c >= classCount) classCount = c + 1;
  }
  return classCount;
}

/** Lists the first conflicting feature vectors with their rows' files, lines and classes. */
function conflictExamples(
  table: FlowTable,
  rows: Uint32Array,
  classIndex: Int32Array,
  groupOfRow: Int32Array,
  groupRows: Int32Array,
  firstClass: Int32Array,
  otherClasses: Map<number, number[]>,
): ConflictExample[] {
  if (otherClasses.size === 0) return [];
  // Group ids grow with first appearance, so the smallest ids are the earliest vectors.
  const groups = [...otherClasses.keys()].sort((a, b) => a - b).slice(0, MAX_CONFLICT_EXAMPLES);
  const examples = groups.map((group) => ({
    classes: [firstClass[group], ...(otherClasses.get(group) ?? [])],
    rowCount: groupRows[group],
    rows: [] as ConflictRow[],
  }));
  // Example number + 1 per group id, 0 for groups that are not examples.
  const exampleOfGroup = new Uint8Array(rows.length);
  groups.forEach((group, e) => (exampleOfGroup[group] = e + 1));

  for (let i = 0; i < rows.length; i++) {
    const e = exampleOfGroup[groupOfRow[i]];
    if (e === 0) continue;
    const example = examples[e - 1];
    const row = rows[i];
    if (example.rows.length >= MAX_ROWS_PER_EXAMPLE) continue;
    if (example.rows.some((listed) => listed.classIndex === classIndex[row])) continue;
    example.rows.push({
      file: table.sources[table.fileIndex[row]]?.file ?? "",
      line: table.lineNumbers[row],
      rawLabel: table.labelNames[table.labels[row]],
      classIndex: classIndex[row],
    });
  }
  return examples;
}

// Grouping of rows by feature vector.

/** Returns the feature columns of `table` viewed as int32 bit patterns, without copying. */
function featureBits(table: FlowTable): Int32Array[] {
  return table.columns.map((column) => new Int32Array(column.buffer, column.byteOffset, column.length));
}

/** Rows hashed per pass over the columns, so that a block's hashes stay in the L1 cache. */
const HASH_BLOCK_ROWS = 2048;
/**
 * Returns the hash (row_hash.ts) of each row in `rows`: taken from the hashes
 * the CSV reader kept for `columns` (the table's columns, in the order of
 * `bits`) when there are some, else computed. Computing reads every feature of every row, about 0.27 s for
 * 1.65 million rows of 79 features on this project's 2-core machine, where
 * one pass over the 520 MB of columns is bound by memory bandwidth. Rows are
 * taken in blocks and four columns at a time, so a block's sums stay in the
 * L1 cache. A collision costs only a full comparison.
 */
function rowHashes(bits: Int32Array[], rows: Uint32Array, columns: readonly Float32Array[] | undefined): Int32Array {
  const n = rows.length;
  const known = columns && rememberedRowHashes(columns);
  const hashes = new Int32Array(n);
  if (known) {
    for (let i = 0; i < n; i++) hashes[i] = known[rows[i]];
    return hashes;
  }
  const multipliers = columnMultipliers(bits.length);
  for (let start = 0; start < n; start += HASH_BLOCK_ROWS) {
    const end = Math.min(n, start + HASH_BLOCK_ROWS);
    let j = 0;
    for (; j + 4 <= bits.length; j += 4) {
      const c0 = bits[j];
      const c1 = bits[j + 1];
      const c2 = bits[j + 2];
      const c3 = bits[j + 3];
      const m0 = multipliers[j];
      const m1 = multipliers[j + 1];
      const m2 = multipliers[j + 2];
      const m3 = multipliers[j + 3];
      for (let i = start; i < end; i++) {
        const r = rows[i];
        const sum =
          Math.imul(canonicalBits(c0[r]), m0) + Math.imul(canonicalBits(c1[r]), m1) + Math.imul(canonicalBits(c2[r]), m2) + Math.imul(canonicalBits(c3[r]), m3);
        hashes[i] = (hashes[i] + sum) | 0;
      }
    }
    for (; j < bits.length; j++) {
      const column = bits[j];
      const m = multipliers[j];
      for (let i = start; i < end; i++) hashes[i] = (hashes[i] + Math.imul(canonicalBits(column[rows[i]]), m)) | 0;
    }
  }
  for (let i = 0; i < n; i++) hashes[i] = finalizeHash(hashes[i]);
  return hashes;
}

/**
 * Compares row `aRows[k]` of `aBits` with row `bRows[k]` of `bBits` for every
 * k and returns 1 where the feature vectors differ. The columns are walked
 * one at a time, so each pass reads a single column at random positions
 * instead of all columns of one row.
 */
function findDifferences(aBits: Int32Array[], aRows: Uint32Array, bBits: Int32Array[], bRows: Uint32Array): Uint8Array {
  const differs = new Uint8Array(aRows.length);
  for (let j = 0; j < aBits.length; j++) {
    const a = aBits[j];
    const b = bBits[j];
    for (let k = 0; k < aRows.length; k++) {
      const x = a[aRows[k]];
      const y = b[bRows[k]];
      if (x !== y && canonicalBits(x) !== canonicalBits(y)) differs[k] = 1;
    }
  }
  return differs;
}

function sameFeatures(a: Int32Array[], rowA: number, b: Int32Array[], rowB: number): boolean {
  for (let j = 0; j < a.length; j++) {
    if (canonicalBits(a[j][rowA]) !== canonicalBits(b[j][rowB])) return false;
  }
  return true;
}

/** Returns the open-addressing table size for `count` keys: a power of two, load factor at most 1/2. */
function tableSize(count: number): number {
  let size = 16;
  while (size < 2 * count) size *= 2;
  return size;
}

/** Rows grouped by feature vector. */
interface VectorGroups {
  /** Group id per position in the grouped rows; ids count up in order of first appearance. */
  groupOfRow: Int32Array;
  groupCount: number;
  /** Rows that shared a 32-bit hash with a different vector. */
  hashCollisions: number;
  /** Returns, per position in `otherRows`, the id of the group with an equal vector, or -1; `otherColumns` as in rowHashes. */
  find(otherBits: Int32Array[], otherRows: Uint32Array, otherColumns: readonly Float32Array[] | undefined): Int32Array;
}

/**
 * Groups `rows` by feature vector in three steps. (1) Rows go into buckets
 * by a 32-bit hash of their features, in an open-addressing table (linear
 * probing) that compares hashes only. (2) Every row is compared with the
 * first row of its bucket, column by column. (3) The rare rows that differ
 * from it (hash collisions) are grouped by full comparison in a second table.
 * Comparing in column order is what keeps 1.65 million rows of 79 features
 * fast: a row-by-row comparison reads each feature from a different column
 * and misses the cache on nearly every read.
 */
function groupFeatureVectors(bits: Int32Array[], rows: Uint32Array, columns: readonly Float32Array[] | undefined): VectorGroups {
  const n = rows.length;
  const hashes = rowHashes(bits, rows, columns);

  // Step 1: buckets of equal hash; each bucket's id is its first row's position order.
  const size = tableSize(n);
  const mask = size - 1;
  const slots = new Int32Array(size).fill(-1);
  const bucketHash = new Int32Array(n);
  const bucketFirst = new Int32Array(n);
  const groupOfRow = new Int32Array(n);
  let bucketCount = 0;
  for (let i = 0; i < n; i++) {
    const h = hashes[i];
    let slot = h & mask;
    for (;;) {
      const bucket = slots[slot];
      if (bucket < 0) {
        slots[slot] = bucketCount;
        bucketHash[bucketCount] = h;
        bucketFirst[bucketCount] = i;
        groupOfRow[i] = bucketCount++;
        break;
      }
      if (bucketHash[bucket] === h) {
        groupOfRow[i] = bucket;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }

  // Step 2: compare each later row of a bucket with the bucket's first row.
  let laterCount = 0;
  for (let i = 0; i < n; i++) if (bucketFirst[groupOfRow[i]] !== i) laterCount++;
  const laterPositions = new Uint32Array(laterCount);
  const laterRows = new Uint32Array(laterCount);
  const firstRows = new Uint32Array(laterCount);
  for (let i = 0, k = 0; i < n; i++) {
    const first = bucketFirst[groupOfRow[i]];
    if (first === i) continue;
    laterPositions[k] = i;
    laterRows[k] = rows[i];
    firstRows[k++] = rows[first];
  }
  const differs = findDifferences(bits, laterRows, bits, firstRows);

  // Step 3: rows that differ from their bucket's first row get exact groups after the buckets.
  let hashCollisions = 0;
  for (let k = 0; k < laterCount; k++) hashCollisions += differs[k];
  const collisions = hashCollisions > 0 ? new CollisionIndex(bits, hashCollisions) : null;
  if (collisions !== null) {
    for (let k = 0; k < laterCount; k++) {
      if (differs[k] === 0) continue;
      const found = collisions.findOrAdd(laterRows[k], hashes[laterPositions[k]]);
      groupOfRow[laterPositions[k]] = bucketCount + (found < 0 ? ~found : found);
    }
  }
  const groupCount = bucketCount + (collisions?.groupCount ?? 0);

  // Collision groups were numbered after all buckets; renumber by first appearance.
  const renumbered = collisions === null ? null : new Int32Array(groupCount).fill(-1);
  if (renumbered !== null) {
    let next = 0;
    for (let i = 0; i < n; i++) {
      const group = groupOfRow[i];
      if (renumbered[group] < 0) renumbered[group] = next++;
      groupOfRow[i] = renumbered[group];
    }
  }

  function find(otherBits: Int32Array[], otherRows: Uint32Array, otherColumns: readonly Float32Array[] | undefined): Int32Array {
    const m = otherRows.length;
    const otherHashes = rowHashes(otherBits, otherRows, otherColumns);
    const found = new Int32Array(m).fill(-1);

    // Buckets with an equal hash, then a column-wise check against their first rows.
    const candidates = new Int32Array(m);
    const candidateBuckets = new Int32Array(m);
    let candidateCount = 0;
    for (let k = 0; k < m; k++) {
      const h = otherHashes[k];
      for (let slot = h & mask; slots[slot] >= 0; slot = (slot + 1) & mask) {
        if (bucketHash[slots[slot]] === h) {
          candidates[candidateCount] = k;
          candidateBuckets[candidateCount++] = slots[slot];
          break;
        }
      }
    }
    const candidateRows = new Uint32Array(candidateCount);
    const bucketRows = new Uint32Array(candidateCount);
    for (let c = 0; c < candidateCount; c++) {
      candidateRows[c] = otherRows[candidates[c]];
      bucketRows[c] = rows[bucketFirst[candidateBuckets[c]]];
    }
    const candidateDiffers = findDifferences(otherBits, candidateRows, bits, bucketRows);

    for (let c = 0; c < candidateCount; c++) {
      let group = candidateDiffers[c] === 0 ? candidateBuckets[c] : -1;
      if (group < 0 && collisions !== null) {
        const exact = collisions.find(otherBits, candidateRows[c], otherHashes[candidates[c]]);
        if (exact >= 0) group = bucketCount + exact;
      }
      if (group >= 0) found[candidates[c]] = renumbered === null ? group : renumbered[group];
    }
    return found;
  }

  return { groupOfRow, groupCount, hashCollisions, find };
}

/**
 * An open-addressing hash table (linear probing, load factor at most 1/2)
 * of feature vectors compared in full, for the rows whose hash collided.
 * Each group is represented by the first row that had its vector.
 */
class CollisionIndex {
  private readonly bits: Int32Array[];
  /** Group id per slot, -1 when empty. */
  private readonly slots: Int32Array;
  private readonly mask: number;
  private readonly groupRow: Int32Array;
  private readonly groupHash: Int32Array;
  groupCount = 0;

  /** Makes an empty index for at most `capacity` groups of rows of `bits`. */
  constructor(bits: Int32Array[], capacity: number) {
    const size = tableSize(capacity);
    this.bits = bits;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    this.groupRow = new Int32Array(capacity);
    this.groupHash = new Int32Array(capacity);
  }

  /**
   * Returns the group id of the feature vector of `row`, or, when the vector
   * is new, adds a group and returns its id complemented (`~id`, negative).
   */
  findOrAdd(row: number, hash: number): number {
    let slot = hash & this.mask;
    for (;;) {
      const group = this.slots[slot];
      if (group < 0) break;
      if (this.groupHash[group] === hash && sameFeatures(this.bits, this.groupRow[group], this.bits, row)) {
        return group;
      }
      slot = (slot + 1) & this.mask;
    }
    const group = this.groupCount++;
    this.slots[slot] = group;
    this.groupRow[group] = row;
    this.groupHash[group] = hash;
    return ~group;
  }

  /** Returns the group id of the vector of `row` in `otherBits` (same column order), or -1. */
  find(otherBits: Int32Array[], row: number, hash: number): number {
    for (let slot = hash & this.mask; this.slots[slot] >= 0; slot = (slot + 1) & this.mask) {
      const group = this.slots[slot];
      if (this.groupHash[group] === hash && sameFeatures(this.bits, this.groupRow[group], otherBits, row)) {
        return group;
      }
    }
    return -1;
  }
}
