import { setParquetWasmLoader } from "../../src/parquet.ts";
import { Core } from "../../src/wasm.ts";
import { Bun } from "./bun_api.ts";

/** dist/flowguard.wasm; this file and the library bundle dist/lib/bun.js both lie two folders below the package. */
const CORE_WASM = new URL("../../dist/flowguard.wasm", import.meta.url);

let compiled: Promise<WebAssembly.Module> | undefined;

/** Compiles dist/flowguard.wasm once per process and returns a fresh core instance. */
export async function loadCore(): Promise<Core> {
  compiled ??= Bun.file(Bun.fileURLToPath(CORE_WASM))
    .arrayBuffer()
    .then((bytes) => WebAssembly.compile(bytes));
  return Core.create(await compiled);
}

/**
 * Points the parquet reader at parquet-wasm's binary in node_modules, found
 * with `import.meta.resolve`; the file is read only when the first parquet
 * file is opened.
 */
export function useBunParquetWasm(): void {
  setParquetWasmLoader(() => Bun.file(Bun.fileURLToPath(import.meta.resolve("parquet-wasm/esm/parquet_wasm_bg.wasm"))).arrayBuffer());
}
