// Allocation for the TypeScript side. Blocks below LARGE_BYTES come from the
// runtime's TLSF allocator, which cannot hand out a block of 1 GiB or more.
// Larger blocks (a float32 matrix of 5 million rows by 67 features is
// 1.3 GiB) get pages of their own from memory.grow; TLSF leaves such pages
// alone, as it adds only the pages it grows itself. A freed large block is
// kept and handed out again to a request it is big enough for.

/** Blocks of this size or more bypass the TLSF allocator. */
const LARGE_BYTES: usize = 256 << 20;

const largeStarts = new Array<usize>();
const largeSizes = new Array<usize>();
const largeInUse = new Array<bool>();

/** Allocates `bytes` bytes of linear memory, 16-byte aligned, and returns the pointer. */
export function alloc(bytes: usize): usize {
  if (bytes < LARGE_BYTES) return heap.alloc(bytes);
  for (let i = 0; i < largeStarts.length; i++) {
    if (!largeInUse[i] && largeSizes[i] >= bytes) {
      largeInUse[i] = true;
      return largeStarts[i];
    }
  }
  const pages = <i32>((bytes + 0xffff) >> 16);
  const before = memory.grow(pages);
  if (before < 0) {
    throw new Error("out of WebAssembly memory: a block of " + bytes.toString() + " bytes does not fit in the 4 GiB limit; train on fewer rows or features");
  }
  largeStarts.push(<usize>before << 16);
  largeSizes.push(<usize>pages << 16);
  largeInUse.push(true);
  return <usize>before << 16;
}

/** Frees memory returned by `alloc`. */
export function release(ptr: usize): void {
  for (let i = 0; i < largeStarts.length; i++) {
    if (largeStarts[i] == ptr) {
      largeInUse[i] = false;
      return;
    }
  }
  heap.free(ptr);
}
