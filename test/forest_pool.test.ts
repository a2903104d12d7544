import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { argmaxRows, PARALLEL_PREDICT_ROWS, RandomForestClassifier } from "../src/random_forest.ts";
import type { Core } from "../src/wasm.ts";
import { readCsv } from "../src/csv.ts";
import { bytesSource } from "../src/source.ts";
import { fileSource } from "../runtimes/node/files.ts";
import { ForestPool, type WorkerPort } from "../src/forest_pool.ts";
import { nodeForestPool, nodeWorkerFactory } from "../runtimes/node/forest_pool.ts";
import { loadCore } from "../runtimes/node/wasm.ts";
import { loadHeads, tileRows, type HeadsData } from "./support/heads.ts";
import { expectSameTable } from "./support/tables.ts";

// The worker script is the bundled one in dist/node (built by `node build.mjs`).
const WORKER = new URL("../dist/node/forest_worker.js", import.meta.url);

let core: Core;
let heads: HeadsData;
let module: WebAssembly.Module;

beforeAll(async () => {
  core = await loadCore();
  heads = await loadHeads(core);
  module = await WebAssembly.compile(readFileSync(new URL("../dist/flowguard.wasm", import.meta.url)));
});

describe("forest on worker threads", () => {
  for (const splitter of ["exact", "histogram"] as const) {
    it(`equals the single-thread forest for any worker count, ${splitter}`, async () => {
      const options = { trees: 7, seed: 5, splitter };
      const single = new RandomForestClassifier(core, options).fit(heads.train, heads.trainLabels);
      const expected = Array.from(single.predictProba(heads.test));
      for (const workers of [1, 2, 3]) {
        const pooled = await new RandomForestClassifier(core, options).fitAsync(heads.train, heads.trainLabels, nodeForestPool(module, WORKER, workers));
        expect(Array.from(pooled.predictProba(heads.test))).toEqual(expected);
        expect(Array.from(pooled.featureImportances!)).toEqual(Array.from(single.featureImportances!));
        pooled.dispose();
      }
      single.dispose();
    });
  }

  it("loads a pool through the package entry", async () => {
    // dist/lib/node.js is what `import ... from "flowguard"` gives Node; its pool must find the worker script.
    const flowguard = await import(new URL("../dist/lib/node.js", import.meta.url).href);
    const options = { trees: 4, seed: 9, splitter: "histogram" as const };
    const single = new RandomForestClassifier(core, options).fit(heads.train, heads.trainLabels);
    const pooled = await new RandomForestClassifier(core, options).fitAsync(heads.train, heads.trainLabels, await flowguard.loadForestPool(2));
    expect(Array.from(pooled.predictProba(heads.test))).toEqual(Array.from(single.predictProba(heads.test)));
    pooled.dispose();
    single.dispose();
  });

  it("predicts identically on workers", async () => {
    const forest = new RandomForestClassifier(core, { trees: 6, seed: 2, splitter: "histogram" }).fit(heads.train, heads.trainLabels);
    const long = tileRows(core, heads.test, 2 * PARALLEL_PREDICT_ROWS + 1000);
    const expected = forest.predictProba(long);
    for (const workers of [2, 3]) {
      const proba = await forest.predictProbaAsync(long, nodeForestPool(module, WORKER, workers));
      expect(proba.length).toBe(expected.length);
      let differing = 0;
      for (let i = 0; i < proba.length; i++) if (proba[i] !== expected[i]) differing++;
      expect(differing).toBe(0);
    }
    const classes = Array.from(await forest.predictAsync(long, nodeForestPool(module, WORKER, 2)));
    expect(classes).toEqual(Array.from(forest.predict(long)));
    expect(classes).toEqual(Array.from(argmaxRows(forest.predictProba(long), forest.classCount)));
    long.free();
    forest.dispose();
  });

  it("reuses workers for one forest", async () => {
    // A second prediction of the same forest starts no worker, and another forest or close() stops the kept ones.
    const workers = countingWorkers();
    const pool = new ForestPool(workers.factory, 2, module);
    const first = new RandomForestClassifier(core, { trees: 9, seed: 3, splitter: "histogram" }).fit(heads.train, heads.trainLabels);
    const second = new RandomForestClassifier(core, { trees: 9, seed: 4, splitter: "histogram" }).fit(heads.train, heads.trainLabels);
    const long = tileRows(core, heads.test, 2 * PARALLEL_PREDICT_ROWS + 1000);

    expect(Array.from(await first.predictAsync(long, pool))).toEqual(Array.from(first.predict(long)));
    expect(workers.started).toBe(2);
    expect(workers.stopped).toBe(0);
    expect(Array.from(await first.predictAsync(long, pool))).toEqual(Array.from(first.predict(long)));
    expect(Array.from(await first.predictProbaAsync(long, pool))).toEqual(Array.from(first.predictProba(long)));
    expect(workers.started).toBe(2);
    expect(workers.stopped).toBe(0);

    expect(Array.from(await second.predictAsync(long, pool))).toEqual(Array.from(second.predict(long)));
    expect(workers.started).toBe(4);
    expect(workers.stopped).toBe(2);
    pool.close();
    expect(workers.stopped).toBe(4);
    expect(Array.from(await second.predictAsync(long, pool))).toEqual(Array.from(second.predict(long)));
    expect(workers.started).toBe(6);
    expect(workers.stopped).toBe(4);

    pool.close();
    long.free();
    first.dispose();
    second.dispose();
  });

  it("stops idle workers after keepPredictionWorkersMs", async () => {
    const workers = countingWorkers();
    const forest = new RandomForestClassifier(core, { trees: 3, seed: 3 }).fit(heads.train, heads.trainLabels);
    const long = tileRows(core, heads.test, 2 * PARALLEL_PREDICT_ROWS + 1000);

    await forest.predictAsync(long, new ForestPool(workers.factory, 2, module, { keepPredictionWorkersMs: 50 }));
    expect(workers.stopped).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(workers.stopped).toBe(2);
    await forest.predictAsync(long, new ForestPool(workers.factory, 2, module, { keepPredictionWorkersMs: 0 }));
    expect(workers.stopped).toBe(4);

    long.free();
    forest.dispose();
  });

  it("rejects an invalid keepPredictionWorkersMs", () => {
    const { factory } = countingWorkers();
    expect(() => new ForestPool(factory, 2, module, { keepPredictionWorkersMs: -1 })).toThrow(/keepPredictionWorkersMs must be a number of milliseconds from 0 to 2147483647, got -1/);
    expect(() => new ForestPool(factory, 2, module, { keepPredictionWorkersMs: "2000" as never })).toThrow(/from 0 to 2147483647, got "2000"/);
  });

  it("predicts few rows without workers", async () => {
    const forest = new RandomForestClassifier(core, { trees: 3, seed: 2 }).fit(heads.train, heads.trainLabels);
    const pool = nodeForestPool(module, WORKER, 2);
    pool.sumProba = () => Promise.reject(new Error("no worker should start"));
    pool.predictClasses = () => Promise.reject(new Error("no worker should start"));
    expect(Array.from(await forest.predictProbaAsync(heads.test, pool))).toEqual(Array.from(forest.predictProba(heads.test)));
    expect(Array.from(await forest.predictAsync(heads.test, pool))).toEqual(Array.from(forest.predict(heads.test)));
    forest.dispose();
  });

  it("reports progress once per tree", async () => {
    const seen: number[] = [];
    const forest = new RandomForestClassifier(core, { trees: 4, onProgress: (done) => seen.push(done) });
    await forest.fitAsync(heads.train, heads.trainLabels, nodeForestPool(module, WORKER, 2));
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it("names a missing worker script and the command that builds it", () => {
    const dir = mkdtempSync(join(tmpdir(), "flowguard-pool-"));
    const missing = new URL(`file://${join(dir, "forest_worker.js")}`);
    try {
      expect(() => nodeForestPool(module, missing, 2)).toThrow(
        `model: the forest worker script "${join(dir, "forest_worker.js")}" does not exist; run "npm run build"`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("CSV ranges on worker threads", () => {
  it("reads a file in 2 and 3 ranges into the one-thread table", async () => {
    const bytes = gunzipSync(readFileSync("data/sample/01-12/Syn.csv.gz"));
    const dir = mkdtempSync(join(tmpdir(), "flowguard-csv-"));
    try {
      const path = join(dir, "Syn.csv");
      writeFileSync(path, bytes);
      const expected = await readCsv(bytesSource(path, bytes));
      for (const workers of [2, 3]) {
        const reasons: string[] = [];
        const table = await readCsv(fileSource(path), {
          pool: nodeForestPool(module, WORKER, workers),
          minParallelBytes: 0,
          onSequential: (reason) => reasons.push(reason),
        });
        expect(reasons).toEqual([]);
        expectSameTable(table, expected);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Returns a factory of worker threads that counts the workers it started and the ones stopped. */
function countingWorkers(): { factory: () => WorkerPort; started: number; stopped: number } {
  const threads = nodeWorkerFactory(WORKER);
  const counts = {
    started: 0,
    stopped: 0,
    factory: (): WorkerPort => {
      counts.started++;
      const port = threads();
      const terminate = () => {
        counts.stopped++;
        port.terminate();
      };
      return { ...port, terminate };
    },
  };
  return counts;
}
