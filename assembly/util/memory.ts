/** Allocates `bytes` bytes of linear memory, 16-byte aligned, and returns the pointer. */
export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

/** Frees memory returned by `alloc`. */
export function release(ptr: usize): void {
  heap.free(ptr);
}
