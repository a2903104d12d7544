import { dirname, join } from "node:path";
import type { RecipeFileSystem } from "../../src/recipe.ts";
import type { ByteSource } from "../../src/source.ts";
import { Deno, type DenoFile } from "./deno_api.ts";
import { requireRead } from "./permissions.ts";

/** Bytes read per chunk, as in the Node shell: large chunks keep the per-chunk overhead of Web streams small. */
const CHUNK_BYTES = 1 << 20;
/** `Deno.SeekMode.Start`: offsets count from the start of the file. */
const SEEK_START = 0;

/**
 * Returns a source that streams the file at `path` with `Deno.open`. The size
 * comes from stat at call time. Every stream opens the file anew and closes
 * it when it ends, fails or is cancelled. Workers reopen it by path. Throws
 * UsageError when Deno may not read the file.
 */
export function fileSource(path: string): ByteSource {
  requireRead(path);
  const size = Deno.statSync(path).size;
  const from = (offset: number): ReadableStream<Uint8Array> => {
    let file: DenoFile | undefined;
    const close = () => {
      const opened = file;
      file = undefined;
      opened?.close();
    };
    return new ReadableStream<Uint8Array>({
      async start() {
        file = await Deno.open(path, { read: true });
        if (offset > 0) await file.seek(offset, SEEK_START);
      },
      async pull(controller) {
        try {
          const buffer = new Uint8Array(CHUNK_BYTES);
          const bytesRead = await file!.read(buffer);
          if (bytesRead === null) {
            close();
            controller.close();
          } else {
            controller.enqueue(buffer.subarray(0, bytesRead));
          }
        } catch (error) {
          close();
          throw error;
        }
      },
      cancel: close,
    });
  };
  return { name: path, size, stream: () => from(0), streamFrom: from, handle: { kind: "path", path } };
}

/** Lists a folder, returning null when it is missing or not a folder. Throws UsageError when Deno may not read it. */
export async function listDir(dir: string): Promise<string[] | null> {
  requireRead(dir, "folder");
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) return null;
    throw error;
  }
  return names;
}

/** Deno's view of folders for recipe resolution. */
export const denoRecipeFileSystem: RecipeFileSystem = {
  list: listDir,
  join: (...parts) => join(...parts),
  dirname: (path) => dirname(path),
};
