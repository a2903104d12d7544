// Runs the test files in headless Chromium. esbuild bundles every test file
// for the browser in memory, with "vitest" pointing at the harness and
// test/support/platform.ts swapped for platform_browser.ts. server.mjs
// serves the bundles and the repository on 127.0.0.1. playwright-core opens
// one page per test file and collects the results the page leaves behind.
// Usage: node test/run/browser.mjs [FILE...]
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { planFiles } from "./files.mjs";
import { countResults, formatCounts, printFailures, printFileResults, skippedFileResult } from "./report.mjs";
import { PAGE_PATH, startServer } from "./server.mjs";

/**
 * The Chromium the tests use: Debian's package unless the environment
 * variable CHROMIUM_PATH names another executable. Browsers downloaded by
 * `npx playwright install` are never used.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/** Switches that keep Chromium from reaching the network on its own and from needing a GPU or a sandbox in CI containers. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

/** Time one test page may take to report its results, in milliseconds; the harness limits each test to 300 s. */
const FILE_TIMEOUT_MS = 20 * 60_000;

const PAGE_ENTRY = "__page";

/** Name of a test file's bundle: its path below test/ without ".ts" ("csv.test", "support/harness.test"). */
function bundleName(file) {
  return file.replace(/^test\//, "").replace(/\.ts$/, "");
}

/** Points "vitest" at the harness and test/support/platform.ts at its browser version. */
const redirects = {
  name: "browser test redirects",
  setup(build) {
    const platform = resolve("test/support/platform.ts");
    build.onResolve({ filter: /^vitest$/ }, () => ({ path: resolve("test/support/harness.ts") }));
    build.onResolve({ filter: /platform\.ts$/ }, (args) =>
      resolve(args.resolveDir, args.path) === platform ? { path: resolve("test/support/platform_browser.ts") } : undefined,
    );
  },
};

/**
 * Bundles the page script and the test files as ES modules with shared
 * chunks, so the harness is one module instance per page. Returns a map from
 * bundle path to JavaScript text; nothing is written to disk.
 */
async function bundleTests(files) {
  const outdir = resolve("test-bundle");
  const entryPoints = { [PAGE_ENTRY]: "test/run/browser_page.ts" };
  for (const file of files) entryPoints[bundleName(file)] = file;
  const result = await esbuild.build({
    entryPoints,
    outdir,
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    // A test file that still imports a Node module fails to load in its own page, with the module named.
    external: ["node:*"],
    plugins: [redirects],
    logLevel: "silent",
  });
  return new Map(result.outputFiles.map((output) => [relative(outdir, output.path).split("\\").join("/"), output.text]));
}

/** Opens the test page for one file and returns its results; a page error or timeout adds a failed result. */
async function runPage(context, origin, file) {
  const page = await context.newPage();
  const output = [];
  page.on("console", (message) => output.push(`console.${message.type()}: ${message.text()}`));
  page.on("pageerror", (error) => output.push(`page error: ${error.message}`));
  let results = [];
  try {
    await page.goto(`${origin}${PAGE_PATH}?file=${encodeURIComponent(`${bundleName(file)}.js`)}`);
    await page.waitForFunction(() => globalThis.flowguardResults !== undefined, undefined, { timeout: FILE_TIMEOUT_MS, polling: 200 });
    results = await page.evaluate(() => globalThis.flowguardResults);
  } catch (error) {
    results.push({ path: ["test page"], status: "failed", durationMs: 0, error: error.message });
  } finally {
    await page.close();
  }
  return { file, results, output: output.join("\n") };
}

/** Returns Chromium's version line, or the reason it is unusable. */
export function chromiumVersion() {
  const run = spawnSync(CHROMIUM_PATH, ["--version"], { encoding: "utf8" });
  return run.status === 0 ? run.stdout.trim() : `unknown version (${CHROMIUM_PATH} --version exited with status ${run.status})`;
}

/**
 * Runs the test files (all, or the ones named in `only`) in headless
 * Chromium, prints every result, and returns the counts. The counts have
 * `missing: true` when there is no Chromium at CHROMIUM_PATH, so nothing ran.
 */
export async function runInBrowser(only = []) {
  if (!existsSync(CHROMIUM_PATH)) {
    console.log(
      `browser: no Chromium at ${CHROMIUM_PATH}, so the browser tests did not run; ` +
        "install it with `apt-get install chromium`, or set CHROMIUM_PATH to a Chromium executable",
    );
    return { passed: 0, failed: 0, skipped: 0, missing: true };
  }
  console.log(`browser: ${chromiumVersion()}`);
  const { run, skipped } = planFiles("browser", only);
  const fileResults = skipped.map(({ file, reason }) => ({ file, results: [skippedFileResult(reason)], output: "" }));
  for (const entry of fileResults) printFileResults(entry.file, entry.results);

  let bundle;
  try {
    bundle = await bundleTests(run);
  } catch (error) {
    const entry = { file: "esbuild", results: [{ path: ["bundling the test files"], status: "failed", durationMs: 0, error: error.message }] };
    printFileResults(entry.file, entry.results);
    return countResults([...fileResults, entry].flatMap((e) => e.results));
  }

  const server = await startServer({ root: ".", bundle, pageEntry: `${PAGE_ENTRY}.js` });
  const userDataDir = mkdtempSync(join(tmpdir(), "flowguard-chromium-"));
  const { chromium } = await import("playwright-core");
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  try {
    const pending = [...run];
    const worker = async () => {
      for (let file = pending.shift(); file !== undefined; file = pending.shift()) {
        const entry = await runPage(context, server.origin, file);
        printFileResults(entry.file, entry.results, entry.output);
        fileResults.push(entry);
      }
    };
    const workers = Math.max(1, Math.min(availableParallelism(), run.length));
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    await context.close();
    await server.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }

  printFailures("browser", fileResults);
  return countResults(fileResults.flatMap((entry) => entry.results));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const counts = await runInBrowser(process.argv.slice(2));
  console.log(`browser: ${formatCounts(counts)}`);
  process.exit(counts.failed > 0 ? 1 : 0);
}
