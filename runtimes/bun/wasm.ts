import { existsSync } from "node:fs";
import { setParquetWasmLoader } from "../../src/parquet.ts";
import { Core } from "../../src/wasm.ts";
import { webForestPool, type ForestPool, type ForestPoolOptions } from "../../src/forest_pool.ts";
import { Bun } from "./bun_api.ts";

/** dist/flowguard.wasm; this file and the library bundle dist/lib/bun.js both lie two folders below the package. */
const CORE_WASM = new URL("../../dist/flowguard.wasm", import.meta.url);

let coreBytes: Promise<Uint8Array> | undefined;
let compiled: Promise<WebAssembly.Module> | undefined;

/** Reads dist/flowguard.wasm once per process. */
export function readCoreBytes(): Promise<Uint8Array> {
  coreBytes ??= Bun.file(Bun.fileURLToPath(CORE_WASM))
    .arrayBuffer()
    .then((bytes) => new Uint8Array(bytes));
  return coreBytes;
}

/** Compiles dist/flowguard.wasm once per process and returns a fresh core instance. */
export async function loadCore(): Promise<Core> {
  compiled ??= readCoreBytes().then((bytes) => WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>));
  return Core.create(await compiled);
}

/** The forest worker script, named from the package root so that the library bundle dist/lib/bun.js finds it too. */
const WORKER_SCRIPT = new URL("../../runtimes/bun/forest_worker.ts", import.meta.url);

/** Returns a pool of `size` forest workers (module Web Workers running forest_worker.ts). */
export async function bunForestPool(size: number, options?: ForestPoolOptions): Promise<ForestPool> {
  if (!existsSync(WORKER_SCRIPT)) {
    throw new Error(
      `model: the forest worker script "${Bun.fileURLToPath(WORKER_SCRIPT)}" does not exist; ` +
        "import flowguard from inside its package folder, which holds runtimes/bun/forest_worker.ts",
    );
  }
  return webForestPool(await readCoreBytes(), WORKER_SCRIPT, size, options);
}

/**
 * Returns a pool of `size` forest workers (default: the core count) for
 * RandomForestClassifier's fitAsync, predictAsync and predictProbaAsync.
 */
export function loadForestPool(size = navigator.hardwareConcurrency, options?: ForestPoolOptions): Promise<ForestPool> {
  return bunForestPool(size, options);
}

/**
 * Points the parquet reader at parquet-wasm's binary in node_modules, found
 * with `import.meta.resolve`; the file is read only when the first parquet
 * file is opened.
 */
export function useBunParquetWasm(): void {
  setParquetWasmLoader(() => Bun.file(Bun.fileURLToPath(import.meta.resolve("parquet-wasm/esm/parquet_wasm_bg.wasm"))).arrayBuffer());
}
