import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { ForestPool, type ForestPoolOptions, type WorkerFactory, type WorkerPort } from "../../src/forest_pool.ts";
import { compileCore } from "./wasm.ts";

/**
 * Returns a pool of `size` worker threads (default: the machine's available
 * parallelism) running `workerScript`, the bundled runtimes/node/forest_worker.ts.
 * Throws at once when `workerScript` is a file that does not exist.
 */
export function nodeForestPool(module: WebAssembly.Module, workerScript: URL, size = availableParallelism(), options?: ForestPoolOptions): ForestPool {
  return new ForestPool(nodeWorkerFactory(workerScript), size, module, options);
}

/** Returns a factory of worker threads running `workerScript`, checking first that the script exists. */
export function nodeWorkerFactory(workerScript: URL): WorkerFactory {
  if (workerScript.protocol === "file:" && !existsSync(workerScript)) {
    throw new Error(
      `model: the forest worker script "${fileURLToPath(workerScript)}" does not exist; ` +
        `run "npm run build" in the flowguard folder, which writes dist/node/forest_worker.js`,
    );
  }
  return (): WorkerPort => {
    const worker = new Worker(workerScript);
    return {
      postMessage: (message, transfer) => worker.postMessage(message, transfer as never),
      onMessage: (handler) => worker.on("message", handler),
      onError: (handler) => worker.on("error", handler),
      terminate: () => void worker.terminate(),
      unref: () => worker.unref(),
      ref: () => worker.ref(),
    };
  };
}

/**
 * Returns a pool of `size` worker threads (default: the machine's available
 * parallelism) for RandomForestClassifier's fitAsync, predictAsync and
 * predictProbaAsync, running the built dist/node/forest_worker.js.
 *
 * @example
 * const forest = await new RandomForestClassifier(core, { trees: 100 }).fitAsync(x, y, await loadForestPool(2));
 */
export async function loadForestPool(size = availableParallelism(), options?: ForestPoolOptions): Promise<ForestPool> {
  return nodeForestPool(await compileCore(), new URL("../../dist/node/forest_worker.js", import.meta.url), size, options);
}
