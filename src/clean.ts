/**
 * The non-finite policy: what happens to feature values that are +Infinity,
 * -Infinity or missing (NaN). CICFlowMeter writes `Infinity` into the rate
 * columns (`Flow Bytes/s`, `Flow Packets/s`) of flows with a zero duration,
 * and loaders turn empty fields and `NaN` into NaN.
 */
import { isMarkedFinite, type FlowTable } from "./table.ts";

/** "drop" removes rows that contain any non-finite feature; "impute" replaces the values. */
export type NonFinitePolicy = "drop" | "impute";

/** Counts of non-finite values in one feature column. */
export interface NonFiniteColumnCounts {
  posInf: number;
  negInf: number;
  /** NaN, which loaders use for empty fields and `NaN`. */
  missing: number;
}

/** Result of `countNonFinite`. */
export interface NonFiniteCounts {
  /** Rows examined. */
  rowsCounted: number;
  /** Rows that contain at least one non-finite feature value. */
  rowsWithNonFinite: number;
  /** Only the columns that contain at least one non-finite value, in feature order. */
  columns: Record<string, NonFiniteColumnCounts>;
}

/** Fill values (float32) used for one column by the "impute" policy. */
export interface ColumnFill {
  /** Median of the finite values, written over NaN. */
  missing: number;
  /** Largest finite value, written over +Infinity. */
  posInf: number;
  /** Smallest finite value, written over -Infinity. */
  negInf: number;
}

/** Result of `applyNonFinitePolicy`. */
export interface NonFiniteResult {
  policy: NonFinitePolicy;
  /**
   * The table to use from here on. "drop" returns the input table itself;
   * "impute" returns a shallow copy whose imputed columns are new arrays, so
   * the input table is never changed.
   */
  table: FlowTable;
  /** Rows kept, in input order: the input rows for "impute". */
  rows: Uint32Array;
  /** Rows removed ("drop" only; 0 for "impute"). */
  removed: number;
  /** Counts over the input rows, before the policy ran. */
  counts: NonFiniteCounts;
  /** Per imputed column, the fill values ("impute" only; empty for "drop"). */
  fills: Record<string, ColumnFill>;
  /** Values replaced ("impute" only). */
  imputed: number;
}

const POLICIES: readonly NonFinitePolicy[] = ["drop", "impute"];

/**
 * Counts +Infinity, -Infinity and NaN per feature column.
 *
 * `rows` selects the rows to examine: a Uint32Array of row indices, or a
 * Uint8Array mask of length `table.rowCount` where a nonzero byte selects the
 * row. Every row is examined when `rows` is omitted.
 */
export function countNonFinite(table: FlowTable, rows?: Uint32Array | Uint8Array): NonFiniteCounts {
  const selected = resolveRows(table, rows);
  const flagged = new Uint8Array(selected.length);
  const columns: Record<string, NonFiniteColumnCounts> = {};

  table.columns.forEach((column, j) => {
    if (isMarkedFinite(column) || allFinite(column, selected, table.rowCount)) return;
    let posInf = 0;
    let negInf = 0;
    let missing = 0;
    for (let i = 0; i < selected.length; i++) {
      const value = column[selected[i]];
      // A finite value minus itself is 0; NaN and ±Infinity give NaN.
      if (value - value === 0) continue;
      flagged[i] = 1;
      if (value === Infinity) posInf++;
      else if (value === -Infinity) negInf++;
      else missing++;
    }
    if (posInf + negInf + missing > 0) columns[table.featureNames[j]] = { posInf, negInf, missing };
  });

  let rowsWithNonFinite = 0;
  for (let i = 0; i < flagged.length; i++) rowsWithNonFinite += flagged[i];
  return { rowsCounted: selected.length, rowsWithNonFinite, columns };
}

/**
 * Returns true when `column` has only finite values at `rows`, most columns'
 * case. When the rows are a large part of the table, the pass reads the
 * whole column in order, which is faster than gathering. A false result
 * then only means that the caller counts the selected rows one by one.
 */
function allFinite(column: Float32Array, rows: ArrayLike<number>, rowCount: number): boolean {
  // A finite value minus itself is 0; NaN and ±Infinity give NaN. The early exit keeps the loop free of a dependency chain.
  if (rows.length * 4 >= rowCount) {
    for (let r = 0; r < rowCount; r++) {
      const value = column[r];
      if (value - value !== 0) return false;
    }
  } else {
    for (let i = 0; i < rows.length; i++) {
      const value = column[rows[i]];
      if (value - value !== 0) return false;
    }
  }
  return true;
}

/**
 * Applies the non-finite policy to `rows` of `table`.
 *
 * - "drop" (the default) keeps only the rows whose features are all finite.
 * - "impute" keeps every row and, per column, writes the median of the
 *   column's finite values over NaN, its largest finite value over +Infinity
 *   and its smallest over -Infinity. The statistics are computed over `rows`
 *   only, so imputing the test side with its own values never looks at
 *   training rows. The median of an even count is the mean of the two middle
 *   values (as in NumPy), computed in float64 and rounded to float32.
 *
 * Raises a RangeError when "impute" meets a column that needs a fill but has
 * no finite value among `rows`.
 *
 * @example
 * ```ts
 * const result = applyNonFinitePolicy(table, labels.rows, "drop");
 * // result.rows are the rows to pass to dropDuplicates; result.removed counts the rest.
 * ```
 */
export function applyNonFinitePolicy(
  table: FlowTable,
  rows: Uint32Array,
  policy: NonFinitePolicy = "drop",
): NonFiniteResult {
  if (!POLICIES.includes(policy)) {
    throw new RangeError(`clean: unknown non-finite policy "${String(policy)}"; expected "drop" or "impute"`);
  }
  const counts = countNonFinite(table, rows);
  return policy === "drop" ? dropNonFinite(table, rows, counts) : imputeNonFinite(table, rows, counts);
}

function dropNonFinite(table: FlowTable, rows: Uint32Array, counts: NonFiniteCounts): NonFiniteResult {
  const flagged = new Uint8Array(rows.length);
  table.columns.forEach((column, j) => {
    if (!(table.featureNames[j] in counts.columns)) return;
    for (let i = 0; i < rows.length; i++) {
      const value = column[rows[i]];
      if (value - value !== 0) flagged[i] = 1;
    }
  });

  const kept = new Uint32Array(rows.length - counts.rowsWithNonFinite);
  for (let i = 0, k = 0; i < rows.length; i++) {
    if (flagged[i] === 0) kept[k++] = rows[i];
  }
  return { policy: "drop", table, rows: kept, removed: rows.length - kept.length, counts, fills: {}, imputed: 0 };
}

function imputeNonFinite(table: FlowTable, rows: Uint32Array, counts: NonFiniteCounts): NonFiniteResult {
  const columns = table.columns.slice();
  const fills: Record<string, ColumnFill> = {};
  let imputed = 0;

  table.columns.forEach((column, j) => {
    const name = table.featureNames[j];
    if (!(name in counts.columns)) return;

    const fill = columnFill(column, rows, name);
    const out = column.slice();
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      const value = out[r];
      if (value - value === 0) continue;
      if (value === Infinity) out[r] = fill.posInf;
      else if (value === -Infinity) out[r] = fill.negInf;
      else out[r] = fill.missing;
      imputed++;
    }
    columns[j] = out;
    fills[name] = fill;
  });

  return { policy: "impute", table: { ...table, columns }, rows, removed: 0, counts, fills, imputed };
}

/** Computes the median, maximum and minimum of the finite values of `column` at `rows`. */
function columnFill(column: Float32Array, rows: Uint32Array, name: string): ColumnFill {
  const finite = new Float32Array(rows.length);
  let count = 0;
  for (let i = 0; i < rows.length; i++) {
    const value = column[rows[i]];
    if (value - value === 0) finite[count++] = value;
  }
  if (count === 0) {
    throw new RangeError(
      `clean: imputation failed for column "${name}": none of its ${rows.length} rows contains a finite value; ` +
        `use the "drop" policy or leave the column out`,
    );
  }

  const sorted = finite.subarray(0, count).sort();
  const middle = count >> 1;
  const median = count % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { missing: Math.fround(median), posInf: sorted[count - 1], negInf: sorted[0] };
}

/** Turns the optional row selection of `countNonFinite` into row indices, checking its bounds. */
function resolveRows(table: FlowTable, rows: Uint32Array | Uint8Array | undefined): Uint32Array {
  const n = table.rowCount;
  if (rows === undefined) {
    const all = new Uint32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    return all;
  }
  if (rows instanceof Uint8Array) {
    if (rows.length !== n) {
      throw new RangeError(`clean: the row mask has ${rows.length} entries, expected one per table row (${n})`);
    }
    let selectedCount = 0;
    for (let i = 0; i < n; i++) if (rows[i] !== 0) selectedCount++;
    const selected = new Uint32Array(selectedCount);
    for (let i = 0, k = 0; i < n; i++) if (rows[i] !== 0) selected[k++] = i;
    return selected;
  }
  for (let i = 0; i < rows.length; i++) {
    if (rows[i] >= n) {
      throw new RangeError(`clean: row index ${rows[i]} at position ${i} is outside the table's ${n} rows`);
    }
  }
  return rows;
}
