/**
 * A concurrency cap for API calls (p-limit in twenty lines): at most `concurrency` tasks run at once,
 * the rest wait in arrival order. One limiter is shared by every request of a run, so embeddings and
 * chat calls together never exceed the cap the account's rate limits were sized for.
 */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

export function createLimiter(concurrency: number): Limiter {
  const cap = Math.max(1, Math.floor(concurrency));
  let active = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    active--;
    waiting.shift()?.();
  };
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= cap) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      release();
    }
  };
}
