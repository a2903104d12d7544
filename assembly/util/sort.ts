// In-place ascending sort of u64 keys: quicksort with median-of-three
// pivots, insertion sort below 24 keys, and heapsort once the recursion
// depth passes 2 log2(n), so the worst case stays O(n log n).

const SMALL: i32 = 24;

@inline function at(base: usize, i: i32): u64 {
  return load<u64>(base + (<usize>i << 3));
}

@inline function put(base: usize, i: i32, value: u64): void {
  store<u64>(base + (<usize>i << 3), value);
}

@inline function swap(base: usize, i: i32, j: i32): void {
  const t = at(base, i);
  put(base, i, at(base, j));
  put(base, j, t);
}

function insertionSort(base: usize, lo: i32, hi: i32): void {
  for (let i = lo + 1; i <= hi; i++) {
    const key = at(base, i);
    let j = i - 1;
    while (j >= lo && at(base, j) > key) {
      put(base, j + 1, at(base, j));
      j--;
    }
    put(base, j + 1, key);
  }
}

function siftDown(base: usize, lo: i32, root: i32, count: i32): void {
  let parent = root;
  while (true) {
    let child = 2 * parent + 1;
    if (child >= count) break;
    if (child + 1 < count && at(base, lo + child + 1) > at(base, lo + child)) child++;
    if (at(base, lo + parent) >= at(base, lo + child)) break;
    swap(base, lo + parent, lo + child);
    parent = child;
  }
}

function heapSort(base: usize, lo: i32, hi: i32): void {
  const count = hi - lo + 1;
  for (let i = (count >> 1) - 1; i >= 0; i--) siftDown(base, lo, i, count);
  for (let end = count - 1; end > 0; end--) {
    swap(base, lo, lo + end);
    siftDown(base, lo, 0, end);
  }
}

function quickSort(base: usize, lo: i32, hi: i32, depthLimit: i32): void {
  while (hi - lo + 1 > SMALL) {
    if (depthLimit == 0) {
      heapSort(base, lo, hi);
      return;
    }
    depthLimit--;
    const mid = lo + ((hi - lo) >> 1);
    if (at(base, mid) < at(base, lo)) swap(base, mid, lo);
    if (at(base, hi) < at(base, lo)) swap(base, hi, lo);
    if (at(base, hi) < at(base, mid)) swap(base, hi, mid);
    const pivot = at(base, mid);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (at(base, i) < pivot) i++;
      while (at(base, j) > pivot) j--;
      if (i <= j) {
        swap(base, i, j);
        i++;
        j--;
      }
    }
    // Recurse into the smaller part, loop on the larger one.
    if (j - lo < hi - i) {
      if (lo < j) quickSort(base, lo, j, depthLimit);
      lo = i;
    } else {
      if (i < hi) quickSort(base, i, hi, depthLimit);
      hi = j;
    }
  }
  insertionSort(base, lo, hi);
}

/** Sorts `count` u64 values at `base` in ascending order. */
export function sortKeys(base: usize, count: i32): void {
  if (count < 2) return;
  const depthLimit = 2 * (32 - clz<i32>(count));
  quickSort(base, 0, count - 1, depthLimit);
}

/**
 * Sorts `count` u64 values at `base` by their bits from `lowBit` up, a byte
 * at a time from the lowest (a stable radix sort), so values equal in those
 * bits keep their order. `scratch` has room for `count` values. Takes
 * ceil((64 - lowBit) / 8) passes over the values, each counting then moving.
 */
export function sortKeysByHighBits(base: usize, scratch: usize, count: i32, lowBit: i32): void {
  const counts = heap.alloc(256 << 2);
  let from = base;
  let to = scratch;
  for (let shift = lowBit; shift < 64; shift += 8) {
    memory.fill(counts, 0, 256 << 2);
    for (let i = 0; i < count; i++) {
      const at = counts + (<usize>((load<u64>(from + (<usize>i << 3)) >>> <u64>shift) & 0xff) << 2);
      store<i32>(at, load<i32>(at) + 1);
    }
    let offset = 0;
    for (let d: usize = 0; d < 256; d++) {
      const n = load<i32>(counts + (d << 2));
      store<i32>(counts + (d << 2), offset);
      offset += n;
    }
    for (let i = 0; i < count; i++) {
      const value = load<u64>(from + (<usize>i << 3));
      const at = counts + (<usize>((value >>> <u64>shift) & 0xff) << 2);
      const place = load<i32>(at);
      store<i32>(at, place + 1);
      store<u64>(to + (<usize>place << 3), value);
    }
    const swap = from;
    from = to;
    to = swap;
  }
  if (from != base) memory.copy(base, from, <usize>count << 3);
  heap.free(counts);
}
