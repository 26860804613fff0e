import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { JobMessage, JobQueue } from "./queue.js";

/** AWS: theme runs go to the SQS queue that triggers the worker Lambda. */
export class SqsQueue implements JobQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(message: JobMessage): Promise<void> {
    // Picked field by field: the body carries ids only, whatever else the caller's object holds.
    const body: JobMessage = { jobId: message.jobId, conversationId: message.conversationId };
    await this.client.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(body) }),
    );
  }
}
