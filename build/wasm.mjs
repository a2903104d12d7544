// Step 1: the WebAssembly core (AssemblyScript, SIMD, -O3) and its raw bindings.
import { spawnSync } from "node:child_process";
import { isStale } from "./util.mjs";

export const order = 1;

export async function build({ ifStale }) {
  if (!isStale("dist/flowguard.wasm", ["assembly", "asconfig.json"], ifStale)) return;
  const result = spawnSync(process.execPath, ["node_modules/assemblyscript/bin/asc.js", "assembly/index.ts", "--target", "release"], {
    stdio: "inherit",
  });
  if (result.status !== 0) throw new Error("build: the AssemblyScript compiler failed");
}
