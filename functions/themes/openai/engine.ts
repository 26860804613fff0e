import { computeThemes as computeOfflineThemes } from "../engine.js";
import { type CallContext, createOpenAiClient, type OpenAiClient } from "./client.js";
import { DEFAULT_PRICES, type PriceTable, UsageMeter } from "./cost.js";
import { createLimiter } from "./limiter.js";
import { defaultRetryPolicy, type RetryPolicy } from "./retry.js";
import { Run, type RunSettings } from "./run.js";
import type {
  ComputeThemesOptions,
  OfflineThemer,
  OpenAiThemeReport,
  ThemeEngine,
  ThemeItem,
} from "./types.js";

/**
 * The OpenAI theme engine (DESIGN §5): embeddings, clustering, then a chat model writes each theme's
 * title and summary through structured outputs, checked in code. Selected when OPENAI_API_KEY is set;
 * OPENAI_BASE_URL points it at a compatible server.
 */

export interface OpenAiEngineConfig {
  apiKey: string;
  /** OPENAI_BASE_URL, for OpenAI-compatible servers. */
  baseURL?: string;
  embeddingModel?: string;
  chatModel?: string;
  /** Requests in flight at once, embeddings and chat together. */
  concurrency?: number;
  /** Retries per request on 429, 5xx, timeouts and dropped connections. */
  maxRetries?: number;
  /** Replaces the OpenAI client built from apiKey/baseURL. */
  client?: OpenAiClient;
  /** Answers checked per theme before its title and summary come from the offline engine. */
  maxAttempts?: number;
  /** Most thoughts of one theme sent to the chat model. */
  sampleSize?: number;
  embeddingBatchSize?: number;
  timeoutMs?: number;
  temperature?: number;
  /** USD per million tokens by model; see cost.ts for the defaults. */
  prices?: PriceTable;
  /** Backoff timing; tests replace `sleep` so nothing waits for real time. */
  retry?: Partial<Omit<RetryPolicy, "maxRetries">>;
  /** The engine fallbacks use; the offline engine (../engine.ts) unless replaced. */
  offline?: OfflineThemer;
}

export interface OpenAiThemeEngine extends ThemeEngine {
  readonly name: "openai";
  computeThemes(items: readonly ThemeItem[], options?: ComputeThemesOptions): Promise<OpenAiThemeReport>;
}

export const DEFAULTS = {
  embeddingModel: "text-embedding-3-small",
  chatModel: "gpt-4.1-mini",
  concurrency: 4,
  maxRetries: 4,
  maxAttempts: 3,
  sampleSize: 40,
  embeddingBatchSize: 128,
} as const;

export function createOpenAiEngine(config: OpenAiEngineConfig): OpenAiThemeEngine {
  const settings: RunSettings & { concurrency: number; maxRetries: number } = {
    embeddingModel: config.embeddingModel ?? DEFAULTS.embeddingModel,
    chatModel: config.chatModel ?? DEFAULTS.chatModel,
    concurrency: config.concurrency ?? DEFAULTS.concurrency,
    maxRetries: config.maxRetries ?? DEFAULTS.maxRetries,
    maxAttempts: config.maxAttempts ?? DEFAULTS.maxAttempts,
    sampleSize: config.sampleSize ?? DEFAULTS.sampleSize,
    embeddingBatchSize: config.embeddingBatchSize ?? DEFAULTS.embeddingBatchSize,
    temperature: config.temperature,
  };
  const client = config.client ?? createOpenAiClient(config);
  const retry: RetryPolicy = {
    ...defaultRetryPolicy,
    ...withoutUndefined(config.retry ?? {}),
    maxRetries: settings.maxRetries,
  };
  const limit = createLimiter(settings.concurrency);

  return {
    name: "openai",
    async computeThemes(items, options = {}) {
      const meter = new UsageMeter(config.prices ?? DEFAULT_PRICES);
      const context: CallContext = { client, limit, retry, meter };
      const report = await new Run(
        context,
        settings,
        config.offline ?? computeOfflineThemes,
        options,
      ).execute(items);
      if (meter.unpricedModels.size > 0) {
        report.notes.push(
          `No price is configured for ${[...meter.unpricedModels].join(", ")}; its cost counts as 0.`,
        );
      }
      return { ...report, usage: meter.snapshot() };
    },
  };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
