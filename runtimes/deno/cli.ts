// Entry point of the `flowguard` command in Deno:
//   deno run --allow-read=dist,node_modules/parquet-wasm,data,out --allow-write=out runtimes/deno/cli.ts experiment
// When Deno may read dist/, the core's bindings (dist/flowguard.js) are
// checked before the command is imported, so that a missing build gives a
// message instead of a module error.
import { fileURLToPath } from "node:url";
import { Deno } from "./deno_api.ts";

const bindings = new URL("../../dist/flowguard.js", import.meta.url);
const mayCheck = Deno.permissions.querySync({ name: "read", path: bindings }).state === "granted";

if (mayCheck && !isFile(bindings)) {
  console.error(`flowguard: the WebAssembly core is not built (${fileURLToPath(bindings)} is missing); run "node build.mjs" in the package folder first`);
  Deno.exitCode = 1;
} else {
  const { main } = await import("./host.ts");
  Deno.exitCode = await main(Deno.args);
}

function isFile(url: URL): boolean {
  try {
    return Deno.statSync(url).isFile;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
