// The parallel CSV reader: the table read in byte ranges must equal the
// one-thread table, and every case it cannot split must fall back with a
// reason. The pool here runs each range's worker code on the calling
// thread, so the suite runs in every runtime. test/forest_pool.test.ts and
// test/runtimes.test.ts run the same reader on real worker threads.
import { describe, expect, it } from "vitest";
import { isRangeRequest, readCsv, readRangeInWorker, type CsvOptions, type ReadPool } from "../src/csv.ts";
import { bytesSource, type ByteSource } from "../src/source.ts";
import { dropDuplicates } from "../src/dedupe.ts";
import { canonicalBits, columnMultipliers, finalizeHash, rememberedRowHashes } from "../src/row_hash.ts";
import { isMarkedFinite, type FlowTable } from "../src/table.ts";
import { gunzip, gzip } from "./support/gzip.ts";
import { listDir, readBytes } from "./support/platform.ts";
import { chunkedSource } from "./support/sources.ts";
import { expectSameTable } from "./support/tables.ts";

const CASES = "test/data/cases";
const HEADS = "test/data/heads/01-12";
const encoder = new TextEncoder();

/** Returns a pool of `size` that runs each range request on the calling thread and reopens `source` for any handle. */
function threadPool(size: number, source: ByteSource): ReadPool & { requests: number } {
  const pool = {
    size,
    requests: 0,
    async run(request: unknown, _transfer: Transferable[], onMessage: (message: unknown) => void) {
      if (!isRangeRequest(request)) throw new Error("the test pool serves range requests only");
      pool.requests++;
      await readRangeInWorker(request, () => source, (message) => onMessage(message));
    },
  };
  return pool;
}

/** Reads `bytes` in parallel with `workers` ranges and chunks of `chunk` bytes; returns the table and the fallback reasons. */
async function readParallel(name: string, bytes: Uint8Array, workers: number, chunk: number, options: CsvOptions = {}) {
  const source = chunkedSource(name, bytes, chunk);
  const pool = threadPool(workers, source);
  const reasons: string[] = [];
  const table = await readCsv(source, { ...options, pool, minParallelBytes: 0, onSequential: (reason) => reasons.push(reason) });
  return { table, reasons, requests: pool.requests };
}

describe("readCsv in parallel byte ranges", () => {
  it("gives the one-thread table for every case file, worker count and chunk size", async () => {
    const names = (await listDir(CASES)).filter((name) => name.endsWith(".csv"));
    expect(names.length).toBeGreaterThanOrEqual(10);
    for (const name of names) {
      const bytes = await readBytes(`${CASES}/${name}`);
      const encoding = name.startsWith("cp1252") ? "windows-1252" : "utf-8";
      const expected = await readCsv(bytesSource(name, bytes), { encoding });
      for (const workers of [2, 3, 7]) {
        for (const chunk of [5, 4093]) {
          const { table, reasons, requests } = await readParallel(name, bytes, workers, chunk, { encoding });
          expect({ name, workers, chunk, reasons }).toEqual({ name, workers, chunk, reasons: [] });
          expect(requests).toBe(workers);
          expectSameTable(table, expected);
        }
      }
    }
  });

  it("gives the one-thread table for the real 01-12 heads and the Syn sample", async () => {
    const files = [`${HEADS}/DrDoS_LDAP.head.csv`, `${HEADS}/Syn.head.csv`];
    for (const path of files) {
      const bytes = await readBytes(path);
      const expected = await readCsv(bytesSource(path, bytes));
      const { table, reasons } = await readParallel(path, bytes, 4, 1 << 16);
      expect(reasons).toEqual([]);
      expectSameTable(table, expected);
    }
    const syn = await gunzip(await readBytes("data/sample/01-12/Syn.csv.gz"));
    const expected = await readCsv(bytesSource("Syn.csv", syn));
    expect(expected.rowCount).toBeGreaterThan(7000);
    const { table, reasons } = await readParallel("Syn.csv", syn, 5, 1 << 20);
    expect(reasons).toEqual([]);
    expectSameTable(table, expected);
  });

  it("numbers the warnings of later ranges by file line", async () => {
    const header = "Flow ID,Flow Duration,Total Fwd Packets,Label";
    const rows: string[] = [header];
    for (let i = 0; i < 60; i++) {
      rows.push(`id${i},${i},${i * 2},${i === 45 ? "Bad\uFFFDname" : i % 2 === 0 ? "BENIGN" : "Syn"}`);
      if (i === 30) rows.push(header);
    }
    const bytes = encoder.encode(rows.join("\n") + "\n");
    const expected = await readCsv(bytesSource("notes.csv", bytes));
    expect(expected.warnings.map((w) => w.line)).toEqual([33, 48]);
    for (const workers of [2, 3, 6]) {
      const { table, reasons } = await readParallel("notes.csv", bytes, workers, 17);
      expect(reasons).toEqual([]);
      expectSameTable(table, expected);
    }
  });

  it("splits CRLF files with a BOM at line starts", async () => {
    const lines = ["\uFEFFFlow ID,Flow Duration,Total Fwd Packets,Label"];
    for (let i = 0; i < 70; i++) lines.push(i % 9 === 0 ? "" : `id${i},${i}.5,${i},${i % 3 === 0 ? "Syn" : "BENIGN"}`);
    const bytes = encoder.encode(lines.join("\r\n"));
    const expected = await readCsv(bytesSource("crlf.csv", bytes));
    expect(expected.skipped.emptyRow).toBe(8);
    for (const workers of [2, 4, 9]) {
      const { table, reasons } = await readParallel("crlf.csv", bytes, workers, 13);
      expect(reasons).toEqual([]);
      expectSameTable(table, expected);
    }
  });

  it("marks a column finite only when every range saw it finite", async () => {
    const lines = ["Flow Duration,Flow Bytes/s,Flow Packets/s,Label"];
    for (let i = 0; i < 90; i++) lines.push(`${i},${i === 85 ? "NaN" : i},${i === 2 ? "Infinity" : i},Syn`);
    const bytes = encoder.encode(lines.join("\n") + "\n");
    const sequential = await readCsv(bytesSource("special.csv", bytes));
    const { table } = await readParallel("special.csv", bytes, 3, 50);
    for (const read of [sequential, table]) {
      expect(read.columns.map((column) => isMarkedFinite(column))).toEqual([true, false, false]);
    }
  });

  it("keeps row hashes equal to the formula, in one thread and in ranges", async () => {
    const bytes = await readBytes(`${HEADS}/DrDoS_LDAP.head.csv`);
    const expectHashes = (table: FlowTable) => {
      const multipliers = columnMultipliers(table.columns.length);
      const bits = table.columns.map((column) => new Int32Array(column.buffer, column.byteOffset, column.length));
      const expected = Int32Array.from({ length: table.rowCount }, (_, r) => {
        let sum = 0;
        bits.forEach((column, j) => (sum = (sum + Math.imul(canonicalBits(column[r]), multipliers[j])) | 0));
        return finalizeHash(sum);
      });
      expect(Array.from(rememberedRowHashes(table.columns) ?? [])).toEqual(Array.from(expected));
    };
    const sequential = await readCsv(bytesSource("ldap.csv", bytes));
    expectHashes(sequential);
    expectHashes((await readParallel("ldap.csv", bytes, 3, 1000)).table);

    // Duplicates found with the kept hashes equal those found with computed ones (a copy of the columns has none kept).
    const rows = Uint32Array.from({ length: sequential.rowCount }, (_, i) => i);
    const classes = new Int32Array(sequential.rowCount);
    const copy = { ...sequential, columns: sequential.columns.map((column) => column.slice()) };
    expect(rememberedRowHashes(copy.columns)).toBeUndefined();
    const withKeptHashes = dropDuplicates(sequential, rows, classes);
    const computed = dropDuplicates(copy, rows, classes);
    expect(withKeptHashes.duplicates).toBeGreaterThan(0);
    expect({ rows: Array.from(withKeptHashes.rows), collisions: withKeptHashes.hashCollisions }).toEqual({ rows: Array.from(computed.rows), collisions: computed.hashCollisions });
  });

  it("falls back to one thread on a quoted line break across a boundary", async () => {
    const breaks = "\n".repeat(200);
    const text = `Flow ID,Flow Duration,Label\n"a${breaks}b",1,BENIGN\n"c",2,Syn\n`;
    const bytes = encoder.encode(text);
    const expected = await readCsv(bytesSource("quoted.csv", bytes));
    expect(expected.lineNumbers[1]).toBe(203);
    const { table, reasons } = await readParallel("quoted.csv", bytes, 3, 64);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/quoted field spans the boundary|could not be read in parallel/);
    expectSameTable(table, expected);
  });

  it("reports an error of a later range with its file line", async () => {
    const lines = ["Flow Duration,Total Fwd Packets,Label"];
    for (let i = 0; i < 100; i++) lines.push(i === 80 ? "1,abc,Syn" : `${i},${i},Syn`);
    const bytes = encoder.encode(lines.join("\n"));
    const sequential = await readCsv(bytesSource("bad.csv", bytes)).catch((error: Error) => error.message);
    expect(sequential).toMatch(/cannot parse feature value "abc".*line 82/);
    const source = chunkedSource("bad.csv", bytes, 100);
    const reasons: string[] = [];
    const parallel = await readCsv(source, { pool: threadPool(4, source), minParallelBytes: 0, onSequential: (r) => reasons.push(r) }).catch(
      (error: Error) => error.message,
    );
    expect(parallel).toBe(sequential);
    expect(reasons[0]).toMatch(/^a range could not be read in parallel/);
  });

  it("reads gzip files on one thread, and files below minParallelBytes without workers", async () => {
    const bytes = await readBytes(`${HEADS}/Syn.head.csv`);
    const zipped = await gzip(bytes);
    const expected = await readCsv(bytesSource("Syn.head.csv", bytes));
    const gz = await readParallel("Syn.head.csv.gz", zipped, 2, 4096);
    expect(gz.reasons).toEqual(["the file is gzip-compressed"]);
    expect(gz.requests).toBe(0);
    expectSameTable(gz.table, expected);

    const source = chunkedSource("Syn.head.csv", bytes, 4096);
    const pool = threadPool(2, source);
    expectSameTable(await readCsv(source, { pool }), expected);
    expect(pool.requests).toBe(0);
  });
});
