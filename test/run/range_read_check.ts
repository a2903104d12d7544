// Reads one plain CSV file in Deno or Bun, once with the runtime's forest
// pool splitting it into byte ranges on 2 workers and once on the calling
// thread, and prints one JSON line comparing the two tables. Started by
// test/runtimes.test.ts: `bun test/run/range_read_check.ts FILE` or
// `deno run --allow-read=... test/run/range_read_check.ts FILE`.
import { readCsv } from "../../src/csv.ts";
import type { ByteSource } from "../../src/source.ts";
import type { ForestPool } from "../../src/forest_pool.ts";

const isBun = "Bun" in globalThis;
const args: string[] = isBun
  ? (globalThis as unknown as { Bun: { argv: string[] } }).Bun.argv.slice(2)
  : (globalThis as unknown as { Deno: { args: string[] } }).Deno.args;
const path = args[0];

let fileSource: (path: string) => ByteSource;
let pool: ForestPool;
// The pool comes from the library bundle, as `import { loadForestPool } from "flowguard"` gives it.
type Bundle = { loadForestPool(size: number): Promise<ForestPool> };
const bundle = new URL(isBun ? "../../dist/lib/bun.js" : "../../dist/lib/deno.js", import.meta.url).href;
pool = await ((await import(bundle)) as Bundle).loadForestPool(2);
if (isBun) {
  fileSource = (await import("../../runtimes/bun/files.ts")).fileSource;
} else {
  fileSource = (await import("../../runtimes/deno/files.ts")).fileSource;
}

const fallbacks: string[] = [];
const parallel = await readCsv(fileSource(path), { pool, minParallelBytes: 0, onSequential: (reason) => fallbacks.push(reason) });
const single = await readCsv(fileSource(path));

let firstDifference = "";
const bits = (column: Float32Array) => new Int32Array(column.buffer, column.byteOffset, column.length);
single.columns.forEach((column, j) => {
  const expected = bits(column);
  const actual = bits(parallel.columns[j]);
  const i = expected.findIndex((value, r) => value !== actual[r]);
  if (i >= 0 && firstDifference === "") firstDifference = `${single.featureNames[j]}, row ${i}`;
});
const sameLines = single.lineNumbers.every((line, i) => line === parallel.lineNumbers[i]);
const sameLabels = single.labels.every((label, i) => label === parallel.labels[i]);
console.log(JSON.stringify({ rows: [parallel.rowCount, single.rowCount], fallbacks, firstDifference, sameLines, sameLabels }));
