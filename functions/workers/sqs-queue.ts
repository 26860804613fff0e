import { type SqsClientSource, sqs } from "../aws/sqs.js";
import type { JobMessage, JobQueue } from "./queue.js";

/** AWS: theme runs go to the SQS queue that triggers the worker Lambda. */
export class SqsQueue implements JobQueue {
  constructor(
    private readonly client: SqsClientSource,
    private readonly queueUrl: string,
  ) {}

  async enqueue(message: JobMessage): Promise<void> {
    // Picked field by field: the body carries ids only, whatever else the caller's object holds.
    const body: JobMessage = { jobId: message.jobId, conversationId: message.conversationId };
    const { client, sdk } = await sqs(this.client);
    await client.send(
      new sdk.SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(body) }),
    );
  }
}
