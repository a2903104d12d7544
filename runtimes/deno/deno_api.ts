/**
 * The part of the `Deno` global that the Deno shell uses, typed here so that
 * `tsc -p .` checks these files without Deno's own type library and without
 * declaring `Deno` for the runtime-neutral code in src/. At run time the
 * export is Deno's real global object.
 */

/** An open file. */
export interface DenoFile {
  /** Reads into `buffer` and returns the byte count, or null at the end of the file. */
  read(buffer: Uint8Array): Promise<number | null>;
  /** Moves the file position; whence 0 counts from the start. Returns the new position. */
  seek(offset: number, whence: number): Promise<number>;
  close(): void;
}

/** A standard stream of the process. */
export interface DenoStdStream {
  /** Writes some of `bytes` and returns how many were written. */
  writeSync(bytes: Uint8Array): number;
  isTerminal(): boolean;
}

/** A permission as `Deno.permissions` queries it. */
export type DenoPermissionDescriptor =
  | { name: "read"; path: string | URL }
  | { name: "write"; path: string | URL }
  | { name: "env"; variable: string };

/** The members of the `Deno` namespace used by runtimes/deno (Deno 2.x). */
export interface DenoApi {
  readonly args: string[];
  exitCode: number;
  readonly pid: number;
  readonly version: { deno: string };
  readonly stdout: DenoStdStream;
  readonly stderr: DenoStdStream;
  readonly env: { get(name: string): string | undefined };
  readonly permissions: {
    querySync(descriptor: DenoPermissionDescriptor): { state: "granted" | "denied" | "prompt" };
  };
  readonly errors: {
    NotFound: new (...args: unknown[]) => Error;
    NotADirectory: new (...args: unknown[]) => Error;
    NotCapable: new (...args: unknown[]) => Error;
  };
  cwd(): string;
  consoleSize(): { columns: number; rows: number };
  open(path: string | URL, options?: { read?: boolean }): Promise<DenoFile>;
  statSync(path: string | URL): { size: number; isFile: boolean; isDirectory: boolean };
  readDir(path: string | URL): AsyncIterable<{ name: string }>;
  readFile(path: string | URL): Promise<Uint8Array<ArrayBuffer>>;
  readTextFile(path: string | URL): Promise<string>;
  writeTextFile(path: string | URL, text: string): Promise<void>;
  mkdir(path: string | URL, options?: { recursive?: boolean }): Promise<void>;
  rename(from: string | URL, to: string | URL): Promise<void>;
  remove(path: string | URL): Promise<void>;
}

export const Deno: DenoApi = (globalThis as unknown as { Deno: DenoApi }).Deno;
