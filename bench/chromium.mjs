// The benchmark's Chromium leg. It bundles bench/browser_main.ts and its
// forest worker for the browser and serves the work folder with the test
// server (test/run/server.mjs, 127.0.0.1 only, read-only). Each selected
// flowguard step then runs in its own page of one headless Chromium, and
// every page's entries come back as a process record, like those of a
// Node step process.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative, sep } from "node:path";
import * as esbuild from "esbuild";
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumVersion } from "../test/run/browser.mjs";
import { BUNDLE_PREFIX, PAGE_PATH, startServer } from "../test/run/server.mjs";
import { label } from "./results.mjs";

const PAGE_ENTRY = "browser_main";
const WORKER_ENTRY = "browser_forest_worker";

/**
 * Chromium's switches: the test runner's, plus --js-flags=--expose-gc so
 * that timed runs start with a garbage collection, as in the Node step
 * processes.
 */
const LAUNCH_ARGS = [...CHROMIUM_ARGS, "--js-flags=--expose-gc"];

/**
 * Steps that read the grown CSV, and where their pages read it from. Each
 * reads a file picked in the page, as users of the demo page do. Reading
 * also runs over HTTP, from the server's Range responses, for comparison.
 */
const CSV_FROM = { read: ["file", "http"], clean: ["file"] };

/** CSS selector of the page's CSV file input (CSV_INPUT_ID in browser_main.ts). */
const CSV_INPUT = "#csv-file";

/** Maximum time in milliseconds from opening a page until its script starts. A page that takes longer failed to load its script. */
const START_TIMEOUT_MS = 60_000;

/**
 * Prepares the leg once per benchmark run: copies flowguard.wasm into
 * `bundleDir` and bundles the page and the forest worker in memory.
 * Returns `{ missing }` with the reason and an install hint when there is
 * no Chromium at CHROMIUM_PATH. Throws when bundling fails.
 */
export async function prepareChromiumLeg(root, bundleDir) {
  if (!existsSync(CHROMIUM_PATH)) {
    return { missing: `no Chromium at ${CHROMIUM_PATH}; install it with \`apt-get install chromium\`, or set CHROMIUM_PATH to a Chromium executable` };
  }
  mkdirSync(bundleDir, { recursive: true });
  const wasmPath = join(bundleDir, "flowguard.wasm");
  copyFileSync(join(root, "dist", "flowguard.wasm"), wasmPath);

  const outdir = join(bundleDir, "browser");
  const result = await esbuild.build({
    entryPoints: {
      [PAGE_ENTRY]: join(root, "bench", "browser_main.ts"),
      [WORKER_ENTRY]: join(root, "bench", "browser_forest_worker.ts"),
    },
    outdir,
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    write: false,
    logLevel: "warning",
  });
  const bundle = new Map(result.outputFiles.map((output) => [relative(outdir, output.path).split(sep).join("/"), output.text]));
  return { bundle, wasmPath, version: chromiumVersion() };
}

/** Returns the URL path of `path` on a server rooted at `root`. */
function urlPath(root, path) {
  const inside = relative(root, path);
  if (inside.startsWith("..") || isAbsolute(inside)) throw new Error(`bench: ${path} is outside the served folder ${root}`);
  return `/${inside.split(sep).map(encodeURIComponent).join("/")}`;
}

function describeError(error) {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Opens one page for one step, picks the file `pickFile` in its CSV input
 * when given, and waits for its outcome. A page whose
 * script does not start, that crashes, or that runs past `timeoutMs` gives
 * `{ error }`. Console messages and uncaught errors go to `output`.
 */
async function runPage(browserContext, url, pickFile, timeoutMs, output) {
  const page = await browserContext.newPage();
  page.on("console", (message) => output.push(`console.${message.type()}: ${message.text()}`));
  page.on("pageerror", (error) => output.push(`page error: ${error.message}`));
  let rejectCrash;
  const crashed = new Promise((_, reject) => {
    rejectCrash = reject;
  });
  crashed.catch(() => {});
  page.once("crash", () => rejectCrash(new Error("the page crashed: its renderer process ended, for example after running out of memory")));

  const waitFor = async (predicate, timeout, description) => {
    try {
      await Promise.race([page.waitForFunction(predicate, undefined, { timeout, polling: 200 }), crashed]);
    } catch (error) {
      if (error?.name === "TimeoutError") throw new Error(`timed out after ${timeout / 1000} s waiting for ${description}`);
      throw error;
    }
  };
  try {
    await page.goto(url, { waitUntil: "commit" });
    await waitFor(() => globalThis.flowguardBenchStarted === true, START_TIMEOUT_MS, "the page script to start");
    // A local browser gets the path only and reads the file from disk itself.
    if (pickFile) await page.setInputFiles(CSV_INPUT, pickFile, { timeout: START_TIMEOUT_MS });
    await waitFor(() => globalThis.flowguardBench !== undefined, timeoutMs, "the step to finish (raise --browser-timeout for large runs)");
    return await page.evaluate(() => globalThis.flowguardBench);
  } catch (error) {
    return { error: describeError(error) };
  } finally {
    await page.close();
  }
}

/** Turns one page's outcome into a process record of the "browser" group. */
function processRecord(name, outcome) {
  const record = { group: "browser", name: `Chromium ${name}`, entries: [] };
  if (outcome.error !== undefined) return { ...record, failed: outcome.error };
  // Chromium's process memory is not measured, so the entries get only the page's WebAssembly memory.
  const entries = outcome.entries.map((entry) => ({ ...entry, wasmBytes: outcome.wasmBytes }));
  return { ...record, entries, ...(outcome.skipped ? { skipped: outcome.skipped } : {}) };
}

/**
 * Runs the flowguard steps `names` in headless Chromium, one fresh page
 * each, on the split in `splitDir`. Returns one process record per step,
 * and calls `onRecord` with each as it finishes. When Chromium is missing
 * or fails to start, it returns a single skipped or failed record instead.
 * A page's error, crash or timeout fails that step only.
 */
export async function runChromiumSteps({ leg, names, work, csvPath, splitDir, options, onRecord }) {
  if (leg.missing) {
    const record = { group: "browser", name: "Chromium", skipped: leg.missing, entries: [] };
    onRecord(record);
    return [record];
  }
  const common = {
    csv: urlPath(work, csvPath),
    split: urlPath(work, splitDir),
    wasm: urlPath(work, leg.wasmPath),
    worker: `${BUNDLE_PREFIX}${WORKER_ENTRY}.js`,
    runs: String(options.runs),
    trees: String(options.trees),
    seed: String(options.seed),
    workers: String(options.workers),
    "lr-max-iter": String(options.lrMaxIter),
  };
  const server = await startServer({ root: work, bundle: leg.bundle, pageEntry: `${PAGE_ENTRY}.js` });
  const userDataDir = mkdtempSync(join(tmpdir(), "flowguard-bench-chromium-"));
  const records = [];
  let browserContext;
  try {
    const { chromium } = await import("playwright-core");
    try {
      browserContext = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM_PATH, headless: true, args: LAUNCH_ARGS });
    } catch (error) {
      const record = { group: "browser", name: "Chromium", failed: `could not start ${CHROMIUM_PATH}: ${describeError(error)}`, entries: [] };
      onRecord(record);
      return [record];
    }
    const pages = names.flatMap((name) => (CSV_FROM[name] ?? ["http"]).map((from) => ({ name, from })));
    for (const { name, from } of pages) {
      const output = [];
      const url = `${server.origin}${PAGE_PATH}?${new URLSearchParams({ step: name, "csv-from": from, ...common })}`;
      const outcome = await runPage(browserContext, url, from === "file" ? csvPath : undefined, options.browserTimeoutSeconds * 1000, output);
      if (outcome.stack) output.push(outcome.stack);
      for (const line of output.join("\n").split("\n")) {
        if (line.trim() !== "") process.stderr.write(`${label()}   ${line}\n`);
      }
      const record = processRecord(CSV_FROM[name] ? `${name} (CSV ${from === "file" ? "from a picked file" : "over HTTP"})` : name, outcome);
      onRecord(record);
      records.push(record);
    }
  } finally {
    await browserContext?.close();
    await server.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
  return records;
}
