import { describe, expect, it } from "vitest";
import { confusionMatrix } from "../src/confusion.ts";
import { LabelVector } from "../src/wasm.ts";
import { loadCore } from "./support/platform.ts";

describe("confusionMatrix", () => {
  it("counts true classes by row", async () => {
    const core = await loadCore();
    const yTrue = LabelVector.upload(core, new Int32Array([0, 0, 1, 2, 2, 2]), 3);
    const counts = confusionMatrix(core, yTrue, new Int32Array([0, 1, 1, 2, 0, 2]), 3);
    expect(counts).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [1, 0, 2],
    ]);
    yTrue.free();
  });

  it("accepts a pointer to true classes", async () => {
    const core = await loadCore();
    const ptr = core.copyI32([1, 1, 0]);
    expect(confusionMatrix(core, ptr, new Int32Array([1, 0, 0]), 2)).toEqual([
      [1, 0],
      [1, 1],
    ]);
    core.free(ptr);
  });

  it("sums to the row count on many rows", async () => {
    const core = await loadCore();
    const rows = 100_000;
    const truth = Int32Array.from({ length: rows }, (_, i) => i % 7);
    const predicted = Int32Array.from({ length: rows }, (_, i) => (i * 31) % 7);
    const yTrue = LabelVector.upload(core, truth, 7);
    const counts = confusionMatrix(core, yTrue, predicted, 7);
    expect(counts.flat().reduce((a, b) => a + b, 0)).toBe(rows);
    expect(counts.map((row) => row.reduce((a, b) => a + b, 0))).toEqual([0, 1, 2, 3, 4, 5, 6].map((c) => truth.filter((t) => t === c).length));
    yTrue.free();
  });

  it("rejects out-of-range predictions", async () => {
    const core = await loadCore();
    const yTrue = LabelVector.upload(core, new Int32Array([0, 1, 1]), 2);
    expect(() => confusionMatrix(core, yTrue, new Int32Array([0, 1, 2]), 2)).toThrow(
      "model: confusion matrix row 2 has true class 1 and predicted class 2, allowed are 0 to 1",
    );
    expect(() => confusionMatrix(core, yTrue, new Int32Array([0, 1]), 2)).toThrow(/3 true labels and 2 predictions/);
    expect(() => confusionMatrix(core, yTrue, new Int32Array([0, 1, 1]), 0)).toThrow(/classCount must be an integer >= 1, got 0/);
    yTrue.free();
  });
});
