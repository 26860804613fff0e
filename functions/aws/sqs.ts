import type { SQSClient } from "@aws-sdk/client-sqs";

/**
 * An SQS client, or how to make one on first use. The API and the scheduler queue theme runs and
 * mail only now and then, and the SDK's SQS package costs a cold start about 45 ms of CPU
 * (`npm run bench -- --bundles`), so in AWS the client and its commands are imported by the
 * first request that queues something (functions/aws/environment.ts). Tests pass a client.
 */
export type SqsClientSource = SQSClient | (() => Promise<SQSClient>);

/** The client and the SDK's SQS module (its command classes), loaded once and then reused. */
export async function sqs(source: SqsClientSource) {
  const [client, sdk] = await Promise.all([
    typeof source === "function" ? source() : source,
    import("@aws-sdk/client-sqs"),
  ]);
  return { client, sdk };
}
