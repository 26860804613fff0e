/**
 * What bench:load measures of one run (bench/load.ts): the samples autocannon reported and their
 * summary (rates, percentiles of served and refused requests, time-outs).
 */
export type Kind = "batch" | "rate" | "share" | "report";

export const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
/** A latency for a table: one decimal under 10 ms, "–" for none. */
export const ms = (x: number) => (Number.isNaN(x) ? "–" : x < 10 ? x.toFixed(1) : String(Math.round(x)));

export interface Sample {
  readonly kind: Kind;
  readonly status: number;
  readonly refused: boolean;
  readonly ms: number;
}

export interface RunResult {
  readonly samples: Sample[];
  readonly sent: number;
  readonly timeouts: number;
  readonly errors: number;
  readonly seconds: number;
}

export function summarise(result: RunResult) {
  const served = result.samples.filter((s) => !s.refused);
  const refused = result.samples.filter((s) => s.refused);
  const servedMs = served.map((s) => s.ms).sort((a, b) => a - b);
  const refusedMs = refused.map((s) => s.ms).sort((a, b) => a - b);
  const failed = served.filter((s) => s.status >= 500).length;
  const rejected = served.filter((s) => s.status >= 400 && s.status < 500).length;
  return {
    offered: result.sent / result.seconds,
    served: served.length / result.seconds,
    shed: refused.length / result.seconds,
    shedShare: result.samples.length ? refused.length / result.samples.length : 0,
    p50: percentile(servedMs, 0.5),
    p95: percentile(servedMs, 0.95),
    p99: percentile(servedMs, 0.99),
    refusedP95: percentile(refusedMs, 0.95),
    refusedMax: refusedMs.at(-1) ?? Number.NaN,
    refusedOver50: refusedMs.filter((x) => x > 50).length,
    timeouts: result.timeouts,
    errors: result.errors,
    failed,
    rejected,
    byKind: Object.fromEntries(
      (["batch", "rate", "share", "report"] as const).map((k) => [
        k,
        percentile(
          served
            .filter((s) => s.kind === k)
            .map((s) => s.ms)
            .sort((a, b) => a - b),
          0.95,
        ),
      ]),
    ),
  };
}
