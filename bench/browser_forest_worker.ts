// The forest worker of the benchmark's Chromium page: a module Web Worker
// that webForestPool starts, which fits and predicts forest trees.
import { serveWebForestWorker } from "../src/forest_pool.ts";
import { Core } from "../src/wasm.ts";

serveWebForestWorker((module) => Core.create(module));
