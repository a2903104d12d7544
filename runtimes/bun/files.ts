import { statSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { RecipeFileSystem } from "../../src/recipe.ts";
import type { ByteSource } from "../../src/source.ts";
import { Bun } from "./bun_api.ts";

/**
 * Returns a source that streams the file at `path` with `Bun.file`. The size
 * comes from stat at call time, which also makes a missing file fail here,
 * as in the Node shell: `Bun.file` alone reports size 0 for it. Every
 * stream opens the file anew. Workers reopen it by path.
 */
export function fileSource(path: string): ByteSource {
  const size = statSync(path).size;
  return {
    name: path,
    size,
    stream: () => Bun.file(path).stream(),
    streamFrom: (offset) => Bun.file(path).slice(offset).stream(),
    handle: { kind: "path", path },
  };
}

/** Lists a folder with `node:fs` (Bun has no folder API of its own), returning null for a folder that is missing or cannot be read. */
export async function listDir(dir: string): Promise<string[] | null> {
  try {
    return await readdir(dir);
  } catch {
    return null;
  }
}

/** Bun's view of folders for recipe resolution. */
export const bunRecipeFileSystem: RecipeFileSystem = {
  list: listDir,
  join: (...parts) => join(...parts),
  dirname: (path) => dirname(path),
};
