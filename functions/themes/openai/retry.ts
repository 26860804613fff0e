import { APIConnectionError, APIError } from "openai";

/**
 * Retries with exponential backoff and jitter. The OpenAI client's own retries are switched off
 * (`maxRetries: 0` in client.ts) so that every attempt passes through here: one policy, one place that
 * counts requests, and a `sleep` tests can replace so no test waits for real time.
 */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxRetries: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** Transient by nature: rate limits, server errors, timeouts and dropped connections. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof APIConnectionError) return true; // includes APIConnectionTimeoutError
  if (error instanceof APIError && typeof error.status === "number") {
    return error.status === 408 || error.status === 409 || error.status === 429 || error.status >= 500;
  }
  return false;
}

/** The server's own wait hint (`retry-after-ms`, then `retry-after` in seconds or as an HTTP date). */
export function retryAfterMs(error: unknown, now = Date.now()): number | undefined {
  if (!(error instanceof APIError) || !error.headers) return undefined;
  const millis = Number.parseFloat(error.headers.get("retry-after-ms") ?? "");
  if (Number.isFinite(millis) && millis >= 0) return millis;
  const header = error.headers.get("retry-after");
  if (!header) return undefined;
  const seconds = Number.parseFloat(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Backoff for retry number `attempt` (0-based): doubling, capped, with "equal jitter" so bursts spread. */
export function backoffMs(attempt: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return ceiling / 2 + (ceiling / 2) * policy.random();
}

/** A server may ask for a long pause; honour it, but never beyond the policy's ceiling. */
export function delayBeforeRetry(error: unknown, attempt: number, policy: RetryPolicy): number {
  const hinted = retryAfterMs(error);
  return hinted === undefined ? backoffMs(attempt, policy) : Math.min(hinted, policy.maxDelayMs);
}

export async function withRetry<T>(
  task: () => Promise<T>,
  policy: RetryPolicy,
  onAttempt?: () => void,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    onAttempt?.();
    try {
      return await task();
    } catch (error) {
      if (attempt >= policy.maxRetries || !isRetryable(error)) throw error;
      await policy.sleep(delayBeforeRetry(error, attempt, policy));
    }
  }
}

/** A short, secret-free description of a failure for the report's notes. */
export function describeError(error: unknown): string {
  if (error instanceof APIError && typeof error.status === "number") return `HTTP ${error.status}`;
  if (error instanceof APIConnectionError) return "connection failed or timed out";
  return error instanceof Error ? error.name : "unknown error";
}
