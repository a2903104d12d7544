/**
 * Reads the cleaned parquet release of CIC-DDoS2019 (one file per attack,
 * names trimmed, identifiers and time removed, `Label` last) into a
 * FlowTable. parquet-wasm 0.8.0 decodes one row group at a time into Arrow
 * IPC, and apache-arrow reads the columns from it. Both packages are imported
 * on the first call, so a web page downloads them only when it reads a
 * parquet file.
 */
import type * as Arrow from "apache-arrow";
import type * as ParquetWasm from "parquet-wasm/esm";
import type { ByteSource } from "./source.ts";
import {
  canonicalColumnName,
  IDENTIFIER_COLUMNS,
  LABEL_COLUMN,
  type DroppedColumn,
  type FlowTable,
} from "./table.ts";

/**
 * The parquet-wasm 0.8.0 WebAssembly binary (`parquet-wasm/esm/parquet_wasm_bg.wasm`):
 * a compiled module, its bytes, or a URL or Response to fetch it from.
 */
export type ParquetWasmInput = WebAssembly.Module | BufferSource | URL | string | Response;

/** Function that supplies the parquet-wasm binary when the first parquet file is read. */
export type ParquetWasmLoader = () => ParquetWasmInput | Promise<ParquetWasmInput>;

/** Progress of a read, reported after each row group. */
export interface ParquetProgress {
  file: string;
  rowGroupsRead: number;
  rowGroupCount: number;
  rowsRead: number;
  rowCount: number;
}

export interface ParquetOptions {
  /**
   * The parquet-wasm binary, used only if parquet-wasm is not initialised yet.
   * Default: the loader set with `setParquetWasmLoader`, else parquet-wasm's
   * own default, which fetches `parquet_wasm_bg.wasm` next to its module.
   * That default suits a browser whose server or bundler ships the file
   * there. Node 20's `fetch` rejects file: URLs, so Node passes the bytes.
   */
  parquetWasm?: ParquetWasmInput | ParquetWasmLoader;
  /** Called after each row group is read. Default: none. */
  onProgress?: (progress: ParquetProgress) => void;
}

type ParquetWasmModule = typeof ParquetWasm;
type ArrowModule = typeof Arrow;

interface Decoders {
  parquet: ParquetWasmModule;
  arrow: ArrowModule;
}

let wasmLoader: ParquetWasmLoader | undefined;
let decoders: Promise<Decoders> | undefined;

/**
 * Sets where the parquet-wasm binary comes from for calls that pass no
 * `parquetWasm` option. Each runtime sets it once: Node with the bytes read
 * from `require.resolve("parquet-wasm/esm/parquet_wasm_bg.wasm")`, a browser
 * with the URL its bundler gives that file (for example Vite's
 * `import url from "parquet-wasm/esm/parquet_wasm_bg.wasm?url"`).
 */
export function setParquetWasmLoader(loader: ParquetWasmLoader | undefined): void {
  wasmLoader = loader;
}

/**
 * Imports parquet-wasm's ESM entry and apache-arrow, and instantiates the
 * wasm once per JavaScript realm. The ESM entry is used in every runtime
 * because it is the only one that takes the binary from the caller. The
 * package's Node entry is CommonJS and reads the file itself with `fs`.
 * Once an instance exists, parquet-wasm ignores any later binary.
 */
function loadDecoders(input: ParquetOptions["parquetWasm"]): Promise<Decoders> {
  decoders ??= (async () => {
    const [parquet, arrow] = await Promise.all([import("parquet-wasm/esm"), import("apache-arrow")]);
    const source = input ?? wasmLoader;
    const binary = typeof source === "function" ? await source() : source;
    try {
      await parquet.default(binary === undefined ? undefined : { module_or_path: binary });
    } catch (error) {
      const from = binary === undefined ? "its default URL next to parquet-wasm/esm/parquet_wasm.js" : "the binary given";
      throw new Error(
        `parquet: could not initialise parquet-wasm 0.8.0 from ${from} (${messageOf(error)}); ` +
          "pass options.parquetWasm or call setParquetWasmLoader with the bytes, module or URL of parquet-wasm/esm/parquet_wasm_bg.wasm",
        { cause: error },
      );
    }
    return { parquet, arrow };
  })();
  // A failed attempt must not stick, so that a retry with another binary can succeed.
  decoders.catch(() => (decoders = undefined));
  return decoders;
}

/**
 * Reads one parquet file of flows into a FlowTable.
 *
 * Integer columns of any width (int64 through Number) and float16/32/64
 * columns become Float32Array features, so every value is rounded to the
 * nearest float32: integers are exact up to 2^24, and a flow duration of
 * 115799309 µs reads as 115799312. Nulls become NaN. The label column may
 * hold utf8, large_utf8 or dictionary-encoded strings.
 * Columns named in IDENTIFIER_COLUMNS are dropped with reason "identifier",
 * and a repeated name keeps its first column.
 *
 * Memory: the file's bytes stay in memory because the footer is at its end.
 * parquet-wasm copies them into its linear memory for each row group and
 * decodes only that row group, next to output columns that are allocated at
 * full size from the footer's row counts. Linear memory never shrinks, so
 * the wasm instance keeps about the size of the largest file plus one
 * decoded row group until the page or process ends.
 *
 * Throws TypeError when the label column is missing, not a string column or
 * null in some row, or when a feature column is not numeric; SyntaxError
 * when the bytes are not a readable parquet file.
 *
 * @example
 * const bytes = await (await fetch("Syn-testing.parquet")).arrayBuffer();
 * const table = await readParquet(bytesSource("Syn-testing.parquet", new Uint8Array(bytes)));
 * table.featureNames.length; // 77, and table.sources[0].rawLabels is Map { "Syn" => 3300, "Benign" => 1 }
 */
export async function readParquet(source: ByteSource, options: ParquetOptions = {}): Promise<FlowTable> {
  const file = source.name;
  const bytes = new Uint8Array(await new Response(source.stream()).arrayBuffer());
  const { parquet, arrow } = await loadDecoders(options.parquetWasm);

  const plan = planColumns(readSchema(parquet, arrow, bytes, file), file);
  const rowGroupRows = await readRowGroupSizes(parquet, bytes, file);
  const rowCount = rowGroupRows.reduce((sum, rows) => sum + rows, 0);

  const columns = plan.features.map(() => new Float32Array(rowCount));
  const labels = new LabelCoder(rowCount);
  let rowsRead = 0;

  for (let group = 0; group < rowGroupRows.length; group++) {
    const rowGroup = readRowGroup(parquet, arrow, bytes, group, rowGroupRows, file);
    plan.features.forEach((feature, j) => {
      copyNumeric(arrow, rowGroup.getChildAt(feature.position)!, columns[j], rowsRead);
    });
    labels.append(arrow, rowGroup.getChildAt(plan.labelPosition)!, { file, group, firstRow: rowsRead });
    rowsRead += rowGroup.numRows;
    options.onProgress?.({ file, rowGroupsRead: group + 1, rowGroupCount: rowGroupRows.length, rowsRead, rowCount });
  }

  return {
    featureNames: plan.features.map((feature) => feature.name),
    columns,
    labels: labels.codes,
    labelNames: labels.names,
    fileIndex: new Uint16Array(rowCount),
    lineNumbers: new Uint32Array(rowCount),
    rowCount,
    sources: [{ file, firstRow: 0, rowCount, rawLabels: labels.counts(), header: plan.header }],
    droppedColumns: plan.dropped,
    skipped: { repeatedHeader: 0, emptyRow: 0 },
    warnings: [],
  };
}

/** Columns of a file sorted into features, the label and dropped columns, before any data is read. */
export interface ColumnPlan {
  /** Canonical names of all columns, in file order. */
  header: string[];
  /** Features in file order, with their 0-based position in the schema. */
  features: { name: string; position: number }[];
  labelPosition: number;
  dropped: DroppedColumn[];
}

/** Sorts the schema's columns into features, label and dropped columns. Throws TypeError on a schema that cannot be read. */
export function planColumns(schema: Arrow.Schema, file: string): ColumnPlan {
  const header = schema.fields.map((field) => canonicalColumnName(field.name));
  const labelPosition = header.indexOf(LABEL_COLUMN);
  if (labelPosition < 0) {
    const names = schema.fields.map((field) => `"${field.name}"`);
    const listed = names.length > 6 ? [...names.slice(0, 3), "…", ...names.slice(-2)] : names;
    throw new TypeError(
      `parquet: could not read labels: column "${LABEL_COLUMN}" is missing from the ${names.length} columns (${listed.join(", ")}); ` +
        `file: ${file}. Write the class of each flow into a column named "${LABEL_COLUMN}" (names are compared after trimming white space).`,
    );
  }
  const labelField = schema.fields[labelPosition];
  if (!isStringType(labelField.type)) {
    throw new TypeError(
      `parquet: could not read labels from column "${labelField.name}": its type is ${labelField.type}, and only utf8, ` +
        `large_utf8 or a dictionary of them is allowed; file: ${file}, column ${labelPosition}. Write the class names as strings.`,
    );
  }

  const features: ColumnPlan["features"] = [];
  const dropped: DroppedColumn[] = [];
  const seen = new Set<string>([LABEL_COLUMN]);
  schema.fields.forEach((field, position) => {
    const name = header[position];
    if (position === labelPosition) return;
    if (IDENTIFIER_COLUMNS.includes(name) || seen.has(name)) {
      const reason = IDENTIFIER_COLUMNS.includes(name) ? "identifier" : "duplicate";
      const entry = dropped.find((column) => column.name === name && column.reason === reason);
      if (entry) entry.where.push({ file, position });
      else dropped.push({ name, reason, where: [{ file, position }] });
      return;
    }
    if (!isNumericType(field.type)) {
      throw new TypeError(
        `parquet: could not read feature column "${field.name}" as numbers: its type is ${field.type}, and only integer ` +
          `(int8 to int64, uint8 to uint64) and floating-point (float16 to float64) columns are allowed; ` +
          `file: ${file}, column ${position}. Cast the column to a numeric type when writing the file, or remove it.`,
      );
    }
    seen.add(name);
    features.push({ name, position });
  });

  return { header, features, labelPosition, dropped };
}

function isNumericType(type: Arrow.DataType): boolean {
  return type.typeId === 2 /* Int */ || type.typeId === 3 /* Float */;
}

function isStringType(type: Arrow.DataType): boolean {
  const valueType = type.typeId === -1 /* Dictionary */ ? (type as Arrow.Dictionary).dictionary : type;
  return valueType.typeId === 5 /* Utf8 */ || valueType.typeId === 20 /* LargeUtf8 */ || valueType.typeId === 24 /* Utf8View */;
}

/** Decodes the footer's Arrow schema. Throws SyntaxError when the bytes are not a readable parquet file. */
function readSchema(parquet: ParquetWasmModule, arrow: ArrowModule, bytes: Uint8Array, file: string): Arrow.Schema {
  let ipc: Uint8Array;
  try {
    ipc = parquet.readSchema(bytes).intoIPCStream();
  } catch (error) {
    throw new SyntaxError(
      `parquet: could not read the footer (${messageOf(error)}); file: ${file} (${bytes.length} bytes). Check that the file is a complete parquet file.`,
      { cause: error },
    );
  }
  return arrow.tableFromIPC(ipc).schema;
}

/**
 * Returns the row count of each row group, from the footer. Only the
 * asynchronous ParquetFile API exposes them. Call it after `readSchema`
 * accepted the same bytes: in parquet-wasm 0.8.0, `ParquetFile.fromFile`
 * can panic and never settle on a damaged footer that `readSchema` rejects.
 */
async function readRowGroupSizes(parquet: ParquetWasmModule, bytes: Uint8Array<ArrayBuffer>, file: string): Promise<number[]> {
  let reader: ParquetWasm.ParquetFile;
  try {
    // The Blob is a temporary second copy of the file, released when this function returns.
    reader = await parquet.ParquetFile.fromFile(new Blob([bytes]));
  } catch (error) {
    throw new SyntaxError(
      `parquet: could not read the row groups from the footer (${messageOf(error)}); file: ${file} (${bytes.length} bytes). ` +
        "Check that the file is a complete parquet file.",
      { cause: error },
    );
  }

  const metadata = reader.metadata();
  try {
    return metadata.rowGroups().map((group) => {
      const rows = group.numRows();
      group.free();
      return rows;
    });
  } finally {
    metadata.free();
    reader.free();
  }
}

/**
 * Decodes row group `group` into an Arrow table (normally of one batch).
 * NOTE: this uses the synchronous `readParquet`, which copies the whole file
 * into linear memory on every call. In parquet-wasm 0.8.0 the asynchronous
 * `ParquetFile.read` and `stream` turn a corrupt data page into an uncaught
 * `RuntimeError: unreachable` and never settle. `readParquet` throws an
 * error that can be caught instead, and the instance stays usable.
 */
function readRowGroup(
  parquet: ParquetWasmModule,
  arrow: ArrowModule,
  bytes: Uint8Array,
  group: number,
  rowGroupRows: number[],
  file: string,
): Arrow.Table {
  const expectedRows = rowGroupRows[group];
  let ipc: Uint8Array;
  try {
    // One batch per row group keeps each column in one Arrow chunk, though the copy loops accept several.
    ipc = parquet.readParquet(bytes, { rowGroups: [group], batchSize: Math.max(1, expectedRows) }).intoIPCStream();
  } catch (error) {
    throw new SyntaxError(
      `parquet: could not decode row group ${group} of ${rowGroupRows.length} (${messageOf(error)}); file: ${file}. ` +
        "Check that the file is complete and not damaged.",
      { cause: error },
    );
  }

  const table = arrow.tableFromIPC(ipc);
  if (table.numRows !== expectedRows) {
    throw new SyntaxError(
      `parquet: row group ${group} decoded to ${table.numRows} rows, but the footer gives ${expectedRows}; file: ${file}. The file is damaged; write it again.`,
    );
  }
  return table;
}

/** Copies a numeric column into `out` from row `start`, converting to float32. Nulls become NaN. */
function copyNumeric(arrow: ArrowModule, vector: Arrow.Vector, out: Float32Array, start: number): void {
  let row = start;
  for (const data of vector.data) {
    const values = data.values as ArrayLike<number | bigint>;
    const n = data.length;
    if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
      for (let i = 0; i < n; i++) out[row + i] = Number(values[i]);
    } else if (data.type.typeId === 3 /* Float */ && (data.type as Arrow.Float).precision === 0 /* HALF */) {
      for (let i = 0; i < n; i++) out[row + i] = arrow.util.uint16ToFloat64(values[i] as number);
    } else {
      // IPC buffers are padded to 8 bytes, so the values may extend past `n`.
      out.set((values as Float32Array).subarray(0, n), row);
    }
    if (data.nullCount > 0) {
      for (let i = 0; i < n; i++) if (!data.getValid(i)) out[row + i] = NaN;
    }
    row += n;
  }
}

/** Assigns label codes in first-seen order and counts rows per label. */
class LabelCoder {
  readonly codes: Int32Array;
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly rowCounts: number[] = [];
  private readonly decoder = new TextDecoder();

  constructor(rowCount: number) {
    this.codes = new Int32Array(rowCount);
  }

  /** Codes the labels of one row group, whose first value is file row `where.firstRow`. */
  append(arrow: ArrowModule, vector: Arrow.Vector, where: { file: string; group: number; firstRow: number }): void {
    let row = where.firstRow;
    for (const data of vector.data) {
      if (data.type.typeId === -1 /* Dictionary */) {
        this.appendDictionary(arrow, data, row, where);
      } else {
        this.appendStrings(arrow, data, row, where);
      }
      row += data.length;
    }
  }

  /** Returns per-label row counts in first-seen order. */
  counts(): Map<string, number> {
    return new Map(this.names.map((name, code) => [name, this.rowCounts[code]]));
  }

  /** Codes dictionary keys, giving a dictionary entry its code when a row first uses it. */
  private appendDictionary(arrow: ArrowModule, data: Arrow.Data, firstRow: number, where: RowGroupPlace): void {
    const entries: (string | null)[] = [];
    for (const chunk of data.dictionary!.data) {
      const view = arrow.makeVector(chunk);
      for (let i = 0; i < chunk.length; i++) entries.push(view.get(i) as string | null);
    }
    const entryCodes = new Int32Array(entries.length).fill(-1);
    const keys = data.values as ArrayLike<number | bigint>;

    for (let i = 0; i < data.length; i++) {
      const key = Number(keys[i]);
      const entry = entries[key];
      if (!data.getValid(i) || entry === null) throw nullLabelError(firstRow + i, where);
      if (entryCodes[key] < 0) entryCodes[key] = this.codeOf(entry);
      this.record(firstRow + i, entryCodes[key]);
    }
  }

  /**
   * Codes utf8 or large_utf8 values. Runs of equal labels are common, so a
   * value whose bytes equal the previous value's reuses its code without
   * decoding. Other string layouts (utf8_view) are decoded value by value.
   */
  private appendStrings(arrow: ArrowModule, data: Arrow.Data, firstRow: number, where: RowGroupPlace): void {
    const offsets = data.valueOffsets as ArrayLike<number | bigint> | undefined;
    const bytes = data.values as Uint8Array;
    const view = offsets ? undefined : arrow.makeVector(data);
    let previousStart = 0;
    let previousEnd = 0;
    let previousCode = -1;

    for (let i = 0; i < data.length; i++) {
      if (!data.getValid(i)) throw nullLabelError(firstRow + i, where);
      if (view) {
        this.record(firstRow + i, this.codeOf(view.get(i) as string));
        continue;
      }
      const start = Number(offsets![i]);
      const end = Number(offsets![i + 1]);
      if (previousCode < 0 || !sameBytes(bytes, start, end, previousStart, previousEnd)) {
        previousCode = this.codeOf(this.decoder.decode(bytes.subarray(start, end)));
        previousStart = start;
        previousEnd = end;
      }
      this.record(firstRow + i, previousCode);
    }
  }

  private record(row: number, code: number): void {
    this.codes[row] = code;
    this.rowCounts[code]++;
  }

  private codeOf(name: string): number {
    let code = this.index.get(name);
    if (code === undefined) {
      code = this.names.length;
      this.index.set(name, code);
      this.names.push(name);
      this.rowCounts.push(0);
    }
    return code;
  }
}

interface RowGroupPlace {
  file: string;
  group: number;
}

function nullLabelError(row: number, where: RowGroupPlace): TypeError {
  return new TypeError(
    `parquet: could not read the label of row ${row} (0-based): it is null, and every row needs a class name; ` +
      `file: ${where.file}, column "${LABEL_COLUMN}", row group ${where.group}. Remove the row or fill in its class.`,
  );
}

function sameBytes(bytes: Uint8Array, start: number, end: number, otherStart: number, otherEnd: number): boolean {
  if (end - start !== otherEnd - otherStart) return false;
  for (let i = 0; i < end - start; i++) if (bytes[start + i] !== bytes[otherStart + i]) return false;
  return true;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
