/**
 * The CSV parser behind `readCsv` (csv.ts): bytes go straight from chunks
 * into float32 column blocks in one pass. Numbers are parsed from bytes,
 * identifier columns are skipped unread, and labels are decoded only when
 * they change from one row to the next. A parser reads a whole file, or,
 * on a worker, the rows of one byte range of a file whose header it is given.
 */
import { planHeader, type ColumnRole, type HeaderPlan } from "./columns.ts";
import { CsvKernel } from "./csv_kernel.ts";
import type { Core } from "./wasm.ts";
import { CANONICAL_NAN_BITS, columnMultipliers, finalizeHash, NEGATIVE_ZERO_BITS, rememberRowHashes } from "./row_hash.ts";
import { markFiniteColumn, type FlowTable, type LoadWarning, type SkippedRows } from "./table.ts";

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
/** Exponent bits of a float32; all set for NaN and ±Infinity. */
const EXPONENT_BITS = 0x7f800000;
/** Rows staged row-major before a transpose. 64 rows of 80 features take 20 KB, which fits a typical L1 data cache. BLOCK_ROWS must be a multiple. */
const STAGE_ROWS = 64;

/** The header line of a file, as the parser that read it hands it to the parsers of the file's ranges. */
export interface CsvHeader {
  /** Column names as written, decoded. */
  names: string[];
  /** The line's bytes, without BOM and line end; a row equal to them is a repeated header. */
  bytes: Uint8Array;
  /** File offset of the first byte after the header line's end. */
  end: number;
  /** Lines the header takes (more than 1 when a quoted name contains a line break). */
  lines: number;
}

/**
 * A warning as the parser records it. Its message is written when the table
 * is built, because a range's parser does not know the file's line numbers.
 */
export type ParserNote = { kind: "repeatedHeader"; line: number } | { kind: "replacementLabel"; line: number; label: string };

/**
 * The rows that one parser read, in storage blocks, with line numbers
 * counted from its first line (1). A worker sends this back for its range.
 */
export interface ParsedRows {
  blocks: Block[];
  rowCount: number;
  /** Label names in order of first appearance; `blocks[].labels` hold indices into it. */
  labelNames: string[];
  labelCounts: number[];
  skipped: SkippedRows;
  notes: ParserNote[];
  /** Lines read, rows and skipped lines together. */
  lines: number;
  /** File offset of the first line read. */
  start: number;
  /** File offset after the last line read: where the next range must start. */
  stop: number;
  /** Per feature, 1 when some row has NaN or ±Infinity there. */
  nonFinite: Uint8Array;
}

/**
 * Incremental parser: `push` takes chunks; `finish` returns the table, or
 * `finishRows` the rows alone. A whole-file parser starts at byte 0 with
 * the header. A range parser (`CsvParser.forRange`) gets the header, starts
 * at a line start and stops at the first line that starts at or after its
 * stop offset.
 */
export class CsvParser {
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
  private headerBytes: Uint8Array = new Uint8Array(0);
  private headerNames: string[] = [];

  private rows = new RowBlocks(0);
  /** The core given to the constructor, and the fast path made in it once the header is known. */
  private readonly core: Core | undefined;
  private kernel: CsvKernel | undefined;

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
  private readonly notes: ParserNote[] = [];

  /** File offset of the first byte given to this parser. */
  private start = 0;
  /** A line starting at or after this file offset is left to the next range. */
  private stopAt = Infinity;
  /** Set when a line at or after `stopAt` was reached; later chunks are ignored. */
  stopped = false;
  /** When true, parsing stops after the header line, which `header` then describes. */
  private headerOnly = false;
  header: CsvHeader | undefined;

  /** With a `core`, plain rows are parsed in WebAssembly (csv_kernel.ts); the table is the same. */
  constructor(file: string, encoding: "utf-8" | "windows-1252", strict: boolean, core?: Core) {
    this.file = file;
    this.core = core;
    this.encoding = encoding;
    this.strict = strict;
    if (encoding === "utf-8") {
      const decoder = new TextDecoder("utf-8");
      this.decode = (bytes) => decoder.decode(bytes);
    } else {
      this.decode = decodeWindows1252;
    }
  }

  /**
   * Returns a parser for the rows of one range of a file. `start` is the
   * file offset of a line start, where the first chunk pushed begins. Rows
   * from the first line starting at or after `stopAt` on are left out.
   */
  static forRange(
    file: string,
    encoding: "utf-8" | "windows-1252",
    strict: boolean,
    header: Pick<CsvHeader, "names" | "bytes">,
    start: number,
    stopAt: number,
    core?: Core,
  ): CsvParser {
    const parser = new CsvParser(file, encoding, strict, core);
    parser.usePlan(planHeader(header.names, file, "csv"));
    parser.headerBytes = header.bytes;
    parser.start = start;
    parser.bufferOffset = start;
    parser.stopAt = stopAt;
    return parser;
  }

  /** Returns a parser that reads the header line only, into `header`; for the reader that then splits the file. */
  static forHeader(file: string, encoding: "utf-8" | "windows-1252", strict: boolean): CsvParser {
    const parser = new CsvParser(file, encoding, strict);
    parser.headerOnly = true;
    return parser;
  }

  push(chunk: Uint8Array): void {
    if (this.stopped || this.header) return;
    this.append(chunk);
    this.parse(false);
  }

  /** Ends the input and returns the whole file's table. */
  finish(): FlowTable {
    const rows = this.finishRows();
    return buildTable(this.file, this.planOrThrow(), [rows], [0]);
  }

  /** Ends the input (unless the parser stopped at its range end) and returns the rows read. */
  finishRows(): ParsedRows {
    if (!this.stopped) this.parse(true);
    this.planOrThrow();
    const { blocks, rowCount, nonFinite } = this.rows.close();
    return {
      blocks,
      rowCount,
      labelNames: [...this.labelNames],
      labelCounts: [...this.labelCounts],
      skipped: { ...this.skipped },
      notes: [...this.notes],
      lines: this.line - 1,
      start: this.start,
      stop: this.bufferOffset,
      nonFinite,
    };
  }

  /** Returns the header plan; throws when the input ended before a header line. */
  planOrThrow(): HeaderPlan {
    if (!this.plan) throw new SyntaxError(`csv: no header line in ${this.file}; the file is empty. Load a CSV file with a header.`);
    return this.plan;
  }

  private usePlan(plan: HeaderPlan): void {
    this.plan = plan;
    this.kinds = new Int32Array(plan.roles.map(columnKind));
    const featureCount = plan.featureNames.length;
    // Without features every field is an identifier, and the kernel could not tell an empty row.
    if (this.core && featureCount > 0 && !this.headerOnly) {
      this.kernel = new CsvKernel(this.core, this.kinds, featureCount, STAGE_ROWS);
      this.rows = new RowBlocks(featureCount, this.kernel.stage());
    } else {
      this.rows = new RowBlocks(featureCount);
    }
  }

  /** Frees the kernel's memory in the core; call it once the rows are taken or the read failed. */
  dispose(): void {
    this.kernel?.dispose();
    this.kernel = undefined;
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
      if (this.headerOnly) {
        this.header = { names: this.headerNames, bytes: this.headerBytes, end: this.bufferOffset + pos, lines: this.line - 1 };
        return;
      }
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

    this.usePlan(planHeader(rawNames, this.file, "csv"));
    this.headerNames = rawNames;
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

    const stopAt = this.stopAt - this.bufferOffset;
    const kernel = this.kernel;
    if (kernel) {
      // The byte at `end` goes too: at the end of input it is the LF sentinel.
      kernel.load(buf.subarray(0, end + 1));
      this.rows.useStage(kernel.stage());
    }
    while (pos < end) {
      if (pos >= stopAt) {
        this.stopped = true;
        return pos;
      }
      if (kernel) {
        const rows = this.rows;
        const stageRow = rows.row - rows.stageStart;
        const count = kernel.parse(pos, end, stopAt, STAGE_ROWS - stageRow, stageRow, headerFirst);
        if (count > 0) {
          // Numbers beyond the fast form, converted as the parser's own loop converts them.
          const fixups = kernel.fixups();
          const stage = rows.stage;
          for (let f = 0; f < fixups.length; f += 3) stage[fixups[f]] = Number(asciiText(buf, fixups[f + 1], fixups[f + 2]));
          const labels = kernel.labels(count);
          for (let i = 0; i < count; i++) {
            const row = rows.row;
            rows.block.labels[row] = this.labelCode(buf, labels[2 * i], labels[2 * i + 1], this.bufferOffset);
            rows.block.lineNumbers[row] = this.line++;
            rows.commitRow();
          }
          pos = kernel.position();
          continue;
        }
      }
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
    this.notes.push({ kind: "repeatedHeader", line: this.line });
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
      `csv: row has ${fieldCount} ${fieldCount === 1 ? "field" : "fields"} but the header has ${this.kinds.length}; in ${this.file}, line ${this.line}. ` +
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
      if (name.includes("\uFFFD")) this.notes.push({ kind: "replacementLabel", line: this.line, label: name });
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

/** One storage block: feature columns as float32 bits, labels, line numbers and row hashes (row_hash.ts). */
export interface Block {
  columns: Int32Array[];
  labels: Int32Array;
  lineNumbers: Uint32Array;
  hashes: Int32Array;
}

/**
 * Row storage in fixed-size column blocks, so that growing never copies
 * earlier rows. The parser writes each row into a small row-major stage,
 * which `commitRow` transposes into the column blocks every STAGE_ROWS rows.
 * Writing straight into ~80 columns would touch ~80 cache lines per row,
 * more streams than the CPU prefetches. Columns are kept as
 * the float32 bits in Int32Arrays so the transpose copies integers.
 * `buildTable` gathers the blocks into one array per column.
 */
class RowBlocks {
  /** Row-major values of the rows since the last transpose: `stage[(row - stageStart) * featureCount + feature]`. */
  stage: Float32Array;
  /** Next free row in the block being filled. */
  row = 0;
  /** Block row of the stage's first row. */
  stageStart = 0;
  /** The block being filled; the parser writes `labels` and `lineNumbers` directly. */
  block: Block;
  private stageBits: Int32Array;
  private readonly featureCount: number;
  /** Per feature, 1 once a NaN or ±Infinity went through the stage. */
  private readonly nonFinite: Uint8Array;
  private readonly multipliers: Int32Array;
  private readonly full: Block[] = [];

  /** `stage`, when given, is the memory of the staging rows (STAGE_ROWS × featureCount values), as in a CsvKernel. */
  constructor(featureCount: number, stage: Float32Array = new Float32Array(STAGE_ROWS * featureCount)) {
    this.featureCount = featureCount;
    this.stage = stage;
    this.stageBits = new Int32Array(stage.buffer, stage.byteOffset, stage.length);
    this.nonFinite = new Uint8Array(featureCount);
    this.multipliers = columnMultipliers(featureCount);
    this.block = newBlock(featureCount);
  }

  /** Points at the staging rows through a new view of the same memory, after linear memory grew. */
  useStage(stage: Float32Array): void {
    this.stage = stage;
    this.stageBits = new Int32Array(stage.buffer, stage.byteOffset, stage.length);
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
    // Row hashes while the staged rows are in the cache; dedupe.ts would otherwise read every column again.
    hashStagedRows(stage, count, featureCount, this.multipliers, this.block.hashes, start);
    for (let j = 0; j < featureCount; j++) {
      const column = this.block.columns[j];
      let special = 0;
      for (let r = 0, k = j; r < count; r++, k += featureCount) {
        const bits = stage[k];
        column[start + r] = bits;
        // An all-ones exponent is NaN or ±Infinity.
        if ((bits & EXPONENT_BITS) === EXPONENT_BITS) special = 1;
      }
      if (special) this.nonFinite[j] = 1;
    }
    this.stageStart = this.row;
    if (this.row === BLOCK_ROWS) {
      this.full.push(this.block);
      this.block = newBlock(featureCount);
      this.row = 0;
      this.stageStart = 0;
    }
  }

  /** Transposes the last staged rows and returns the blocks; the last one holds `rowCount % BLOCK_ROWS` rows, unless full. */
  close(): { blocks: Block[]; rowCount: number; nonFinite: Uint8Array } {
    this.flushStage();
    return { blocks: [...this.full, this.block], rowCount: this.full.length * BLOCK_ROWS + this.row, nonFinite: this.nonFinite.slice() };
  }
}

/**
 * Builds the table of a file from the rows of its ranges, in file order.
 * `lineBases[k]` is the file line just before range k's first line. Label
 * indices are mapped to one list in order of first appearance, line numbers
 * shifted, and the warnings written. Each column is copied once into an
 * array of the exact length, and its blocks are released as it goes, so the
 * peak is the data plus one column.
 */
export function buildTable(file: string, plan: HeaderPlan, parts: readonly ParsedRows[], lineBases: readonly number[]): FlowTable {
  const labelNames: string[] = [];
  const codes = new Map<string, number>();
  const rawLabels = new Map<string, number>();
  const skipped: SkippedRows = { repeatedHeader: 0, emptyRow: 0 };
  const warnings: LoadWarning[] = [...plan.warnings];
  const maps = parts.map((part, k) => {
    // A range's notes are read before its labels join the list, so a label new to the file is reported once.
    for (const note of part.notes) {
      const line = note.line + lineBases[k];
      if (note.kind === "repeatedHeader") {
        warnings.push({ file, line, message: `csv: skipped a repeated header line in ${file}, line ${line}.` });
      } else if (!codes.has(note.label)) {
        warnings.push({
          file,
          line,
          message:
            `csv: label ${JSON.stringify(note.label)} in ${file}, line ${line}, contains U+FFFD as stored in the file; ` +
            "an earlier tool probably decoded it with the wrong encoding. Restore the label from the original file.",
        });
      }
    }
    skipped.repeatedHeader += part.skipped.repeatedHeader;
    skipped.emptyRow += part.skipped.emptyRow;
    return Int32Array.from(part.labelNames, (name, code) => {
      let global = codes.get(name);
      if (global === undefined) {
        global = labelNames.length;
        codes.set(name, global);
        labelNames.push(name);
      }
      rawLabels.set(name, (rawLabels.get(name) ?? 0) + part.labelCounts[code]);
      return global;
    });
  });
  const n = parts.reduce((sum, part) => sum + part.rowCount, 0);
  const pieces = parts.flatMap((part, k) =>
    part.blocks.map((block, b) => ({ block, k, rows: Math.min(BLOCK_ROWS, part.rowCount - b * BLOCK_ROWS) })),
  );
  const released = new Int32Array(0);
  const columns: Float32Array[] = [];
  for (let j = 0; j < plan.featureNames.length; j++) {
    const bits = new Int32Array(n);
    let offset = 0;
    for (const piece of pieces) {
      bits.set(piece.block.columns[j].subarray(0, piece.rows), offset);
      releaseBlockArray(piece.block.columns[j]);
      piece.block.columns[j] = released;
      offset += piece.rows;
    }
    const column = new Float32Array(bits.buffer);
    if (parts.every((part) => part.nonFinite[j] === 0)) markFiniteColumn(column);
    columns.push(column);
  }
  const labels = new Int32Array(n);
  const lineNumbers = new Uint32Array(n);
  const hashes = new Int32Array(n);
  let offset = 0;
  for (const { block, k, rows } of pieces) {
    const map = maps[k];
    const base = lineBases[k];
    for (let i = 0; i < rows; i++) {
      labels[offset + i] = map[block.labels[i]];
      lineNumbers[offset + i] = block.lineNumbers[i] + base;
    }
    hashes.set(block.hashes.subarray(0, rows), offset);
    releaseBlockArray(block.labels);
    releaseBlockArray(block.lineNumbers);
    releaseBlockArray(block.hashes);
    offset += rows;
  }
  rememberRowHashes(columns, hashes);

  return {
    featureNames: plan.featureNames,
    columns,
    labels,
    labelNames,
    fileIndex: new Uint16Array(n),
    lineNumbers,
    rowCount: n,
    sources: [{ file, firstRow: 0, rowCount: n, rawLabels, header: plan.names }],
    droppedColumns: plan.droppedColumns,
    skipped,
    warnings,
  };
}

/** Writes the hash (row_hash.ts) of each of the `count` staged rows to `hashes`, from `start` on. */
function hashStagedRows(stage: Int32Array, count: number, featureCount: number, multipliers: Int32Array, hashes: Int32Array, start: number): void {
  for (let r = 0, k = 0; r < count; r++) {
    let h = 0;
    for (let j = 0; j < featureCount; j++, k++) {
      let bits = stage[k];
      // canonicalBits (row_hash.ts) written out, as V8 may not inline it in this loop.
      if ((bits & 0x7fff_ffff) > 0x7f80_0000) bits = CANONICAL_NAN_BITS;
      else if (bits === NEGATIVE_ZERO_BITS) bits = 0;
      h = (h + Math.imul(bits, multipliers[j])) | 0;
    }
    hashes[start + r] = finalizeHash(h);
  }
}

function newBlock(featureCount: number): Block {
  return {
    columns: Array.from({ length: featureCount }, () => new Int32Array(blockBuffer())),
    labels: new Int32Array(blockBuffer()),
    lineNumbers: new Uint32Array(blockBuffer()),
    hashes: new Int32Array(blockBuffer()),
  };
}

/** An ArrayBuffer with room for one block's values of one array. */
type BlockBuffer = ArrayBuffer & { readonly resizable?: boolean; resize?(byteLength: number): void };

/**
 * Returns the memory of one array of a block. It is a resizable ArrayBuffer
 * where the runtime has them, so that `buildTable` can hand the memory back
 * as soon as it has copied it (see releaseBlockArray). The blocks and the
 * table's columns then need not both be held until the next garbage
 * collection. A runtime without resizable buffers ignores the option.
 */
function blockBuffer(): ArrayBuffer {
  const bytes = BLOCK_ROWS * 4;
  return new (ArrayBuffer as new (byteLength: number, options: { maxByteLength: number }) => ArrayBuffer)(bytes, { maxByteLength: bytes });
}

/**
 * Shrinks a copied block array's buffer to 0 bytes, so the array has length
 * 0. Node and Deno return the pages to the system at once (measured with
 * 10 MiB buffers). Bun keeps them until garbage collection.
 */
function releaseBlockArray(array: Int32Array | Uint32Array): void {
  const buffer = array.buffer as BlockBuffer;
  if (buffer.resizable) buffer.resize!(0);
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
