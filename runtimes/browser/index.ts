/**
 * flowguard's library entry for web pages: the runtime-neutral API plus
 * `loadCore`, which compiles the core from a URL, and `fileSource` for a
 * File or Blob (a file input, a drop, or `response.blob()`). The parquet
 * reader fetches parquet-wasm's binary next to parquet-wasm's module unless
 * `setParquetWasmLoader` names another place.
 *
 * @example
 * import { fileSource, loadCore, readCsv } from "flowguard";
 * const core = await loadCore(new URL("/assets/flowguard.wasm", location.href));
 * const table = await readCsv(fileSource(input.files[0]));
 */
import { blobSource, type ByteSource } from "../../src/source.ts";
import { Core } from "../../src/wasm.ts";

export * from "../../src/index.ts";

/**
 * Default location of dist/flowguard.wasm for `loadCore`, relative to this
 * file and to the bundle dist/lib/browser.js, which both lie two folders
 * below the package. Bundlers that understand `new URL(path, import.meta.url)`, such as
 * Vite and esbuild with a file loader, copy the file and rewrite the URL.
 */
const DEFAULT_CORE_URL = new URL("../../dist/flowguard.wasm", import.meta.url);

/**
 * Compiles the WebAssembly core and returns a fresh instance.
 *
 * `source` is the URL of dist/flowguard.wasm (default: its place in the
 * package), a fetch Response, the file's bytes or a compiled module. A URL
 * or Response served as `application/wasm` is compiled while it downloads
 * (`WebAssembly.compileStreaming`). With any other content type the body is
 * downloaded first and compiled then, because compileStreaming rejects it.
 *
 * Throws Error naming the URL and the HTTP status when the download fails.
 */
export async function loadCore(
  source: URL | string | Response | BufferSource | WebAssembly.Module = DEFAULT_CORE_URL,
): Promise<Core> {
  if (source instanceof WebAssembly.Module) return Core.create(source);
  if (ArrayBuffer.isView(source) || source instanceof ArrayBuffer) return Core.create(await WebAssembly.compile(source));

  const response = source instanceof Response ? source : await fetch(source);
  if (!response.ok) {
    throw new Error(
      `wasm: could not download the core from ${response.url || String(source)}: HTTP ${response.status} ${response.statusText}; ` +
        "serve dist/flowguard.wasm at that URL or pass its URL to loadCore",
    );
  }
  const contentType = response.headers.get("content-type") ?? "";
  const module = contentType.startsWith("application/wasm")
    ? await WebAssembly.compileStreaming(response)
    : await WebAssembly.compile(await response.arrayBuffer());
  return Core.create(module);
}

/**
 * Returns a source over a File or Blob. `name` names it in messages and
 * reports (default: the File's name, else "blob"). The Blob is read again
 * for each stream and never copied whole; Web Workers read parts of it.
 */
export function fileSource(file: Blob, name?: string): ByteSource {
  const fileName = name ?? ("name" in file && typeof file.name === "string" ? file.name : "blob");
  return blobSource(file, fileName);
}
