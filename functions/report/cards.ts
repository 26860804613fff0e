import { groupStats, type Histogram, type Moments, type Prior } from "../domain/statistics.js";
import type { ReportTheme, Stats } from "./schema.js";

export interface ThemeInput {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  readonly keyPhrases: readonly string[];
  readonly thoughtIds: readonly string[];
}

const topPerTheme = 5;

export function toStats(s: {
  count: number;
  mean: number | null;
  score: number;
  ci: { low: number; high: number };
  histogram: Histogram;
  agreement: number;
  polarization: number;
}): Stats {
  return {
    count: s.count,
    mean: s.mean,
    score: s.score,
    ci: { low: s.ci.low, high: s.ci.high },
    histogram: [...s.histogram],
    agreement: s.agreement,
    polarization: s.polarization,
  };
}

/**
 * Theme cards: stats over the theme's thoughts, and its best-ranked members as quotes. `quotable`
 * narrows the quotes (a segment view quotes only thoughts whose cell it releases).
 */
export function themeCards(
  themes: readonly ThemeInput[],
  histogramOf: (id: string) => Histogram,
  momentsOf: (id: string) => Moments,
  prior: Prior,
  rankOf: Map<string, number>,
  quotable: (id: string) => boolean = () => true,
): ReportTheme[] {
  return themes.map((theme) => {
    const group = groupStats(theme.thoughtIds.map(histogramOf), prior, theme.thoughtIds.map(momentsOf));
    const topThoughtIds = theme.thoughtIds
      .filter(quotable)
      .sort((a, b) => (rankOf.get(a) ?? Number.MAX_SAFE_INTEGER) - (rankOf.get(b) ?? Number.MAX_SAFE_INTEGER))
      .slice(0, topPerTheme);
    return {
      id: theme.id,
      title: theme.title,
      summary: theme.summary,
      keyPhrases: [...theme.keyPhrases],
      size: theme.thoughtIds.length,
      topThoughtIds,
      stats: { ...toStats(group), meanScore: group.meanScore },
      edited: false,
    };
  });
}
