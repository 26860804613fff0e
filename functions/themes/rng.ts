import { createRng, type Rng } from "../lib/random.js";

export { createRng, type Rng };

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
