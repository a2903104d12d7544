import { fileURLToPath } from "node:url";
import { setParquetWasmLoader } from "../../src/parquet.ts";
import { Core } from "../../src/wasm.ts";
import { Deno } from "./deno_api.ts";
import { requireRead } from "./permissions.ts";

/** dist/flowguard.wasm; this file and the library bundle dist/lib/deno.js both lie two folders below the package. */
const CORE_WASM = new URL("../../dist/flowguard.wasm", import.meta.url);

let compiled: Promise<WebAssembly.Module> | undefined;

/** Compiles dist/flowguard.wasm once per process and returns a fresh core instance. Needs read permission for the file. */
export async function loadCore(): Promise<Core> {
  if (compiled === undefined) {
    requireRead(CORE_WASM, "WebAssembly core");
    compiled = Deno.readFile(CORE_WASM).then((bytes) => WebAssembly.compile(bytes));
  }
  return Core.create(await compiled);
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
