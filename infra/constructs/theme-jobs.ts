import { Duration, Validations } from "aws-cdk-lib";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import type * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { DeadLetters } from "./dead-letters.js";
import { NodeLambda } from "./node-lambda.js";
import { grantTableAccess } from "./table-access.js";

/** A theme run on a large conversation (or a slow LLM) takes minutes, not seconds. */
export const WORKER_TIMEOUT = Duration.minutes(10);
/** Deliveries before a message is given up on and moved to the dead-letter queue. */
export const MAX_RECEIVE_COUNT = 3;
/** At most this many runs at once, so a burst of closes cannot starve the API of concurrency. */
export const WORKER_CONCURRENCY = 2;

export interface ThemeJobsProps {
  readonly table: dynamodb.Table;
  readonly authorKeySecret: secretsmanager.ISecret;
  /** The shared Lambda settings (see runtime.ts). */
  readonly environment: Record<string, string>;
  /** Reserve the worker's concurrency (see docs/deploy.md on the account's quota). */
  readonly reserveConcurrency?: boolean;
}

/** Theme runs (DESIGN §5): an SQS queue feeding the worker Lambda, with a dead-letter queue. */
export class ThemeJobs extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetters: DeadLetters;
  readonly worker: lambda.Function;

  constructor(scope: Construct, id: string, props: ThemeJobsProps) {
    super(scope, id);

    this.deadLetters = new DeadLetters(this, "DeadLetters", {
      alarmDescription:
        `A theme-run message failed ${MAX_RECEIVE_COUNT} deliveries. Find its jobId in the worker's ` +
        "logs, fix the cause, then redrive the message (the worker skips jobs that already finished).",
    });
    this.queue = new sqs.Queue(this, "Queue", {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS's guidance for Lambda consumers (6x the timeout): the message stays hidden while a run
      // may still be going, with room for the poller to retry a throttled invoke, so no second
      // worker picks it up mid-run.
      visibilityTimeout: Duration.seconds(WORKER_TIMEOUT.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetters.queue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });

    const worker = new NodeLambda(this, "Worker", {
      entry: "functions/workers/worker-handler.ts",
      description: "Groundswell theme-run worker (SQS)",
      environment: { ...props.environment, POWERTOOLS_SERVICE_NAME: "theme-worker" },
      // Clustering is CPU-bound and Lambda allots CPU by memory.
      memorySize: 2048,
      timeout: WORKER_TIMEOUT,
      reservedConcurrency: props.reserveConcurrency ? WORKER_CONCURRENCY : undefined,
      // The author-key secret, through the extension (functions/aws/secrets-extension.ts).
      readsSecrets: [props.authorKeySecret],
    });
    this.worker = worker.function;
    this.worker.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 1,
        reportBatchItemFailures: true,
        // At most this many runs at once, reserved or not; with a reservation of the same size the
        // poller is never throttled (a throttled delivery would count towards maxReceiveCount).
        maxConcurrency: WORKER_CONCURRENCY,
      }),
    );
    // What runThemeJob does: Get/Update the job and conversation (TransactWrite is per-item
    // UpdateItem), paginated Queries of thoughts, counters and ratings (gsi1), BatchWrite of the report.
    grantTableAccess(props.table, this.worker, {
      actions: ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem"],
      queryIndexes: ["gsi1"],
    });

    Validations.of(this.deadLetters.queue).acknowledge({
      id: "AwsSolutions-SQS3",
      reason: "This is the theme-job queue's dead-letter queue.",
    });
  }

  /** Lets a function start theme runs: SendMessage on this queue only, and its URL. */
  grantEnqueue(fn: lambda.Function) {
    this.queue.grant(fn, "sqs:SendMessage");
    fn.addEnvironment("THEME_JOB_QUEUE_URL", this.queue.queueUrl);
  }
}
