// The demo's progress bar and byte counting (runtimes/browser/progress.ts
// and sources.ts). Loading is counted per file from two reports, the
// stream the demo counts and the reader's own count, so that bytes parsed
// by reading workers move the bar as well.
import { describe, expect, it } from "vitest";
import { RunProgress } from "../runtimes/browser/progress.ts";
import { countingSource } from "../runtimes/browser/sources.ts";
import { blobSource } from "../src/source.ts";

/** Reads a stream to its end and returns the bytes. */
async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

describe("RunProgress", () => {
  it("sums bytes over files", () => {
    const progress = new RunProgress(["gnb"], 1000);
    expect(progress.fileRead("a.csv", 250)).toBeCloseTo(0.6 * 0.25, 12);
    expect(progress.fileRead("b.csv", 250)).toBeCloseTo(0.6 * 0.5, 12);
  });

  it("keeps a file's largest count", () => {
    const progress = new RunProgress(["gnb"], 1000);
    progress.fileRead("a.csv", 500);
    // A second report of fewer bytes, from the other counter or a stream read again, adds nothing.
    expect(progress.fileRead("a.csv", 300)).toBeCloseTo(0.3, 12);
    expect(progress.fileRead("a.csv", 600)).toBeCloseTo(0.36, 12);
  });

  it("takes bytes from load events", () => {
    const progress = new RunProgress(["gnb"], 1000);
    progress.fileRead("a.csv", 100);
    const fraction = progress.addEvent({ step: "load train", message: "reading", fraction: 0.8, file: "a.csv", bytes: 800 });
    expect(fraction).toBeCloseTo(0.48, 12);
    expect(progress.fileRead("a.csv", 200)).toBeCloseTo(0.48, 12);
  });

  it("ignores load events without bytes", () => {
    const progress = new RunProgress(["gnb"], 1000);
    expect(progress.addEvent({ step: "load train", message: "reading train file 1 of 1: a.csv", fraction: 0 })).toBe(0);
  });
});

describe("countingSource", () => {
  const bytes = new TextEncoder().encode("0123456789".repeat(10));
  const blob = new Blob([bytes]);

  it("reports running totals", async () => {
    const seen: number[] = [];
    const source = countingSource(blobSource(blob, "digits.csv"), (read) => seen.push(read));
    expect(await readAll(source.stream())).toEqual(bytes);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[seen.length - 1]).toBe(100);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it("counts a stream from its offset", async () => {
    const seen: number[] = [];
    const source = countingSource(blobSource(blob, "digits.csv"), (read) => seen.push(read));
    expect(await readAll(source.streamFrom!(60))).toEqual(bytes.subarray(60));
    expect(seen[seen.length - 1]).toBe(100);
  });

  it("keeps the handle for workers", () => {
    const source = countingSource(blobSource(blob, "digits.csv"), () => {});
    expect(source.handle).toEqual({ kind: "blob", blob, name: "digits.csv" });
    expect(source.size).toBe(100);
    expect(source.name).toBe("digits.csv");
  });

  it("has no streamFrom without the source's", () => {
    const plain = { name: "plain.csv", stream: () => blob.stream() as ReadableStream<Uint8Array> };
    const source = countingSource(plain, () => {});
    expect(source.streamFrom).toBeUndefined();
    expect(source.handle).toBeUndefined();
  });
});
