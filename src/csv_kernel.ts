/**
 * The CSV reader's fast path in the WebAssembly core (assembly/csv.ts).
 * While a parser uses a kernel, its staging rows live in linear memory:
 * the core parses plain rows straight into them, and the parser's own loop
 * reads every other row into the same place. Tables are the same with and
 * without a kernel.
 */
import type { Core } from "./wasm.ts";

/** Bytes allocated after the input, which the core's 8-byte word test may read. */
const INPUT_SLACK = 16;

/** Largest stop position passed to the core; a range without an end stops there. */
const NO_STOP = 0x7fff_ffff;

export class CsvKernel {
  private readonly core: Core;
  private readonly kinds: number;
  private readonly stagePtr: number;
  private readonly labelsPtr: number;
  private readonly fixupsPtr: number;
  private readonly stageLength: number;
  private readonly columnCount: number;
  private readonly featureCount: number;
  private input = 0;
  private inputCapacity = 0;

  /**
   * Allocates the kernel's memory in `core`: `kinds` (per column, the
   * feature index or a negative kind) and `stageRows` staging rows of
   * `featureCount` float32 values.
   */
  constructor(core: Core, kinds: Int32Array, featureCount: number, stageRows: number) {
    this.core = core;
    this.columnCount = kinds.length;
    this.featureCount = featureCount;
    this.stageLength = stageRows * featureCount;
    this.kinds = core.alloc(kinds.byteLength);
    core.i32(this.kinds, kinds.length).set(kinds);
    this.stagePtr = core.alloc(this.stageLength * 4);
    this.labelsPtr = core.alloc(stageRows * 8);
    this.fixupsPtr = core.alloc(this.stageLength * 12);
  }

  /** Copies `bytes` into linear memory for the `parse` calls that follow. */
  load(bytes: Uint8Array): void {
    if (bytes.length > this.inputCapacity) {
      this.core.free(this.input);
      this.inputCapacity = Math.max(bytes.length, this.inputCapacity * 2, 1 << 16);
      // The core compares up to 8 bytes at once ("Infinity"), so it may read a few bytes past the end.
      this.input = this.core.alloc(this.inputCapacity + INPUT_SLACK);
    }
    new Uint8Array(this.core.exports.memory.buffer, this.input, bytes.length).set(bytes);
  }

  /** Returns the staging rows. A view is detached when linear memory grows, so take it again after `load`. */
  stage(): Float32Array {
    return this.core.f32(this.stagePtr, this.stageLength);
  }

  /**
   * Parses up to `maxRows` plain rows of the loaded bytes from `pos` into
   * staging rows from `stageRow` on, and returns how many it parsed.
   * csvParseRows in assembly/csv.ts lists where it stops.
   */
  parse(pos: number, end: number, stopAt: number, maxRows: number, stageRow: number, headerFirst: number): number {
    return this.core.exports.csvParseRows(
      this.input,
      pos,
      end,
      Math.min(stopAt, NO_STOP),
      maxRows,
      this.kinds,
      this.columnCount,
      this.stagePtr,
      this.featureCount,
      stageRow,
      headerFirst,
      this.labelsPtr,
      this.fixupsPtr,
    );
  }

  /** Returns the position after the last row the last `parse` read. */
  position(): number {
    return this.core.exports.csvPosition();
  }

  /** Returns the start and end of the label field of each of the `rows` rows the last `parse` read, as pairs. */
  labels(rows: number): Int32Array {
    return this.core.i32(this.labelsPtr, rows * 2);
  }

  /**
   * Returns the numbers the last `parse` left for Number(): per number, its
   * index in the staging rows, then the start and end of its text.
   */
  fixups(): Int32Array {
    return this.core.i32(this.fixupsPtr, this.core.exports.csvFixupCount() * 3);
  }

  /** Frees the kernel's memory. */
  dispose(): void {
    this.core.free(this.input);
    this.core.free(this.kinds);
    this.core.free(this.stagePtr);
    this.core.free(this.labelsPtr);
    this.core.free(this.fixupsPtr);
    this.input = 0;
    this.inputCapacity = 0;
  }
}
