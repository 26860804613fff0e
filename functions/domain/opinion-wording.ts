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

/** When no thought has every group's number released: why the lists are empty. */
export const notComparable = (k: number) =>
  `No thought was rated by at least ${k} people in every group, so no thought can be compared across groups without narrowing a group too far. How each group rated each theme is in the comparison by group.`;
