/**
 * The `flowguard` command for Bun: the host that gives src/cli.ts files
 * through `Bun.file` and `Bun.write` (folders, renames and deletes through
 * `node:fs`, which Bun implements natively), paths through `node:path`, and
 * the process's stdout, stderr and environment.
 */
import { mkdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { makeFolder, probeFolderWith, runCli, writeFilesWholeWith, type CliHost, type WholeFileOperations } from "../../src/cli.ts";
import { Bun } from "./bun_api.ts";
import { fileSource, listDir } from "./files.ts";
import { bunForestPool, loadCore, useBunParquetWasm } from "./wasm.ts";

/** The package folder: this file is runtimes/bun/host.ts, two levels down. */
const PACKAGE_ROOT = resolve(dirname(Bun.fileURLToPath(import.meta.url)), "../..");

/** Creates `dir` and its missing parents (see makeFolder). oven-sh/bun pull request 40600 describes the same endless loop in Bun 1.4's recursive mkdir. */
function makeFolders(dir: string): Promise<void> {
  return makeFolder(dir, (path) => mkdir(path), dirname);
}

/** The file operations of writeFilesWhole and the --out probe. */
const fileOperations: WholeFileOperations = {
  mkdir: makeFolders,
  writeTextFile: async (path, text) => void (await Bun.write(path, text)),
  rename,
  remove: (path) => rm(path, { force: true }),
  join,
  pid: process.pid,
};

/** The Bun host of the command. */
export const bunHost: CliHost = {
  runtime: `bun ${Bun.version}`,
  packageRoot: PACKAGE_ROOT,
  stdout: { write: (text) => void process.stdout.write(text) },
  stderr: { write: (text) => void process.stderr.write(text) },
  path: { join, dirname, basename, resolve, relative },
  terminalWidth: () => process.stdout.columns,
  cwd: () => process.cwd(),
  env: (name) => process.env[name],
  readTextFile: (path) => Bun.file(path).text(),
  listDir,
  open: fileSource,
  writeFilesWhole: (dir, files) => writeFilesWholeWith(fileOperations, dir, files),
  loadCore,
  setUpParquet: useBunParquetWasm,
  probeOutputFolder: (dir) => probeFolderWith(fileOperations, dir),
  defaultWorkers: () => navigator.hardwareConcurrency,
  forestPool: bunForestPool,
};

/** Runs the command line and returns the exit status. */
export function main(argv: string[]): Promise<number> {
  return runCli(bunHost, argv);
}
