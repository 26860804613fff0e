import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { ServiceUnavailableError } from "../errors.js";

/** The one failure repositories expect from a conditional write; callers turn it into a domain error. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException;
}

/** Which items of a cancelled transaction failed their condition (by position), if that is why it failed. */
export function cancelledConditions(error: unknown): number[] | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  const reasons = error.CancellationReasons ?? [];
  if (!reasons.some((r) => r.Code === "ConditionalCheckFailed")) return undefined;
  return reasons.flatMap((r, i) => (r.Code === "ConditionalCheckFailed" ? [i] : []));
}

function isTransactionConflict(error: unknown): boolean {
  if (!(error instanceof TransactionCanceledException)) return false;
  const reasons = error.CancellationReasons ?? [];
  return (
    reasons.some((r) => r.Code === "TransactionConflict") &&
    !reasons.some((r) => r.Code === "ConditionalCheckFailed")
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Transactions that touch a busy item (a popular thought, a counter shard) can be cancelled by a
 * concurrent one. They changed nothing, so they are retried with jittered backoff; after that the
 * caller gets a 503 and may retry itself.
 */
export async function withConflictRetry<T>(run: () => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!isTransactionConflict(error)) throw error;
      if (attempt >= attempts) {
        throw new ServiceUnavailableError("The data store is busy. Please try again.");
      }
      await sleep(Math.random() * 20 * 2 ** attempt);
    }
  }
}
