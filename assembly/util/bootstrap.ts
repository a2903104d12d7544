import { MersenneTwister } from "./mt19937";

/**
 * Allocates and returns `rows` u32 bootstrap counts drawn as scikit-learn
 * draws a forest tree's sample: numpy's RandomState(treeSeed).randint(0,
 * rows, rows), each drawn row counted. The caller frees the block.
 */
export function bootstrapCounts(rows: i32, treeSeed: u32): usize {
  const counts = heap.alloc(<usize>rows << 2);
  memory.fill(counts, 0, <usize>rows << 2);
  const generator = new MersenneTwister(treeSeed);
  const range = <u32>(rows - 1);
  for (let i = 0; i < rows; i++) {
    const at = counts + (<usize>generator.boundedU32(range) << 2);
    store<u32>(at, load<u32>(at) + 1);
  }
  return counts;
}
