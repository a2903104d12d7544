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
});
