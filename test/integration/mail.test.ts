import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import {
  SendMessageBatchCommand,
  type SendMessageBatchCommandInput,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryLogger } from "../../functions/lib/logger.js";
import { memoryCounters } from "../../functions/lib/metrics.js";
import { InlineMailQueue, mailMessageSchema, SqsMailQueue } from "../../functions/notify/mail-queue.js";
import { createMailWorker } from "../../functions/notify/mail-worker.js";
import { FileMailer, type Mailer, type MailMessage, MemoryMailer } from "../../functions/notify/mailer.js";
import { SesMailer } from "../../functions/notify/ses-mailer.js";
import { runScheduler } from "../../functions/scheduler/run.js";
import { createServices } from "../../functions/services.js";
import { sqsEvent } from "../helpers/aws-events.js";
import { createHarness, type Harness } from "../helpers/harness.js";

/**
 * The AWS mail path end to end against DynamoDB Local: the scheduler fans invitations out to the
 * mail queue (SQS SendMessageBatch), the worker receives those exact bodies as SQS events and
 * sends them paced, reporting failed sends back as batch item failures so SQS retries them.
 */

/** An SQS client that records SendMessageBatch calls and can refuse entries or whole calls. */
function fakeSqs(refuse: (input: SendMessageBatchCommandInput, call: number) => "all" | string[] = () => []) {
  const calls: SendMessageBatchCommandInput[] = [];
  const client = {
    send: async (command: SendMessageBatchCommand) => {
      expect(command).toBeInstanceOf(SendMessageBatchCommand);
      calls.push(command.input);
      const refused = refuse(command.input, calls.length);
      if (refused === "all") throw Object.assign(new Error("down"), { name: "ServiceUnavailable" });
      return {
        Successful: command.input.Entries!.filter((e) => !refused.includes(e.Id!)).map((e) => ({ Id: e.Id })),
        Failed: refused.map((Id) => ({ Id, Code: "InternalError", SenderFault: false })),
      };
    },
  } as unknown as SQSClient;
  return { client, calls };
}

const message = (i: number): MailMessage => ({
  to: `person${i}@example.com`,
  subject: `Subject ${i}`,
  text: `Body ${i}`,
  kind: "invitation",
  conversationId: "c1",
});
const throwing = (name: string) => Object.assign(new Error(name), { name });

let h: Harness;
let folder: string;

beforeAll(async () => {
  h = await createHarness();
  folder = mkdtempSync(join(tmpdir(), "groundswell-mail-"));
}, 120_000);

afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("mail through the queue (AWS wiring)", () => {
  it("fans the scheduler's invitations out in batches of ten, which the worker sends, paced", async () => {
    const sqs = fakeSqs();
    const logger = memoryLogger();
    const services = createServices({
      ...h.services,
      mailQueue: new SqsMailQueue(sqs.client, "https://sqs.eu-central-1.amazonaws.com/1/mail", logger),
    });
    const now = Date.now();
    const created = await h.call("POST", "/api/conversations", {
      as: "facilitator@example.com",
      idempotent: true,
      body: {
        template: "strategy-input",
        schedule: {
          sharingAt: new Date(now + 60_000).toISOString(),
          // Far enough out that no reminder is due yet: only the invitations go.
          ratingAt: new Date(now + 3 * 86_400_000).toISOString(),
          closingAt: new Date(now + 4 * 86_400_000).toISOString(),
        },
      },
    });
    await h.call("POST", `/api/conversations/${created.body.id}/transition`, {
      as: "facilitator@example.com",
      body: { to: "scheduled" },
    });
    const opened = await runScheduler(services, new Date(now + 61_000));
    const invited = await runScheduler(services, new Date(now + 62_000));
    const bodies = sqs.calls.flatMap((c) => c.Entries!.map((e) => e.MessageBody!));
    expect(opened.notices + invited.notices).toBe(bodies.length);
    expect(bodies.length).toBeGreaterThan(20);
    expect(new Set(bodies.map((b) => JSON.parse(b).kind))).toEqual(new Set(["invitation"]));
    expect(sqs.calls.every((c) => c.Entries!.length <= 10)).toBe(true);
    expect(sqs.calls.every((c) => c.QueueUrl === "https://sqs.eu-central-1.amazonaws.com/1/mail")).toBe(true);
    // Exactly a message's fields: nothing else the caller's object held rides along.
    for (const body of bodies) {
      expect(Object.keys(JSON.parse(body)).sort()).toEqual([
        "conversationId",
        "kind",
        "subject",
        "text",
        "to",
      ]);
      expect(mailMessageSchema.safeParse(JSON.parse(body)).success).toBe(true);
    }

    const mailer = new MemoryMailer();
    const waits: number[] = [];
    let clock = 0;
    const worker = createMailWorker({
      mailer,
      logger,
      counters: memoryCounters(),
      intervalMs: 200,
      now: () => clock,
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    });
    const batch = bodies.slice(0, 10);
    expect(await worker(sqsEvent("GroundswellStack-MailQueue", batch))).toEqual({ batchItemFailures: [] });
    expect(mailer.sent.map((m) => m.to)).toEqual(batch.map((b) => JSON.parse(b).to));
    // Nine waits of the full interval: no two sends closer than 200 ms.
    expect(waits).toEqual(Array(9).fill(200));
  });

  it("returns a throttled send and everything after it to the queue, untried", async () => {
    let sends = 0;
    const mailer: Mailer = {
      send: async () => {
        if (++sends === 3) throw throwing("TooManyRequestsException");
      },
    };
    const counters = memoryCounters();
    const worker = createMailWorker({ mailer, logger: memoryLogger(), counters, intervalMs: 0 });
    const event = sqsEvent(
      "MailQueue",
      [1, 2, 3, 4, 5].map((i) => JSON.stringify(message(i))),
    );
    const result = await worker(event);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(
      event.Records.slice(2).map((r) => r.messageId),
    );
    expect(sends).toBe(3);
    expect(counters.totals).toMatchObject({ MailSent: 2, MailRetried: 1 });
  });

  it("retries a send SES rejected without holding back the rest, and never logs an address", async () => {
    const logger = memoryLogger();
    const mailer: Mailer = {
      send: async (m) => {
        if (m.to === "person2@example.com") throw throwing("MessageRejected");
      },
    };
    const worker = createMailWorker({ mailer, logger, counters: memoryCounters(), intervalMs: 0 });
    const event = sqsEvent(
      "MailQueue",
      [1, 2, 3].map((i) => JSON.stringify(message(i))),
      4,
    );
    expect(await worker(event)).toEqual({
      batchItemFailures: [{ itemIdentifier: event.Records[1]!.messageId }],
    });
    const [line] = logger.lines.map((l) => JSON.parse(l));
    expect(line).toMatchObject({ error: "MessageRejected", receiveCount: "4", kind: "invitation" });
    expect(logger.lines.join("\n")).not.toContain("@example.com");
  });

  it("drops a body that can never be sent, logging its message id and the bad fields only", async () => {
    const logger = memoryLogger();
    const mailer = new MemoryMailer();
    const counters = memoryCounters();
    const worker = createMailWorker({ mailer, logger, counters, intervalMs: 0 });
    const bad = [
      "not json",
      JSON.stringify({ ...message(1), to: "secret-person@@example" }),
      JSON.stringify({ ...message(2), kind: "thought" }),
    ];
    const event = sqsEvent("MailQueue", [...bad, JSON.stringify(message(3))]);
    expect(await worker(event)).toEqual({ batchItemFailures: [] });
    expect(mailer.sent.map((m) => m.to)).toEqual(["person3@example.com"]);
    expect(counters.totals).toMatchObject({ MailDropped: 3, MailSent: 1 });
    const dropped = logger.lines
      .map((l) => JSON.parse(l))
      .filter((l) => l.message === "dropped malformed mail message");
    expect(dropped.map((l) => l.fields)).toEqual(["not JSON", "to", "kind"]);
    expect(logger.lines.join("\n")).not.toContain("secret-person");
  });

  it("queues again the entries SQS refused, and reports what it could not queue by count only", async () => {
    const flaky = fakeSqs((_input, call) => (call === 1 ? ["1", "4"] : []));
    const logger = memoryLogger();
    const queue = new SqsMailQueue(flaky.client, "https://sqs/q", logger, async () => {});
    expect(await queue.enqueue([0, 1, 2, 3, 4].map(message))).toBe(5);
    expect(flaky.calls.map((c) => c.Entries!.map((e) => e.Id))).toEqual([
      ["0", "1", "2", "3", "4"],
      ["1", "4"],
    ]);

    const down = fakeSqs(() => "all");
    expect(
      await new SqsMailQueue(down.client, "https://sqs/q", logger, async () => {}).enqueue([message(1)]),
    ).toBe(0);
    expect(down.calls).toHaveLength(3);
    const lines = logger.lines.map((l) => JSON.parse(l));
    expect(lines.at(-1)).toMatchObject({ message: "mail not queued", refused: 1, queued: 0 });
    expect(logger.lines.join("\n")).not.toContain("@example.com");
  });

  it("sends through SES from the verified identity, via the configuration set, tagged with the kind", async () => {
    const commands: SendEmailCommand[] = [];
    const ses = { send: async (c: SendEmailCommand) => commands.push(c) } as unknown as SESv2Client;
    await new SesMailer(ses, "groundswell@acme.test", "groundswell-config").send(message(1));
    expect(commands[0]).toBeInstanceOf(SendEmailCommand);
    expect(commands[0]!.input).toMatchObject({
      FromEmailAddress: "groundswell@acme.test",
      Destination: { ToAddresses: ["person1@example.com"] },
      ConfigurationSetName: "groundswell-config",
      EmailTags: [{ Name: "kind", Value: "invitation" }],
      Content: { Simple: { Subject: { Data: "Subject 1" }, Body: { Text: { Data: "Body 1" } } } },
    });
  });
});

describe("mail on the embedded default", () => {
  it("goes through the same queue abstraction into files in the data folder", async () => {
    const mailer = new FileMailer(folder);
    const logger = memoryLogger();
    const queue = new InlineMailQueue(mailer, logger);
    expect(await queue.enqueue([message(1), { ...message(2), to: "not an address" }, message(3)])).toBe(2);
    expect(readdirSync(folder).filter((f) => f.endsWith(".json"))).toHaveLength(2);
    expect(mailer.list("person3@example.com").map((m) => m.subject)).toEqual(["Subject 3"]);
    expect(logger.lines.map((l) => JSON.parse(l).message)).toEqual(["mail failed"]);
  });
});
