// The forest worker script for Node: worker_threads messages in, trees out.
import { parentPort } from "node:worker_threads";
import { serveForestWorker } from "../../src/forest_pool.ts";
import { Core } from "../../src/wasm.ts";

if (parentPort === null) throw new Error("model: the forest worker must run in a worker thread");
const port = parentPort;
serveForestWorker(
  {
    postMessage: (message, transfer) => port.postMessage(message, transfer as never),
    onMessage: (handler) => port.on("message", handler),
  },
  (module) => Core.create(module),
);
