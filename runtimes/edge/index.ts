/**
 * flowguard for edge functions (Cloudflare Workers, Deno Deploy, Vercel
 * Edge and other `fetch(request)` handlers): experiments on CSV files held
 * in memory, with no file system and no fetch of side files. build/edge.mjs
 * bundles this module, with the core's .wasm embedded, into the single file
 * dist/edge/flowguard.mjs. Parquet is left out of that bundle. Send CSV
 * files, or use the Node, Deno, Bun or browser entry for parquet.
 *
 * @example
 * import { createFlowguard } from "./flowguard.mjs";
 * const flowguard = await createFlowguard();
 * const { json } = await flowguard.runExperiment({
 *   recipe: { train: ["*.csv"], split: 0.25, classes: ["Benign", "Syn"] },
 *   files: [{ name: "Syn.csv", data: await request.text() }],
 *   models: ["gnb", "dt"],
 * });
 * return new Response(json, { headers: { "content-type": "application/json" } });
 */
import embeddedCore from "../../dist/flowguard.wasm";
import { ALL_MODELS, runExperiment, type ProgressEvent } from "../../src/experiment.ts";
import type { ModelKind } from "../../src/model.ts";
import { resolveRecipe, validateRecipe, type Recipe } from "../../src/recipe.ts";
import { reportJson, reportMarkdown } from "../../src/report.ts";
import type { ExperimentReport } from "../../src/report_types.ts";
import { Core } from "../../src/wasm.ts";
import { MemoryFiles, normalizeName, type FileData, type NamedFile } from "./memory_files.ts";

export { FLOWGUARD_VERSION, ALL_MODELS, type ProgressEvent } from "../../src/experiment.ts";
export { builtInRecipe, validateRecipe, type Recipe } from "../../src/recipe.ts";
export { bytesSource, type ByteSource } from "../../src/source.ts";
export { readCsv, type CsvOptions } from "../../src/csv.ts";
export { reportJson, reportMarkdown, reportTerminal } from "../../src/report.ts";
export type { ExperimentReport, ModelResult, SideMetrics } from "../../src/report_types.ts";
export type { ModelKind } from "../../src/model.ts";
export type { FileData, NamedFile } from "./memory_files.ts";

/** Options of `createFlowguard`. */
export interface FlowguardOptions {
  /**
   * The core's binary: a compiled module or the bytes of dist/flowguard.wasm.
   * Default: the copy embedded in the bundle, compiled by `createFlowguard`.
   * Cloudflare Workers and Vercel's Edge runtime instantiate only modules
   * that the deployment imports, and reject `WebAssembly.compile` on bytes.
   * There, pass the module that importing the .wasm file gives:
   * `import core from "flowguard/flowguard.wasm"` on Cloudflare, with the
   * `?module` suffix on Vercel.
   */
  wasm?: WebAssembly.Module | BufferSource;
  /** Runtime name written into reports; default "edge". */
  runtime?: string;
}

/** One experiment on files in memory. */
export interface ExperimentRequest {
  /** A recipe as in a recipe file; its patterns match the names in `files`, relative to ".". */
  recipe: Recipe;
  /** The CSV files (plain or gzip): a list of { name, data } or an object of name to data. */
  files: readonly NamedFile[] | Record<string, FileData>;
  /** Models to train, in report order; default all four: gnb, dt, rf, lr. */
  models?: ModelKind[];
  /** Seed of the split and the models; default: the recipe's, else 0. */
  seed?: number;
  /** Trees in the random forest; default 100. */
  trees?: number;
  /** Rows with NaN, empty or infinite features: "drop" or "impute"; default: the recipe's, else "drop". */
  nonFinite?: "drop" | "impute";
  /** Text encoding of the CSV files; default "utf-8". */
  encoding?: "utf-8" | "windows-1252";
  /** Treat a repeated header line as an error instead of a warning; default false. */
  strict?: boolean;
  onProgress?: (event: ProgressEvent) => void;
}

/** The report of one experiment and its two renderings. */
export interface ExperimentResponse {
  report: ExperimentReport;
  /** `report.json` as the command line writes it. */
  json: string;
  /** `report.md` as the command line writes it. */
  markdown: string;
}

/** An instance of flowguard with its compiled core. */
export interface Flowguard {
  /**
   * Runs the experiment `request` describes and returns its report. Each run
   * instantiates the core anew, so its WebAssembly memory is released with
   * the run, and concurrent runs do not share memory.
   *
   * Throws TypeError or RangeError for an invalid request (naming the
   * field), SyntaxError for a malformed CSV file (naming file, line and
   * column), and TypeError for a parquet file.
   */
  runExperiment(request: ExperimentRequest): Promise<ExperimentResponse>;
}

/** Compiles the core (the embedded copy unless `options.wasm` is given) and returns an instance ready to run experiments. */
export async function createFlowguard(options: FlowguardOptions = {}): Promise<Flowguard> {
  // NOTE: Next.js reports WebAssembly.compile in edge code as dynamic code evaluation, an error, unless its
  // `unstable_allowDynamic` setting names this file (nextjs.org/docs/messages/edge-dynamic-code-evaluation).
  const source = options.wasm ?? embeddedCore;
  const module = source instanceof WebAssembly.Module ? source : await WebAssembly.compile(source);
  const runtime = options.runtime ?? "edge";
  return {
    async runExperiment(request) {
      const { recipe, files, models } = checkRequest(request);
      const resolved = await resolveRecipe(files.fileSystem(), recipe, ".");
      rejectParquet([...resolved.trainFiles, ...resolved.testFiles]);
      if (request.nonFinite !== undefined) resolved.nonFinite = request.nonFinite;

      const core = await Core.create(module);
      const result = await runExperiment(resolved, {
        core,
        open: (path) => files.open(path),
        models,
        seed: request.seed,
        modelOptions: request.trees === undefined ? undefined : { rf: { trees: request.trees } },
        csv: { encoding: request.encoding ?? "utf-8", strict: request.strict ?? false },
        runtime,
        onProgress: request.onProgress,
      });
      result.dataset.free();
      const report = result.report;
      return { report, json: reportJson(report), markdown: reportMarkdown(report) };
    },
  };
}

/** Validates a request and returns its recipe, files and models. Throws TypeError or RangeError naming the field. */
function checkRequest(request: ExperimentRequest): { recipe: Recipe; files: MemoryFiles; models: ModelKind[] } {
  if (typeof request !== "object" || request === null) {
    throw new TypeError(`edge: the request must be an object with "recipe" and "files", got ${request === null ? "null" : typeof request}`);
  }
  const recipe = validateRecipe(request.recipe, "request.recipe");
  const files = new MemoryFiles(request.files ?? []);

  const patterns = [...recipe.train, ...(recipe.test ?? [])];
  const unmatched = files.unmatched(patterns);
  if (unmatched.length > 0) {
    throw new RangeError(
      `edge: no file matches ${unmatched.map((p) => `"${p}"`).join(", ")} of request.recipe; the files given are ` +
        `${files.names.map((n) => `"${n}"`).join(", ")}. Name the files as the recipe's patterns expect.`,
    );
  }
  const models = request.models ?? ALL_MODELS;
  const unknown = Array.isArray(models) ? models.filter((m) => !ALL_MODELS.includes(m)) : [];
  if (!Array.isArray(models) || models.length === 0 || unknown.length > 0) {
    throw new RangeError(`edge: request.models must list some of ${ALL_MODELS.join(", ")}, got ${JSON.stringify(models)}`);
  }
  const seed = request.seed;
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) {
    throw new RangeError(`edge: request.seed must be an integer from 0 to 4294967295, got ${JSON.stringify(seed)}`);
  }
  if (request.nonFinite !== undefined && request.nonFinite !== "drop" && request.nonFinite !== "impute") {
    throw new RangeError(`edge: request.nonFinite must be "drop" or "impute", got ${JSON.stringify(request.nonFinite)}`);
  }
  return { recipe, files, models: [...new Set(models)] };
}

/** Throws TypeError when any of `paths` is a parquet file, which the edge bundle cannot read. */
function rejectParquet(paths: readonly string[]): void {
  const parquet = paths.filter((path) => path.toLowerCase().endsWith(".parquet"));
  if (parquet.length === 0) return;
  throw new TypeError(
    `edge: parquet files (${parquet.map((p) => `"${normalizeName(p)}"`).join(", ")}) cannot be read here, because the edge ` +
      "bundle leaves parquet-wasm out; convert them to CSV, or use flowguard's Node, Deno, Bun or browser entry",
  );
}
