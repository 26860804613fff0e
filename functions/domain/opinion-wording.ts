/**
 * The plain words for opinion groups (issue 13), shared by the report page (web, through $domain)
 * and the Markdown export (report/export.ts), so both say the same thing.
 */

/** Why a report shows no opinion groups (report schema `opinionGroups.state`). */
export const opinionAbsence = {
  "too-few-raters":
    "Too few people rated enough thoughts to tell opinion groups apart with enough people in each.",
  "no-pattern": "Ratings show no clear groups: people who rated alike on some thoughts differed on others.",
  hidden:
    "Opinion groups were found, but showing them could narrow another group below the anonymity threshold, so they are withheld.",
} as const;

export const opinionExplanation =
  "People were grouped by how they rated: those who liked and disliked the same thoughts end up together. The groups come from ratings alone — no one is named, nobody's group is shown to anyone, and a group appears only in aggregate and only when it is large enough to keep everyone in it anonymous.";

export const commonGroundExplanation =
  "Thoughts most people in every group rated 4 or 5 stars: the strongest agreement across groups comes first.";

export const divisiveExplanation =
  "Thoughts the groups rated most differently, widest gap first: worth talking through together.";

/** When no thought has every group's number released: why the thought lists are empty. */
export const notComparable = (k: number, byTheme: boolean) =>
  `No single thought was rated by at least ${k} people in every group, so thoughts cannot be compared one by one without narrowing a group too far.` +
  (byTheme
    ? " Themes pool the ratings of their thoughts, so the groups are compared by theme below."
    : " How each group rated each theme is in the comparison by group.");

export const themesHeading = "Agreement by theme";

export const themesExplanation =
  "Each theme pools the ratings of its thoughts; the bars are the share of each group's ratings at 4 or 5 stars, and the themes the groups agree on most come first. A theme is common ground when most of every group's ratings are 4–5★, and divides the groups when their shares are 30 points or more apart.";

export const commonGroundTag = "Common ground";
export const divisiveTag = "Divides groups";

interface ThemeStanding {
  readonly title: string;
  readonly commonGround: boolean;
  readonly divisive: boolean;
  readonly groups: readonly { readonly groupId: string; readonly share: number }[];
}

const pct = (share: number) => `${Math.round(share * 100)}%`;

/** One or two plain sentences that say what the theme list shows, so nobody has to read bars. */
export function themesSummary(entries: readonly ThemeStanding[]): string {
  if (entries.length === 0) return "";
  const common = entries.filter((t) => t.commonGround).map((t) => `“${t.title}”`);
  const divisive = entries.filter((t) => t.divisive);
  const first = entries[0]!;
  const lowest = first.groups.reduce((low, g) => (g.share < low.share ? g : low));
  // Common ground holds in the directory's groups too (consensus.ts, isCommonGround): a theme
  // most of every opinion group rated highly can still fall short in a department, and the
  // sentence must then not read as though a 51% share were below half.
  const agreement =
    common.length > 0
      ? `Common ground: ${common.join(", ")}.`
      : lowest.share > 0.5
        ? `No theme is common ground: most of every group's ratings of the most shared, “${first.title}”, are 4–5★, but not in every group under “Themes by group”.`
        : `No theme is common ground: even the most shared, “${first.title}”, has ${pct(lowest.share)} of group ${lowest.groupId}'s ratings at 4–5★.`;
  if (divisive.length === 0) {
    return `${agreement} No theme divides the groups clearly; where they differ, it is thought by thought.`;
  }
  const widest = divisive[0]!;
  const low = widest.groups.reduce((a, g) => (g.share < a.share ? g : a));
  const high = widest.groups.reduce((a, g) => (g.share > a.share ? g : a));
  return `${agreement} The groups differ most on “${widest.title}” (group ${high.groupId} ${pct(high.share)}, group ${low.groupId} ${pct(low.share)}).`;
}
