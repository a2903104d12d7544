// The forest worker script for Deno: a module Web Worker that fits and predicts forest trees and reads CSV ranges.
import { serveWebForestWorker } from "../../src/forest_pool.ts";
import { openWebHandle } from "../../src/source.ts";
import { Core } from "../../src/wasm.ts";
import { fileSource } from "./files.ts";

serveWebForestWorker(
  (module) => Core.create(module),
  (handle) => (handle.kind === "path" ? fileSource(handle.path) : openWebHandle(handle)),
);
