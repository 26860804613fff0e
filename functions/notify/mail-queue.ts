// zod/mini: the same library, tree-shakable, so the mail worker's bundle stays small.
import * as z from "zod/mini";
import { type SqsClientSource, sqs } from "../aws/sqs.js";
import type { Logger } from "../lib/logger.js";
import type { Mailer, MailMessage } from "./mailer.js";

/**
 * Where notices go before they are sent: the SQS mail queue in AWS (drained by the paced worker,
 * functions/notify/mail-worker.ts), or straight to the mailer on the embedded default and in
 * tests. Callers (functions/notify/notify.ts) use only this.
 */
export interface MailQueue {
  /** Queues every message it can; resolves to how many were accepted. A refused one is logged. */
  enqueue(messages: readonly MailMessage[]): Promise<number>;
}

/** A queued message's body, checked again by the worker: it is data from a queue, not trusted. */
const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));
export const mailMessageSchema = z.object({
  to: z.email(),
  subject: text(998),
  text: text(100_000),
  kind: z.enum(["invitation", "reminder", "published"]),
  conversationId: text(100),
});

/** Field by field: the body carries only what a message needs, whatever else the object holds. */
const body = (m: MailMessage): string =>
  JSON.stringify({
    to: m.to,
    subject: m.subject,
    text: m.text,
    kind: m.kind,
    conversationId: m.conversationId,
  });

/** SQS's limit per SendMessageBatch call. */
const BATCH = 10;
const ATTEMPTS = 3;

/** AWS: messages go to the mail queue ten at a time; entries SQS refuses are tried twice more. */
export class SqsMailQueue implements MailQueue {
  constructor(
    private readonly client: SqsClientSource,
    private readonly queueUrl: string,
    private readonly logger: Logger,
    private readonly pause: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  async enqueue(messages: readonly MailMessage[]): Promise<number> {
    let queued = 0;
    for (let i = 0; i < messages.length; i += BATCH) {
      queued += await this.sendBatch(messages.slice(i, i + BATCH));
    }
    const refused = messages.length - queued;
    // Counts only: a line naming recipients would say who was reminded about what.
    if (refused > 0) this.logger.error("mail not queued", { refused, queued });
    return queued;
  }

  private async sendBatch(batch: readonly MailMessage[]): Promise<number> {
    let pending = batch.map((message, index) => ({ Id: String(index), MessageBody: body(message) }));
    const { client, sdk } = await sqs(this.client);
    for (let attempt = 1; attempt <= ATTEMPTS && pending.length > 0; attempt++) {
      if (attempt > 1) await this.pause(100 * 2 ** attempt);
      try {
        const result = await client.send(
          new sdk.SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: pending }),
        );
        const failed = new Set((result.Failed ?? []).map((f) => f.Id));
        pending = pending.filter((entry) => failed.has(entry.Id));
      } catch (error) {
        // The SDK already retried transient faults; keep the whole batch for the next attempt.
        this.logger.warn("mail queue unavailable", { attempt, error: (error as Error).name });
      }
    }
    return batch.length - pending.length;
  }
}

/**
 * The embedded default and tests: each message goes to the mailer (files in the data folder,
 * or memory) as it is queued. A failed send is logged and counted out, as the queue would.
 */
export class InlineMailQueue implements MailQueue {
  constructor(
    private readonly mailer: Mailer,
    private readonly logger: Logger,
  ) {}

  async enqueue(messages: readonly MailMessage[]): Promise<number> {
    let sent = 0;
    for (const message of messages) {
      try {
        await this.mailer.send(mailMessageSchema.parse(message));
        sent++;
      } catch (error) {
        this.logger.warn("mail failed", { error: (error as Error).name });
      }
    }
    return sent;
  }
}
