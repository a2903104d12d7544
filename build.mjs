// Builds the WebAssembly core (AssemblyScript, SIMD, -O3) and the Node bundle.
// `--if-stale` skips work whose outputs are newer than every input.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import * as esbuild from "esbuild";

const ifStale = process.argv.includes("--if-stale");

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    newest = Math.max(newest, mtime);
  }
  return newest;
}

function isStale(output, inputs) {
  if (!ifStale || !existsSync(output)) return true;
  const outputTime = statSync(output).mtimeMs;
  return inputs.some((input) => (statSync(input).isDirectory() ? newestMtime(input) : statSync(input).mtimeMs) > outputTime);
}

if (isStale("dist/flowguard.wasm", ["assembly", "asconfig.json"])) {
  const result = spawnSync(process.execPath, ["node_modules/assemblyscript/bin/asc.js", "assembly/index.ts", "--target", "release"], {
    stdio: "inherit",
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (isStale("dist/node/cli.js", ["src", "runtimes", "dist/flowguard.js"])) {
  await esbuild.build({
    entryPoints: { cli: "runtimes/node/cli.ts" },
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
