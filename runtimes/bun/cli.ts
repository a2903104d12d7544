// Entry point of the `flowguard` command in Bun: bun runtimes/bun/cli.ts experiment
// The core's bindings (dist/flowguard.js) are checked before the command is
// imported, so that a missing build gives a message instead of a module error.
import { Bun } from "./bun_api.ts";

const bindings = Bun.fileURLToPath(new URL("../../dist/flowguard.js", import.meta.url));

if (!(await Bun.file(bindings).exists())) {
  process.stderr.write(`flowguard: the WebAssembly core is not built (${bindings} is missing); run "node build.mjs" in the package folder first\n`);
  process.exitCode = 1;
} else {
  const { main } = await import("./host.ts");
  process.exitCode = await main(Bun.argv.slice(2));
}
