// Fits one forest in Deno or Bun on the runtime's forest pool (2 workers)
// and once on the calling thread, from the NTP sample file, and prints one
// JSON line comparing the two. Started by test/runtimes.test.ts:
// `bun test/run/forest_pool_check.ts SPLITTER` or
// `deno run --allow-read=... test/run/forest_pool_check.ts SPLITTER`.
import type { ForestPool } from "../../src/forest_pool.ts";
import type * as Flowguard from "../../src/index.ts";

const isBun = "Bun" in globalThis;
const args: string[] = isBun
  ? (globalThis as unknown as { Bun: { argv: string[] } }).Bun.argv.slice(2)
  : (globalThis as unknown as { Deno: { args: string[] } }).Deno.args;
const splitter = args[0] as "exact" | "histogram";

// Everything comes from the library bundle, as `import ... from "flowguard"` gives it.
type Bundle = typeof Flowguard & {
  loadCore(): Promise<Flowguard.Core>;
  loadForestPool(size: number): Promise<ForestPool>;
  fileSource(path: string): Flowguard.ByteSource;
};
const bundle = new URL(isBun ? "../../dist/lib/bun.js" : "../../dist/lib/deno.js", import.meta.url).href;
const flowguard = (await import(bundle)) as Bundle;

const core = await flowguard.loadCore();
const path = new URL("../../data/sample/01-12/DrDOS_NTP.csv.gz", import.meta.url).pathname;
const table = await flowguard.readCsv(flowguard.fileSource(path), { core });
const keep: number[] = [];
for (let i = 0; i < table.rowCount; i++) {
  if (table.columns.every((column) => Number.isFinite(column[i]))) keep.push(i);
}
const x = flowguard.Matrix.upload(core, table.columns.map((column) => Float32Array.from(keep, (i) => column[i])), keep.length);
const y = flowguard.LabelVector.upload(core, Int32Array.from(keep, (i) => table.labels[i]), table.labelNames.length);

const pool = await flowguard.loadForestPool(2);
const options = { trees: 12, seed: 3, splitter };
const pooled = await new flowguard.RandomForestClassifier(core, options).fitAsync(x, y, pool);
const single = new flowguard.RandomForestClassifier(core, options).fit(x, y);
const pooledProba = pooled.predictProba(x);
const singleProba = single.predictProba(x);
const asyncPredicted = await pooled.predictAsync(x, pool);
const singlePredicted = single.predict(x);
pool.close();

const firstDifference = singleProba.findIndex((value, i) => value !== pooledProba[i]);
const samePredictions = singlePredicted.every((label, i) => label === asyncPredicted[i]);
const classes = new Set(singlePredicted).size;
console.log(JSON.stringify({ rows: keep.length, splitter: pooled.splitterUsed, firstDifference, samePredictions, classes }));
