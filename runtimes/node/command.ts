/**
 * The `flowguard` command for Node: the host that gives src/cli.ts files
 * through `node:fs`, paths through `node:path`, and the process's stdout,
 * stderr and environment.
 */
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { makeFolder, probeFolderWith, runCli, writeFilesWholeWith, type CliHost, type WholeFileOperations } from "../../src/cli.ts";
import { fileSource, listDir } from "./files.ts";
import { useNodeParquetWasm } from "./parquet.ts";
import { nodeForestPool } from "./forest_pool.ts";
import { compileCore, loadCore } from "./wasm.ts";

export { parseExperimentArgs } from "../../src/cli.ts";
export { nodeRecipeFileSystem } from "./files.ts";

/** The package folder: this file is runtimes/node/command.ts, and the bundle dist/node/cli.js, both two levels down. */
const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Creates `dir` and its missing parents (see makeFolder: Node's recursive mkdir never settles under /proc). */
function makeFolders(dir: string): Promise<void> {
  return makeFolder(dir, (path) => mkdir(path), dirname);
}

/** The file operations of writeFilesWhole and the --out probe. */
const fileOperations: WholeFileOperations = {
  mkdir: makeFolders,
  writeTextFile: (path, text) => writeFile(path, text),
  rename,
  remove: (path) => rm(path, { force: true }),
  join,
  pid: process.pid,
};

/** Writes files so that either all of them appear complete or none changes: temporary files first, then renames. */
export function writeFilesWhole(dir: string, files: Record<string, string>): Promise<void> {
  return writeFilesWholeWith(fileOperations, dir, files);
}

/** The Node host of the command. */
export const nodeHost: CliHost = {
  runtime: `node ${process.versions.node}`,
  packageRoot: PACKAGE_ROOT,
  stdout: { write: (text) => void process.stdout.write(text) },
  stderr: { write: (text) => void process.stderr.write(text) },
  path: { join, dirname, basename, resolve, relative },
  terminalWidth: () => process.stdout.columns,
  cwd: () => process.cwd(),
  env: (name) => process.env[name],
  readTextFile: (path) => readFile(path, "utf8"),
  listDir,
  open: fileSource,
  writeFilesWhole,
  loadCore,
  setUpParquet: useNodeParquetWasm,
  probeOutputFolder: (dir) => probeFolderWith(fileOperations, dir),
  defaultWorkers: () => availableParallelism(),
  async forestPool(size) {
    const worker = pathToFileURL(join(PACKAGE_ROOT, "dist", "node", "forest_worker.js"));
    return nodeForestPool(await compileCore(), worker, size);
  },
};

/** Runs the command line and returns the exit status. */
export function main(argv: string[]): Promise<number> {
  return runCli(nodeHost, argv);
}
