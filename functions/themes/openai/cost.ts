/**
 * Token and cost accounting for one theme run, from the `usage` block of every API response.
 *
 * Prices are USD per million tokens, as published by OpenAI when this was written (list prices, standard
 * tier). They are defaults only: pass `prices` to `createOpenAiEngine` to correct them or to price the
 * models of an OpenAI-compatible server. A model missing from the table is counted at zero cost and the
 * report says so, rather than guessing.
 */
export interface ModelPrice {
  /** USD per 1M input (prompt) tokens; for embedding models, per 1M embedded tokens. */
  input: number;
  /** USD per 1M output (completion) tokens; 0 for embedding models. */
  output: number;
}

export type PriceTable = Readonly<Record<string, ModelPrice>>;

export const DEFAULT_PRICES: PriceTable = {
  "text-embedding-3-small": { input: 0.02, output: 0 },
  "text-embedding-3-large": { input: 0.13, output: 0 },
  "text-embedding-ada-002": { input: 0.1, output: 0 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6 },
  "gpt-4.1-nano": { input: 0.1, output: 0.4 },
  "gpt-4.1": { input: 2, output: 8 },
  "gpt-4o-mini": { input: 0.15, output: 0.6 },
  "gpt-4o": { input: 2.5, output: 10 },
  "gpt-5-nano": { input: 0.05, output: 0.4 },
  "gpt-5-mini": { input: 0.25, output: 2 },
  "gpt-5": { input: 1.25, output: 10 },
};

export interface OpenAiUsage {
  promptTokens: number;
  completionTokens: number;
  embeddingTokens: number;
  costUsd: number;
  /** HTTP requests made, failed and retried attempts included. */
  requests: number;
}

/** The subset of the API's usage objects we read; fields are optional because compatible servers vary. */
export interface ApiUsage {
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  total_tokens?: number | null;
}

/** Dated snapshots ("gpt-4o-mini-2024-07-18") are priced like their base model. */
function priceOf(prices: PriceTable, model: string): ModelPrice | undefined {
  if (prices[model]) return prices[model];
  const base = Object.keys(prices)
    .filter((name) => model.startsWith(`${name}-`))
    .sort((a, b) => b.length - a.length)[0];
  return base ? prices[base] : undefined;
}

export class UsageMeter {
  readonly usage: OpenAiUsage = {
    promptTokens: 0,
    completionTokens: 0,
    embeddingTokens: 0,
    costUsd: 0,
    requests: 0,
  };
  readonly unpricedModels = new Set<string>();

  constructor(private readonly prices: PriceTable = DEFAULT_PRICES) {}

  countRequest(): void {
    this.usage.requests++;
  }

  addEmbedding(model: string, usage: ApiUsage | undefined): void {
    const tokens = usage?.prompt_tokens ?? usage?.total_tokens ?? 0;
    this.usage.embeddingTokens += tokens;
    this.addCost(model, tokens, 0);
  }

  addChat(model: string, usage: ApiUsage | undefined): void {
    const prompt = usage?.prompt_tokens ?? 0;
    const completion = usage?.completion_tokens ?? 0;
    this.usage.promptTokens += prompt;
    this.usage.completionTokens += completion;
    this.addCost(model, prompt, completion);
  }

  /** The usage with the cost rounded to a millionth of a dollar (float sums otherwise print noise). */
  snapshot(): OpenAiUsage {
    return { ...this.usage, costUsd: Math.round(this.usage.costUsd * 1e6) / 1e6 };
  }

  private addCost(model: string, input: number, output: number): void {
    const price = priceOf(this.prices, model);
    if (!price) {
      if (input + output > 0) this.unpricedModels.add(model);
      return;
    }
    this.usage.costUsd += (input * price.input + output * price.output) / 1_000_000;
  }
}
