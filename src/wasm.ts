/**
 * The boundary to the WebAssembly core: instantiation through
 * AssemblyScript's own raw bindings, allocation in linear memory and typed
 * views onto it. A dataset is copied into linear memory once (`uploadMatrix`)
 * and every kernel then receives pointers, so no large array is copied per
 * call.
 */
import { instantiate } from "../dist/flowguard.js";

/** Exports of the compiled core; kernels take byte offsets into `memory`. */
// deno-lint-ignore no-explicit-any
export type CoreExports = { memory: WebAssembly.Memory; alloc(bytes: number): number; release(ptr: number): void } & Record<string, any>;

/** A block of linear memory owned by the TypeScript side. */
export interface Allocation {
  ptr: number;
  bytes: number;
}

/** Instantiated core with helpers for memory that outlives a single call. */
export class Core {
  readonly exports: CoreExports;

  private constructor(exports: CoreExports) {
    this.exports = exports;
  }

  /** Instantiates the core from a compiled module (each runtime compiles the .wasm its own way). */
  static async create(module: WebAssembly.Module): Promise<Core> {
    const exports = (await instantiate(module, { env: {} })) as unknown as CoreExports;
    return new Core(exports);
  }

  /** Allocates `bytes` bytes (at least 16) and returns the pointer; throws when memory cannot grow. */
  alloc(bytes: number): number {
    const ptr = this.exports.alloc(Math.max(16, bytes)) >>> 0;
    if (ptr === 0) throw new RangeError(`wasm: could not allocate ${bytes} bytes of linear memory`);
    return ptr;
  }

  /** Frees a pointer returned by `alloc`. */
  free(ptr: number): void {
    if (ptr !== 0) this.exports.release(ptr);
  }

  /** Returns a Float32Array view of `length` elements at `ptr`; views die when memory grows, so take them late. */
  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.exports.memory.buffer, ptr, length);
  }

  /** Returns a Float64Array view of `length` elements at `ptr`. */
  f64(ptr: number, length: number): Float64Array {
    return new Float64Array(this.exports.memory.buffer, ptr, length);
  }

  /** Returns an Int32Array view of `length` elements at `ptr`. */
  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.exports.memory.buffer, ptr, length);
  }

  /** Returns a Uint32Array view of `length` elements at `ptr`. */
  u32(ptr: number, length: number): Uint32Array {
    return new Uint32Array(this.exports.memory.buffer, ptr, length);
  }

  /** Copies `values` into newly allocated memory and returns the pointer. */
  copyF64(values: ArrayLike<number>): number {
    const ptr = this.alloc(values.length * 8);
    this.f64(ptr, values.length).set(values);
    return ptr;
  }

  /** Copies `values` into newly allocated memory and returns the pointer. */
  copyI32(values: ArrayLike<number>): number {
    const ptr = this.alloc(values.length * 4);
    this.i32(ptr, values.length).set(values);
    return ptr;
  }
}

/**
 * A feature matrix in linear memory, column-major float32:
 * feature `j` of row `i` is at `ptr + 4 * (j * rows + i)`.
 */
export class Matrix {
  constructor(
    readonly core: Core,
    readonly ptr: number,
    readonly rows: number,
    readonly cols: number,
  ) {}

  /** Copies the columns into linear memory once; every model trained or evaluated on them shares the copy. */
  static upload(core: Core, columns: readonly Float32Array[], rows: number): Matrix {
    const ptr = core.alloc(rows * columns.length * 4);
    for (let j = 0; j < columns.length; j++) {
      const column = columns[j];
      if (column.length !== rows) {
        throw new RangeError(`wasm: column ${j} has ${column.length} rows, expected ${rows}`);
      }
      core.f32(ptr + j * rows * 4, rows).set(column);
    }
    return new Matrix(core, ptr, rows, columns.length);
  }

  /** Allocates an uninitialised rows × cols matrix, to be filled column by column through `column(j)`. */
  static allocate(core: Core, rows: number, cols: number): Matrix {
    return new Matrix(core, core.alloc(rows * cols * 4), rows, cols);
  }

  /**
   * Keeps only the columns at `indices` (ascending), moving them down inside
   * linear memory, and returns the narrower matrix over the same block; this
   * matrix must not be used afterwards.
   */
  keepColumns(indices: readonly number[]): Matrix {
    const all = new Float32Array(this.core.exports.memory.buffer);
    const base = this.ptr / 4;
    indices.forEach((from, to) => {
      if (to > 0 && from <= indices[to - 1]) throw new RangeError("wasm: column indices must be ascending");
      if (from !== to) all.copyWithin(base + to * this.rows, base + from * this.rows, base + (from + 1) * this.rows);
    });
    return new Matrix(this.core, this.ptr, this.rows, indices.length);
  }

  /** Returns a view of column `j` (valid until linear memory grows). */
  column(j: number): Float32Array {
    return this.core.f32(this.ptr + j * this.rows * 4, this.rows);
  }

  /** Frees the matrix; it must not be used afterwards. */
  free(): void {
    this.core.free(this.ptr);
  }
}

/** Class indices (0-based, int32) in linear memory, one per row. */
export class LabelVector {
  constructor(
    readonly core: Core,
    readonly ptr: number,
    readonly length: number,
    readonly classCount: number,
  ) {}

  /** Copies class indices into linear memory; every value must lie in [0, classCount). */
  static upload(core: Core, classIndices: Int32Array, classCount: number): LabelVector {
    for (let i = 0; i < classIndices.length; i++) {
      const c = classIndices[i];
      if (c < 0 || c >= classCount) throw new RangeError(`wasm: class index ${c} at row ${i} is outside [0, ${classCount})`);
    }
    return new LabelVector(core, core.copyI32(classIndices), classIndices.length, classCount);
  }

  /** Frees the vector. */
  free(): void {
    this.core.free(this.ptr);
  }
}
