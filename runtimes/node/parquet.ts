import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { setParquetWasmLoader } from "../../src/parquet.ts";

/**
 * Points the parquet reader at parquet-wasm's binary in node_modules. Node
 * 20's fetch cannot read file: URLs, so the bytes are read from disk, and
 * only when the first parquet file is opened.
 */
export function useNodeParquetWasm(): void {
  const require = createRequire(import.meta.url);
  setParquetWasmLoader(() => readFile(require.resolve("parquet-wasm/esm/parquet_wasm_bg.wasm")));
}
