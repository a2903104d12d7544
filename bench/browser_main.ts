/**
 * The page script of the benchmark's Chromium leg. bench/chromium.mjs
 * bundles it and opens one page per step, and the page runs that step of
 * flowguard_steps.ts with the same options as the Node step process. The
 * page reads the split over HTTP from the driver's server, which serves the
 * benchmark's work folder. It then leaves a `BrowserStepOutcome` in
 * `globalThis.flowguardBench`, where the driver collects it.
 *
 * Query parameters, every one required: step (a FLOWGUARD_STEPS name), csv
 * (URL of the grown CSV), csv-from ("file" or "http"), split (URL of the
 * split folder), wasm (URL of flowguard.wasm), worker (URL of the bundled
 * forest worker), runs, trees, seed, workers and lr-max-iter.
 *
 * With csv-from=file the page reads the CSV as the demo page does: from a
 * file picked in an `<input type="file">`, whose id is CSV_INPUT_ID. The
 * driver picks the grown CSV there with playwright's setInputFiles, and the
 * readers get the File as a Blob. With csv-from=http they fetch it in parts
 * with Range requests.
 */
import { webForestPool } from "../src/forest_pool.ts";
import { blobSource, type ByteSource, urlSource } from "../src/source.ts";
import { Core, Matrix } from "../src/wasm.ts";
import { FLOWGUARD_STEPS, type FlowguardStepContext } from "./flowguard_steps.ts";
import type { PreparedMeta } from "./prepare.ts";
import { SkipStep, type StepEntry } from "./step_common.ts";

/** Result of one page: the step's entries and the core's memory at the end, the reason it skipped, or the error that stopped it. */
export type BrowserStepOutcome =
  | { entries: StepEntry[]; skipped?: string; wasmBytes: number }
  | { error: string; stack?: string };

interface BenchGlobals {
  /** Set when this script starts, so the driver can tell a page that failed to load its script from a slow step. */
  flowguardBenchStarted?: boolean;
  flowguardBench?: BrowserStepOutcome;
}
const globals = globalThis as BenchGlobals;
globals.flowguardBenchStarted = true;

const params = new URLSearchParams(location.search);

function param(name: string): string {
  const value = params.get(name);
  if (value === null) throw new Error(`bench page: missing query parameter ${name}; bench/chromium.mjs sets every parameter`);
  return value;
}

function integerParam(name: string): number {
  const value = Number(param(name));
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`bench page: invalid query parameter ${name}=${params.get(name)}; expected a non-negative integer`);
  return value;
}

/** Fetches `url` and throws an Error with the HTTP status unless the server returned a body. */
async function fetchOk(url: URL): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok || response.body === null) {
    throw new Error(`bench page: could not download ${url}: HTTP ${response.status} ${response.statusText}`);
  }
  return response;
}

/** Streams a column-major float32 file from `url` straight into a new matrix in linear memory. */
async function fetchMatrix(core: Core, url: URL, rows: number, cols: number): Promise<Matrix> {
  const bytes = rows * cols * 4;
  const reader = (await fetchOk(url)).body!.getReader();
  const matrix = Matrix.allocate(core, rows, cols);
  let offset = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (offset + value.length > bytes) throw new Error(`bench page: ${url} is longer than the ${bytes} bytes that meta.json gives; run the preparation again`);
    // A new view per chunk, because a view of the memory's buffer is detached when the memory grows.
    new Uint8Array(core.exports.memory.buffer, matrix.ptr + offset, value.length).set(value);
    offset += value.length;
  }
  if (offset !== bytes) throw new Error(`bench page: ${url} ended after ${offset} bytes, expected ${bytes}; run the preparation again`);
  return matrix;
}

/** Fetches an int32 class-index file. */
async function fetchClasses(url: URL): Promise<Int32Array> {
  const buffer = await (await fetchOk(url)).arrayBuffer();
  if (buffer.byteLength % 4 !== 0) throw new Error(`bench page: ${url} has ${buffer.byteLength} bytes, not a whole number of int32 values`);
  return new Int32Array(buffer);
}

/** Id of the file input that the driver picks the CSV in (csv-from=file). */
const CSV_INPUT_ID = "csv-file";

/** Adds the CSV file input to the page and resolves with the file once the driver has picked it. */
function pickedCsv(): Promise<File> {
  const input = document.createElement("input");
  input.type = "file";
  input.id = CSV_INPUT_ID;
  document.documentElement.append(input);
  return new Promise((resolve) => {
    input.addEventListener("change", () => resolve(input.files![0]), { once: true });
  });
}

/** Returns the CSV source that `from` (the csv-from parameter) names: the picked file, or `csvUrl` on the server. */
async function csvSourceFor(from: string, csvUrl: URL): Promise<() => ByteSource> {
  if (from === "file") {
    const file = await pickedCsv();
    return () => blobSource(file, file.name);
  }
  if (from !== "http") throw new RangeError(`bench page: invalid query parameter csv-from=${from}; expected "file" or "http"`);
  const csvSize = Number((await fetch(csvUrl, { method: "HEAD" })).headers.get("content-length"));
  return () => urlSource(csvUrl.href, csvUrl.pathname, csvSize);
}

async function runStep(): Promise<BrowserStepOutcome> {
  const stepName = param("step");
  const step = FLOWGUARD_STEPS[stepName];
  if (!step) throw new RangeError(`bench page: unknown step "${stepName}"; expected one of ${Object.keys(FLOWGUARD_STEPS).join(", ")}`);
  const splitUrl = new URL(`${param("split")}/`, location.href);
  const csvUrl = new URL(param("csv"), location.href);
  const workerScript = new URL(param("worker"), location.href);

  const meta = (await (await fetchOk(new URL("meta.json", splitUrl))).json()) as PreparedMeta;
  // Each stream of the CSV source reads the file anew: a slice of the picked file, or a Range request, for each reading worker's part.
  const csvFrom = param("csv-from");
  const csvSource = await csvSourceFor(csvFrom, csvUrl);
  const module = await WebAssembly.compileStreaming(fetchOk(new URL(param("wasm"), location.href)));
  const core = await Core.create(module);
  const context: FlowguardStepContext = {
    core,
    meta,
    runs: integerParam("runs"),
    trees: integerParam("trees"),
    seed: integerParam("seed"),
    workers: integerParam("workers"),
    lrMaxIter: integerParam("lr-max-iter"),
    runtime: {
      name: "Chromium",
      csvSource,
      csvFrom: csvFrom === "file" ? "picked file" : "HTTP",
      readMatrix: (file, rows, cols) => fetchMatrix(core, new URL(file, splitUrl), rows, cols),
      readClasses: (file) => fetchClasses(new URL(file, splitUrl)),
      forestPool: (size) => webForestPool(module, workerScript, size),
    },
  };

  try {
    const entries = await step(context);
    return { entries, wasmBytes: core.exports.memory.buffer.byteLength };
  } catch (error) {
    if (!(error instanceof SkipStep)) throw error;
    return { entries: [], skipped: error.message, wasmBytes: core.exports.memory.buffer.byteLength };
  }
}

function failure(error: unknown): BrowserStepOutcome {
  if (error instanceof Error) return { error: `${error.name}: ${error.message}`, stack: error.stack };
  return { error: String(error) };
}

// An error outside the step's promise chain, such as one thrown in an event
// handler, still ends the page with a result, so the driver need not wait
// for its timeout.
addEventListener("unhandledrejection", (event) => {
  globals.flowguardBench ??= failure(event.reason);
});
addEventListener("error", (event) => {
  globals.flowguardBench ??= failure(event.error ?? event.message);
});

let outcome: BrowserStepOutcome;
try {
  outcome = await runStep();
} catch (error) {
  outcome = failure(error);
}
globals.flowguardBench ??= outcome;
