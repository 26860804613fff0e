import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

export interface CallRecord {
  readonly command: string;
  readonly start: number;
  readonly ms: number;
  readonly capacity: number;
}

/**
 * Wraps a document client so every call asks DynamoDB for its consumed capacity and is recorded
 * with its duration: the benchmark's view of what one API request costs.
 */
export function instrument(doc: DynamoDBDocumentClient) {
  const calls: CallRecord[] = [];
  const wrapped = new Proxy(doc, {
    get(target, prop, receiver) {
      if (prop !== "send") return Reflect.get(target, prop, receiver);
      return async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        command.input.ReturnConsumedCapacity = "TOTAL";
        const started = performance.now();
        const output = (await target.send(command as never)) as {
          ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[];
        };
        const consumed = output.ConsumedCapacity;
        const capacity = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce(
          (sum, c) => sum + (c.CapacityUnits ?? 0),
          0,
        );
        calls.push({
          command: command.constructor.name.replace(/Command$/, ""),
          start: started,
          ms: performance.now() - started,
          capacity,
        });
        return output;
      };
    },
  }) as DynamoDBDocumentClient;
  return { doc: wrapped, calls };
}

/** Time covered by at least one call: parallel calls (Promise.all) count once. */
export function coveredMs(calls: readonly CallRecord[]): number {
  const spans = calls.map((c) => [c.start, c.start + c.ms] as const).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const [from, to] of spans) {
    if (to <= end) continue;
    total += to - Math.max(from, end);
    end = to;
  }
  return total;
}
