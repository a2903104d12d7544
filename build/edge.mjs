// Step 4: the edge bundle dist/edge/flowguard.mjs, one self-contained ES
// module for fetch-handler platforms: the core's .wasm embedded as base64,
// no imports, no file system. The parquet packages are replaced by a module
// that throws, so the bundle never loads them.
import * as esbuild from "esbuild";
import { isStale } from "./util.mjs";

export const order = 4;

const OUTPUT = "dist/edge/flowguard.mjs";

/** Packages that only the parquet reader imports, by dynamic import(). */
const PARQUET_PACKAGES = /^(parquet-wasm\/esm|apache-arrow)$/;

const leaveOutParquet = {
  name: "leave-out-parquet",
  setup(build) {
    build.onResolve({ filter: PARQUET_PACKAGES }, (args) => ({ path: args.path, namespace: "left-out" }));
    build.onLoad({ filter: /.*/, namespace: "left-out" }, (args) => ({
      contents:
        `throw new TypeError(${JSON.stringify(
          `parquet: ${args.path} is not part of the edge bundle (dist/edge/flowguard.mjs), so parquet files cannot be read there; ` +
            "convert them to CSV, or use flowguard's Node, Deno, Bun or browser entry",
        )});`,
      loader: "js",
    }));
  },
};

/**
 * Bundles `entry` (runtimes/edge/index.ts, or a handler that imports it)
 * into the one ES module `outfile`, with the core embedded and parquet left out.
 */
export async function bundleEdgeModule(entry, outfile) {
  await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    minify: true,
    legalComments: "none",
    loader: { ".wasm": "binary" },
    plugins: [leaveOutParquet],
    logLevel: "warning",
  });
}

export async function build({ ifStale }) {
  const inputs = ["src", "runtimes/edge", "dist/flowguard.js", "dist/flowguard.wasm", "build/edge.mjs"];
  if (!isStale(OUTPUT, inputs, ifStale)) return;
  await bundleEdgeModule("runtimes/edge/index.ts", OUTPUT);
}
