/**
 * Files given in memory to the edge entry: a flat set of names (which may
 * contain "/" folders) with their bytes, text, Blob or stream, seen as byte
 * sources and as a RecipeFileSystem rooted at ".".
 */
import { matchesPattern, type RecipeFileSystem } from "../../src/recipe.ts";
import { bytesSource, type ByteSource } from "../../src/source.ts";

/** Contents of one file: CSV text, its bytes (plain or gzip), a Blob, or a stream that can be read once. */
export type FileData = string | Uint8Array | ArrayBuffer | Blob | ReadableStream<Uint8Array>;

/** A named file; the name is what the recipe's patterns match, and what reports show. */
export interface NamedFile {
  name: string;
  data: FileData;
}

/** Removes a leading "./" or "/" so that "./a.csv", "/a.csv" and "a.csv" name one file. */
export function normalizeName(name: string): string {
  return name.replace(/^(\.\/|\/)+/, "");
}

/** Files held in memory, looked up by normalized name. */
export class MemoryFiles {
  private readonly sources = new Map<string, ByteSource>();

  /** Throws TypeError on an empty list, a file without a name, a name given twice or data of another type. */
  constructor(files: readonly NamedFile[] | Record<string, FileData>) {
    const list = Array.isArray(files)
      ? (files as readonly NamedFile[])
      : Object.entries(files as Record<string, FileData>).map(([name, data]) => ({ name, data }));
    if (list.length === 0) {
      throw new TypeError("edge: no files were given; pass the CSV files the recipe names in `files`, as { name, data } entries");
    }
    for (const [index, file] of list.entries()) {
      const name = typeof file?.name === "string" ? normalizeName(file.name) : "";
      if (name === "") {
        throw new TypeError(`edge: file ${index} has no name; give every file a name, such as "Syn.csv", for the recipe's patterns to match`);
      }
      if (this.sources.has(name)) {
        throw new TypeError(`edge: the file name "${name}" is given twice; give each file its own name`);
      }
      this.sources.set(name, sourceOf(name, file.data));
    }
  }

  /** Normalized names of all files, in the order given. */
  get names(): string[] {
    return [...this.sources.keys()];
  }

  /** Returns the source of the file at `path` (as resolved against "."). Throws RangeError for an unknown name. */
  open(path: string): ByteSource {
    const source = this.sources.get(normalizeName(path));
    if (source === undefined) {
      throw new RangeError(`edge: no file named "${normalizeName(path)}" was given; the files are ${this.names.map((n) => `"${n}"`).join(", ")}`);
    }
    return source;
  }

  /** Returns the patterns that match none of the files; patterns are relative to ".". */
  unmatched(patterns: readonly string[]): string[] {
    return patterns.filter((pattern) => {
      const full = normalizeName(pattern);
      const slash = full.lastIndexOf("/");
      const folder = full.slice(0, slash + 1);
      return !this.names.some((name) => name.startsWith(folder) && !name.slice(folder.length).includes("/") &&
        matchesPattern(full.slice(slash + 1), name.slice(folder.length)));
    });
  }

  /** Returns the files as folders for `resolveRecipe`, with "." as the root folder. */
  fileSystem(): RecipeFileSystem {
    return {
      list: async (dir) => {
        const folder = normalizeName(dir);
        const prefix = folder === "" || folder === "." ? "" : `${folder}/`;
        const entries = new Set<string>();
        for (const name of this.names) {
          if (!name.startsWith(prefix)) continue;
          const rest = name.slice(prefix.length);
          entries.add(rest.includes("/") ? rest.slice(0, rest.indexOf("/")) : rest);
        }
        return entries.size > 0 ? [...entries] : null;
      },
      join: (...parts) => parts.filter((part) => part !== "").join("/").replace(/\/{2,}/g, "/"),
      dirname: (path) => (path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "."),
    };
  }
}

/** Wraps one file's data as a byte source named `name`. */
function sourceOf(name: string, data: FileData): ByteSource {
  if (typeof data === "string") return bytesSource(name, new TextEncoder().encode(data));
  if (data instanceof Uint8Array) return bytesSource(name, data);
  if (data instanceof ArrayBuffer) return bytesSource(name, new Uint8Array(data));
  if (typeof Blob !== "undefined" && data instanceof Blob) {
    return { name, size: data.size, stream: () => data.stream() as ReadableStream<Uint8Array> };
  }
  if (data instanceof ReadableStream) return onceSource(name, data);
  let kind: string = typeof data;
  if (data === null) kind = "null";
  else if (typeof data === "object") kind = (data as object).constructor?.name ?? "object";
  throw new TypeError(
    `edge: the data of file "${name}" is a ${kind}; allowed are a string, Uint8Array, ArrayBuffer, Blob or ReadableStream of bytes`,
  );
}

/** Wraps a stream as a source that can be read once only. */
function onceSource(name: string, stream: ReadableStream<Uint8Array>): ByteSource {
  let read = false;
  return {
    name,
    stream() {
      if (read) {
        throw new TypeError(
          `edge: the stream of file "${name}" was already read; pass its bytes, text or a Blob when the recipe reads a file more than once`,
        );
      }
      read = true;
      return stream;
    },
  };
}
