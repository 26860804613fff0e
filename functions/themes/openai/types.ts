import type { Theme as SchemaTheme, ThemeReport as SchemaThemeReport, ThemeInputItem } from "../schema.js";
import type { OpenAiUsage } from "./cost.js";

/**
 * The contract both theme engines satisfy, so the worker, the CLI and the report code can pick one at
 * start-up (OpenAI when OPENAI_API_KEY is set) and never care which ran. The report shape is the offline
 * engine's zod schema (../schema.ts); the OpenAI engine only adds checked quotes and usage.
 */
export type ThemeItem = Readonly<ThemeInputItem>;

export interface ComputeThemesOptions {
  /** Number of themes; chosen automatically when absent. */
  k?: number;
  seed?: number;
  /** Share of the run completed, 0..1 (the theme-run worker turns it into job progress). */
  onProgress?: (fraction: number) => void;
  /**
   * Smallest group of thoughts any text may be sent to a model for, or summarised for (DESIGN §3.4:
   * 10 for free text and themes). Smaller clusters are never sent: they are listed as unassigned.
   */
  minGroupSize?: number;
  /** The conversation's question, given to the model as context for titles. */
  question?: string;
}

export interface ThemeQuote {
  thoughtId: string;
  /** An exact substring of the thought's (redacted) text. */
  quote: string;
}

export type Theme = SchemaTheme & {
  /** Checked quotes, OpenAI engine only (the schema strips them when a report is parsed). */
  quotes?: ThemeQuote[];
};

export type ThemeReport = Omit<SchemaThemeReport, "themes"> & { themes: Theme[] };

export type OpenAiThemeReport = ThemeReport & {
  usage: OpenAiUsage;
  notes: string[];
};

export interface ThemeEngine {
  readonly name: "offline" | "openai";
  computeThemes(items: readonly ThemeItem[], options?: ComputeThemesOptions): Promise<ThemeReport>;
}

/** The offline engine as the OpenAI engine falls back to it. */
export type OfflineThemer = (
  items: readonly ThemeItem[],
  options: ComputeThemesOptions,
) => SchemaThemeReport | Promise<SchemaThemeReport>;
