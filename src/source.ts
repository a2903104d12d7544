/**
 * Byte sources: where a loader's bytes come from. A source only has to
 * produce a fresh Web stream on request, so files (runtimes/node/files.ts),
 * fetch responses and in-memory arrays all fit.
 */

/** A named sequence of bytes that can be streamed from the start, any number of times. */
export interface ByteSource {
  /** Path or name shown in messages and recorded in `TableSource.file`. */
  name: string;
  /** Length in bytes as stored (compressed, for a gzip file), when known. */
  size?: number;
  /** Opens a new stream over the bytes, starting at byte 0. */
  stream(): ReadableStream<Uint8Array>;
  /**
   * Opens a new stream over the bytes from byte `offset` to the end. Sources
   * that can seek (files, Blobs, URLs of servers that honour Range) offer it;
   * the parallel CSV reader needs it.
   */
  streamFrom?(offset: number): ReadableStream<Uint8Array>;
  /**
   * A value that survives `postMessage`, from which a worker of the same
   * runtime opens these bytes again. Sources without it are read on one thread.
   */
  handle?: SourceHandle;
}

/**
 * A source as a worker reopens it: a file path (opened by the runtime's
 * worker script), a Blob, or a URL fetched with Range requests.
 */
export type SourceHandle =
  | { kind: "path"; path: string }
  | { kind: "blob"; blob: Blob; name: string }
  | { kind: "url"; url: string; name: string; size: number };

/** Wraps bytes already in memory as a source that emits them in one chunk. */
export function bytesSource(name: string, bytes: Uint8Array): ByteSource {
  const from = (offset: number) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        if (offset < bytes.length) controller.enqueue(bytes.subarray(offset));
        controller.close();
      },
    });
  return { name, size: bytes.length, stream: () => from(0), streamFrom: from };
}

/**
 * Returns a source over a Blob (a File, say), read again for each stream
 * and never copied whole. Its handle lets a worker read parts of it.
 */
export function blobSource(blob: Blob, name: string): ByteSource {
  return {
    name,
    size: blob.size,
    stream: () => blob.stream() as ReadableStream<Uint8Array>,
    streamFrom: (offset) => blob.slice(offset).stream() as ReadableStream<Uint8Array>,
    handle: { kind: "blob", blob, name },
  };
}

/**
 * Returns a source that fetches `url`, whose length is `size` bytes, and
 * reads from an offset with a Range request. A server that returns anything
 * but 206 Partial Content for such a request fails the stream.
 */
export function urlSource(url: string, name: string, size: number): ByteSource {
  const from = (offset: number) =>
    deferredStream(async () => {
      const response = await fetch(url, offset > 0 ? { headers: { range: `bytes=${offset}-` } } : {});
      const expected = offset > 0 ? 206 : 200;
      if (response.status !== expected || !response.body) {
        await response.body?.cancel();
        throw new Error(`fetching ${url} from byte ${offset} failed: HTTP ${response.status}, expected ${expected}`);
      }
      return response.body;
    });
  return { name, size, stream: () => from(0), streamFrom: from, handle: { kind: "url", url, name, size } };
}

/**
 * Returns a stream that calls `open` when it starts and then passes on the
 * bytes of the stream `open` returns. It serves bodies that arrive through
 * a promise, such as a fetch response's. A rejected `open` fails the stream.
 */
export function deferredStream(open: () => Promise<ReadableStream<Uint8Array>>): ReadableStream<Uint8Array> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  return new ReadableStream<Uint8Array>({
    async start() {
      reader = (await open()).getReader();
    },
    async pull(controller) {
      const { done, value } = await reader!.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader?.cancel(reason);
    },
  });
}

/** Reopens a Blob or URL handle; path handles need the runtime's file source and return undefined here. */
export function openWebHandle(handle: SourceHandle): ByteSource | undefined {
  if (handle.kind === "blob") return blobSource(handle.blob, handle.name);
  if (handle.kind === "url") return urlSource(handle.url, handle.name, handle.size);
  return undefined;
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/**
 * Returns a stream of the decompressed bytes when `stream` starts with the
 * gzip magic bytes 1f 8b, and of the same bytes otherwise. The format is
 * decided by content, never by file name.
 */
export function maybeDecompress(stream: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  let output: ReadableStreamDefaultReader<Uint8Array>;
  return new ReadableStream<Uint8Array>({
    async start() {
      const input = stream.getReader();
      const head = await readHead(input, 2);
      const replayed = replay(head, input);
      output = isGzip(head)
        ? replayed.pipeThrough(new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>).getReader()
        : replayed.getReader();
    },
    async pull(controller) {
      const { done, value } = await output.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return output.cancel(reason);
    },
  });
}

/** Reads chunks until at least `minLength` bytes arrived or the stream ended. */
async function readHead(reader: ReadableStreamDefaultReader<Uint8Array>, minLength: number): Promise<Uint8Array[]> {
  const head: Uint8Array[] = [];
  let length = 0;
  while (length < minLength) {
    const { done, value } = await reader.read();
    if (done) break;
    head.push(value);
    length += value.length;
  }
  return head;
}

function isGzip(head: readonly Uint8Array[]): boolean {
  const bytes: number[] = [];
  for (const chunk of head) for (let i = 0; i < chunk.length && bytes.length < 2; i++) bytes.push(chunk[i]);
  return bytes[0] === GZIP_MAGIC_0 && bytes[1] === GZIP_MAGIC_1;
}

/** Returns a stream that emits the chunks already read, then the rest of `reader`. */
function replay(head: readonly Uint8Array[], reader: ReadableStreamDefaultReader<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of head) controller.enqueue(chunk);
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
