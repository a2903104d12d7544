// The demo's forest worker: a module Web Worker that the demo's run worker
// starts through webForestPool. It reads byte ranges of large CSV files and
// fits and predicts forest trees, each in a core made from the module sent.
import { serveWebForestWorker } from "../../src/forest_pool.ts";
import { Core } from "../../src/wasm.ts";

serveWebForestWorker((module) => Core.create(module));
