// Step 5: the library entries that package.json's "exports" names, as ES
// modules in dist/lib/ (one per runtime, plus the runtime-neutral index.js),
// and their type declarations in dist/types/. apache-arrow and parquet-wasm
// stay imports, resolved from the installing project's node_modules. Each
// bundle lies two folders below the package, as its source does, so the
// relative URL of dist/flowguard.wasm in it stays valid.
import { spawnSync } from "node:child_process";
import * as esbuild from "esbuild";
import { isStale } from "./util.mjs";

export const order = 5;

const ENTRIES = {
  index: { source: "src/index.ts", platform: "neutral" },
  node: { source: "runtimes/node/index.ts", platform: "node" },
  deno: { source: "runtimes/deno/index.ts", platform: "neutral" },
  bun: { source: "runtimes/bun/index.ts", platform: "node" },
  browser: { source: "runtimes/browser/index.ts", platform: "browser" },
};

export async function build({ ifStale }) {
  const inputs = ["src", "runtimes/node", "runtimes/deno", "runtimes/bun", "runtimes/browser/index.ts", "dist/flowguard.js", "build/library.mjs"];
  if (!isStale("dist/lib/index.js", inputs, ifStale)) return;

  for (const [name, { source, platform }] of Object.entries(ENTRIES)) {
    await esbuild.build({
      entryPoints: [source],
      outfile: `dist/lib/${name}.js`,
      bundle: true,
      format: "esm",
      platform,
      target: "es2022",
      packages: "external",
      sourcemap: true,
      logLevel: "warning",
    });
  }

  const declarations = spawnSync(
    process.execPath,
    [
      "node_modules/typescript/bin/tsc",
      ...["--declaration", "--emitDeclarationOnly", "--outDir", "dist/types", "--rootDir", "."],
      ...["--target", "es2022", "--module", "esnext", "--moduleResolution", "bundler", "--lib", "es2022,dom"],
      ...["--allowImportingTsExtensions", "--strict", "--skipLibCheck", "--types", "node"],
      // Type errors are for `tsc -p .` to report; the build writes the declarations without checking.
      "--noCheck",
      ...Object.values(ENTRIES).map((entry) => entry.source),
      "runtimes/edge/index.ts",
      "runtimes/edge/embedded_wasm.d.ts",
    ],
    { stdio: "inherit" },
  );
  if (declarations.status !== 0) throw new Error("build: tsc could not write the type declarations to dist/types");
}
