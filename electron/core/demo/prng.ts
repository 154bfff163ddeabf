// Tiny seeded PRNG for the demo-data generator: sfc32 (128-bit state, passes PractRand to
// multi-terabyte lengths), seeded through splitmix32 so that nearby seeds give unrelated streams.
// Deterministic for a seed on every JS engine (pure 32-bit integer arithmetic, no Math.random).

/** A weighted choice: `[value, weight]`; weights need not sum to 1, zero weights never win. */
export type WeightedPair<T> = readonly [T, number];

/** Pre-computed cumulative table for repeated weighted picks (binary search, O(log n)). */
export interface WeightedTable<T> {
  readonly values: readonly T[];
  readonly cumulative: Float64Array;
  readonly total: number;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Hash an arbitrary string to a 32-bit seed (FNV-1a), e.g. to derive sub-streams by name. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function makeWeightedTable<T>(pairs: readonly WeightedPair<T>[]): WeightedTable<T> {
  const values: T[] = [];
  const cumulative = new Float64Array(pairs.length);
  let total = 0;
  for (let i = 0; i < pairs.length; i++) {
    const [value, weight] = pairs[i]!;
    if (!(weight >= 0) || !Number.isFinite(weight)) throw new RangeError(`bad weight ${weight}`);
    total += weight;
    values.push(value);
    cumulative[i] = total;
  }
  if (total <= 0) throw new RangeError('weighted table needs a positive total weight');
  return { values, cumulative, total };
}

export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    const sm = splitmix32(seed);
    this.a = sm();
    this.b = sm();
    this.c = sm();
    this.d = sm();
    for (let i = 0; i < 12; i++) this.uint32(); // warm-up
  }

  /** Next raw 32-bit unsigned integer. */
  uint32(): number {
    const a = this.a;
    const b = this.b;
    const c = this.c;
    const d = this.d;
    const t = (((a + b) | 0) + d) | 0;
    this.d = (d + 1) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    const r = (c << 21) | (c >>> 11);
    this.c = (r + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform float in [min, max). */
  float(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(arr: readonly T[]): T {
    if (arr.length === 0) throw new RangeError('pick from an empty array');
    return arr[Math.floor(this.next() * arr.length)]!;
  }

  /** Weighted choice over `[value, weight]` pairs (linear scan; use `pickTable` in hot loops). */
  weighted<T>(pairs: readonly WeightedPair<T>[]): T {
    let total = 0;
    for (const p of pairs) total += p[1];
    let r = this.next() * total;
    for (const p of pairs) {
      r -= p[1];
      if (r < 0) return p[0];
    }
    // Floating-point slack: return the last pair with a positive weight.
    for (let i = pairs.length - 1; i >= 0; i--) if (pairs[i]![1] > 0) return pairs[i]![0];
    throw new RangeError('weighted choice needs a positive total weight');
  }

  /** Weighted choice over a pre-computed table (binary search). */
  pickTable<T>(table: WeightedTable<T>): T {
    const r = this.next() * table.total;
    const cum = table.cumulative;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cum[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return table.values[lo]!;
  }

  /** In-place Fisher–Yates shuffle; returns the same array. */
  shuffle<T>(arr: T[]): T[] {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = arr[i]!;
      arr[i] = arr[j]!;
      arr[j] = tmp;
    }
    return arr;
  }

  /** `n` lowercase hex characters. */
  hex(n: number): string {
    let out = '';
    while (out.length < n) out += this.uint32().toString(16).padStart(8, '0');
    return out.slice(0, n);
  }

  /** `n` characters from `alphabet`. */
  chars(n: number, alphabet: string): string {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }

  /** Approximately normal (mean 0, sd 1): Irwin–Hall sum of four uniforms, rescaled. */
  gaussian(): number {
    return (this.next() + this.next() + this.next() + this.next() - 2) * 1.7320508075688772;
  }

  /** An independent generator derived from this one's next output and a salt. */
  fork(salt = 0): Prng {
    return new Prng((this.uint32() ^ Math.imul(salt | 0, 0x9e3779b1)) >>> 0);
  }
}

/** Convenience: a PRNG for a seed (any number; non-integers and negatives are folded to 32 bits). */
export function createPrng(seed: number): Prng {
  const s = Number.isFinite(seed) ? Math.trunc(seed) : 0;
  // Fold values beyond 32 bits so 2**32 + 1 and 1 differ.
  const hi = Math.floor(s / 4294967296);
  return new Prng((s ^ Math.imul(hi | 0, 0x27d4eb2d)) >>> 0);
}
