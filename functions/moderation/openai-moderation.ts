import OpenAI from "openai";
import type { Logger } from "../lib/logger.js";

/** A second opinion on submitted text; the offline screening always runs first. */
export interface ContentScreen {
  /** True when the text should go to a moderator. Never throws: a failing service flags nothing. */
  flags(text: string): Promise<boolean>;
}

/**
 * DESIGN §3.5 and issue "Strategy cycles" item 4: when an OpenAI key is set, thoughts are also
 * checked by the moderation endpoint. The text sent is already redacted (no emails or phones)
 * and carries nothing about its author. An outage must not block sharing, so errors are logged
 * (by name only) and the thought goes through on the offline screening alone.
 */
export function openAiModeration(config: {
  apiKey: string;
  baseURL?: string;
  logger: Logger;
}): ContentScreen {
  const client = new OpenAI({
    apiKey: config.apiKey,
    baseURL: config.baseURL,
    maxRetries: 1,
    timeout: 5_000,
  });
  return {
    async flags(text) {
      try {
        const result = await client.moderations.create({ model: "omni-moderation-latest", input: text });
        return result.results.some((r) => r.flagged);
      } catch (error) {
        config.logger.warn("moderation check failed", { error: (error as Error).name });
        return false;
      }
    },
  };
}

/** Like selectThemeEngine: the model's second opinion when a key is set, else none. */
export function selectContentScreen(
  config: { readonly OPENAI_API_KEY?: string; readonly OPENAI_BASE_URL?: string },
  logger: Logger,
): ContentScreen | undefined {
  if (!config.OPENAI_API_KEY) return undefined;
  return openAiModeration({ apiKey: config.OPENAI_API_KEY, baseURL: config.OPENAI_BASE_URL, logger });
}
