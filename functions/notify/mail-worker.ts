import type { Logger } from "../lib/logger.js";
import type { Counters } from "../lib/metrics.js";
import type { SqsBatchResponse, SqsEvent } from "../workers/sqs-event.js";
import { mailMessageSchema } from "./mail-queue.js";
import type { Mailer } from "./mailer.js";

/** SES's answers that mean "slow down": the rest of the batch goes back to the queue untried. */
const THROTTLED = new Set(["ThrottlingException", "TooManyRequestsException", "LimitExceededException"]);

export interface MailWorkerOptions {
  readonly mailer: Mailer;
  readonly logger: Logger;
  readonly counters: Counters;
  /** Least time between two sends of this worker (infra/constructs/mail.ts splits the rate). */
  readonly intervalMs: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * The mail queue's consumer: sends each message through the mailer (SES in AWS) no faster than
 * `intervalMs` apart, and reports the ones that failed so SQS delivers them again after the
 * visibility timeout, and to the dead-letter queue after maxReceiveCount: a failed send is
 * retried, never dropped. Only a body that can never be sent is dropped, and logged.
 * Log lines carry message ids and error names, never an address (DESIGN §3.1).
 */
export function createMailWorker(options: MailWorkerOptions) {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  // Kept across invocations of the same execution environment, so back-to-back batches stay paced.
  let lastSend = Number.NEGATIVE_INFINITY;

  return async (event: SqsEvent): Promise<SqsBatchResponse> => {
    const batchItemFailures: SqsBatchResponse["batchItemFailures"] = [];
    let throttled = false;
    for (const record of event.Records) {
      if (throttled) {
        batchItemFailures.push({ itemIdentifier: record.messageId });
        continue;
      }
      let parsed: ReturnType<typeof mailMessageSchema.safeParse> | undefined;
      try {
        parsed = mailMessageSchema.safeParse(JSON.parse(record.body));
      } catch {
        parsed = undefined;
      }
      if (!parsed?.success) {
        options.logger.warn("dropped malformed mail message", {
          messageId: record.messageId,
          fields: parsed?.error.issues.map((i) => i.path.join(".")).join(",") ?? "not JSON",
        });
        options.counters.count("MailDropped");
        continue;
      }
      const wait = lastSend + options.intervalMs - now();
      if (wait > 0) await sleep(wait);
      lastSend = now();
      try {
        await options.mailer.send(parsed.data);
        options.counters.count("MailSent");
      } catch (error) {
        const name = (error as Error).name;
        throttled = THROTTLED.has(name);
        options.logger.warn("mail send failed; the queue will retry it", {
          messageId: record.messageId,
          kind: parsed.data.kind,
          receiveCount: record.attributes.ApproximateReceiveCount,
          error: name,
        });
        options.counters.count("MailRetried");
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    options.counters.flush();
    return { batchItemFailures };
  };
}
