/** Ranking quality against known truth, for the ranking benchmarks. */
import { createRng } from "../functions/lib/random.js";

/** Indices of the k largest values, ties to the lower index (the rankings' own tie-breaks come first). */
export function topIndices(values: readonly number[], k: number): number[] {
  return values
    .map((v, i) => [v, i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
    .slice(0, k)
    .map(([, i]) => i);
}

/**
 * Share of the true top k that the ranking's top k contains. Ties in the truth at the k-th value
 * (common with real votes: 30 agrees of 60 and of 60) share the remaining places: a thought tied
 * there counts as the chance that it is in the true top k, so no tie-break decides the figure.
 */
export function precisionAtK(ranking: readonly number[], truth: readonly number[], k: number): number {
  const kth = [...truth].sort((a, b) => b - a)[Math.min(k, truth.length) - 1]!;
  const above = truth.filter((v) => v > kth).length;
  const tied = truth.filter((v) => v === kth).length;
  const tiedCredit = (k - above) / tied;
  let hits = 0;
  for (const i of ranking.slice(0, k)) {
    if (truth[i]! > kth) hits++;
    else if (truth[i] === kth) hits += tiedCredit;
  }
  return hits / k;
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

/** Ranks 1..n, ties given their average rank. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]![0] === order[start]![0]) end++;
    for (let j = start; j <= end; j++) ranks[order[j]![1]] = (start + end) / 2 + 1;
    start = end + 1;
  }
  return ranks;
}

/** Spearman's rho: Pearson's correlation of the average ranks. */
export function spearman(x: readonly number[], y: readonly number[]): number {
  return pearson(averageRanks(x), averageRanks(y));
}

export function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
}

export const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/**
 * Percentile bootstrap over seeds, paired (a seed's rounds share its people: every column is
 * resampled with the same seeds): a 95% interval of statistic(resampled columns). Seeded, so the
 * same figures print every time.
 */
export function pairedBootstrap(
  columns: readonly (readonly number[])[],
  statistic: (columns: readonly (readonly number[])[]) => number,
  resamples = 2000,
): [number, number] {
  const rng = createRng(20261121);
  const n = columns[0]!.length;
  const values: number[] = [];
  const resampled = columns.map(() => new Array<number>(n));
  for (let i = 0; i < resamples; i++) {
    for (let j = 0; j < n; j++) {
      const k = rng.int(n);
      columns.forEach((column, c) => {
        resampled[c]![j] = column[k]!;
      });
    }
    values.push(statistic(resampled));
  }
  values.sort((x, y) => x - y);
  return [values[Math.floor(0.025 * resamples)]!, values[Math.floor(0.975 * resamples)]!];
}

/** 95% interval of mean(a) ÷ mean(b). */
export const bootstrapRatio = (a: readonly number[], b: readonly number[]) =>
  pairedBootstrap([a, b], ([x, y]) => mean(x!) / mean(y!));

/** 95% interval of mean(a). */
export const bootstrapMean = (a: readonly number[]) => pairedBootstrap([a], ([x]) => mean(x!));

/** 95% interval of mean(a − b). */
export const bootstrapDifference = (a: readonly number[], b: readonly number[]) =>
  pairedBootstrap([a, b], ([x, y]) => mean(x!) - mean(y!));

/** Share of the reference's gain over the baseline that a method reaches: (a − base) ÷ (ref − base). */
export const gainShare = (a: readonly number[], base: readonly number[], reference: readonly number[]) =>
  (mean(a) - mean(base)) / (mean(reference) - mean(base));

export const bootstrapGainShare = (
  a: readonly number[],
  base: readonly number[],
  reference: readonly number[],
) => pairedBootstrap([a, base, reference], ([x, b, r]) => gainShare(x!, b!, r!));
