import { statSync } from "node:fs";
import { open, readdir, type FileHandle } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { RecipeFileSystem } from "../../src/recipe.ts";
import type { ByteSource } from "../../src/source.ts";

/** Bytes read per chunk; large chunks keep the per-chunk overhead of Web streams small. */
const CHUNK_BYTES = 1 << 20;

/**
 * Returns a source that streams the file at `path` from disk. The size comes
 * from stat at call time. Every stream opens the file anew, and closes it
 * when it ends, fails or is cancelled. Worker threads reopen it by path.
 */
export function fileSource(path: string): ByteSource {
  const size = statSync(path).size;
  const from = (offset: number): ReadableStream<Uint8Array> => {
    let handle: FileHandle | undefined;
    let position = offset;
    const close = async () => {
      const opened = handle;
      handle = undefined;
      await opened?.close();
    };
    return new ReadableStream<Uint8Array>({
      async start() {
        handle = await open(path, "r");
      },
      async pull(controller) {
        try {
          const buffer = new Uint8Array(CHUNK_BYTES);
          const { bytesRead } = await handle!.read(buffer, 0, CHUNK_BYTES, position);
          position += bytesRead;
          if (bytesRead === 0) {
            await close();
            controller.close();
          } else {
            controller.enqueue(buffer.subarray(0, bytesRead));
          }
        } catch (error) {
          await close();
          throw error;
        }
      },
      cancel: close,
    });
  };
  return { name: path, size, stream: () => from(0), streamFrom: from, handle: { kind: "path", path } };
}

/** Lists a folder, returning null for a folder that is missing or cannot be read. */
export async function listDir(dir: string): Promise<string[] | null> {
  try {
    return await readdir(dir);
  } catch {
    return null;
  }
}

/** Node's view of folders for recipe resolution. */
export const nodeRecipeFileSystem: RecipeFileSystem = {
  list: listDir,
  join: (...parts) => join(...parts),
  dirname: (path) => dirname(path),
};
