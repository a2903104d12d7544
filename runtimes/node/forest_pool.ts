import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { ForestPool, type WorkerPort } from "../../src/forest_pool.ts";

/**
 * Returns a pool of `size` worker threads (default: the machine's available
 * parallelism) running `workerScript`, the bundled runtimes/node/forest_worker.ts.
 */
export function nodeForestPool(module: WebAssembly.Module, workerScript: URL, size = availableParallelism()): ForestPool {
  const factory = (): WorkerPort => {
    const worker = new Worker(workerScript);
    return {
      postMessage: (message, transfer) => worker.postMessage(message, transfer as never),
      onMessage: (handler) => worker.on("message", handler),
      onError: (handler) => worker.on("error", handler),
      terminate: () => void worker.terminate(),
    };
  };
  return new ForestPool(factory, size, module);
}
