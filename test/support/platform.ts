// How tests reach files, processes and the WebAssembly core in Node, Deno and
// Bun, which all provide node:fs, node:child_process and node:path. The
// browser build of the tests (test/run/browser.mjs) swaps this module for
// platform_browser.ts, which has the same exports. Relative paths start at
// the repository root, the working folder of every test runner.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import process from "node:process";
import type { RecipeFileSystem } from "../../src/recipe.ts";

export { fileSource } from "../../runtimes/node/files.ts";
export { loadCore } from "../../runtimes/node/wasm.ts";

/** The runtime executing the tests. */
export type RuntimeName = "node" | "deno" | "bun" | "browser";

function detectRuntime(): RuntimeName {
  if ("Deno" in globalThis) return "deno";
  if ("Bun" in globalThis) return "bun";
  return "node";
}

export const runtimeName: RuntimeName = detectRuntime();

/** Reads a file as UTF-8 text. */
export function readText(path: string): Promise<string> {
  return readFile(path, "utf8");
}

/** Reads a file's bytes. */
export async function readBytes(path: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(path));
}

/** Reads and parses a JSON file. */
// deno-lint-ignore no-explicit-any
export async function readJson(path: string): Promise<any> {
  return JSON.parse(await readText(path));
}

/** Returns the names of a folder's entries, sorted by code unit; throws when the folder is missing. */
export async function listDir(path: string): Promise<string[]> {
  return (await readdir(path)).sort();
}

/** Returns the paths of all files below a folder, at any depth, sorted; each path starts with `dir`. */
export async function listFilesDeep(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) files.push(...(await listFilesDeep(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files.sort();
}

/** Returns whether a file or folder exists. */
export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Folders for recipe resolution, read through node:fs like the Node command reads them. */
export const recipeFileSystem: RecipeFileSystem = {
  list: async (dir) => {
    try {
      return await readdir(dir);
    } catch {
      return null;
    }
  },
  join,
  dirname,
};

/** parquet-wasm's WebAssembly binary, which the parquet reader needs before it reads a file. */
export const PARQUET_WASM_PATH = createRequire(import.meta.url).resolve("parquet-wasm/esm/parquet_wasm_bg.wasm");

/** Joins path segments with the host's separator and normalizes the result. */
export function joinPath(...parts: string[]): string {
  return join(...parts);
}

/** Returns the absolute form of a path relative to the working folder. */
export function resolvePath(...parts: string[]): string {
  return resolve(...parts);
}

/** Returns the working folder of the test process. */
export function workingDir(): string {
  return process.cwd();
}

// Processes and writing. A web page can do neither, so the browser module
// throws from these; tests that need them are skipped there (see skip.ts).

/** The Node executable that runs the CLI under test: this process's own in Node, `node` from PATH elsewhere. */
export const nodeExecutable = runtimeName === "node" ? process.execPath : "node";

/** Exit status and output of a finished process. */
export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The part of Deno's API that `runCommand` uses. */
interface DenoCommandApi {
  Command: new (command: string, options: { args: string[]; cwd: string }) => {
    outputSync(): { code: number; stdout: Uint8Array; stderr: Uint8Array };
  };
}

/**
 * Runs a command to completion and returns its status and UTF-8 output; the
 * command inherits the environment. Deno goes through Deno.Command, because
 * its node:child_process reads every environment variable (or at least
 * NODE_V8_COVERAGE) and so would need --allow-env.
 */
export function runCommand(command: string, args: string[], cwd = workingDir()): CommandResult {
  if (runtimeName === "deno") {
    const deno = (globalThis as unknown as { Deno: DenoCommandApi }).Deno;
    const output = new deno.Command(command, { args, cwd }).outputSync();
    const decoder = new TextDecoder();
    return { status: output.code, stdout: decoder.decode(output.stdout), stderr: decoder.decode(output.stderr) };
  }
  const result = spawnSync(command, args, { cwd, encoding: "utf8" });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const tempDirs: string[] = [];

/** Creates an empty folder in the system's temporary folder; `removeTempDirs` deletes it. */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Deletes every folder made by `makeTempDir` in this process. */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Creates a folder and any missing parents. */
export function makeDir(path: string): void {
  mkdirSync(path, { recursive: true });
}

/** Writes UTF-8 text to a file, replacing it. */
export function writeText(path: string, text: string): void {
  writeFileSync(path, text);
}

/** Copies a file, replacing the target. */
export function copyFile(from: string, to: string): void {
  copyFileSync(from, to);
}
