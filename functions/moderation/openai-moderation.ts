import * as z from "zod";
import type { Logger } from "../lib/logger.js";

/** A second opinion on submitted text; the offline screening always runs first. */
export interface ContentScreen {
  /** True when the text should go to a moderator. Never throws: a failing service flags nothing. */
  flags(text: string): Promise<boolean>;
}

const reply = z.object({ results: z.array(z.object({ flagged: z.boolean() })).min(1) });

/** Statuses worth one more try, as the OpenAI SDK retries them: timeouts, conflicts, limits, faults. */
const retryable = (status: number) => status === 408 || status === 409 || status === 429 || status >= 500;

class ModerationFailed extends Error {
  constructor(readonly status: number) {
    super(`moderation endpoint answered ${status}`);
    this.name = "ModerationFailed";
  }
}

/**
 * DESIGN §3.5 and issue "Strategy cycles" item 4: when an OpenAI key is set, thoughts are also
 * checked by the moderation endpoint. The text sent is already redacted (no emails or phones)
 * and carries nothing about its author. An outage must not block sharing, so errors are logged
 * (by name only) and the thought goes through on the offline screening alone.
 *
 * One POST to `/moderations` (5 s timeout, one retry on a transient failure, as the SDK was
 * configured) made with fetch: the OpenAI SDK is 187 KB of the API's bundle for this one call,
 * and stays with the theme engine in the worker (docs/architecture.md, "Lambda bundles").
 */
export function openAiModeration(config: {
  apiKey: string;
  baseURL?: string;
  logger: Logger;
  /** Pause before the retry. */
  retryDelayMs?: number;
}): ContentScreen {
  const url = `${(config.baseURL ?? "https://api.openai.com/v1").replace(/\/+$/, "")}/moderations`;
  const check = async (text: string): Promise<boolean> => {
    const response = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${config.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "omni-moderation-latest", input: text }),
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok) throw new ModerationFailed(response.status);
    return reply.parse(await response.json()).results.some((r) => r.flagged);
  };
  return {
    async flags(text) {
      for (let attempt = 0; ; attempt++) {
        try {
          return await check(text);
        } catch (error) {
          const transient =
            !(error instanceof z.ZodError) &&
            (!(error instanceof ModerationFailed) || retryable(error.status));
          if (attempt === 0 && transient) {
            await new Promise((r) => setTimeout(r, config.retryDelayMs ?? 500));
            continue;
          }
          config.logger.warn("moderation check failed", {
            error: (error as Error).name,
            ...(error instanceof ModerationFailed && { status: error.status }),
          });
          return false;
        }
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
