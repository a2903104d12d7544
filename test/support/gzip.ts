// gzip and gunzip through the Compression Streams API, which Node, Deno, Bun
// and browsers all provide, so tests can build and unpack gzip input in
// every runtime.

async function pipeBytes(bytes: Uint8Array, transform: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(transform as unknown as TransformStream<Uint8Array, Uint8Array>);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Compresses bytes into the gzip format. */
export function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  return pipeBytes(bytes, new CompressionStream("gzip"));
}

/** Decompresses gzip bytes; rejects when they are not valid gzip. */
export function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  return pipeBytes(bytes, new DecompressionStream("gzip"));
}
