import type { ThemeEngine } from "../workers/theme-run.js";
import { computeThemes } from "./engine.js";
import { createOpenAiEngine } from "./openai/engine.js";

export interface ThemeEngineConfig {
  readonly OPENAI_API_KEY?: string;
  readonly OPENAI_BASE_URL?: string;
}

/** The offline engine: deterministic, no key, the default everywhere. */
export const offlineThemeEngine: ThemeEngine = {
  computeThemes: (items, options) => computeThemes(items, options),
};

/**
 * DESIGN §5: OpenAI when a key is set (OPENAI_BASE_URL for compatible servers), falling back to
 * the offline engine per theme or per run with a visible note; otherwise the offline engine.
 */
export function selectThemeEngine(config: ThemeEngineConfig): ThemeEngine {
  if (!config.OPENAI_API_KEY) return offlineThemeEngine;
  return createOpenAiEngine({
    apiKey: config.OPENAI_API_KEY,
    ...(config.OPENAI_BASE_URL && { baseURL: config.OPENAI_BASE_URL }),
    offline: (items, options) => computeThemes(items, options),
  });
}
