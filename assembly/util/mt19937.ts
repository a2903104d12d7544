// MT19937 as numpy's legacy RandomState uses it, so that a seed given to
// flowguard draws the same numbers that `numpy.random.RandomState(seed)`
// draws: scikit-learn derives every tree's randomness from such a generator.
// Reference: Matsumoto and Nishimura (1998); seeding as numpy's
// `mt19937_seed` (init_genrand), bounded draws as numpy's masked rejection.

const N: i32 = 624;
/** Outputs of one nextBlock call. */
export const MT_BLOCK: i32 = N;
const M: i32 = 397;

/** One word of the twist: the upper bit of `current` and lower bits of `following`, shifted and mixed into `ahead`. */
@inline function twistWord(current: u32, following: u32, ahead: u32): u32 {
  const y = (current & 0x80000000) | (following & 0x7fffffff);
  return ahead ^ (y >>> 1) ^ (<u32>(-(<i32>(y & 1))) & 0x9908b0df);
}

/** A Mersenne Twister state with numpy's integer seeding. */
export class MersenneTwister {
  private state: StaticArray<u32> = new StaticArray<u32>(N);
  private index: i32 = N;

  constructor(seed: u32) {
    let value = seed;
    for (let i = 0; i < N; i++) {
      this.state[i] = value;
      value = 1812433253 * (value ^ (value >>> 30)) + <u32>(i + 1);
    }
    this.index = N;
  }

  private twist(): void {
    const state = this.state;
    // Three runs, so no index wraps: [0, N - M) reads ahead by M, [N - M, N - 1) reads the new start, and the last word reads word 0.
    for (let i = 0; i < N - M; i++) {
      unchecked((state[i] = twistWord(unchecked(state[i]), unchecked(state[i + 1]), unchecked(state[i + M]))));
    }
    for (let i = N - M; i < N - 1; i++) {
      unchecked((state[i] = twistWord(unchecked(state[i]), unchecked(state[i + 1]), unchecked(state[i + M - N]))));
    }
    unchecked((state[N - 1] = twistWord(unchecked(state[N - 1]), unchecked(state[0]), unchecked(state[M - 1]))));
    this.index = 0;
  }

  /**
   * Writes the next N outputs to `out` (N u32 values), the same as N calls
   * of nextU32, when the outputs so far are a whole number of N: a fresh
   * generator, or one that only made blocks. Tempers four words at a time.
   */
  nextBlock(out: usize): void {
    assert(this.index == N, "nextBlock needs a generator at a block boundary");
    this.twist();
    const state = changetype<usize>(this.state);
    const maskB = i32x4.splat(0x9d2c5680);
    const maskC = i32x4.splat(<i32>0xefc60000);
    for (let i: usize = 0; i < <usize>N; i += 4) {
      let y = v128.load(state + (i << 2));
      y = v128.xor(y, i32x4.shr_u(y, 11));
      y = v128.xor(y, v128.and(i32x4.shl(y, 7), maskB));
      y = v128.xor(y, v128.and(i32x4.shl(y, 15), maskC));
      y = v128.xor(y, i32x4.shr_u(y, 18));
      v128.store(out + (i << 2), y);
    }
    this.index = N;
  }

  /** Returns the next 32-bit output (genrand_int32). */
  nextU32(): u32 {
    if (this.index >= N) this.twist();
    let y = unchecked(this.state[this.index++]);
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y;
  }

  /**
   * Returns an integer in [0, range] like numpy's legacy `randint` for a
   * range below 2^32: 32-bit draws masked to the smallest all-ones mask
   * covering `range`, rejected while above it.
   */
  boundedU32(range: u32): u32 {
    if (range == 0) return 0;
    const mask = rejectionMask(range);
    let value = this.nextU32() & mask;
    while (value > range) value = this.nextU32() & mask;
    return value;
  }
}

/** Returns the smallest all-ones mask covering `range`, as numpy's masked rejection uses it. */
@inline export function rejectionMask(range: u32): u32 {
  let mask = range;
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  return mask;
}

/** Largest value of scikit-learn's `rand_r` generator (RAND_R_MAX = 2^31 - 1). */
export const RAND_R_MAX: u32 = 0x7fffffff;

/**
 * scikit-learn's `our_rand_r`: a 32-bit xorshift whose output is reduced
 * modulo 2^31; a zero state is replaced by 1 first.
 */
export function randR(state: StaticArray<u32>): u32 {
  let s = state[0];
  if (s == 0) s = 1;
  s ^= s << 13;
  s ^= s >>> 17;
  s ^= s << 5;
  state[0] = s;
  return s % (RAND_R_MAX + 1);
}

/** scikit-learn's `rand_int`: an integer in [low, high). */
export function randInt(low: i32, high: i32, state: StaticArray<u32>): i32 {
  return low + <i32>(randR(state) % <u32>(high - low));
}

/** Exported for tests: the first `count` outputs of numpy's RandomState(seed).randint(0, high). */
export function mtRandint(seed: u32, high: u32, count: i32, out: usize): void {
  const generator = new MersenneTwister(seed);
  for (let i = 0; i < count; i++) {
    store<u32>(out + (<usize>i << 2), generator.boundedU32(high - 1));
  }
}
