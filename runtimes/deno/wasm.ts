import { fileURLToPath } from "node:url";
import { setParquetWasmLoader } from "../../src/parquet.ts";
import { Core } from "../../src/wasm.ts";
import { webForestPool, type ForestPool, type ForestPoolOptions } from "../../src/forest_pool.ts";
import { Deno } from "./deno_api.ts";
import { mayRead, requireRead } from "./permissions.ts";

/** dist/flowguard.wasm; this file and the library bundle dist/lib/deno.js both lie two folders below the package. */
const CORE_WASM = new URL("../../dist/flowguard.wasm", import.meta.url);

let coreBytes: Promise<Uint8Array> | undefined;
let compiled: Promise<WebAssembly.Module> | undefined;

/** Reads dist/flowguard.wasm once per process. Needs read permission for the file. */
export function readCoreBytes(): Promise<Uint8Array> {
  if (coreBytes === undefined) {
    requireRead(CORE_WASM, "WebAssembly core");
    coreBytes = Deno.readFile(CORE_WASM);
  }
  return coreBytes;
}

/** Compiles dist/flowguard.wasm once per process and returns a fresh core instance. Needs read permission for the file. */
export async function loadCore(): Promise<Core> {
  compiled ??= readCoreBytes().then((bytes) => WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>));
  return Core.create(await compiled);
}

/**
 * The forest worker script; its folder, whose files.ts it imports; and the
 * source folder of its other imports. Workers need read permission for both
 * folders. All are named from the package root, so the library bundle
 * dist/lib/deno.js finds them too.
 */
const WORKER_SCRIPT = new URL("../../runtimes/deno/forest_worker.ts", import.meta.url);
const WORKER_FOLDER = new URL("../../runtimes/deno", import.meta.url);
const SOURCE_FOLDER = new URL("../../src", import.meta.url);

/** The folders that forest workers read, as paths, for messages. */
export const WORKER_READS: readonly string[] = [fileURLToPath(WORKER_FOLDER), fileURLToPath(SOURCE_FOLDER)];

/** Returns the default number of forest workers: the core count when Deno may load the worker script, else 1. */
export function denoDefaultWorkers(): number {
  return mayRead(WORKER_FOLDER) && mayRead(SOURCE_FOLDER) ? navigator.hardwareConcurrency : 1;
}

/** Throws unless the worker script exists where the package keeps it. */
function requireWorkerScript(): void {
  try {
    if (Deno.statSync(WORKER_SCRIPT).isFile) return;
  } catch {
    // Reported below.
  }
  throw new Error(
    `model: the forest worker script "${fileURLToPath(WORKER_SCRIPT)}" does not exist; ` +
      "import flowguard from inside its package folder, which holds runtimes/deno/forest_worker.ts",
  );
}

/** Returns a pool of `size` forest workers (module Web Workers running forest_worker.ts). */
export async function denoForestPool(size: number, options?: ForestPoolOptions): Promise<ForestPool> {
  requireRead(WORKER_FOLDER, "folder of the forest worker script and its imports");
  requireRead(SOURCE_FOLDER, "source folder of the forest workers");
  requireWorkerScript();
  return webForestPool(await readCoreBytes(), WORKER_SCRIPT, size, options);
}

/**
 * Returns a pool of `size` forest workers (default: denoDefaultWorkers) for
 * RandomForestClassifier's fitAsync, predictAsync and predictProbaAsync.
 */
export function loadForestPool(size = denoDefaultWorkers(), options?: ForestPoolOptions): Promise<ForestPool> {
  return denoForestPool(size, options);
}

/**
 * Points the parquet reader at parquet-wasm's binary in node_modules, found
 * with `import.meta.resolve`. The file is read only when the first parquet
 * file is opened, and needs read permission then.
 */
export function useDenoParquetWasm(): void {
  setParquetWasmLoader(() => {
    const url = new URL(import.meta.resolve("parquet-wasm/esm/parquet_wasm_bg.wasm"));
    requireRead(fileURLToPath(url), "parquet-wasm binary");
    return Deno.readFile(url);
  });
}
