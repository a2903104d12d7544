// The worker script for Node: worker_threads messages in; forest trees, predictions or CSV rows out.
import { parentPort } from "node:worker_threads";
import { serveForestWorker } from "../../src/forest_pool.ts";
import { openWebHandle } from "../../src/source.ts";
import { Core } from "../../src/wasm.ts";
import { fileSource } from "./files.ts";

if (parentPort === null) throw new Error("model: the forest worker must run in a worker thread");
const port = parentPort;
serveForestWorker(
  {
    postMessage: (message, transfer) => port.postMessage(message, transfer as never),
    onMessage: (handler) => port.on("message", handler),
  },
  (module) => Core.create(module),
  (handle) => (handle.kind === "path" ? fileSource(handle.path) : openWebHandle(handle)),
);
