/**
 * The `flowguard` command for Node: argument parsing, file access, progress
 * on stderr, the report on stdout and in `--out`. Exit status 0 on success,
 * 1 on a usage error, 2 on a data error.
 */
import { mkdir, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ALL_MODELS, runExperiment, type ExperimentResult, type ProgressEvent } from "../../src/experiment.ts";
import { exportDatasetCsv } from "../../src/export.ts";
import type { ModelKind } from "../../src/model.ts";
import {
  BUILT_IN_RECIPES,
  resolveRecipe,
  resolveStudyRecipe,
  validateRecipe,
  type RecipeFileSystem,
  type ResolvedRecipe,
} from "../../src/recipe.ts";
import { reportJson, reportMarkdown, reportTerminal } from "../../src/report.ts";
import { STUDY_FIGURES } from "../../src/study.ts";
import { fileSource } from "./files.ts";
import { useNodeParquetWasm } from "./parquet.ts";
import { loadCore } from "./wasm.ts";

/** The folder of the shipped sample, relative to this package. */
const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const SAMPLE_DIR = join(PACKAGE_ROOT, "data", "sample");

/** Returns `path` relative to the working folder when it lies inside it, so reports name files the same on every machine. */
function displayPath(path: string): string {
  const inside = relative(process.cwd(), path);
  return inside !== "" && !inside.startsWith("..") ? inside : path;
}

/** A mistake in the command line: exit status 1. */
class UsageError extends Error {}

const MAIN_HELP = `flowguard: DDoS detection in CICFlowMeter flow records, on a WebAssembly core

Usage:
  flowguard experiment [options]   run the study's pipeline and print its tables
  flowguard help [command]         show help

Run "flowguard experiment --help" for the experiment's options.
`;

const EXPERIMENT_HELP = `Usage: flowguard experiment [options]

Loads flow records, cleans them, drops constant and correlated features,
trains the models and prints per-class precision, recall and F1, confusion
matrices, accuracy and feature importances. With no options it runs on the
real CIC-DDoS2019 sample shipped in data/sample.

Options:
  --recipe NAME|FILE   built-in recipe (${BUILT_IN_RECIPES.join(", ")}) or a recipe
                       JSON file; default: sample
  --data DIR           folder with the data: for study-ds1..3 the CIC-DDoS2019 CSV
                       folders 03-11/ and 01-12/, or the parquet release;
                       default for the sample recipe: data/sample
  --models LIST        comma-separated models: gnb, dt, rf, lr; default: all four
  --seed N             seed of the split and the models (integer 0..4294967295);
                       default: the recipe's, else 0
  --trees N            trees in the random forest; default 100
  --out DIR            write report.json and report.md there; default: out
  --non-finite MODE    rows with NaN, empty or infinite features: drop (default)
                       or impute; overrides the recipe
  --encoding NAME      text encoding of CSV files: utf-8 (default) or windows-1252
  --strict             treat a repeated header line as an error, not a warning
  --export DIR         also write the cleaned training and test rows as CSV
                       (train.csv, test.csv, meta.json) for a reference run
  --quiet              no progress on stderr
  -h, --help           show this help

Exit status: 0 on success, 1 on a usage error, 2 on a data error.
`;

interface ExperimentArgs {
  recipe: string;
  data?: string;
  models: ModelKind[];
  seed?: number;
  trees?: number;
  out: string;
  encoding: "utf-8" | "windows-1252";
  nonFinite?: "drop" | "impute";
  strict: boolean;
  export?: string;
  quiet: boolean;
  help: boolean;
}

function parseInteger(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

/** Parses the experiment's arguments; throws UsageError on any mistake. */
export function parseExperimentArgs(argv: string[]): ExperimentArgs {
  const args: ExperimentArgs = {
    recipe: "sample",
    models: [...ALL_MODELS],
    out: "out",
    encoding: "utf-8",
    strict: false,
    quiet: false,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || (inline === undefined && v.startsWith("--"))) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "-h":
      case "--help":
        args.help = true;
        break;
      case "--recipe":
        args.recipe = value();
        break;
      case "--data":
        args.data = value();
        break;
      case "--models": {
        const names = value().split(",").map((s) => s.trim()).filter((s) => s !== "");
        const unknown = names.filter((n) => !(ALL_MODELS as string[]).includes(n));
        if (names.length === 0 || unknown.length > 0) {
          throw new UsageError(`--models must list some of ${ALL_MODELS.join(", ")}, got "${names.join(",")}"`);
        }
        args.models = [...new Set(names)] as ModelKind[];
        break;
      }
      case "--seed":
        args.seed = parseInteger("--seed", value(), 0, 0xffffffff);
        break;
      case "--trees":
        args.trees = parseInteger("--trees", value(), 1, 100_000);
        break;
      case "--out":
        args.out = value();
        break;
      case "--encoding": {
        const encoding = value().toLowerCase();
        if (encoding !== "utf-8" && encoding !== "windows-1252") {
          throw new UsageError(`--encoding must be utf-8 or windows-1252, got "${encoding}"`);
        }
        args.encoding = encoding;
        break;
      }
      case "--non-finite": {
        const mode = value();
        if (mode !== "drop" && mode !== "impute") throw new UsageError(`--non-finite must be drop or impute, got "${mode}"`);
        args.nonFinite = mode;
        break;
      }
      case "--strict":
        args.strict = true;
        break;
      case "--export":
        args.export = value();
        break;
      case "--quiet":
        args.quiet = true;
        break;
      default:
        throw new UsageError(`unknown option "${arg}"; run "flowguard experiment --help" for the options`);
    }
  }
  return args;
}

/** Node's view of folders for recipe resolution. */
export const nodeRecipeFileSystem: RecipeFileSystem = {
  async list(dir) {
    try {
      return await readdir(dir);
    } catch {
      return null;
    }
  },
  join: (...parts) => join(...parts),
  dirname: (path) => dirname(path),
};

async function resolveArgsRecipe(args: ExperimentArgs): Promise<ResolvedRecipe> {
  if ((BUILT_IN_RECIPES as readonly string[]).includes(args.recipe)) {
    if (args.recipe !== "sample" && args.data === undefined) {
      throw new UsageError(
        `--recipe ${args.recipe} reads the full CIC-DDoS2019 dataset: pass its folder with --data DIR ` +
          `(CSV folders 03-11/ and 01-12/, or the parquet release)`,
      );
    }
    return resolveStudyRecipe(nodeRecipeFileSystem, args.recipe, args.data ?? displayPath(SAMPLE_DIR));
  }
  let text: string;
  try {
    text = await readFile(args.recipe, "utf8");
  } catch {
    throw new UsageError(
      `--recipe "${args.recipe}" is neither a built-in recipe (${BUILT_IN_RECIPES.join(", ")}) nor a readable file`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SyntaxError(`recipe: ${args.recipe} is not valid JSON: ${(error as Error).message}`);
  }
  const recipe = validateRecipe(parsed, args.recipe);
  recipe.name ??= basename(args.recipe).replace(/\.json$/i, "");
  return resolveRecipe(nodeRecipeFileSystem, recipe, args.data ?? dirname(resolve(args.recipe)));
}

/** Writes files so that either all of them appear complete or none changes: temporary files first, then renames. */
export async function writeFilesWhole(dir: string, files: Record<string, string>): Promise<void> {
  await mkdir(dir, { recursive: true });
  const temporary: string[] = [];
  try {
    for (const [name, text] of Object.entries(files)) {
      const path = join(dir, `.${name}.${process.pid}.tmp`);
      temporary.push(path);
      await writeFile(path, text);
    }
    const names = Object.keys(files);
    for (const [i, path] of temporary.entries()) await rename(path, join(dir, names[i]));
  } catch (error) {
    await Promise.all(temporary.map((path) => rm(path, { force: true })));
    throw error;
  }
}

/** Prints progress to stderr: each step once, then updates at most once a second. */
function progressPrinter(quiet: boolean): (event: ProgressEvent) => void {
  const start = performance.now();
  let lastStep = "";
  let lastPrint = 0;
  return (event) => {
    if (quiet) return;
    const now = performance.now();
    if (event.step === lastStep && now - lastPrint < 1000) return;
    lastStep = event.step;
    lastPrint = now;
    const elapsed = ((now - start) / 1000).toFixed(1).padStart(6);
    const percent = event.fraction === undefined ? "" : ` (${Math.round(event.fraction * 100)}%)`;
    process.stderr.write(`[${elapsed} s] ${event.message}${percent}\n`);
  };
}

async function runExperimentCommand(argv: string[]): Promise<number> {
  const args = parseExperimentArgs(argv);
  if (args.help) {
    process.stdout.write(EXPERIMENT_HELP);
    return 0;
  }
  const recipe = await resolveArgsRecipe(args);
  if (args.nonFinite) recipe.nonFinite = args.nonFinite;
  if (recipe.name === "sample") {
    process.stdout.write(
      "flowguard: running on the real CIC-DDoS2019 sample shipped in data/sample (heads of the 01-12 files):\n" +
        "Benign, Syn, UDP, MSSQL, LDAP and NetBIOS rows, split 80/20 like the study's first dataset.\n" +
        "This is a small slice of one day, so its figures show the pipeline working; they do not reproduce the study.\n\n",
    );
  } else {
    process.stdout.write(`flowguard: recipe ${recipe.name}: ${recipe.description}\n\n`);
  }
  useNodeParquetWasm();
  const core = await loadCore();
  const result: ExperimentResult = await runExperiment(recipe, {
    core,
    open: fileSource,
    models: args.models,
    seed: args.seed,
    modelOptions: args.trees ? { rf: { trees: args.trees } } : undefined,
    csv: { encoding: args.encoding, strict: args.strict },
    runtime: `node ${process.versions.node}`,
    onProgress: progressPrinter(args.quiet),
  });
  const report = recipe.name.startsWith("study-") ? { ...result.report, study: STUDY_FIGURES[recipe.name] } : result.report;
  const width = process.stdout.columns ?? 100;
  process.stdout.write(reportTerminal(report, { width }) + "\n");
  await writeFilesWhole(args.out, { "report.json": reportJson(report), "report.md": reportMarkdown(report) });
  process.stdout.write(`\nWrote ${join(args.out, "report.json")} and ${join(args.out, "report.md")}\n`);
  if (args.export) {
    await writeFilesWhole(args.export, exportDatasetCsv(result.dataset, recipe));
    process.stdout.write(`Wrote the cleaned rows to ${args.export} (train.csv, test.csv, meta.json)\n`);
  }
  result.dataset.free();
  return 0;
}

/** Runs the command line and returns the exit status. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === "help" || command === "--help" || command === "-h") {
      process.stdout.write(rest[0] === "experiment" ? EXPERIMENT_HELP : MAIN_HELP);
      return 0;
    }
    if (command === "experiment") return await runExperimentCommand(rest);
    throw new UsageError(`unknown command "${command}"; commands: experiment, help`);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`flowguard: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(`flowguard: ${(error as Error).message}\n`);
    if (process.env.FLOWGUARD_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    return 2;
  }
}


