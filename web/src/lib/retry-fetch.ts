/**
 * A `fetch` that sends a request again when the server says it is busy (503, 429), after the
 * `Retry-After` it names (seconds or an HTTP date) or an exponential back-off, whichever is
 * longer, plus jitter so refused clients do not return in step, a bounded number of times.
 *
 * What is sent again: a request that is safe to repeat (GET, HEAD, PUT, DELETE, or any request
 * carrying an Idempotency-Key, whose replay returns the first attempt's result), and any request
 * the server refused before running it — Groundswell's `server-busy` 503 (admission control,
 * docs/operations.md "Overload") and API Gateway's throttle 429. Any other 503 on a request that
 * is not safe to repeat is handed back, for the person to decide.
 */
export interface RetryOptions {
  /** Further attempts after the first. */
  readonly retries?: number;
  /** First back-off; doubles each attempt. */
  readonly baseDelayMs?: number;
  /** No single wait is longer, whatever Retry-After asks. */
  readonly maxDelayMs?: number;
  readonly sleep?: (ms: number, signal?: AbortSignal | null) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => number;
  /** Told when a wait before a retry starts and ends, to show a "busy, retrying" state. */
  readonly onWait?: { start(ms: number): void; end(): void };
}

const retryStatuses = new Set([429, 503]);
const repeatableMethods = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);
/** The problem type of admission control's refusal (functions/errors.ts ServerBusyError). */
export const serverBusyType = "https://groundswell.dev/problems/server-busy";

function safeToRepeat(input: RequestInfo | URL, init?: RequestInit): boolean {
  const request = input instanceof Request ? input : undefined;
  const method = (init?.method ?? request?.method ?? "GET").toUpperCase();
  const headers = new Headers(init?.headers ?? request?.headers);
  return repeatableMethods.has(method) || headers.has("idempotency-key");
}

/** True when the busy answer says the request never ran (so sending it again cannot repeat it). */
async function refusedBeforeRunning(response: Response): Promise<boolean> {
  if (response.status === 429) return true;
  if (!response.headers.get("content-type")?.includes("json")) return false;
  const problem = (await response
    .clone()
    .json()
    .catch(() => undefined)) as { type?: unknown } | undefined;
  return problem?.type === serverBusyType;
}

/** Milliseconds a Retry-After header asks for, or undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function abortableSleep(ms: number, signal?: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export function retryingFetch(base: typeof fetch = fetch, options: RetryOptions = {}): typeof fetch {
  const retries = options.retries ?? 3;
  const baseDelay = options.baseDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 8_000;
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;

  return async (input, init) => {
    // A stream body can be sent only once; everything else (strings, forms, blobs) can be re-sent.
    const replayable = !(init?.body instanceof ReadableStream);
    const repeatable = safeToRepeat(input, init);
    const original = input instanceof Request ? input : undefined;
    const signal = init?.signal ?? original?.signal;
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= retries || !replayable;
      const response = await base(original && !last ? original.clone() : input, init);
      if (last || !retryStatuses.has(response.status)) return response;
      if (!repeatable && !(await refusedBeforeRunning(response))) return response;
      const asked = retryAfterMs(response.headers.get("retry-after"), now()) ?? 0;
      const backoff = baseDelay * 2 ** attempt;
      const wait = Math.min(maxDelay, Math.max(asked, backoff) * (1 + 0.5 * random()));
      // Free the refused answer's connection before waiting.
      await response.body?.cancel().catch(() => undefined);
      options.onWait?.start(wait);
      try {
        await sleep(wait, signal);
      } finally {
        options.onWait?.end();
      }
    }
  };
}
