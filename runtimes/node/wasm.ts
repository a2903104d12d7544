import { readFile } from "node:fs/promises";
import { Core } from "../../src/wasm.ts";

let compiled: Promise<WebAssembly.Module> | undefined;

/** Compiles dist/flowguard.wasm once per process and returns the module. */
export function compileCore(): Promise<WebAssembly.Module> {
  compiled ??= readFile(new URL("../../dist/flowguard.wasm", import.meta.url)).then((bytes) => WebAssembly.compile(bytes));
  return compiled;
}

/** Returns a fresh core instance of the compiled module. */
export async function loadCore(): Promise<Core> {
  return Core.create(await compileCore());
}
