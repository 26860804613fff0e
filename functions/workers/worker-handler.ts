import { z } from "zod";
import { servicesFromEnvironment } from "../aws/environment.js";
import type { Services } from "../services.js";
import { runThemeJob } from "./theme-run.js";

/** An SQS event record as Lambda delivers it (the shape of @types/aws-lambda's SQSRecord). */
export interface SqsRecord {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: { readonly ApproximateReceiveCount: string } & Readonly<Record<string, string>>;
  readonly messageAttributes: Readonly<Record<string, unknown>>;
  readonly md5OfBody: string;
  readonly eventSource: "aws:sqs";
  readonly eventSourceARN: string;
  readonly awsRegion: string;
}

export interface SqsEvent {
  readonly Records: readonly SqsRecord[];
}

/** Partial batch response: only the listed messages return to the queue. */
export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

const jobMessage = z.object({
  jobId: z.string().min(1).max(100),
  conversationId: z.string().min(1).max(100),
});

function parse(body: string) {
  try {
    return jobMessage.safeParse(JSON.parse(body));
  } catch {
    return undefined;
  }
}

/**
 * The theme-job worker behind the SQS event source. A failed run is reported back so SQS retries
 * it and, after maxReceiveCount, moves it to the DLQ. A malformed body can never succeed, so it
 * is logged and dropped instead of burning retries on its way to the DLQ.
 */
export function createWorkerHandler(services: Services | (() => Promise<Services>)) {
  return async (event: SqsEvent): Promise<SqsBatchResponse> => {
    // Resolved per batch: a failed cold start throws, and the whole batch is retried.
    const s = typeof services === "function" ? await services() : services;
    const batchItemFailures: SqsBatchResponse["batchItemFailures"] = [];
    for (const record of event.Records) {
      const message = parse(record.body);
      if (!message?.success) {
        // The message id only: the body is not trusted to hold ids alone.
        s.logger.warn("dropped malformed theme-job message", {
          messageId: record.messageId,
          fields: message?.error.issues.map((i) => i.path.join(".")).join(",") ?? "not JSON",
        });
        continue;
      }
      try {
        await runThemeJob(s, message.data);
      } catch (error) {
        s.logger.error("theme job failed", {
          messageId: record.messageId,
          jobId: message.data.jobId,
          conversationId: message.data.conversationId,
          receiveCount: record.attributes.ApproximateReceiveCount,
          error: (error as Error).name,
        });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}

/** The worker Lambda's entry. It enqueues nothing and sends no mail. */
export const handler = createWorkerHandler(() => servicesFromEnvironment());
