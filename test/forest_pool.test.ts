import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { RandomForestClassifier } from "../src/random_forest.ts";
import type { Core } from "../src/wasm.ts";
import { nodeForestPool } from "../runtimes/node/forest_pool.ts";
import { loadCore } from "../runtimes/node/wasm.ts";
import { loadHeads, type HeadsData } from "./support/heads.ts";

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

  it("reports progress once per tree", async () => {
    const seen: number[] = [];
    const forest = new RandomForestClassifier(core, { trees: 4, onProgress: (done) => seen.push(done) });
    await forest.fitAsync(heads.train, heads.trainLabels, nodeForestPool(module, WORKER, 2));
    expect(seen).toEqual([1, 2, 3, 4]);
  });
});
