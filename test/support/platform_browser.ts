// The browser version of platform.ts, with the same exports. The test server
// (test/run/server.mjs) serves the repository read-only from its root and
// lists the test data in /__files__.json, so reading works through fetch and
// sizes and folder listings come from that list. Processes and writing do
// not exist in a web page: those functions throw, and tests that need them
// are skipped here.
import type { RecipeFileSystem } from "../../src/recipe.ts";
import type { ByteSource } from "../../src/source.ts";
import { Core } from "../../src/wasm.ts";

export type RuntimeName = "node" | "deno" | "bun" | "browser";

export const runtimeName: RuntimeName = "browser";

/** Files and folders below the served roots, keyed by path relative to the repository root. */
interface FileList {
  files: Record<string, number>;
  dirs: Record<string, string[]>;
}

const fileList: FileList = await fetchOk("/__files__.json").then((response) => response.json());

/** Normalizes a relative path the way node:path's posix join does ("a/./b/../c" to "a/c"). */
function normalize(path: string): string {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === ".." && parts.length > 0 && parts[parts.length - 1] !== "..") parts.pop();
    else parts.push(part);
  }
  return parts.join("/") || ".";
}

async function fetchOk(url: string): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`test: could not fetch ${url}: HTTP ${response.status} ${response.statusText}`);
  return response;
}

function urlOf(path: string): string {
  if (path.startsWith("/")) throw new Error(`test: ${path} is absolute; the browser tests read paths relative to the repository root`);
  return `/${normalize(path)}`;
}

export async function readText(path: string): Promise<string> {
  return (await fetchOk(urlOf(path))).text();
}

export async function readBytes(path: string): Promise<Uint8Array> {
  return new Uint8Array(await (await fetchOk(urlOf(path))).arrayBuffer());
}

// deno-lint-ignore no-explicit-any
export async function readJson(path: string): Promise<any> {
  return JSON.parse(await readText(path));
}

export async function listDir(path: string): Promise<string[]> {
  const entries = fileList.dirs[normalize(path)];
  if (!entries) throw new Error(`test: no folder ${path} in the served file list`);
  return [...entries];
}

export async function listFilesDeep(dir: string): Promise<string[]> {
  const prefix = `${normalize(dir)}/`;
  if (!(normalize(dir) in fileList.dirs)) throw new Error(`test: no folder ${dir} in the served file list`);
  return Object.keys(fileList.files)
    .filter((path) => path.startsWith(prefix))
    .map((path) => `${dir.replace(/\/+$/, "")}/${path.slice(prefix.length)}`)
    .sort();
}

export async function exists(path: string): Promise<boolean> {
  const key = normalize(path);
  return key in fileList.files || key in fileList.dirs;
}

/** Streams a served file; the size comes from the file list, so it is known before the first read, as with a file on disk. */
export function fileSource(path: string): ByteSource {
  const size = fileList.files[normalize(path)];
  if (size === undefined) throw new Error(`test: no file ${path} in the served file list`);
  return {
    name: path,
    size,
    stream() {
      let reader: ReadableStreamDefaultReader<Uint8Array>;
      return new ReadableStream<Uint8Array>({
        async start() {
          const response = await fetchOk(urlOf(path));
          reader = response.body!.getReader();
        },
        async pull(controller) {
          const { done, value } = await reader.read();
          if (done) controller.close();
          else controller.enqueue(value);
        },
        cancel(reason) {
          return reader?.cancel(reason);
        },
      });
    },
  };
}

let compiled: Promise<WebAssembly.Module> | undefined;

/** Compiles dist/flowguard.wasm once per page and returns a fresh core instance. */
export async function loadCore(): Promise<Core> {
  compiled ??= WebAssembly.compileStreaming(fetchOk("/dist/flowguard.wasm"));
  return Core.create(await compiled);
}

export const recipeFileSystem: RecipeFileSystem = {
  list: async (dir) => fileList.dirs[normalize(dir)]?.slice() ?? null,
  join: (...parts) => normalize(parts.join("/")),
  dirname: (path) => {
    const normalized = normalize(path);
    const slash = normalized.lastIndexOf("/");
    return slash < 0 ? "." : normalized.slice(0, slash);
  },
};

export const PARQUET_WASM_PATH = "node_modules/parquet-wasm/esm/parquet_wasm_bg.wasm";

export function joinPath(...parts: string[]): string {
  return normalize(parts.join("/"));
}

/** Returns the path as a URL path of the test server, because pages have no working folder: "/" is the repository root. */
export function resolvePath(...parts: string[]): string {
  return `/${normalize(parts.join("/"))}`;
}

export function workingDir(): string {
  return "/";
}

function unavailable(what: string): never {
  throw new Error(`test: ${what} is not available in a web page; skip this test in the browser (test/support/skip.ts)`);
}

export const nodeExecutable = "node";

export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCommand(command: string, _args: string[], _cwd?: string): CommandResult {
  return unavailable(`running ${command}`);
}

export function makeTempDir(_prefix: string): string {
  return unavailable("a temporary folder");
}

export function removeTempDirs(): void {}

export function makeDir(path: string): void {
  unavailable(`creating the folder ${path}`);
}

export function writeText(path: string, _text: string): void {
  unavailable(`writing ${path}`);
}

export function copyFile(from: string, _to: string): void {
  unavailable(`copying ${from}`);
}
