/**
 * Byte sources and recipe folders for the browser: picked files are read
 * through `File.stream()`, the shipped sample through fetch streams, and
 * the sample's folder listing comes from `sample.json`, which the build
 * writes next to the page.
 */
import type { RecipeFileSystem } from "../../src/recipe.ts";
import { blobSource, deferredStream, type ByteSource } from "../../src/source.ts";

/** Contents of `sample.json`: the sample's files, paths relative to the page's folder. */
export interface SampleManifest {
  /** Folder of the sample, e.g. "data/sample". */
  root: string;
  files: { path: string; size: number }[];
}

/** Returns a source over a file the user picked, named by its file name. */
export function pickedFileSource(file: File): ByteSource {
  return blobSource(file, file.name);
}

/**
 * Returns a source that fetches `url` each time it is streamed. The stream
 * fails with an Error naming the file and the HTTP status when the server
 * does not return the file.
 */
export function fetchedSource(name: string, url: URL, size?: number): ByteSource {
  return {
    name,
    size,
    stream: () =>
      deferredStream(async () => {
        const response = await fetch(url);
        if (!response.ok || response.body === null) {
          throw new Error(
            `demo: could not download ${name} from ${url}: HTTP ${response.status} ${response.statusText}. ` +
              "Start the page with npm run demo, which serves the sample next to it.",
          );
        }
        return response.body;
      }),
  };
}

/**
 * Returns a source over the same bytes that calls `onBytes` with the bytes
 * read so far by the stream, after every chunk. A stream from an offset
 * counts from that offset. The handle is kept, so reading workers can still
 * reopen the source, and their bytes are not counted here.
 */
export function countingSource(source: ByteSource, onBytes: (bytes: number) => void): ByteSource {
  const counted = (stream: ReadableStream<Uint8Array>, offset: number) => {
    let read = offset;
    return stream.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          read += chunk.length;
          onBytes(read);
          controller.enqueue(chunk);
        },
      }),
    );
  };
  const streamFrom = source.streamFrom?.bind(source);
  return {
    name: source.name,
    size: source.size,
    handle: source.handle,
    stream: () => counted(source.stream(), 0),
    ...(streamFrom ? { streamFrom: (offset: number) => counted(streamFrom(offset), offset) } : {}),
  };
}

/** Returns a read-only view of the manifest's files as folders, for recipe resolution. */
export function manifestFileSystem(manifest: SampleManifest): RecipeFileSystem {
  return {
    async list(dir) {
      const prefix = `${dir.replace(/\/+$/, "")}/`;
      const entries = new Set<string>();
      for (const file of manifest.files) {
        if (file.path.startsWith(prefix)) entries.add(file.path.slice(prefix.length).split("/")[0]);
      }
      return entries.size > 0 ? [...entries] : null;
    },
    join: joinPath,
    dirname(path) {
      const slash = path.lastIndexOf("/");
      return slash < 0 ? "." : path.slice(0, slash);
    },
  };
}

/** Joins URL path segments with single slashes, leaving out empty segments. */
function joinPath(...parts: string[]): string {
  return parts
    .filter((part) => part !== "")
    .join("/")
    .replace(/\/{2,}/g, "/");
}

/**
 * Returns a one-folder view of the picked files, so that a recipe with the
 * pattern `*` under `folder` resolves to `folder/<file name>` for each file.
 */
export function pickedFileSystem(folder: string, names: readonly string[]): RecipeFileSystem {
  return {
    list: async (dir) => (dir === folder ? [...names] : null),
    join: joinPath,
    dirname(path) {
      const slash = path.lastIndexOf("/");
      return slash < 0 ? "." : path.slice(0, slash);
    },
  };
}
