import * as z from "zod";

/** One thought to theme. `score` is the optional Bayesian rating score; higher ranks first. */
export const themeInputItemSchema = z.object({
  id: z.string().min(1),
  text: z.string(),
  score: z.number().finite().optional(),
});
export type ThemeInputItem = z.infer<typeof themeInputItemSchema>;

export const themeSchema = z.object({
  /**
   * Stable id: "theme-" + the first 10 hex digits of SHA-256 over the theme's top two key phrases (their
   * stems, sorted, joined by "|"). Re-running on the same input gives the same ids; so does a slightly
   * changed input as long as a theme's two strongest phrases stay the same. Should two themes share them,
   * the later one (by size, then smallest member id) gets "-2", "-3"….
   */
  id: z.string(),
  /** A noun phrase from the theme's thoughts, or two joined by "and" ("Store pay and career paths"). */
  title: z.string(),
  /** Extractive: quotes from the representative thoughts. */
  summary: z.string(),
  /** Most distinctive noun phrases (class-based TF-IDF over the theme's phrases), as people wrote them. */
  keyPhrases: z.array(z.string()),
  /** Member thought ids, sorted. */
  thoughtIds: z.array(z.string()),
  /** Top-rated central members (or most central when there are no ratings), best first. */
  representativeIds: z.array(z.string()),
  size: z.number().int().nonnegative(),
});
export type Theme = z.infer<typeof themeSchema>;

export const themeReportSchema = z.object({
  engine: z.enum(["offline", "openai"]),
  k: z.number().int().nonnegative(),
  themes: z.array(themeSchema),
  /** Thoughts no theme could take (e.g. nothing but stop words or emoji). */
  unassigned: z.array(z.string()).optional(),
  notes: z.array(z.string()).optional(),
});
export type ThemeReport = z.infer<typeof themeReportSchema>;
