import { randomUUID } from "node:crypto";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createWorkerHandler, handler as lambdaEntry } from "../../functions/workers/worker-handler.js";
import { sqsEvent as sqsRecords } from "../helpers/aws-events.js";
import { createHarness, employees, type Harness } from "../helpers/harness.js";

/**
 * The theme-job worker as the SQS event source calls it, against DynamoDB Local: the real event
 * shape, partial batch responses, and what is retried (a failed run) versus dropped (a body that
 * can never succeed).
 */
let h: Harness;
let handler: ReturnType<typeof createWorkerHandler>;
let conversationId: string;

beforeAll(async () => {
  h = await createHarness();
  handler = createWorkerHandler(h.services);
  conversationId = await h.openConversation("sharing");
  for (const [i, author] of employees.slice(0, 6).entries()) {
    await h.call("POST", `/api/conversations/${conversationId}/thoughts`, {
      as: author,
      body: { text: `[${i % 2 ? "pricing" : "tools"}] Thought ${i}: we should rethink how we work.` },
      idempotent: true,
    });
  }
}, 120_000);

const sqsEvent = (...bodies: string[]) => sqsRecords("GroundswellStack-ThemeJobsQueue", bodies);

const logLines = () => h.logger.lines.map((line) => JSON.parse(line) as Record<string, unknown>);

describe("theme-job worker (SQS)", () => {
  it("runs a queued job to succeeded and reports no failures", async () => {
    const { job } = await h.services.jobs.startThemeRun(conversationId);
    const result = await handler(sqsEvent(JSON.stringify({ jobId: job.id, conversationId })));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(await h.services.jobs.get(job.id)).toMatchObject({
      state: "succeeded",
      progress: 1,
      reportVersion: 1,
    });
    expect((await h.services.conversations.get(conversationId)).reportVersion).toBe(1);
  });

  it("drops a malformed body without a batch failure, logging the message id but no content", async () => {
    const secret = "our CFO is leaving";
    const event = sqsEvent("not json at all", JSON.stringify({ jobId: 42, text: secret }));
    expect(await handler(event)).toEqual({ batchItemFailures: [] });
    const dropped = logLines().filter((l) => l.message === "dropped malformed theme-job message");
    expect(dropped.map((l) => l.messageId)).toEqual(event.Records.map((r) => r.messageId));
    expect(h.logger.lines.join("\n")).not.toContain(secret);
    expect(h.logger.lines.join("\n")).not.toContain("not json at all");
  });

  it("reports a message for a missing job as a batch item failure, so SQS retries it", async () => {
    const missing = JSON.stringify({ jobId: randomUUID(), conversationId });
    const event = sqsEvent(missing);
    expect(await handler(event)).toEqual({
      batchItemFailures: [{ itemIdentifier: event.Records[0]!.messageId }],
    });
    expect(logLines()).toContainEqual(
      expect.objectContaining({ level: "ERROR", message: "theme job failed", error: "NotFoundError" }),
    );
  });

  it("returns only the failed records of a mixed batch", async () => {
    const { job } = await h.services.jobs.startThemeRun(conversationId);
    const event = sqsEvent(
      JSON.stringify({ jobId: job.id, conversationId }),
      JSON.stringify({ jobId: randomUUID(), conversationId }),
      "{",
    );
    expect(await handler(event)).toEqual({
      batchItemFailures: [{ itemIdentifier: event.Records[1]!.messageId }],
    });
    expect(await h.services.jobs.get(job.id)).toMatchObject({ state: "succeeded", reportVersion: 2 });
  });

  it("treats a redelivered message for a finished job as done", async () => {
    const { job } = await h.services.jobs.startThemeRun(conversationId);
    const body = JSON.stringify({ jobId: job.id, conversationId });
    expect(await handler(sqsEvent(body))).toEqual({ batchItemFailures: [] });
    expect(await handler(sqsEvent(body))).toEqual({ batchItemFailures: [] });
    expect((await h.services.conversations.get(conversationId)).reportVersion).toBe(3);
  });
});

describe("the Lambda entry", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("fails the whole batch when the cold start fails, and builds afresh on the next delivery", async () => {
    const event = sqsEvent(JSON.stringify({ jobId: randomUUID(), conversationId }));
    vi.stubEnv("JWT_ISSUER", undefined);
    await expect(lambdaEntry(event)).rejects.toThrow(/Invalid configuration/);
    // Not a cached failure: the next attempt reads the (now different) environment again.
    vi.stubEnv("JWT_ISSUER", "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_example");
    vi.stubEnv("JWT_AUDIENCE", "client");
    vi.stubEnv("JWKS_URL", undefined);
    await expect(lambdaEntry(event)).rejects.toThrow(/Invalid AWS configuration[\s\S]*JWKS_URL/);
  });
});
