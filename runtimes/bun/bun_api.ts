/**
 * The part of the `Bun` global that the Bun shell uses, typed here so that
 * `tsc -p .` checks these files without the bun-types package and without
 * declaring `Bun` for the runtime-neutral code in src/. At run time the
 * export is Bun's real global object.
 */

/** A lazily opened file, as `Bun.file` returns it. */
export interface BunFile {
  stream(): ReadableStream<Uint8Array>;
  /** The bytes from `start` on, as another BunFile. */
  slice(start: number): BunFile;
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
  exists(): Promise<boolean>;
}

/** The members of the `Bun` namespace used by runtimes/bun (Bun 1.x). */
export interface BunApi {
  readonly version: string;
  /** The process's arguments: the bun executable, the script, then the command line. */
  readonly argv: string[];
  file(path: string | URL): BunFile;
  /** Writes `data` to `path`, creating or replacing the file, and returns the byte count. */
  write(path: string, data: string | Uint8Array): Promise<number>;
  fileURLToPath(url: string | URL): string;
}

export const Bun: BunApi = (globalThis as unknown as { Bun: BunApi }).Bun;
