import { MetricUnit, Metrics as PowertoolsMetrics } from "@aws-lambda-powertools/metrics";

/**
 * Counters published as CloudWatch embedded-metric log lines (Powertools Metrics): no API call,
 * no extra latency. Names only, never a person or a thought: dimensions are the service alone.
 */
export interface Counters {
  count(name: string, value?: number): void;
  /** Writes what was counted; call at the end of each invocation. */
  flush(): void;
}

/** Namespace from POWERTOOLS_METRICS_NAMESPACE, service dimension from POWERTOOLS_SERVICE_NAME. */
export function powertoolsCounters(): Counters {
  const metrics = new PowertoolsMetrics();
  return {
    count: (name, value = 1) => metrics.addMetric(name, MetricUnit.Count, value),
    flush: () => metrics.publishStoredMetrics(),
  };
}

/** Tests read the totals back. */
export function memoryCounters(): Counters & { totals: Record<string, number> } {
  const totals: Record<string, number> = {};
  return {
    totals,
    count: (name, value = 1) => {
      totals[name] = (totals[name] ?? 0) + value;
    },
    flush: () => {},
  };
}
