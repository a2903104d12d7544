/**
 * The columnar flow table that every loader produces and every later stage
 * consumes. Features are float32 columns because scikit-learn's trees also
 * compute on float32, and because 1.65 million rows of 79 features then fit
 * in about 520 MB; statistics over them are accumulated in float64.
 */

/** One input file that contributed rows to a table. */
export interface TableSource {
  /** Path or name of the file, as given by the caller. */
  file: string;
  /** Index of this file's first row in the table. */
  firstRow: number;
  /** Number of rows taken from this file. */
  rowCount: number;
  /** Raw label strings of this file with their row counts, in first-seen order. */
  rawLabels: Map<string, number>;
  /** Canonical names of all columns in the file's header, in file order, when the loader records them. */
  header?: string[];
}

/** A warning raised while loading, with where it happened. */
export interface LoadWarning {
  file: string;
  /** 1-based line number in the file, or 0 when it concerns the whole file. */
  line: number;
  message: string;
}

/** A column found in a file but not kept as a feature, with the reason. */
export interface DroppedColumn {
  name: string;
  reason: "identifier" | "duplicate" | "missing-in-some-files";
  /** Files (and 0-based positions in their header) where the column was seen. */
  where: { file: string; position: number }[];
}

/** Counts of rows that a loader skipped, by reason; nothing is skipped uncounted. */
export interface SkippedRows {
  repeatedHeader: number;
  emptyRow: number;
}

/**
 * Flows as columns. `columns[j][i]` is feature `featureNames[j]` of row `i`.
 * Missing values are NaN, `Infinity` is +Infinity; a loader never applies a
 * missing-value policy, the cleaning stage does.
 */
export interface FlowTable {
  /** Canonical feature names (trimmed), in the order of the first file's header. */
  featureNames: string[];
  /** One float32 column per feature, each of length `rowCount`. */
  columns: Float32Array[];
  /** Index into `labelNames` for each row. */
  labels: Int32Array;
  /** Distinct raw label strings, as read from the label column. */
  labelNames: string[];
  /** Index into `sources` for each row. */
  fileIndex: Uint16Array;
  /** 1-based line number in its file for each row (0 for formats without lines, such as parquet). */
  lineNumbers: Uint32Array;
  rowCount: number;
  sources: TableSource[];
  droppedColumns: DroppedColumn[];
  skipped: SkippedRows;
  warnings: LoadWarning[];
}

/** Column names (canonical, trimmed) that identify a flow or its time and are never features. */
export const IDENTIFIER_COLUMNS: readonly string[] = [
  "Unnamed: 0",
  "Flow ID",
  "Source IP",
  "Src IP",
  "Source Port",
  "Src Port",
  "Destination IP",
  "Dst IP",
  "Destination Port",
  "Dst Port",
  "Timestamp",
  "SimillarHTTP",
];

/** Canonical name of the label column. */
export const LABEL_COLUMN = "Label";

/** Returns the canonical form of a column name: surrounding white space removed. */
export function canonicalColumnName(raw: string): string {
  return raw.trim();
}

/** Returns a table with the rows at `rowIndices` (in that order), sharing label names and sources. */
export function selectRows(table: FlowTable, rowIndices: Uint32Array): FlowTable {
  const n = rowIndices.length;
  const columns = table.columns.map((column) => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = column[rowIndices[i]];
    return out;
  });
  const labels = new Int32Array(n);
  const fileIndex = new Uint16Array(n);
  const lineNumbers = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const r = rowIndices[i];
    labels[i] = table.labels[r];
    fileIndex[i] = table.fileIndex[r];
    lineNumbers[i] = table.lineNumbers[r];
  }
  return { ...table, columns, labels, fileIndex, lineNumbers, rowCount: n };
}

/**
 * Feature columns whose producer saw only finite values while writing them.
 * A column array is never written after its table is built (imputation, for
 * one, fills a copy), so the mark stays true. A copy has no mark and gets
 * scanned. The CSV reader marks its columns, so the non-finite count
 * (clean.ts) skips a pass over every value of most columns.
 */
const finiteColumns = new WeakSet<Float32Array>();

/** Records that `column` holds only finite values. */
export function markFiniteColumn(column: Float32Array): void {
  finiteColumns.add(column);
}

/** Returns true when `column` was marked as holding only finite values. */
export function isMarkedFinite(column: Float32Array): boolean {
  return finiteColumns.has(column);
}
