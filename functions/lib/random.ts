/**
 * Small seeded pseudo-random generator (mulberry32). Everything that must be repeatable draws from
 * one of these, never Math.random: the theme engine, the ranking simulation, the demo, benchmarks.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
}

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    normal: () => {
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
  };
}

/** Fisher–Yates sample of `size` distinct indices from [0, n), in random order. */
export function sampleIndices(n: number, size: number, rng: Rng): number[] {
  const indices = Array.from({ length: n }, (_, i) => i);
  const take = Math.min(size, n);
  for (let i = 0; i < take; i++) {
    const j = i + rng.int(n - i);
    [indices[i], indices[j]] = [indices[j]!, indices[i]!];
  }
  return indices.slice(0, take);
}
