// The forest worker script for Bun: a module Web Worker.
import { serveWebForestWorker } from "../../src/forest_pool.ts";
import { Core } from "../../src/wasm.ts";

serveWebForestWorker((module) => Core.create(module));
