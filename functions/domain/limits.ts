/**
 * The limits the API enforces on what facilitators and leaders write, in one zod-free place: the
 * request schemas (conversation.ts, routes/reports.ts) are built from them, and the web's forms
 * import the same numbers for their `maxlength`, ranges and hints, so the two cannot drift.
 */

/** A conversation's texts (characters, after trimming). */
export const conversationText = {
  title: { min: 3, max: 120 },
  prompt: { min: 10, max: 500 },
  context: { max: 20_000 },
} as const;

/**
 * DESIGN §3.4: the anonymity thresholds never go below their floors (`min`). k counts people for
 * any number a report shows for a group; k_text for free text, theme titles, summaries, key
 * phrases and quotes shown for a group.
 */
export const settingLimits = {
  thoughtMaxLength: { min: 50, max: 2000, default: 600 },
  maxThoughtsPerPerson: { min: 1, max: 50, default: 10 },
  ratingTarget: { min: 1, max: 200, default: 20 },
  batchSize: { min: 1, max: 25, default: 10 },
  anonymityThreshold: { min: 5, max: 50, default: 5 },
  textAnonymityThreshold: { min: 10, max: 100, default: 10 },
} as const;

/** A leader's rewrite of a theme's title or summary in the report. */
export const themeText = {
  title: { min: 2, max: 120 },
  summary: { min: 2, max: 2000 },
} as const;

/** A yearly cycle's name (characters, after trimming). */
export const cycleText = { name: { min: 3, max: 80 } } as const;

/** The years Groundswell schedules in (bounds.ts says why these). */
export const scheduleYears = { earliest: 2000, latest: 2100 } as const;
