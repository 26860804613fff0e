import OpenAI from "openai";
import type { UsageMeter } from "./cost.js";
import type { Limiter } from "./limiter.js";
import { type RetryPolicy, withRetry } from "./retry.js";

/** The two endpoints the engine uses; tests and other callers may pass any object shaped like it. */
export type OpenAiClient = Pick<OpenAI, "embeddings" | "chat">;

export interface ClientConfig {
  apiKey: string;
  /** An OpenAI-compatible server (OPENAI_BASE_URL); the SDK default otherwise. */
  baseURL?: string;
  timeoutMs?: number;
}

export function createOpenAiClient({ apiKey, baseURL, timeoutMs = 60_000 }: ClientConfig): OpenAiClient {
  // Retries happen in retry.ts, where they are counted and their sleeps can be replaced in tests.
  return new OpenAI({ apiKey, baseURL, maxRetries: 0, timeout: timeoutMs });
}

/** What every call needs: the limiter, the retry policy and the meter of the run. */
export interface CallContext {
  client: OpenAiClient;
  limit: Limiter;
  retry: RetryPolicy;
  meter: UsageMeter;
}

/**
 * Splits `count` inputs into batches of at most `maxBatch`, as even as possible: never a short tail,
 * so no request carries fewer texts than the others need to (each batch stays ≥ minGroupSize whenever
 * the whole input is and maxBatch ≥ 2 × minGroupSize).
 */
export function evenBatches(count: number, maxBatch: number): Array<[number, number]> {
  const batches = Math.ceil(count / Math.max(1, maxBatch));
  const ranges: Array<[number, number]> = [];
  for (let b = 0; b < batches; b++) {
    ranges.push([Math.floor((b * count) / batches), Math.floor(((b + 1) * count) / batches)]);
  }
  return ranges;
}

/** Embeds `texts` in batches, in parallel under the limiter; vectors come back in input order. */
export async function embedAll(
  context: CallContext,
  texts: readonly string[],
  options: { model: string; batchSize: number; onBatch?: () => void },
): Promise<number[][]> {
  const vectors: number[][] = new Array(texts.length);
  await Promise.all(
    evenBatches(texts.length, options.batchSize).map(([from, to]) =>
      context.limit(async () => {
        const response = await withRetry(
          () =>
            context.client.embeddings.create({
              model: options.model,
              input: texts.slice(from, to),
              // Plain floats: compatible servers do not all speak the SDK's default base64.
              encoding_format: "float",
            }),
          context.retry,
          () => context.meter.countRequest(),
        );
        context.meter.addEmbedding(options.model, response.usage);
        if (response.data.length !== to - from) throw new Error("embedding count does not match the input");
        for (const item of response.data) vectors[from + item.index] = item.embedding;
        options.onBatch?.();
      }),
    ),
  );
  // A sparse array hides holes from some(): check every index.
  const dims = vectors[0]?.length ?? 0;
  for (let i = 0; i < texts.length; i++) {
    if (!Array.isArray(vectors[i]) || dims === 0 || vectors[i]!.length !== dims)
      throw new Error("missing embeddings");
  }
  return vectors;
}
