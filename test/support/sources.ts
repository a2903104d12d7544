// In-memory byte sources for the loader tests, with chunk boundaries placed by the test.
import type { ByteSource } from "../../src/source.ts";

/**
 * Returns a source that emits `bytes` in chunks of `size` bytes, from the
 * start or from any offset. Its path handle names no real file: a test pool
 * resolves it to this source.
 */
export function chunkedSource(name: string, bytes: Uint8Array, size: number): ByteSource {
  const from = (offset: number) => {
    let position = offset;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (position >= bytes.length) {
          controller.close();
          return;
        }
        controller.enqueue(bytes.slice(position, position + size));
        position += size;
      },
    });
  };
  return { name, size: bytes.length, stream: () => from(0), streamFrom: from, handle: { kind: "path", path: name } };
}
