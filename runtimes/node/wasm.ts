import { readFile } from "node:fs/promises";
import { Core } from "../../src/wasm.ts";

let compiled: Promise<WebAssembly.Module> | undefined;

/** Compiles dist/flowguard.wasm once per process and returns a fresh core instance. */
export async function loadCore(): Promise<Core> {
  compiled ??= readFile(new URL("../../dist/flowguard.wasm", import.meta.url)).then((bytes) => WebAssembly.compile(bytes));
  return Core.create(await compiled);
}
