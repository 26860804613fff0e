/**
 * The executive summary (issue 12): what a leader forwards to the board, built once from a report
 * and rendered by the report page, its printout, the Markdown export and the slide deck. Pure and
 * free of zod, so the web app imports it as it is (`$domain/executive-summary`).
 *
 * Every number in it is one the report already releases: overall participation, participation
 * per group as the release rule allows it (report/participation-segments.ts), the released
 * segments' rater counts, the themes' own figures and ranked thoughts. It adds no slice.
 */

/** Survey tools treat 75–80% participation as healthy for an engagement-style survey. */
export const healthyParticipation = { low: 0.75, high: 0.8 } as const;

export const summaryThemeCount = 5;
const listedThoughts = 3;

export interface SummaryStats {
  readonly count: number;
  readonly mean: number | null;
  readonly histogram: readonly number[];
}

export interface SummaryReport {
  readonly conversation: { readonly title: string; readonly prompt: string };
  readonly version: number;
  readonly approved: boolean;
  readonly anonymityThreshold: number;
  readonly participation: {
    readonly invited: number;
    readonly participants: number;
    readonly thoughts: number;
    readonly ratings: number;
  };
  readonly participationBySegment?: {
    readonly groups: readonly {
      readonly attribute: string;
      readonly value: string;
      readonly invited: number;
      readonly participants: number;
    }[];
    readonly hidden: number;
  };
  readonly themes: readonly {
    readonly id: string;
    readonly title: string;
    readonly summary: string;
    readonly size: number;
    readonly topThoughtIds: readonly string[];
    readonly stats: SummaryStats & { readonly meanScore: number };
  }[];
  readonly thoughts: readonly { readonly id: string; readonly text: string; readonly stats: SummaryStats }[];
  readonly consensusIds: readonly string[];
  readonly polarizingIds: readonly string[];
  readonly segments?: readonly {
    readonly attribute: string;
    readonly value: string;
    readonly key: string;
    readonly released: boolean;
    readonly raters: number | null;
  }[];
  readonly responses?: readonly SummaryResponse[];
}

export interface SummaryResponse {
  readonly themeId: string;
  readonly heard: string;
  readonly willDo: string;
  readonly owner: string;
  readonly dueDate?: string;
  readonly status?: string;
}

export interface RatedFigures {
  /** Ratings behind the figures. */
  readonly ratings: number;
  /** The plain average of the stars given, null before anyone rated. */
  readonly average: number | null;
  /** 95% interval of that average. */
  readonly interval: { readonly low: number; readonly high: number } | null;
  /** Share of ratings at 4 or 5 stars. */
  readonly favourable: number;
}

export interface SummaryTheme extends RatedFigures {
  readonly id: string;
  readonly title: string;
  readonly thoughts: number;
  readonly quote?: string;
  readonly response?: SummaryResponse;
}

export interface SummaryThought extends RatedFigures {
  readonly id: string;
  readonly text: string;
}

export interface ExecutiveSummary {
  readonly title: string;
  readonly question: string;
  readonly version: number;
  readonly approved: boolean;
  readonly threshold: number;
  readonly participation: {
    readonly invited: number;
    readonly participants: number;
    readonly rate: number;
    readonly thoughts: number;
    readonly ratings: number;
    /** Where the rate stands against the healthy band. */
    readonly verdict: "healthy" | "below" | "above";
    /** People who rated, per released group; hidden groups are counted, never shown. */
    readonly byGroup: readonly {
      readonly attribute: string;
      readonly value: string;
      readonly raters: number;
    }[];
    readonly hiddenGroups: number;
    /**
     * Who took part of those invited, per group the release rule shows (absent on reports
     * computed before it: then `byGroup` says who rated).
     */
    readonly rates?: {
      readonly groups: readonly {
        readonly attribute: string;
        readonly value: string;
        readonly invited: number;
        readonly participants: number;
        readonly rate: number;
        readonly verdict: "healthy" | "below" | "above";
      }[];
      readonly hidden: number;
    };
  };
  /** Best ranked first, at most five. */
  readonly themes: readonly SummaryTheme[];
  readonly moreThemes: number;
  readonly consensus: readonly SummaryThought[];
  readonly divisive: readonly SummaryThought[];
  /** Leadership's responses, in the order of the themes they answer. */
  readonly commitments: readonly (SummaryResponse & { readonly themeTitle: string })[];
  /** Themes leadership has not answered yet (titles). */
  readonly unanswered: readonly string[];
}

const z95 = 1.96;

/** Average, 95% interval and share of 4–5 stars of a star histogram (counts of 1…5 stars). */
export function ratedFigures(histogram: readonly number[]): RatedFigures {
  const ratings = histogram.reduce((a, b) => a + b, 0);
  if (ratings === 0) return { ratings, average: null, interval: null, favourable: 0 };
  const average = histogram.reduce((sum, n, i) => sum + n * (i + 1), 0) / ratings;
  const variance = histogram.reduce((sum, n, i) => sum + n * (i + 1 - average) ** 2, 0) / ratings;
  // A normal interval on the mean; with one rating (or all alike) it is the point itself.
  const half = ratings > 1 ? (z95 * Math.sqrt(variance)) / Math.sqrt(ratings) : 0;
  return {
    ratings,
    average,
    interval: { low: Math.max(1, average - half), high: Math.min(5, average + half) },
    favourable: ((histogram[3] ?? 0) + (histogram[4] ?? 0)) / ratings,
  };
}

export function participationVerdict(rate: number): ExecutiveSummary["participation"]["verdict"] {
  if (rate < healthyParticipation.low) return "below";
  if (rate > healthyParticipation.high) return "above";
  return "healthy";
}

export function executiveSummary(report: SummaryReport): ExecutiveSummary {
  const p = report.participation;
  const rate = p.invited > 0 ? p.participants / p.invited : 0;
  const thoughtById = new Map(report.thoughts.map((t) => [t.id, t]));
  const responseOf = new Map((report.responses ?? []).map((r) => [r.themeId, r]));
  // Ranked as the report ranks them: by the ranking score, never by the raw average.
  const ranked = [...report.themes].sort((a, b) => b.stats.meanScore - a.stats.meanScore);
  const themes = ranked.slice(0, summaryThemeCount).map((theme): SummaryTheme => {
    const quote = theme.topThoughtIds.map((id) => thoughtById.get(id)?.text).find(Boolean);
    const response = responseOf.get(theme.id);
    return {
      id: theme.id,
      title: theme.title,
      thoughts: theme.size,
      ...ratedFigures(theme.stats.histogram),
      ...(quote && { quote }),
      ...(response && { response }),
    };
  });
  const listed = (ids: readonly string[]) =>
    ids
      .map((id) => thoughtById.get(id))
      .filter((t) => t !== undefined)
      .slice(0, listedThoughts)
      .map((t): SummaryThought => ({ id: t.id, text: t.text, ...ratedFigures(t.stats.histogram) }));
  const segments = report.segments ?? [];
  return {
    title: report.conversation.title,
    question: report.conversation.prompt,
    version: report.version,
    approved: report.approved,
    threshold: report.anonymityThreshold,
    participation: {
      invited: p.invited,
      participants: p.participants,
      rate,
      thoughts: p.thoughts,
      ratings: p.ratings,
      verdict: participationVerdict(rate),
      byGroup: segments
        .filter((s) => s.released && s.raters !== null)
        .map((s) => ({ attribute: s.attribute, value: s.value, raters: s.raters! })),
      hiddenGroups: segments.filter((s) => !s.released).length,
      ...(report.participationBySegment && {
        rates: {
          groups: report.participationBySegment.groups.map((g) => {
            const groupRate = g.invited > 0 ? Math.min(1, g.participants / g.invited) : 0;
            return { ...g, rate: groupRate, verdict: participationVerdict(groupRate) };
          }),
          hidden: report.participationBySegment.hidden,
        },
      }),
    },
    themes,
    moreThemes: Math.max(0, ranked.length - themes.length),
    consensus: listed(report.consensusIds),
    divisive: listed(report.polarizingIds),
    commitments: ranked.flatMap((theme) => {
      const response = responseOf.get(theme.id);
      return response ? [{ ...response, themeTitle: theme.title }] : [];
    }),
    unanswered: ranked.filter((theme) => !responseOf.has(theme.id)).map((theme) => theme.title),
  };
}
