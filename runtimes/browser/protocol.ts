/**
 * Messages between the demo page (demo.ts) and its worker (worker.ts). The
 * page posts one `RunRequest` to a fresh worker, and the worker replies with
 * progress messages and then exactly one result or error.
 */
import type { ModelKind } from "../../src/model.ts";
import type { ExperimentReport } from "../../src/report_types.ts";

/** Source of the flows: the shipped sample (fetched from the server) or files the user picked. */
export type DataChoice = { kind: "sample" } | { kind: "files"; files: File[] };

/**
 * The recipe settings. "sample" is the built-in sample recipe as it is.
 * "split" holds out the chosen fraction by a stratified split. "separate"
 * tests on the chosen files named in `testFiles` and trains on the rest.
 * The last two keep the listed classes.
 */
export type RecipeChoice =
  | { kind: "sample" }
  | { kind: "split"; split: number; classes: string[] }
  | { kind: "separate"; testFiles: string[]; classes: string[] };

export interface RunRequest {
  type: "run";
  data: DataChoice;
  recipe: RecipeChoice;
  models: ModelKind[];
  /** Trees in the random forest. */
  trees: number;
}

export interface ProgressMessage {
  type: "progress";
  /** The pipeline's latest progress message, e.g. "random forest: 40 of 100 trees". */
  message: string;
  /** Share of the whole run done, in [0, 1]. */
  fraction: number;
}

export interface ResultMessage {
  type: "result";
  report: ExperimentReport;
  /** `report.json` as `reportJson` writes it. */
  json: string;
  /** `report.md` as `reportMarkdown` writes it. */
  markdown: string;
  /** Wall-clock seconds from the request to the report, in the worker. */
  seconds: number;
}

export interface ErrorMessage {
  type: "error";
  /** Class name of the error, e.g. "SyntaxError". */
  name: string;
  message: string;
}

export type WorkerMessage = ProgressMessage | ResultMessage | ErrorMessage;
