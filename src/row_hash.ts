/**
 * The 32-bit hash of a row's feature vector that duplicate detection
 * (dedupe.ts) buckets rows by: the sum over columns of the canonical float32
 * bits times the column's odd multiplier, then the murmur3 finalizer. Sums
 * of one row do not wait on each other, so the hash is cheap to compute
 * column by column (dedupe.ts) or row by row (the CSV parser, while a
 * row's values are still in the cache). The parser's hashes are kept for
 * the table's `columns` array. That array is never changed after a table is
 * built, and a table with other columns gets its hashes computed.
 */

/** Bits of -0 as a signed 32-bit integer. */
export const NEGATIVE_ZERO_BITS = -0x8000_0000;
/** Bits of the NaN that stands for every NaN. */
export const CANONICAL_NAN_BITS = 0x7fc0_0000;

/** Maps the bits of -0 to those of +0 and every NaN to one NaN, leaving other values alone. */
export function canonicalBits(bits: number): number {
  if (bits === NEGATIVE_ZERO_BITS) return 0;
  if ((bits & 0x7fff_ffff) > 0x7f80_0000) return CANONICAL_NAN_BITS;
  return bits;
}

/**
 * Odd 32-bit multipliers, one per column, from the murmur3 finalizer of a
 * Weyl sequence. Multiplying by an odd number is a bijection on 32-bit
 * words, so two rows that differ in one column always get different sums.
 */
export function columnMultipliers(count: number): Int32Array {
  const multipliers = new Int32Array(count);
  for (let j = 0; j < count; j++) multipliers[j] = finalizeHash(Math.imul(j + 1, 0x9e3779b9)) | 1;
  return multipliers;
}

/** Applies the murmur3 32-bit finalizer, which spreads every input bit over the whole word. */
export function finalizeHash(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

const remembered = new WeakMap<readonly Float32Array[], Int32Array>();

/** Keeps `hashes` (one per table row) as the row hashes of the table whose feature columns are `columns`. */
export function rememberRowHashes(columns: readonly Float32Array[], hashes: Int32Array): void {
  remembered.set(columns, hashes);
}

/** Returns the row hashes kept for `columns`, if any. */
export function rememberedRowHashes(columns: readonly Float32Array[]): Int32Array | undefined {
  return remembered.get(columns);
}
