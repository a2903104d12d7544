/**
 * The seeded pseudo-random generator behind every random choice in the
 * pipeline (splits now, bootstrap samples and feature draws later).
 *
 * The generator is xoshiro128** 1.1 (Blackman and Vigna, "Scrambled linear
 * pseudorandom number generators", 2021), a 128-bit state updated with
 * 32-bit shifts, rotations and `Math.imul` only. Its four state words come
 * from a seed through the murmur3 32-bit finalizer applied to a Weyl
 * sequence (a 32-bit form of splitmix). Every step is exact 32-bit integer
 * arithmetic, so the same seed gives the same sequence in Node, Deno, Bun and
 * browsers. `Math.random` is never used.
 */

const GOLDEN_GAMMA = 0x9e3779b9;
const TWO_POW_32 = 0x1_0000_0000;
const TWO_POW_53 = 2 ** 53;

/** Returns the murmur3 32-bit finalizer of `x`, a bijection on 32-bit words. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * A xoshiro128** generator.
 *
 * @example
 * ```ts
 * const random = new Random(42);
 * const order = random.shuffle([0, 1, 2, 3]);
 * ```
 */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /**
   * Seeds the generator. `seed` is an integer in [0, 2^53 - 1]; its low and
   * high 32-bit halves seed two word pairs of the state, so distinct seeds
   * give distinct states, and the state is never all zero.
   */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new RangeError(
        `random: invalid seed ${String(seed)}; expected an integer in [0, ${Number.MAX_SAFE_INTEGER}]`,
      );
    }
    const low = seed >>> 0;
    const high = Math.floor(seed / TWO_POW_32) >>> 0;
    this.s0 = mix32((low + GOLDEN_GAMMA) | 0) | 0;
    this.s1 = mix32((low + 2 * GOLDEN_GAMMA) | 0) | 0;
    this.s2 = mix32((high + 3 * GOLDEN_GAMMA) | 0) | 0;
    this.s3 = mix32((high + 4 * GOLDEN_GAMMA) | 0) | 0;
  }

  /** Advances the state and returns the next 32-bit output as an unsigned integer in [0, 2^32). */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /**
   * Returns a float in [0, 1) with 53-bit resolution: the top 27 bits of one
   * output and the top 26 bits of the next form a multiple of 2^-53.
   */
  nextFloat(): number {
    const high = this.nextU32() >>> 5;
    const low = this.nextU32() >>> 6;
    return (high * 67_108_864 + low) / TWO_POW_53;
  }

  /**
   * Returns an integer in [0, n) with every value equally likely, for an
   * integer `n` in [1, 2^32]. Outputs below `2^32 mod n` are rejected and
   * drawn again, which removes the bias of a plain modulo.
   */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new RangeError(`random: invalid bound ${String(n)} for nextInt; expected an integer in [1, 2^32]`);
    }
    const threshold = (TWO_POW_32 - n) % n;
    for (;;) {
      const x = this.nextU32();
      if (x >= threshold) return x % n;
    }
  }

  /**
   * Shuffles `items` in place with the Fisher-Yates algorithm (one `nextInt`
   * per position, from the last position down) and returns it.
   */
  shuffle<T extends { length: number; [index: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const swap = items[i];
      items[i] = items[j];
      items[j] = swap;
    }
    return items;
  }
}
