/**
 * Streaming CSV loader for CICFlowMeter flow files. Bytes go straight from
 * the stream's chunks into float32 column blocks in one pass. Numbers are
 * parsed from bytes, identifier columns are skipped unread, and labels are
 * decoded only when they change from one row to the next. Memory therefore
 * grows with the rows kept, not with the size of the text. Given a pool of
 * workers, a plain file that can be read from an offset is split into one
 * byte range per worker, each parsed on its own thread. The parser itself
 * is in csv_parser.ts.
 *
 * The grammar is RFC 4180 with LF or CRLF line ends, an optional UTF-8 byte
 * order mark and an optional final line end. Quoted fields may contain
 * commas, doubled quotes and line breaks.
 */
import { buildTable, CsvParser, type CsvHeader, type ParsedRows } from "./csv_parser.ts";
import { maybeDecompress, type ByteSource, type SourceHandle } from "./source.ts";
import type { FlowTable } from "./table.ts";
import type { Core } from "./wasm.ts";

export { findInvalidUtf8 } from "./csv_parser.ts";

/** Workers that read parts of a file; a ForestPool (forest_pool.ts) is one. */
export interface ReadPool {
  readonly size: number;
  /** The WebAssembly core's module. When given, workers parse plain rows in a core of their own (see CsvOptions.core). */
  readonly module?: WebAssembly.Module | Uint8Array;
  /** Starts a worker, sends it `request`, passes its messages to `onMessage` until it is done, and stops it. */
  run(request: unknown, transfer: Transferable[], onMessage: (message: unknown) => void): Promise<void>;
}

/** Options of `readCsv`. */
export interface CsvOptions {
  /**
   * Text encoding of header and labels. The default "utf-8" rejects any
   * invalid byte sequence in the file. "windows-1252" reads files saved by
   * Windows tools, such as CIC-IDS2017's `Web Attack – XSS` labels.
   */
  encoding?: "utf-8" | "windows-1252";
  /** Default false. When true, a repeated header line is an error instead of a skipped line with a warning. */
  strict?: boolean;
  /** Called after each parsed chunk with the bytes read so far from the source, compressed for gzip, so comparable with `source.size`. */
  onProgress?: (bytesRead: number) => void;
  /**
   * Workers to parse a large plain file in parallel, one byte range each.
   * Used when the pool has 2 or more workers and the source has a `handle`,
   * `streamFrom` and a size of at least `minParallelBytes`. The table is the
   * same as one thread's.
   */
  pool?: ReadPool;
  /** Smallest file read in parallel when a pool is given; default 32 MiB. */
  minParallelBytes?: number;
  /**
   * Called with the reason when a parallel read gives way to a read on the
   * calling thread. Reasons are a gzip file, a quoted field across a range
   * boundary, and an error in a range, which the one-thread read then
   * reports with its line.
   */
  onSequential?: (reason: string) => void;
  /**
   * A WebAssembly core in which plain rows (unquoted, numbers in the usual
   * decimal forms) are parsed. The parser reads other rows itself, and the
   * table is the same as without it. The parser's buffers in the core are
   * freed when the read ends.
   */
  core?: Core;
}

const ENCODINGS = ["utf-8", "windows-1252"] as const;

/** Default of `CsvOptions.minParallelBytes`: below it, starting workers costs more than it saves. */
const MIN_PARALLEL_BYTES = 32 << 20;

const LF = 0x0a;
const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/**
 * Reads a CICFlowMeter CSV (plain or gzip, detected from the first bytes)
 * into a FlowTable.
 *
 * Feature values become float32: `Infinity`, `inf` (any case, optional
 * sign) become ±Infinity, and `NaN` or an empty field become NaN. Every
 * other value equals `Number(text)` rounded to float32. Identifier columns
 * are dropped, blank and comma-only rows are skipped and counted, and a
 * line equal to the header is skipped with a warning.
 *
 * Throws SyntaxError, naming file, line and column, for a malformed header,
 * a row with the wrong number of fields, a feature value that is not a
 * number, an empty label, an unterminated quote or invalid UTF-8. Throws
 * RangeError for an unknown encoding.
 *
 * @example
 * const table = await readCsv(bytesSource("flows.csv", bytes));
 * table.featureNames; // ["Protocol", "Flow Duration", ...]
 */
export async function readCsv(source: ByteSource, options: CsvOptions = {}): Promise<FlowTable> {
  const encoding = options.encoding ?? "utf-8";
  if (!ENCODINGS.includes(encoding)) {
    throw new RangeError(
      `csv: unknown encoding ${JSON.stringify(encoding)}; allowed are ${ENCODINGS.map((e) => JSON.stringify(e)).join(", ")}.`,
    );
  }
  const strict = options.strict ?? false;
  const pool = options.pool;
  if (
    pool &&
    pool.size > 1 &&
    source.handle &&
    source.streamFrom &&
    source.size !== undefined &&
    source.size >= (options.minParallelBytes ?? MIN_PARALLEL_BYTES)
  ) {
    const parallel = await readInParallel(source, encoding, strict, pool, options.onProgress);
    if (typeof parallel !== "string") return parallel;
    options.onSequential?.(parallel);
  }
  return readWhole(source, encoding, strict, options.onProgress, options.core);
}

/** Reads the whole source on the calling thread. */
async function readWhole(
  source: ByteSource,
  encoding: "utf-8" | "windows-1252",
  strict: boolean,
  onProgress: ((bytesRead: number) => void) | undefined,
  core: Core | undefined,
): Promise<FlowTable> {
  let stream = source.stream();
  let bytesRead = 0;
  if (onProgress) {
    stream = stream.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          bytesRead += chunk.length;
          controller.enqueue(chunk);
        },
      }),
    );
  }

  const parser = new CsvParser(source.name, encoding, strict, core);
  const reader = maybeDecompress(stream).getReader();
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        // Errors of the byte stream itself: a truncated or corrupt gzip file, a failing read.
        throw new Error(
          `csv: could not read ${source.name}: ${error instanceof Error ? error.message : String(error)}; ` +
            "check that the file is complete (a gzip file may be truncated or damaged) and readable",
          { cause: error },
        );
      }
      if (chunk.done) break;
      parser.push(chunk.value);
      onProgress?.(bytesRead);
    }
    return parser.finish();
  } catch (error) {
    await reader.cancel().catch(() => {});
    throw error;
  } finally {
    parser.dispose();
  }
}

/** A worker's parse request: the rows of `[from, stopAt)` of the source behind `handle`. */
interface RangeRequest {
  type: "csv";
  handle: SourceHandle;
  name: string;
  encoding: "utf-8" | "windows-1252";
  strict: boolean;
  header: Pick<CsvHeader, "names" | "bytes">;
  /** The first range starts at the first row; the others at the first line start after `from - 1`'s line end. */
  first: boolean;
  from: number;
  stopAt: number;
  /** The core's module, for the fast path of plain rows (see CsvOptions.core). */
  module?: WebAssembly.Module | Uint8Array;
}

type RangeMessage = { type: "csvProgress"; bytes: number } | { type: "csvRows"; rows: ParsedRows };

/**
 * Reads the header here, then has each worker parse one byte range and
 * builds the table from the ranges' rows. Returns the reason instead when
 * the file must be read on one thread. That is the case for a gzip file, a
 * file without rows, and a failed range, whose first error the one-thread
 * read then reports with its line. It is also the case when a range ended
 * elsewhere than where the next one started, because a quoted line break
 * crosses the boundary.
 */
async function readInParallel(
  source: ByteSource,
  encoding: "utf-8" | "windows-1252",
  strict: boolean,
  pool: ReadPool,
  onProgress: ((bytesRead: number) => void) | undefined,
): Promise<FlowTable | string> {
  const start = await readHeader(source, encoding, strict);
  if (typeof start === "string") return start;
  const { parser, header } = start;
  const size = source.size!;
  const count = Math.min(pool.size, size - header.end);
  if (count < 2) return "the file has no rows to split";

  const bounds = Array.from({ length: count }, (_, k) => header.end + Math.floor(((size - header.end) * k) / count));
  const progress = new Array<number>(count).fill(0);
  let parts: ParsedRows[];
  try {
    parts = await Promise.all(
      bounds.map(async (from, k) => {
        const request: RangeRequest = {
          type: "csv",
          handle: source.handle!,
          name: source.name,
          encoding,
          strict,
          header: { names: header.names, bytes: header.bytes },
          first: k === 0,
          from,
          stopAt: k + 1 < count ? bounds[k + 1] : Infinity,
          module: pool.module,
        };
        let rows: ParsedRows | undefined;
        await pool.run(request, [], (raw) => {
          const message = raw as RangeMessage;
          if (message.type === "csvRows") {
            rows = message.rows;
          } else if (message.type === "csvProgress" && onProgress) {
            progress[k] = message.bytes;
            onProgress(Math.min(size, progress.reduce((a, b) => a + b, 0) + header.end));
          }
        });
        if (!rows) throw new Error("the worker sent no rows");
        return rows;
      }),
    );
  } catch (error) {
    return `a range could not be read in parallel (${error instanceof Error ? error.message : String(error)})`;
  }
  for (let k = 1; k < count; k++) {
    if (parts[k - 1].stop !== parts[k].start) return `a quoted field spans the boundary at byte ${bounds[k]}`;
  }
  const lineBases: number[] = [];
  let line = header.lines;
  for (const part of parts) {
    lineBases.push(line);
    line += part.lines;
  }
  return buildTable(source.name, parser.planOrThrow(), parts, lineBases);
}

/**
 * Reads up to the end of the header line. Returns the reason for a
 * one-thread read instead when the file is gzip or has no complete header.
 */
async function readHeader(
  source: ByteSource,
  encoding: "utf-8" | "windows-1252",
  strict: boolean,
): Promise<{ parser: CsvParser; header: CsvHeader } | string> {
  const parser = CsvParser.forHeader(source.name, encoding, strict);
  const reader = source.stream().getReader();
  try {
    for (let first = true; ; first = false) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch {
        return "the file could not be read";
      }
      if (chunk.done) return "the file has no complete header line";
      const bytes = chunk.value;
      if (first && bytes.length < 2) return "the first chunk is too short to tell gzip from text";
      if (first && bytes[0] === GZIP_MAGIC_0 && bytes[1] === GZIP_MAGIC_1) return "the file is gzip-compressed";
      parser.push(bytes);
      if (parser.header) return { parser, header: parser.header };
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/**
 * Runs in a worker: parses the rows of one range of a file and posts them
 * back, progress messages first. `open` reopens the source from its handle
 * (the runtime's file source for a path, `openWebHandle` otherwise).
 */
export async function readRangeInWorker(
  request: RangeRequest,
  open: (handle: SourceHandle) => ByteSource | undefined,
  post: (message: RangeMessage, transfer?: Transferable[]) => void,
  core?: Core,
): Promise<void> {
  const source = open(request.handle);
  if (!source?.streamFrom) throw new Error(`csv: a worker cannot open a "${request.handle.kind}" source`);
  const newParser = (start: number) =>
    CsvParser.forRange(request.name, request.encoding, request.strict, request.header, start, request.stopAt, core);
  // Except for the first range, start one byte early: a line start is a byte after an LF.
  let position = request.first ? request.from : request.from - 1;
  const reader = source.streamFrom(position).getReader();
  let parser: CsvParser | undefined;
  let bytesRead = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytesRead += value.length;
      post({ type: "csvProgress", bytes: bytesRead });
      let chunk = value;
      if (!parser) {
        const skip = request.first ? 0 : chunk.indexOf(LF) + 1;
        if (skip === 0 && !request.first) {
          position += chunk.length;
          continue;
        }
        parser = newParser(position + skip);
        chunk = chunk.subarray(skip);
      }
      parser.push(chunk);
      if (parser.stopped) break;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  parser ??= newParser(position);
  const rows = parser.finishRows();
  parser.dispose();
  const transfer: Transferable[] = [];
  for (const block of rows.blocks) {
    for (const column of block.columns) transfer.push(column.buffer);
    transfer.push(block.labels.buffer, block.lineNumbers.buffer, block.hashes.buffer);
  }
  post({ type: "csvRows", rows }, transfer);
}

/** Returns whether a worker message is a range request. */
export function isRangeRequest(message: unknown): message is RangeRequest {
  return typeof message === "object" && message !== null && (message as { type?: unknown }).type === "csv";
}
