import { Tracer } from "@aws-lambda-powertools/tracer";
import * as z from "zod";
import { servicesFromEnvironment } from "../aws/environment.js";
import { type Services, withRepositories } from "../services.js";
import { selectThemeEngine } from "../themes/select.js";
import type { SqsBatchResponse, SqsEvent } from "./sqs-event.js";
import { runThemeJob } from "./theme-run.js";

const jobMessage = z.object({
  jobId: z.string().min(1).max(100),
  conversationId: z.string().min(1).max(100),
  reshape: z.boolean().optional(),
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

/**
 * X-Ray subsegments for every DynamoDB, Secrets Manager and SQS call of a run: a theme run makes
 * hundreds of paginated Queries, and the trace shows where its minutes go. Only this worker pays
 * Tracer's weight (about 125 KB and 30 ms of init); the API relies on Lambda's active tracing.
 */
const tracer = new Tracer();

/** The worker Lambda's entry. It enqueues nothing and sends no mail; it alone loads a theme engine. */
export const handler = createWorkerHandler(() =>
  servicesFromEnvironment(
    {
      instrument: (client) => tracer.captureAWSv3Client(client),
      themeEngine: selectThemeEngine,
    },
    withRepositories,
  ),
);
