import { MersenneTwister, MT_BLOCK, rejectionMask } from "./mt19937";

/**
 * Allocates and returns `rows` u32 bootstrap counts drawn as scikit-learn
 * draws a forest tree's sample: numpy's RandomState(treeSeed).randint(0,
 * rows, rows), each drawn row counted. The caller frees the block.
 */
export function bootstrapCounts(rows: i32, treeSeed: u32): usize {
  const counts = heap.alloc(<usize>rows << 2);
  memory.fill(counts, 0, <usize>rows << 2);
  if (rows <= 0) return counts;
  const generator = new MersenneTwister(treeSeed);
  const range = <u32>(rows - 1);
  // numpy's masked rejection (MersenneTwister.boundedU32) on whole blocks of outputs.
  const mask = rejectionMask(range);
  const block = heap.alloc(<usize>MT_BLOCK << 2);
  let drawn = 0;
  while (drawn < rows) {
    generator.nextBlock(block);
    for (let i = 0; i < MT_BLOCK && drawn < rows; i++) {
      const value = load<u32>(block + (<usize>i << 2)) & mask;
      if (value > range) continue;
      const at = counts + (<usize>value << 2);
      store<u32>(at, load<u32>(at) + 1);
      drawn++;
    }
  }
  heap.free(block);
  return counts;
}
