// Step 3: the browser demo in dist/browser/: the page, its run worker and
// the forest worker that the run worker starts, as minified ES modules with
// code splitting, the two .wasm binaries, the HTML and CSS, and
// sample.json, which lists the shipped sample's files.
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import * as esbuild from "esbuild";
import { isStale } from "./util.mjs";

export const order = 3;

const OUT_DIR = "dist/browser";
const CHUNK_DIR = "chunks";
const SAMPLE_DIR = "data/sample";

/** Packages that only the parquet reader uses; they must arrive through dynamic import() alone. */
const LAZY_PACKAGES = ["node_modules/apache-arrow/", "node_modules/parquet-wasm/"];

export async function build({ ifStale }) {
  const inputs = ["src", "runtimes/browser", "dist/flowguard.js", "dist/flowguard.wasm", SAMPLE_DIR, "build/browser.mjs"];
  if (!isStale(join(OUT_DIR, "demo.js"), inputs, ifStale)) return;

  // Chunk names carry content hashes, so chunks of earlier builds would pile up.
  rmSync(join(OUT_DIR, CHUNK_DIR), { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });

  const entryPoints = { demo: "runtimes/browser/demo.ts", worker: "runtimes/browser/worker.ts", forest_worker: "runtimes/browser/forest_worker.ts" };
  const result = await esbuild.build({
    entryPoints,
    outdir: OUT_DIR,
    chunkNames: `${CHUNK_DIR}/[name]-[hash]`,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    sourcemap: "linked",
    metafile: true,
    logLevel: "warning",
  });
  checkLazyPackages(result.metafile, Object.values(entryPoints));

  const require = createRequire(import.meta.url);
  copyFileSync("runtimes/browser/demo.html", join(OUT_DIR, "demo.html"));
  copyFileSync("runtimes/browser/demo.css", join(OUT_DIR, "demo.css"));
  copyFileSync("dist/flowguard.wasm", join(OUT_DIR, "flowguard.wasm"));
  copyFileSync(require.resolve("parquet-wasm/esm/parquet_wasm_bg.wasm"), join(OUT_DIR, "parquet_wasm_bg.wasm"));
  writeFileSync(join(OUT_DIR, "sample.json"), `${JSON.stringify(sampleManifest(), null, 2)}\n`);
}

/**
 * Throws when apache-arrow or parquet-wasm is reachable from one of `entries`
 * through static imports, which would make every visitor download them.
 */
function checkLazyPackages(metafile, entries) {
  const { outputs } = metafile;
  for (const [entryPath, entry] of Object.entries(outputs)) {
    if (!entries.includes(entry.entryPoint)) continue;
    const seen = new Set();
    const pending = [entryPath];
    while (pending.length > 0) {
      const path = pending.pop();
      if (seen.has(path)) continue;
      seen.add(path);
      for (const input of Object.keys(outputs[path].inputs)) {
        if (LAZY_PACKAGES.some((prefix) => input.includes(prefix))) {
          throw new Error(
            `build: ${input} is statically imported by ${entryPath} (through ${path}); ` +
              "the parquet reader's packages must be loaded with import() only",
          );
        }
      }
      for (const imported of outputs[path].imports) {
        if (imported.kind === "import-statement" && outputs[imported.path]) pending.push(imported.path);
      }
    }
  }
}

/** Lists the sample's files with their sizes, paths relative to the server root, so the page can resolve the sample recipe. */
function sampleManifest() {
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push({ path: relative(".", path).split("\\").join("/"), size: statSync(path).size });
    }
  };
  walk(SAMPLE_DIR);
  return { root: SAMPLE_DIR, files };
}
