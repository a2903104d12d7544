/**
 * The `flowguard` command, independent of the runtime: argument parsing,
 * help, recipe choice, the run, progress on stderr, the report on stdout
 * and in `--out`. Everything that touches files, the terminal or the
 * process goes through a `CliHost`, which runtimes/node, runtimes/deno and
 * runtimes/bun implement. Exit status 0 on success, 1 on a usage error,
 * 2 on a data error.
 */
import { ALL_MODELS, FLOWGUARD_VERSION, runExperiment, type ExperimentResult, type ProgressEvent } from "./experiment.ts";
import { exportDatasetCsv } from "./export.ts";
import type { ModelKind } from "./model.ts";
import {
  BUILT_IN_RECIPES,
  resolveRecipe,
  resolveStudyRecipe,
  validateRecipe,
  type RecipeFileSystem,
  type ResolvedRecipe,
} from "./recipe.ts";
import { reportJson, reportMarkdown, reportTerminal } from "./report.ts";
import type { ByteSource } from "./source.ts";
import { STUDY_FIGURES } from "./study.ts";
import type { ForestPool } from "./forest_pool.ts";
import type { Core } from "./wasm.ts";

/** Version printed by --version. */
export const CLI_VERSION = FLOWGUARD_VERSION;

/** A destination for text, such as stdout. */
export interface TextWriter {
  write(text: string): void;
}

/** Path operations with the semantics of `node:path` on the host's platform. */
export interface CliPaths {
  join(...parts: string[]): string;
  dirname(path: string): string;
  basename(path: string): string;
  /** Returns an absolute path, resolving relative paths against the working folder. */
  resolve(...parts: string[]): string;
  relative(from: string, to: string): string;
}

/** Runtime services the command uses: files, terminal, process environment and the WebAssembly core. */
export interface CliHost {
  /** Runtime name and version written into reports, such as "node 20.19.0". */
  readonly runtime: string;
  /** Absolute path of the installed package, the folder that contains data/sample. */
  readonly packageRoot: string;
  readonly stdout: TextWriter;
  readonly stderr: TextWriter;
  readonly path: CliPaths;
  /** Returns the column count of the terminal that stdout writes to, or undefined when stdout is not a terminal. */
  terminalWidth(): number | undefined;
  cwd(): string;
  /** Returns the value of an environment variable, or undefined when it is unset or not readable. */
  env(name: string): string | undefined;
  readTextFile(path: string): Promise<string>;
  /** Returns the entry names of `dir`, or null when it does not exist. */
  listDir(dir: string): Promise<string[] | null>;
  /** Returns a source over the file at `path`. */
  open(path: string): ByteSource;
  /** Writes every file into `dir` so that either all of them appear complete or none changes. */
  writeFilesWhole(dir: string, files: Record<string, string>): Promise<void>;
  /** Compiles and instantiates the WebAssembly core. */
  loadCore(): Promise<Core>;
  /** Tells the parquet reader where parquet-wasm's binary comes from (see `setParquetWasmLoader`). */
  setUpParquet(): void;
  /**
   * Throws UsageError when the process lacks a permission that writing files
   * into `dir` (given with the option `flag`) needs, before any work starts.
   * Optional: only runtimes with a permission model (Deno) need it.
   */
  checkOutputFolder?(dir: string, flag: string): void;
  /**
   * Creates `dir` if needed and checks that a file can be written into it,
   * leaving nothing behind; throws with the system's reason otherwise.
   * Optional: without it, a folder that cannot be written is only found at
   * the end of the run.
   */
  probeOutputFolder?(dir: string): Promise<void>;
  /** Number of workers for the random forest when --workers is not given; optional, default 1. */
  defaultWorkers?(): number;
  /** Returns a pool of `size` forest workers; optional, without it the forest fits in the main thread. */
  forestPool?(size: number): Promise<ForestPool>;
}

/** A mistake in the command line, exit status 1. Hosts throw it too, for example when a permission is missing. */
export class UsageError extends Error {}

const MAIN_HELP = `flowguard: DDoS detection in CICFlowMeter flow records, on a WebAssembly core

Usage:
  flowguard experiment [options]   run the study's pipeline and print its tables
  flowguard help [command]         show help
  flowguard --version              print the version

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
  --workers N          worker threads reading plain CSV files of 32 MiB or
                       more and fitting the forest's trees; default: the
                       number of cores (the table and the forest are the
                       same for any N)
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

/** Options of `flowguard experiment`, after parsing. */
export interface ExperimentArgs {
  recipe: string;
  data?: string;
  models: ModelKind[];
  seed?: number;
  trees?: number;
  workers?: number;
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
      case "--workers":
        args.workers = parseInteger("--workers", value(), 1, 256);
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
        if (!arg.startsWith("-")) {
          throw new UsageError(`unexpected argument "${arg}": the experiment takes only options; run "flowguard experiment --help"`);
        }
        throw new UsageError(`unknown option "${arg}"; run "flowguard experiment --help" for the options`);
    }
  }
  return args;
}

/** Returns the host's view of folders for recipe resolution. */
export function hostRecipeFileSystem(host: Pick<CliHost, "listDir" | "path">): RecipeFileSystem {
  return {
    list: (dir) => host.listDir(dir),
    join: (...parts) => host.path.join(...parts),
    dirname: (path) => host.path.dirname(path),
  };
}

/** Returns `path` relative to the working folder when it lies inside it, so reports name files the same on every machine. */
function displayPath(host: CliHost, path: string): string {
  const inside = host.path.relative(host.cwd(), path);
  return inside !== "" && !inside.startsWith("..") ? inside : path;
}

async function resolveArgsRecipe(host: CliHost, args: ExperimentArgs): Promise<ResolvedRecipe> {
  const files = hostRecipeFileSystem(host);
  if ((BUILT_IN_RECIPES as readonly string[]).includes(args.recipe)) {
    if (args.recipe !== "sample" && args.data === undefined) {
      throw new UsageError(
        `--recipe ${args.recipe} reads the full CIC-DDoS2019 dataset: pass its folder with --data DIR ` +
          `(CSV folders 03-11/ and 01-12/, or the parquet release)`,
      );
    }
    const sampleDir = host.path.join(host.packageRoot, "data", "sample");
    return resolveStudyRecipe(files, args.recipe, args.data ?? displayPath(host, sampleDir));
  }
  let text: string;
  try {
    text = await host.readTextFile(args.recipe);
  } catch (error) {
    // A host's own usage error (such as a missing read permission) is more precise than the generic message.
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `--recipe "${args.recipe}" is neither a built-in recipe (${BUILT_IN_RECIPES.join(", ")}) nor a readable file`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SyntaxError(`recipe: ${args.recipe} is not valid JSON: ${(error as Error).message}${jsonErrorPlace(text, error)}`);
  }
  const recipe = validateRecipe(parsed, args.recipe);
  recipe.name ??= host.path.basename(args.recipe).replace(/\.json$/i, "");
  return resolveRecipe(files, recipe, args.data ?? host.path.dirname(host.path.resolve(args.recipe)));
}

/** Returns ", line L, column C" for a JSON.parse error that gives a character position, else "". */
function jsonErrorPlace(text: string, error: unknown): string {
  const match = /position (\d+)/.exec((error as Error).message);
  if (!match) return "";
  const before = text.slice(0, Number(match[1]));
  const line = before.split("\n").length;
  const column = before.length - before.lastIndexOf("\n");
  return ` (line ${line}, column ${column})`;
}

/** File operations that `writeFilesWholeWith` builds on. */
export interface WholeFileOperations {
  /** Creates `dir` and its missing parents. */
  mkdir(dir: string): Promise<void>;
  writeTextFile(path: string, text: string): Promise<void>;
  /** Replaces `to` with `from`, atomically when both are in one folder. */
  rename(from: string, to: string): Promise<void>;
  /** Deletes `path`; a missing file is not an error. */
  remove(path: string): Promise<void>;
  join(...parts: string[]): string;
  /** Process id, so that concurrent runs writing into one folder use different temporary names. */
  pid: number;
}

/**
 * Creates folder `dir` and its missing parents one level at a time.
 * `mkdirOne` creates one folder. It rejects with an error whose `code` is
 * "EEXIST" when the path exists, or "ENOENT" when its parent is missing.
 * `parentOf` returns a path's parent. This replaces `recursive: true`
 * because Node's recursive mkdir never settles for a path under /proc,
 * where mkdir reports ENOENT although the parent exists. Here an ENOENT
 * once the parent exists is final, and the error raised names the first
 * folder that could not be made.
 */
export async function makeFolder(dir: string, mkdirOne: (path: string) => Promise<void>, parentOf: (path: string) => string): Promise<void> {
  try {
    await mkdirOne(dir);
    return;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "EEXIST") return;
    const parent = parentOf(dir);
    if (code !== "ENOENT" || parent === dir) throw error;
    await makeFolder(parent, mkdirOne, parentOf);
    try {
      await mkdirOne(dir);
    } catch (retryError) {
      if ((retryError as { code?: unknown }).code !== "EEXIST") throw error;
    }
  }
}

/** Writes files so that either all of them appear complete or none changes: temporary files first, then renames. */
export async function writeFilesWholeWith(
  operations: WholeFileOperations,
  dir: string,
  files: Record<string, string>,
): Promise<void> {
  await operations.mkdir(dir);
  const temporary: string[] = [];
  try {
    for (const [name, text] of Object.entries(files)) {
      const path = operations.join(dir, `.${name}.${operations.pid}.tmp`);
      temporary.push(path);
      await operations.writeTextFile(path, text);
    }
    const names = Object.keys(files);
    for (const [i, path] of temporary.entries()) await operations.rename(path, operations.join(dir, names[i]));
  } catch (error) {
    await Promise.all(temporary.map((path) => operations.remove(path)));
    throw error;
  }
}

/** Creates `dir` with `operations`, then writes and removes an empty file there, so that a folder that cannot be written fails before any work. */
export async function probeFolderWith(operations: WholeFileOperations, dir: string): Promise<void> {
  await operations.mkdir(dir);
  const probe = operations.join(dir, `.flowguard-probe.${operations.pid}.tmp`);
  await operations.writeTextFile(probe, "");
  await operations.remove(probe);
}

/**
 * Prints progress to stderr: every new message once, except that updates
 * within one "fit" step (whose message counts trees) and repeats of a
 * message are printed at most once a second.
 */
function progressPrinter(stderr: TextWriter, quiet: boolean): (event: ProgressEvent) => void {
  const start = performance.now();
  let lastMessage = "";
  let lastStep = "";
  let lastPrint = 0;
  return (event) => {
    if (quiet) return;
    const now = performance.now();
    const sameStep = event.step === lastStep && (event.message === lastMessage || event.step.startsWith("fit"));
    if (sameStep && now - lastPrint < 1000) return;
    lastStep = event.step;
    lastMessage = event.message;
    lastPrint = now;
    const elapsed = ((now - start) / 1000).toFixed(1).padStart(6);
    const percent = event.fraction === undefined ? "" : ` (${Math.round(event.fraction * 100)}%)`;
    stderr.write(`[${elapsed} s] ${event.message}${percent}\n`);
  };
}

async function runExperimentCommand(host: CliHost, argv: string[]): Promise<number> {
  const args = parseExperimentArgs(argv);
  if (args.help) {
    host.stdout.write(EXPERIMENT_HELP);
    return 0;
  }
  host.checkOutputFolder?.(args.out, "--out");
  if (args.export) host.checkOutputFolder?.(args.export, "--export");
  for (const [flag, dir] of [["--out", args.out], ["--export", args.export]] as const) {
    if (dir === undefined || !host.probeOutputFolder) continue;
    try {
      await host.probeOutputFolder(dir);
    } catch (error) {
      throw new UsageError(`${flag} ${dir} cannot be written (${(error as Error).message}); choose a folder you can write to`);
    }
  }

  const recipe = await resolveArgsRecipe(host, args);
  if (args.nonFinite) recipe.nonFinite = args.nonFinite;
  if (recipe.name === "sample") {
    host.stdout.write(
      "flowguard: running on the real CIC-DDoS2019 sample shipped in data/sample (heads of the 01-12 files):\n" +
        "Benign, Syn, UDP, MSSQL, LDAP and NetBIOS rows, split 80/20 like the study's first dataset.\n" +
        "This is a small slice of one day, so its figures show the pipeline working; they do not reproduce the study.\n\n",
    );
  } else {
    host.stdout.write(`flowguard: recipe ${recipe.name}${recipe.description ? `: ${recipe.description}` : ""}\n\n`);
  }

  host.setUpParquet();
  const core = await host.loadCore();
  const workers = args.workers ?? host.defaultWorkers?.() ?? 1;
  // The pool reads large plain CSV files in parallel and fits the forest's trees.
  const pool = workers > 1 && host.forestPool ? await host.forestPool(workers) : undefined;
  const forestPool = args.models.includes("rf") ? pool : undefined;
  // Prediction workers kept for a forest's next prediction are stopped once the run is over.
  const result: ExperimentResult = await runExperiment(recipe, {
    core,
    open: (path) => host.open(path),
    models: args.models,
    seed: args.seed,
    modelOptions: args.trees ? { rf: { trees: args.trees } } : undefined,
    forestPool,
    csv: { encoding: args.encoding, strict: args.strict, pool },
    runtime: host.runtime,
    onProgress: progressPrinter(host.stderr, args.quiet),
  }).finally(() => pool?.close());

  const report = recipe.name.startsWith("study-") ? { ...result.report, study: STUDY_FIGURES[recipe.name] } : result.report;
  const width = host.terminalWidth() ?? 100;
  host.stdout.write(reportTerminal(report, { width }) + "\n");
  await host.writeFilesWhole(args.out, { "report.json": reportJson(report), "report.md": reportMarkdown(report) });
  const { join } = host.path;
  if (!args.quiet) host.stderr.write(`Wrote ${join(args.out, "report.json")} and ${join(args.out, "report.md")}\n`);
  if (args.export) {
    await host.writeFilesWhole(args.export, exportDatasetCsv(result.dataset, { ...recipe, seed: report.recipe.seed }));
    if (!args.quiet) host.stderr.write(`Wrote the cleaned rows to ${args.export} (train.csv, test.csv, meta.json)\n`);
  }
  result.dataset.free();
  return 0;
}

/**
 * Runs the command line `argv` (the arguments after the program name) on
 * `host` and returns the exit status: 0 on success, 1 on a usage error,
 * 2 on a data error. Errors go to `host.stderr`, with the stack trace when
 * the environment variable FLOWGUARD_DEBUG is set.
 */
export async function runCli(host: CliHost, argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === "--version" || command === "-V") {
      host.stdout.write(`flowguard ${CLI_VERSION} (${host.runtime})\n`);
      return 0;
    }
    if (command === undefined) {
      // No command is a mistake, not a request for help: the help goes to stderr and the status is 1.
      host.stderr.write(`flowguard: no command given\n\n${MAIN_HELP}`);
      return 1;
    }
    if (command === "help" || command === "--help" || command === "-h") {
      host.stdout.write(rest[0] === "experiment" ? EXPERIMENT_HELP : MAIN_HELP);
      return 0;
    }
    if (command === "experiment") return await runExperimentCommand(host, rest);
    throw new UsageError(`unknown command "${command}"; commands: experiment, help`);
  } catch (error) {
    if (error instanceof UsageError) {
      host.stderr.write(`flowguard: ${error.message}\n`);
      return 1;
    }
    host.stderr.write(`flowguard: ${(error as Error).message}\n`);
    if (host.env("FLOWGUARD_DEBUG")) host.stderr.write(`${(error as Error).stack}\n`);
    return 2;
  }
}
