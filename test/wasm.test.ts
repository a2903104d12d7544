import { describe, expect, it } from "vitest";
import { Matrix } from "../src/wasm.ts";
import { loadCore } from "./support/platform.ts";

describe("wasm core", () => {
  it("uploads a column-major matrix", async () => {
    const core = await loadCore();
    const matrix = Matrix.upload(core, [new Float32Array([1, 2, 3]), new Float32Array([4, 5, 6])], 3);
    expect(Array.from(matrix.column(1))).toEqual([4, 5, 6]);
    expect(() => Matrix.upload(core, [new Float32Array(2)], 3)).toThrow(/column 0 has 2 rows, expected 3/);
    matrix.free();
  });

  it("allocates blocks beyond the allocator's limit", async () => {
    // Blocks of 256 MiB or more get pages of their own; a freed one is reused.
    const core = await loadCore();
    const bytes = 256 * 1024 * 1024 + 4096;
    const ptr = core.alloc(bytes);
    const block = new Uint8Array(core.exports.memory.buffer, ptr, bytes);
    block[0] = 7;
    block[bytes - 1] = 9;
    expect(block[bytes - 1]).toBe(9);
    const small = core.alloc(64);
    expect(small < ptr || small >= ptr + bytes).toBe(true);
    core.free(ptr);
    expect(core.alloc(bytes - 4096)).toBe(ptr);
    core.free(ptr);
    core.free(small);
  });
});
