// Step 2: the Node bundle of the CLI.
import { existsSync } from "node:fs";
import * as esbuild from "esbuild";
import { isStale } from "./util.mjs";

export const order = 2;

export async function build({ ifStale }) {
  if (!isStale("dist/node/cli.js", ["src", "runtimes/node", "dist/flowguard.js"], ifStale)) return;
  const entryPoints = { cli: "runtimes/node/cli.ts", "forest_worker": "runtimes/node/forest_worker.ts" };
  // The demo server, once it exists.
  if (existsSync("runtimes/node/serve.ts")) entryPoints.serve = "runtimes/node/serve.ts";
  await esbuild.build({
    entryPoints,
    outdir: "dist/node",
    bundle: true,
    platform: "node",
    format: "esm",
    target: "es2022",
    sourcemap: true,
    logLevel: "warning",
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
}
