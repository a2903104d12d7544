// Which test files the runners load. Every runner takes the files that
// vitest.config.ts includes (test/**/*.test.ts). The runners of Deno, Bun
// and Chromium leave out the files listed in SKIPPED_FILES for them, and
// report each such file as skipped, with its reason.
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * Whole files that a runtime does not load, by file and runtime, with the
 * reason printed in place of their tests. Most test Node's own shell or
 * start other programs from Node, which another runtime would only repeat.
 */
export const SKIPPED_FILES = {
  "test/demo.test.ts": exceptNode("drives Chromium through playwright-core from Node to test the demo page"),
  "test/runtimes.test.ts": exceptNode("starts the Deno and Bun commands from Node and compares their reports with Node's"),
  "test/bench_smoke.test.ts": exceptNode("starts bench/run.mjs, a Node script, as a child process"),
  "test/forest_pool.test.ts": exceptNode("tests the worker-thread pool of the Node shell (runtimes/node/forest_pool.ts)"),
  "test/readme_examples.test.ts": exceptNode("runs README's library examples as Node scripts, the way README runs them"),
  "test/edge.test.ts": {
    deno: "bundles the edge handler with esbuild, whose service process Deno starts only with read access to every environment variable",
    browser: "bundles the edge handler with esbuild and reads the heads through node:fs",
  },
};

function exceptNode(reason) {
  return { deno: reason, bun: reason, browser: reason };
}

/** Lists test/**\/*.test.ts below the repository root, sorted, as paths relative to it. */
export function listTestFiles(root = ".") {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && entry.name.endsWith(".test.ts")) files.push(relative(root, path).split("\\").join("/"));
    }
  };
  walk(join(root, "test"));
  return files.sort();
}

/**
 * Splits the test files (or the ones named in `only`) into those `runtime`
 * runs and those it skips, each skipped file with its reason.
 */
export function planFiles(runtime, only = []) {
  const selected = only.length > 0 ? only.map((file) => file.split("\\").join("/").replace(/^\.\//, "")) : listTestFiles();
  const run = [];
  const skipped = [];
  for (const file of selected) {
    const reason = SKIPPED_FILES[file]?.[runtime];
    if (reason === undefined) run.push(file);
    else skipped.push({ file, reason });
  }
  return { run, skipped };
}
