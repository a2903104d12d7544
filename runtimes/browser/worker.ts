/**
 * The demo's module worker: runs one experiment per worker, off the page's
 * main thread. It compiles flowguard.wasm with streaming compilation, opens
 * the sample through fetch or the picked files through `File.stream()`, and
 * posts progress, then the report with its JSON and Markdown renderings.
 * The page starts a new worker for every run and ends it afterwards, which
 * also frees the WebAssembly memory the run grew.
 */
import { runExperiment, type ProgressEvent } from "../../src/experiment.ts";
import { type ForestPool, webForestPool } from "../../src/forest_pool.ts";
import { setParquetWasmLoader } from "../../src/parquet.ts";
import { builtInRecipe, resolveRecipe, validateRecipe, type Recipe, type ResolvedRecipe } from "../../src/recipe.ts";
import { reportJson, reportMarkdown } from "../../src/report.ts";
import type { ByteSource } from "../../src/source.ts";
import { Core } from "../../src/wasm.ts";
import { RunProgress } from "./progress.ts";
import type { ResultMessage, RunRequest, WorkerMessage } from "./protocol.ts";
import {
  countingSource,
  fetchedSource,
  manifestFileSystem,
  pickedFileSource,
  pickedFileSystem,
  type SampleManifest,
} from "./sources.ts";

/** The parts of a dedicated worker's global scope that this file uses (tsconfig has no "webworker" lib). */
interface WorkerScope {
  postMessage(message: WorkerMessage): void;
  onmessage: ((event: MessageEvent<RunRequest>) => void) | null;
}
const scope = self as unknown as WorkerScope;

// The build puts these files next to worker.js.
const CORE_URL = new URL("./flowguard.wasm", import.meta.url);
const PARQUET_WASM_URL = new URL("./parquet_wasm_bg.wasm", import.meta.url);
const SAMPLE_MANIFEST_URL = new URL("./sample.json", import.meta.url);
const FOREST_WORKER_URL = new URL("./forest_worker.js", import.meta.url);

/**
 * Most workers a run starts. Each forest worker gets its own copy of the
 * training matrix, and every worker of a page shares the page's memory
 * limit, so more cores do not mean more workers here.
 */
const MAX_WORKERS = 4;

/** Virtual folder that contains the picked files during recipe resolution. */
const PICKED_FOLDER = "picked";
/** Minimum milliseconds between two progress messages with the same text. */
const PROGRESS_INTERVAL_MS = 100;

// parquet-wasm is fetched only when the first parquet file is read.
setParquetWasmLoader(() => PARQUET_WASM_URL);

scope.onmessage = (event) => {
  runRequest(event.data).then(
    (result) => scope.postMessage(result),
    (error: unknown) => {
      const { name, message } = error instanceof Error ? error : { name: "Error", message: String(error) };
      scope.postMessage({ type: "error", name, message });
    },
  );
};

async function runRequest(request: RunRequest): Promise<ResultMessage> {
  const start = performance.now();
  // Compiling starts now and overlaps recipe resolution. The catch only marks
  // the promise as handled when resolution fails first; it is awaited below.
  const compiled = loadCore();
  compiled.catch(() => {});
  const { recipe, sources } = await resolveRequest(request);

  const inputFiles = [...recipe.trainFiles, ...recipe.testFiles];
  const totalBytes = inputFiles.reduce((sum, path) => sum + (sources.get(path)?.size ?? 0), 0);
  const progress = new RunProgress(request.models, totalBytes);
  const postProgress = progressPoster();

  const { core, module } = await compiled;
  const pool = workerPool(module);
  const { report, dataset } = await runExperiment(recipe, {
    core,
    open(path) {
      const source = sources.get(path);
      if (source === undefined) throw new Error(`demo: no input file named ${path}`);
      return countingSource(source, (bytes) => postProgress(null, progress.fileRead(path, bytes)));
    },
    csv: { pool },
    forestPool: request.models.includes("rf") ? pool : undefined,
    models: request.models,
    modelOptions: { rf: { trees: request.trees } },
    runtime: `browser (${navigator.userAgent})`,
    onProgress: (event: ProgressEvent) => postProgress(event.message, progress.addEvent(event)),
  });
  dataset.free();
  return {
    type: "result",
    report,
    json: reportJson(report),
    markdown: reportMarkdown(report),
    seconds: (performance.now() - start) / 1000,
  };
}

/**
 * Returns the workers that read large CSV files in parallel and fit and
 * predict the forest's trees, as the command line does: one per logical
 * core, at most MAX_WORKERS. With one core there are none, and everything
 * runs in this worker.
 */
function workerPool(module: WebAssembly.Module): ForestPool | undefined {
  const size = Math.min(navigator.hardwareConcurrency ?? 1, MAX_WORKERS);
  return size > 1 ? webForestPool(module, FOREST_WORKER_URL, size) : undefined;
}

/** Compiles the core while the response streams in; needs the server to send Content-Type application/wasm. */
async function loadCore(): Promise<{ core: Core; module: WebAssembly.Module }> {
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compileStreaming(fetch(CORE_URL));
  } catch (error) {
    throw new Error(
      `wasm: could not compile ${CORE_URL} (${(error as Error).message}). ` +
        "Serve dist/browser with npm run demo, or with any server that sends .wasm files as application/wasm.",
      { cause: error },
    );
  }
  return { core: await Core.create(module), module };
}

/** Resolves the request's recipe and returns it with a byte source for every input path. */
async function resolveRequest(request: RunRequest): Promise<{ recipe: ResolvedRecipe; sources: Map<string, ByteSource> }> {
  const settings = recipeSettings(request);
  const sources = new Map<string, ByteSource>();

  if (request.data.kind === "sample") {
    const manifest = await fetchManifest();
    const recipe = await resolveRecipe(manifestFileSystem(manifest), settings, manifest.root);
    for (const file of manifest.files) {
      sources.set(file.path, fetchedSource(file.path, new URL(file.path, import.meta.url), file.size));
    }
    return { recipe, sources };
  }

  const files = request.data.files;
  if (files.length === 0) throw new RangeError("demo: no files chosen; choose CSV, CSV.gz or parquet flow files first.");
  for (const file of files) {
    if (sources.has(file.name)) throw new RangeError(`demo: two chosen files are named ${file.name}; choose each file once.`);
    sources.set(file.name, pickedFileSource(file));
  }
  const names = [...sources.keys()];
  const picked = { ...settings, train: ["*"], test: [] };
  const recipe = await resolveRecipe(pickedFileSystem(PICKED_FOLDER, names), picked, PICKED_FOLDER);
  if (request.recipe.kind === "separate") {
    // Named files, not patterns: a file name may contain * or ?.
    recipe.trainFiles = settings.train;
    recipe.testFiles = settings.test!;
  } else {
    recipe.trainFiles = recipe.trainFiles.map((path) => path.slice(PICKED_FOLDER.length + 1));
  }
  return { recipe, sources };
}

/** Builds the requested recipe and validates it as a recipe file would be validated. */
function recipeSettings(request: RunRequest): Recipe {
  const sample = builtInRecipe("sample");
  const choice = request.recipe;
  if (choice.kind === "sample" && request.data.kind === "sample") return sample;

  const data = request.data.kind === "sample" ? "The CIC-DDoS2019 sample shipped with flowguard" : "Files chosen in the browser";
  if (choice.kind === "separate") {
    if (request.data.kind !== "files") throw new RangeError("demo: separate test files need chosen files; choose flow files and tick the ones to test on.");
    const names = request.data.files.map((file) => file.name);
    const missing = choice.testFiles.filter((name) => !names.includes(name));
    if (missing.length > 0) throw new RangeError(`demo: the test files ${missing.join(", ")} are missing from the chosen files; choose them again.`);
    const train = names.filter((name) => !choice.testFiles.includes(name));
    const { split: _split, ...withoutSplit } = sample;
    const recipe = {
      ...withoutSplit,
      name: "browser",
      description: `${data}: classes ${choice.classes.join(", ")}; trained on ${train.join(", ")}; tested on ${choice.testFiles.join(", ")}`,
      train,
      test: choice.testFiles,
      classes: choice.classes,
    };
    return validateRecipe(recipe, "the page's recipe settings");
  }
  const split = choice.kind === "split" ? choice.split : sample.split!;
  const classes = choice.kind === "split" ? choice.classes : sample.classes;
  const recipe = {
    ...sample,
    name: "browser",
    description: `${data}: classes ${classes.join(", ")}; a stratified split holds out ${split} of the rows for testing`,
    split,
    classes,
  };
  return validateRecipe(recipe, "the page's recipe settings");
}

async function fetchManifest(): Promise<SampleManifest> {
  const response = await fetch(SAMPLE_MANIFEST_URL);
  if (!response.ok) {
    throw new Error(
      `demo: could not download the sample's file list from ${SAMPLE_MANIFEST_URL}: HTTP ${response.status}. ` +
        "Rebuild the page with node build.mjs, which writes sample.json.",
    );
  }
  return (await response.json()) as SampleManifest;
}

/**
 * Returns a function that posts progress, skipping updates that arrive less
 * than PROGRESS_INTERVAL_MS after the last one unless the text changed or
 * the run is done. A null message keeps the last text.
 */
function progressPoster(): (message: string | null, fraction: number) => void {
  let lastMessage = "loading the input files";
  let lastPost = -Infinity;
  return (message, fraction) => {
    const now = performance.now();
    const changed = message !== null && message !== lastMessage;
    if (!changed && fraction < 1 && now - lastPost < PROGRESS_INTERVAL_MS) return;
    if (message !== null) lastMessage = message;
    lastPost = now;
    scope.postMessage({ type: "progress", message: lastMessage, fraction });
  };
}
