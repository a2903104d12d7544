/**
 * Streaming CSV loader for CICFlowMeter flow files. Bytes go straight from
 * the stream's chunks into float32 column blocks in one pass. Numbers are
 * parsed from bytes, identifier columns are skipped unread, and labels are
 * decoded only when they change from one row to the next. Memory therefore
 * grows with the rows kept, not with the size of the text.
 *
 * The grammar is RFC 4180 with LF or CRLF line ends, an optional UTF-8 byte
 * order mark and an optional final line end. Quoted fields may contain
 * commas, doubled quotes and line breaks.
 */
import { planHeader, type ColumnRole, type HeaderPlan } from "./columns.ts";
import { maybeDecompress, type ByteSource } from "./source.ts";
import type { FlowTable, LoadWarning, SkippedRows } from "./table.ts";

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
}

const ENCODINGS = ["utf-8", "windows-1252"] as const;

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

  let stream = source.stream();
  let bytesRead = 0;
  if (options.onProgress) {
    stream = stream.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          bytesRead += chunk.length;
          controller.enqueue(chunk);
        },
      }),
    );
  }

  const parser = new CsvParser(source.name, encoding, options.strict ?? false);
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
      options.onProgress?.(bytesRead);
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    throw error;
  }
  return parser.finish();
}

const COMMA = 0x2c;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;

/** Column kinds below 0; kinds 0 and up are feature indices. */
const KIND_IDENTIFIER = -1;
const KIND_LABEL = -2;
const KIND_EXTRA = -3;

/** Bytes that stop the scan through an unquoted field: comma, LF, CR, quote, and every byte of 0x80 and up. */
const STOP = new Uint8Array(256);
for (const b of [COMMA, LF, CR, QUOTE]) STOP[b] = 1;
STOP.fill(1, 0x80);

/** Powers of ten that float64 stores exactly (1e22 is the largest). */
const POW10 = Float64Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INFINITY_WORD = /^([+-]?)inf(?:inity)?$/i;
const NAN_WORD = /^[+-]?nan$/i;

/** Rows per storage block; a block of 80 float32 features is about 20 MB. */
const BLOCK_ROWS = 1 << 16;
/** Rows staged row-major before a transpose. 64 rows of 80 features take 20 KB, which fits a typical L1 data cache. BLOCK_ROWS must be a multiple. */
const STAGE_ROWS = 64;

/** Incremental parser: `push` takes chunks and `finish` returns the table. */
class CsvParser {
  private readonly file: string;
  private readonly encoding: "utf-8" | "windows-1252";
  private readonly strict: boolean;
  private readonly decode: (bytes: Uint8Array) => string;

  /** Unparsed bytes: the incomplete last line of earlier chunks, then the new chunk. */
  private buffer = new Uint8Array(1 << 16);
  private bufferLength = 0;
  /** Offset in the (decompressed) file of `buffer[0]`. */
  private bufferOffset = 0;
  /** 1-based line number of the next line to parse. */
  private line = 1;
  /** Lines that quoted fields of the current row span beyond its first line. */
  private rowLineBreaks = 0;
  /** Buffer position of the current row's first byte. */
  private rowStart = 0;

  private plan: HeaderPlan | undefined;
  private kinds = new Int32Array(0);
  private headerBytes = new Uint8Array(0);

  private rows = new RowBlocks(0);

  private readonly labelNames: string[] = [];
  private readonly labelCodes = new Map<string, number>();
  private readonly labelCounts: number[] = [];
  private previousLabel = new Uint8Array(64);
  private previousLabelLength = -1;
  private previousLabelCode = -1;

  /** Unescaped content of the last quoted field, and a copy of it when that field was the label. */
  private quoted = new Uint8Array(256);
  private quotedLength = 0;
  private quotedLabel = new Uint8Array(64);

  private readonly skipped: SkippedRows = { repeatedHeader: 0, emptyRow: 0 };
  private readonly warnings: LoadWarning[] = [];

  constructor(file: string, encoding: "utf-8" | "windows-1252", strict: boolean) {
    this.file = file;
    this.encoding = encoding;
    this.strict = strict;
    if (encoding === "utf-8") {
      const decoder = new TextDecoder("utf-8");
      this.decode = (bytes) => decoder.decode(bytes);
    } else {
      this.decode = decodeWindows1252;
    }
  }

  push(chunk: Uint8Array): void {
    this.append(chunk);
    this.parse(false);
  }

  finish(): FlowTable {
    this.parse(true);
    const plan = this.plan;
    if (!plan) throw new SyntaxError(`csv: no header line in ${this.file}; the file is empty. Load a CSV file with a header.`);

    const { columns, labels, lineNumbers } = this.rows.toArrays();
    const n = labels.length;
    const rawLabels = new Map<string, number>();
    this.labelNames.forEach((name, code) => rawLabels.set(name, this.labelCounts[code]));
    return {
      featureNames: plan.featureNames,
      columns,
      labels,
      labelNames: [...this.labelNames],
      fileIndex: new Uint16Array(n),
      lineNumbers,
      rowCount: n,
      sources: [{ file: this.file, firstRow: 0, rowCount: n, rawLabels, header: plan.names }],
      droppedColumns: plan.droppedColumns,
      skipped: { ...this.skipped },
      warnings: [...plan.warnings, ...this.warnings],
    };
  }

  /** Appends `chunk` after the unparsed bytes, keeping one spare byte for the end sentinel. */
  private append(chunk: Uint8Array): void {
    const needed = this.bufferLength + chunk.length + 1;
    if (needed > this.buffer.length) {
      const grown = new Uint8Array(Math.max(needed, this.buffer.length * 2));
      grown.set(this.buffer.subarray(0, this.bufferLength));
      this.buffer = grown;
    }
    this.buffer.set(chunk, this.bufferLength);
    this.bufferLength += chunk.length;
  }

  /**
   * Parses every complete line in the buffer and keeps the rest for the next
   * chunk. At the end of input (`final`) an LF sentinel after the last byte
   * ends the last line, so no scan loop needs a bounds check.
   */
  private parse(final: boolean): void {
    const buf = this.buffer;
    let end: number;
    if (final) {
      end = this.bufferLength;
      buf[end] = LF;
    } else {
      end = buf.lastIndexOf(LF, this.bufferLength - 1) + 1;
      if (end === 0) return;
    }

    let pos = 0;
    if (!this.plan) {
      pos = this.parseHeader(buf, end, final);
      if (pos < 0 || !this.plan) return;
    }
    pos = this.parseRows(buf, pos, end, final);

    const rest = this.bufferLength - pos;
    buf.copyWithin(0, pos, this.bufferLength);
    this.bufferOffset += pos;
    this.bufferLength = rest;
  }

  /** Reads the header line and sets up the column kinds. Returns the position after it, or -1 if the line is incomplete. */
  private parseHeader(buf: Uint8Array, end: number, final: boolean): number {
    if (final && this.bufferLength === 0) return end;
    this.rowLineBreaks = 0;
    let start = 0;
    if (end >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3;

    const rawNames: string[] = [];
    let p = start;
    for (;;) {
      if (buf[p] === QUOTE) {
        p = this.readQuoted(buf, p, end, final);
        if (p < 0) return -1;
        rawNames.push(this.decode(this.quoted.subarray(0, this.quotedLength)));
      } else {
        const fieldStart = p;
        p = scanField(buf, p);
        rawNames.push(this.decodeText(buf, fieldStart, p, this.bufferOffset, "header name"));
      }
      if (buf[p] !== COMMA) break;
      p++;
    }

    const plan = planHeader(rawNames, this.file, "csv");
    this.plan = plan;
    this.kinds = new Int32Array(plan.roles.map(columnKind));
    this.rows = new RowBlocks(plan.featureNames.length);
    this.headerBytes = buf.slice(start, p);
    this.line += 1 + this.rowLineBreaks;
    this.rowLineBreaks = 0;
    return Math.min(buf[p] === CR ? p + 2 : p + 1, end);
  }

  /** Parses rows from `pos` until `end` and returns the position of the first byte not consumed. */
  private parseRows(buf: Uint8Array, pos: number, end: number, final: boolean): number {
    const kinds = this.kinds;
    const columnCount = kinds.length;
    const featureCount = this.plan!.featureNames.length;
    const headerBytes = this.headerBytes;
    const headerFirst = headerBytes.length > 0 ? headerBytes[0] : -1;

    while (pos < end) {
      const rowStart = pos;
      const first = buf[pos];

      if (first === LF || (first === CR && buf[pos + 1] === LF)) {
        this.skipped.emptyRow++;
        this.line++;
        pos += first === LF ? 1 : 2;
        continue;
      }
      if (first === headerFirst && this.matchesHeader(buf, pos)) {
        this.skipRepeatedHeader();
        pos += headerBytes.length;
        pos += buf[pos] === CR ? 2 : 1;
        continue;
      }

      this.rowStart = pos;
      const rows = this.rows;
      const row = rows.row;
      const stage = rows.stage;
      const stageBase = (row - rows.stageStart) * featureCount;
      this.rowLineBreaks = 0;
      let column = 0;
      let p = pos;
      let nonEmpty = false;
      let labelSource = buf;
      let labelStart = 0;
      let labelEnd = 0;

      for (;;) {
        const kind = column < columnCount ? kinds[column] : KIND_EXTRA;
        const fieldStart = p;
        let b = buf[p];

        if (b === QUOTE) {
          p = this.readQuoted(buf, p, end, final);
          if (p < 0) return rowStart;
          if (this.quotedLength > 0) nonEmpty = true;
          if (kind >= 0) {
            stage[stageBase + kind] = this.parseNumberText(this.quoted, 0, this.quotedLength, column, -1);
          } else if (kind === KIND_LABEL) {
            if (this.quotedLabel.length < this.quotedLength) this.quotedLabel = new Uint8Array(this.quotedLength * 2);
            this.quotedLabel.set(this.quoted.subarray(0, this.quotedLength));
            labelSource = this.quotedLabel;
            labelStart = 0;
            labelEnd = this.quotedLength;
          }
        } else if (kind >= 0) {
          // Fast path: sign, digits, fraction and exponent parsed in place.
          let q = p;
          let negative = false;
          if (b === MINUS) {
            negative = true;
            b = buf[++q];
          } else if (b === PLUS) {
            b = buf[++q];
          }
          let mantissa = 0;
          const digitsStart = q;
          let d = b - 48;
          while (d >= 0 && d <= 9) {
            mantissa = mantissa * 10 + d;
            d = buf[++q] - 48;
          }
          let digitCount = q - digitsStart;
          let exponent = 0;
          if (buf[q] === DOT) {
            // Trailing zeros of the fraction are left out of the mantissa, so "229.0" needs no division.
            const fractionStart = ++q;
            let fraction = mantissa;
            let fractionEnd = q;
            d = buf[q] - 48;
            while (d >= 0 && d <= 9) {
              fraction = fraction * 10 + d;
              if (d !== 0) {
                mantissa = fraction;
                fractionEnd = q + 1;
              }
              d = buf[++q] - 48;
            }
            exponent = fractionStart - fractionEnd;
            digitCount += q - fractionStart;
          }
          let valid = digitCount > 0;
          if (valid && (buf[q] | 0x20) === 0x65) {
            q++;
            let exponentNegative = false;
            if (buf[q] === MINUS) {
              exponentNegative = true;
              q++;
            } else if (buf[q] === PLUS) {
              q++;
            }
            const exponentStart = q;
            let written = 0;
            d = buf[q] - 48;
            while (d >= 0 && d <= 9) {
              if (written < 100000) written = written * 10 + d;
              d = buf[++q] - 48;
            }
            valid = q > exponentStart;
            exponent += exponentNegative ? -written : written;
          }
          b = buf[q];
          if (valid && (b === COMMA || b === LF || (b === CR && buf[q + 1] === LF))) {
            let value: number;
            if (mantissa <= Number.MAX_SAFE_INTEGER && exponent >= -22 && exponent <= 22) {
              // Exact because both operands are exact doubles and one IEEE operation rounds correctly.
              if (exponent === 0) value = mantissa;
              else value = exponent < 0 ? mantissa / POW10[-exponent] : mantissa * POW10[exponent];
              if (negative) value = -value;
            } else {
              value = Number(asciiText(buf, p, q));
            }
            stage[stageBase + kind] = value;
            nonEmpty = true;
            p = q;
          } else if (q === p && isTerminator(buf, p)) {
            stage[stageBase + kind] = NaN;
          } else {
            p = scanField(buf, p);
            stage[stageBase + kind] = this.parseNumberText(buf, fieldStart, p, column, this.bufferOffset);
            nonEmpty = true;
          }
        } else {
          // Identifier, label or surplus field: find its end without reading its value.
          let high = false;
          for (;;) {
            while (STOP[buf[p]] === 0) p++;
            b = buf[p];
            if (b === COMMA || b === LF || (b === CR && buf[p + 1] === LF)) break;
            if (b >= 0x80) high = true;
            p++;
          }
          if (p > fieldStart) nonEmpty = true;
          if (kind === KIND_LABEL) {
            labelSource = buf;
            labelStart = fieldStart;
            labelEnd = p;
          } else if (high && this.encoding === "utf-8") {
            this.checkUtf8(buf, fieldStart, p, this.bufferOffset);
          }
        }

        if (p >= end && !final) return rowStart;
        if (buf[p] === COMMA) {
          column++;
          p++;
          continue;
        }
        break;
      }

      // p is at the row's LF or CRLF (or the end sentinel).
      const next = Math.min(buf[p] === CR ? p + 2 : p + 1, end);
      const rowLine = this.line;
      const fieldCount = column + 1;
      if (!nonEmpty) {
        this.skipped.emptyRow++;
      } else if (fieldCount !== columnCount) {
        throw this.fieldCountError(fieldCount);
      } else {
        rows.block.labels[row] = this.labelCode(labelSource, labelStart, labelEnd, labelSource === buf ? this.bufferOffset : -1);
        rows.block.lineNumbers[row] = rowLine;
        rows.commitRow();
      }
      this.line += 1 + this.rowLineBreaks;
      pos = next;
    }
    // A skipped line at the end of input may step past the sentinel.
    return Math.min(pos, end);
  }

  /** Returns whether the line at `pos` is byte for byte the header line. */
  private matchesHeader(buf: Uint8Array, pos: number): boolean {
    const header = this.headerBytes;
    for (let i = 0; i < header.length; i++) if (buf[pos + i] !== header[i]) return false;
    const after = buf[pos + header.length];
    return after === LF || (after === CR && buf[pos + header.length + 1] === LF);
  }

  private skipRepeatedHeader(): void {
    if (this.strict) {
      throw new SyntaxError(
        `csv: repeated header line in ${this.file}, line ${this.line}, is not allowed in strict mode. ` +
          "Remove the line, or read the file without strict mode (flowguard without --strict) to skip it with a warning.",
      );
    }
    this.skipped.repeatedHeader++;
    this.warnings.push({ file: this.file, line: this.line, message: `csv: skipped a repeated header line in ${this.file}, line ${this.line}.` });
    this.line++;
  }

  /**
   * Reads the quoted field starting at `buf[p]` into `quoted` and returns
   * the position of its terminator, or -1 when the buffer ends inside the
   * quotes before the end of input.
   */
  private readQuoted(buf: Uint8Array, p: number, end: number, final: boolean): number {
    const fieldLine = this.line + this.rowLineBreaks;
    let length = 0;
    let breaks = 0;
    let high = false;
    let q = p + 1;

    for (;;) {
      if (q >= end) {
        if (!final) return -1;
        throw new SyntaxError(
          `csv: quoted field is not closed before the end of the file; in ${this.file}, line ${fieldLine}. ` +
            "Add the closing quote, or double quotes that are part of the value.",
        );
      }
      const b = buf[q];
      if (b === QUOTE) {
        if (buf[q + 1] !== QUOTE) break;
        q++;
      } else if (b === LF) {
        breaks++;
      } else if (b >= 0x80) {
        high = true;
      }
      if (length === this.quoted.length) {
        const grown = new Uint8Array(length * 2);
        grown.set(this.quoted);
        this.quoted = grown;
      }
      this.quoted[length++] = b;
      q++;
    }

    if (high && this.encoding === "utf-8") this.checkUtf8(buf, p + 1, q, this.bufferOffset);
    q++;
    if (!isTerminator(buf, q)) {
      throw new SyntaxError(
        `csv: unexpected character after a closing quote; in ${this.file}, line ${fieldLine + breaks}. ` +
          "Quote the whole field and double every quote inside it.",
      );
    }

    this.quotedLength = length;
    this.rowLineBreaks += breaks;
    return q;
  }

  /**
   * Parses a feature value that the fast path did not take: quoted,
   * surrounded by spaces, a word such as Infinity, or with non-ASCII bytes.
   * `fileOffset` maps `bytes` positions to file offsets (-1 when the bytes are a copy).
   */
  private parseNumberText(bytes: Uint8Array, start: number, end: number, column: number, fileOffset: number): number {
    if (this.encoding === "utf-8") this.checkUtf8(bytes, start, end, fileOffset);
    const raw = this.decode(bytes.subarray(start, end));
    const text = raw.trim();
    if (text === "") return NaN;
    if (DECIMAL.test(text)) return Number(text);
    const infinity = INFINITY_WORD.exec(text);
    if (infinity) return infinity[1] === "-" ? -Infinity : Infinity;
    if (NAN_WORD.test(text)) return NaN;
    // A value in the wrong column usually means a missing or extra comma, which the field count explains better.
    const fieldCount = countFields(this.buffer, this.rowStart);
    if (fieldCount !== this.kinds.length) throw this.fieldCountError(fieldCount);
    const name = this.plan!.names[column];
    throw new SyntaxError(
      `csv: cannot parse feature value ${quoteForMessage(raw)}: expected a decimal number, Infinity, NaN or an empty field; ` +
        `in ${this.file}, line ${this.line + this.rowLineBreaks}, column ${JSON.stringify(name)} (position ${column + 1}). ` +
        "Correct the value or remove the row.",
    );
  }

  private fieldCountError(fieldCount: number): SyntaxError {
    return new SyntaxError(
      `csv: row has ${fieldCount} fields but the header has ${this.kinds.length}; in ${this.file}, line ${this.line}. ` +
        "Check the row for a missing or extra comma, or quote fields that contain commas.",
    );
  }

  /** Returns the label code of the row, decoding the label only when its bytes differ from the previous row's. */
  private labelCode(bytes: Uint8Array, start: number, end: number, fileOffset: number): number {
    const length = end - start;
    if (length === this.previousLabelLength) {
      const previous = this.previousLabel;
      let same = true;
      for (let i = 0; i < length; i++) {
        if (bytes[start + i] !== previous[i]) {
          same = false;
          break;
        }
      }
      if (same) {
        this.labelCounts[this.previousLabelCode]++;
        return this.previousLabelCode;
      }
    }

    const name = this.decodeText(bytes, start, end, fileOffset, "label").trim();
    if (name === "") {
      throw new SyntaxError(
        `csv: empty label; every row needs a value in the "Label" column; in ${this.file}, line ${this.line}. ` +
          "Fill in the label or remove the row.",
      );
    }
    let code = this.labelCodes.get(name);
    if (code === undefined) {
      code = this.labelNames.length;
      this.labelCodes.set(name, code);
      this.labelNames.push(name);
      this.labelCounts.push(0);
      if (name.includes("\uFFFD")) {
        this.warnings.push({
          file: this.file,
          line: this.line,
          message:
            `csv: label ${JSON.stringify(name)} in ${this.file}, line ${this.line}, contains U+FFFD as stored in the file; ` +
            "an earlier tool probably decoded it with the wrong encoding. Restore the label from the original file.",
        });
      }
    }
    if (this.previousLabel.length < length) this.previousLabel = new Uint8Array(length * 2);
    this.previousLabel.set(bytes.subarray(start, end));
    this.previousLabelLength = length;
    this.previousLabelCode = code;
    this.labelCounts[code]++;
    return code;
  }

  /** Decodes text in the chosen encoding, after rejecting invalid bytes in UTF-8 mode. */
  private decodeText(bytes: Uint8Array, start: number, end: number, fileOffset: number, what: string): string {
    if (this.encoding === "utf-8") this.checkUtf8(bytes, start, end, fileOffset, what);
    return this.decode(bytes.subarray(start, end));
  }

  /**
   * Raises a SyntaxError at the first invalid UTF-8 sequence in
   * `bytes[start, end)`. `fileOffset` is the file offset of `bytes[0]`, or
   * -1 for an unescaped copy of a quoted field, whose offset is then not reported.
   */
  private checkUtf8(bytes: Uint8Array, start: number, end: number, fileOffset: number, what = "field"): void {
    const bad = findInvalidUtf8(bytes, start, end);
    if (bad < 0) return;
    const where = fileOffset >= 0 ? `, byte offset ${fileOffset + bad}` : "";
    throw new SyntaxError(
      `csv: invalid UTF-8 byte 0x${bytes[bad].toString(16).padStart(2, "0")} in a ${what}; ` +
        `in ${this.file}, line ${this.line + this.rowLineBreaks}${where}. ` +
        'If the file was saved by a Windows tool, read it as windows-1252 (flowguard --encoding windows-1252, ' +
          'or the encoding option of readCsv); otherwise the file may not be a text file at all.',
    );
  }

}

/** One storage block: feature columns as float32 bits, labels and line numbers. */
interface Block {
  columns: Int32Array[];
  labels: Int32Array;
  lineNumbers: Uint32Array;
}

/**
 * Row storage in fixed-size column blocks, so that growing never copies
 * earlier rows. The parser writes each row into a small row-major stage,
 * which `commitRow` transposes into the column blocks every STAGE_ROWS rows.
 * Writing straight into ~80 columns would touch ~80 cache lines per row,
 * more streams than the CPU prefetches. Columns are kept as
 * the float32 bits in Int32Arrays so the transpose copies integers.
 * `toArrays` copies each column once into an array of the exact length and
 * releases the column's blocks as it goes, so the peak is the data plus one column.
 */
class RowBlocks {
  /** Row-major values of the rows since the last transpose: `stage[(row - stageStart) * featureCount + feature]`. */
  readonly stage: Float32Array;
  /** Next free row in the block being filled. */
  row = 0;
  /** Block row of the stage's first row. */
  stageStart = 0;
  /** The block being filled; the parser writes `labels` and `lineNumbers` directly. */
  block: Block;
  private readonly stageBits: Int32Array;
  private readonly featureCount: number;
  private readonly full: Block[] = [];

  constructor(featureCount: number) {
    this.featureCount = featureCount;
    this.stage = new Float32Array(STAGE_ROWS * featureCount);
    this.stageBits = new Int32Array(this.stage.buffer);
    this.block = newBlock(featureCount);
  }

  /** Keeps the row just written to the stage at `row`. */
  commitRow(): void {
    this.row++;
    if (this.row - this.stageStart === STAGE_ROWS) this.flushStage();
  }

  /** Transposes the staged rows into the column block, and starts a new block when this one is full. */
  private flushStage(): void {
    const stage = this.stageBits;
    const featureCount = this.featureCount;
    const start = this.stageStart;
    const count = this.row - start;
    for (let j = 0; j < featureCount; j++) {
      const column = this.block.columns[j];
      for (let r = 0, k = j; r < count; r++, k += featureCount) column[start + r] = stage[k];
    }
    this.stageStart = this.row;
    if (this.row === BLOCK_ROWS) {
      this.full.push(this.block);
      this.block = newBlock(featureCount);
      this.row = 0;
      this.stageStart = 0;
    }
  }

  toArrays(): { columns: Float32Array[]; labels: Int32Array; lineNumbers: Uint32Array } {
    this.flushStage();
    const blocks = [...this.full, this.block];
    const lengths = blocks.map((_, b) => (b === blocks.length - 1 ? this.row : BLOCK_ROWS));
    const n = this.full.length * BLOCK_ROWS + this.row;
    const gather = <T extends Int32Array | Uint32Array>(out: T, part: (block: Block) => T): T => {
      let offset = 0;
      blocks.forEach((block, b) => {
        out.set(part(block).subarray(0, lengths[b]), offset);
        offset += lengths[b];
      });
      return out;
    };

    const released = new Int32Array(0);
    const columns: Float32Array[] = [];
    for (let j = 0; j < this.featureCount; j++) {
      const bits = gather(new Int32Array(n), (block) => block.columns[j]);
      for (const block of blocks) block.columns[j] = released;
      columns.push(new Float32Array(bits.buffer));
    }
    const labels = gather(new Int32Array(n), (block) => block.labels);
    const lineNumbers = gather(new Uint32Array(n), (block) => block.lineNumbers);
    return { columns, labels, lineNumbers };
  }
}

function newBlock(featureCount: number): Block {
  return {
    columns: Array.from({ length: featureCount }, () => new Int32Array(BLOCK_ROWS)),
    labels: new Int32Array(BLOCK_ROWS),
    lineNumbers: new Uint32Array(BLOCK_ROWS),
  };
}

function columnKind(role: ColumnRole): number {
  if (role.kind === "feature") return role.feature;
  return role.kind === "label" ? KIND_LABEL : KIND_IDENTIFIER;
}

/** Returns whether `buf[p]` ends a field: a comma, LF, or CR followed by LF. */
function isTerminator(buf: Uint8Array, p: number): boolean {
  const b = buf[p];
  return b === COMMA || b === LF || (b === CR && buf[p + 1] === LF);
}

/** Returns the position of the terminator of the unquoted field starting at `p`. */
function scanField(buf: Uint8Array, p: number): number {
  while (!isTerminator(buf, p)) p++;
  return p;
}

/** Returns the number of fields of the row starting at `p`, honouring quotes; the row must end with LF. */
function countFields(buf: Uint8Array, p: number): number {
  let count = 1;
  let quoted = false;
  for (;; p++) {
    const b = buf[p];
    if (b === QUOTE) quoted = !quoted;
    else if (!quoted && b === COMMA) count++;
    else if (!quoted && b === LF) return count;
  }
}

/** Code points of the bytes 0x80 to 0x9F in windows-1252, from the WHATWG Encoding Standard's index. */
const WINDOWS_1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

/**
 * Decodes windows-1252 bytes with a table. TextDecoder("windows-1252") in
 * Node 20.20 decodes 0x80 to 0x9F as Latin-1 control characters, so the en
 * dash 0x96 comes out as U+0096 there. The table gives the same text in
 * every runtime.
 */
function decodeWindows1252(bytes: Uint8Array): string {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b >= 0x80 && b <= 0x9f ? WINDOWS_1252_HIGH[b - 0x80] : b);
  return text;
}

/** Returns the bytes as a string of the same character codes; for ASCII text only. */
function asciiText(buf: Uint8Array, start: number, end: number): string {
  return String.fromCharCode.apply(null, buf.subarray(start, end) as unknown as number[]);
}

function quoteForMessage(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

/**
 * Returns the index of the first byte of the first invalid UTF-8 sequence in
 * `bytes[start, end)`, or -1. Overlong forms, surrogates and code points
 * above U+10FFFF are invalid, as in the WHATWG decoder.
 */
export function findInvalidUtf8(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lower = 0x80;
    let upper = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lower = 0xa0;
      if (b === 0xed) upper = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lower = 0x90;
      if (b === 0xf4) upper = 0x8f;
    } else {
      return i;
    }
    for (let k = 1; k <= need; k++) {
      const c = i + k < end ? bytes[i + k] : -1;
      if (c < lower || c > upper) return i;
      lower = 0x80;
      upper = 0xbf;
    }
    i += need + 1;
  }
  return -1;
}
