/** Ranking quality against known truth, for the ranking benchmark. */

/** Indices of the k largest values, ties to the lower index (the rankings' own tie-breaks come first). */
export function topIndices(values: readonly number[], k: number): number[] {
  return values
    .map((v, i) => [v, i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
    .slice(0, k)
    .map(([, i]) => i);
}

/** Share of the true top k that the ranking's top k contains. */
export function precisionAtK(ranking: readonly number[], truth: readonly number[], k: number): number {
  const trueTop = new Set(topIndices(truth, k));
  return ranking.slice(0, k).filter((i) => trueTop.has(i)).length / k;
}

/** Kendall's tau-b between two score vectors (O(n²): fine for a thousand thoughts). */
export function kendallTau(x: readonly number[], y: readonly number[]): number {
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0;
  let tiesY = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const dx = Math.sign(x[i]! - x[j]!);
      const dy = Math.sign(y[i]! - y[j]!);
      if (dx === 0 && dy === 0) continue;
      if (dx === 0) tiesX++;
      else if (dy === 0) tiesY++;
      else if (dx === dy) concordant++;
      else discordant++;
    }
  }
  const denominator = Math.sqrt((concordant + discordant + tiesX) * (concordant + discordant + tiesY));
  return denominator === 0 ? 0 : (concordant - discordant) / denominator;
}
