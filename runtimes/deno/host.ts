/**
 * The `flowguard` command for Deno: the host that gives src/cli.ts files
 * through `Deno.*`, paths through `node:path`, and Deno's stdout, stderr and
 * permissions. Every read or write is checked against Deno's permissions
 * first, so a missing `--allow-read` or `--allow-write` is a usage error
 * (exit status 1) that names the path.
 */
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { probeFolderWith, runCli, writeFilesWholeWith, type CliHost, type TextWriter, type WholeFileOperations } from "../../src/cli.ts";
import { Deno, type DenoStdStream } from "./deno_api.ts";
import { fileSource, listDir } from "./files.ts";
import { mayReadEnv, requireOutputFolder, requireRead } from "./permissions.ts";
import { denoDefaultWorkers, denoForestPool, loadCore, useDenoParquetWasm, WORKER_READS } from "./wasm.ts";

/** The package folder: this file is runtimes/deno/host.ts, two levels down. */
const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Returns a writer that writes all of each text, since `writeSync` may write only part of it. */
function streamWriter(stream: DenoStdStream): TextWriter {
  const encoder = new TextEncoder();
  return {
    write(text) {
      let bytes = encoder.encode(text);
      while (bytes.length > 0) bytes = bytes.subarray(stream.writeSync(bytes));
    },
  };
}

/** The file operations of writeFilesWhole and the --out probe. */
const fileOperations: WholeFileOperations = {
  mkdir: (path) => Deno.mkdir(path, { recursive: true }),
  writeTextFile: (path, text) => Deno.writeTextFile(path, text),
  rename: (from, to) => Deno.rename(from, to),
  async remove(path) {
    try {
      await Deno.remove(path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  },
  join,
  pid: Deno.pid,
};

/** The Deno host of the command. */
export const denoHost: CliHost = {
  runtime: `deno ${Deno.version.deno}`,
  packageRoot: PACKAGE_ROOT,
  stdout: streamWriter(Deno.stdout),
  stderr: streamWriter(Deno.stderr),
  path: { join, dirname, basename, resolve, relative },
  terminalWidth: () => (Deno.stdout.isTerminal() ? Deno.consoleSize().columns : undefined),
  cwd: () => Deno.cwd(),
  // Reading the environment needs --allow-env; without it, FLOWGUARD_DEBUG is treated as unset.
  env: (name) => (mayReadEnv(name) ? Deno.env.get(name) : undefined),
  async readTextFile(path) {
    // The recipe's data files usually sit beside it, so the hint names its folder.
    requireRead(path, "recipe file", { path: dirname(path), why: "the recipe's folder, which also covers data files beside it" });
    return await Deno.readTextFile(path);
  },
  listDir,
  open: fileSource,
  writeFilesWhole: (dir, files) => writeFilesWholeWith(fileOperations, dir, files),
  loadCore,
  setUpParquet: useDenoParquetWasm,
  checkOutputFolder: requireOutputFolder,
  probeOutputFolder: (dir) => probeFolderWith(fileOperations, dir),
  defaultWorkers() {
    const workers = denoDefaultWorkers();
    if (workers === 1 && navigator.hardwareConcurrency > 1) {
      this.stderr.write(
        `flowguard: using 1 thread instead of ${navigator.hardwareConcurrency} workers, because worker threads need read permission for ` +
          `${WORKER_READS.join(" and ")}; add them to --allow-read, or pass --workers 1 to leave out this note\n`,
      );
    }
    return workers;
  },
  forestPool: denoForestPool,
};

/** Runs the command line and returns the exit status. */
export function main(argv: string[]): Promise<number> {
  return runCli(denoHost, argv);
}
