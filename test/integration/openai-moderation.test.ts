import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryLogger } from "../../functions/lib/logger.js";
import { openAiModeration } from "../../functions/moderation/openai-moderation.js";
import { type FakeOpenAi, startFakeOpenAi } from "../helpers/fake-openai.js";
import { createHarness, type Harness } from "../helpers/harness.js";

/** With a key set, thoughts are also checked by the moderation endpoint (a local stand-in here). */
let fake: FakeOpenAi;
let h: Harness;
beforeAll(async () => {
  fake = await startFakeOpenAi();
  h = await createHarness({
    contentScreen: openAiModeration({ apiKey: "test-key", baseURL: fake.baseURL, logger: memoryLogger() }),
  });
});
afterAll(() => fake.close());

describe("OpenAI moderation on submit", () => {
  it("sends flagged thoughts to the moderation queue and lets clean ones through, redacted", async () => {
    const id = await h.openConversation("sharing");
    const share = (as: string, text: string) =>
      h.call("POST", `/api/conversations/${id}/thoughts`, { as, body: { text }, idempotent: true });
    const flagged = await share(
      "amara.okafor@example.com",
      "This reads like a threat to the team, mail me at a@b.example",
    );
    const clean = await share("ben.fischer@example.com", "We should invest in better onboarding.");
    expect(flagged.body.needsReview).toBe(true);
    expect(clean.body.needsReview).toBe(false);
    const sent = fake.requests.filter((r) => r.path === "/v1/moderations").map((r) => r.raw);
    expect(sent).toHaveLength(2);
    expect(sent.join()).not.toContain("a@b.example");
    await h.releaseRound(id); // held thoughts reach the queue at a release round
    const queue = await h.call("GET", `/api/conversations/${id}/moderation`, {
      as: "facilitator@example.com",
    });
    expect(queue.body.items.map((i: { thoughtId: string }) => i.thoughtId)).toEqual([flagged.body.id]);
  });

  it("does not block sharing when the service fails", async () => {
    const broken = openAiModeration({
      apiKey: "k",
      baseURL: "http://127.0.0.1:9/v1",
      logger: memoryLogger(),
    });
    expect(await broken.flags("anything")).toBe(false);
  });
});

describe("the moderation client's retry", () => {
  /** A moderation endpoint answering the scripted statuses in turn (then 200 flagged). */
  async function scriptedEndpoint(statuses: number[], body = '{"results":[{"flagged":true}]}') {
    const { createServer } = await import("node:http");
    const seen: { authorization?: string; body: string }[] = [];
    const server = createServer((request, response) => {
      let raw = "";
      request.on("data", (c) => (raw += c));
      request.on("end", () => {
        seen.push({ authorization: request.headers.authorization, body: raw });
        const status = statuses[seen.length - 1] ?? 200;
        response.writeHead(status, { "content-type": "application/json" }).end(status === 200 ? body : "{}");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const logger = memoryLogger();
    const screen = openAiModeration({
      apiKey: "sk-test",
      baseURL: `http://127.0.0.1:${port}/v1/`,
      logger,
      retryDelayMs: 1,
    });
    return { screen, seen, logger, close: () => new Promise((r) => server.close(r)) };
  }

  it("retries once after a transient failure and then uses the answer", async () => {
    const endpoint = await scriptedEndpoint([503]);
    try {
      expect(await endpoint.screen.flags("text")).toBe(true);
      expect(endpoint.seen).toHaveLength(2);
      expect(endpoint.seen[0]).toEqual({
        authorization: "Bearer sk-test",
        body: '{"model":"omni-moderation-latest","input":"text"}',
      });
    } finally {
      await endpoint.close();
    }
  });

  it("gives up after the second transient failure, logging the status and no text", async () => {
    const endpoint = await scriptedEndpoint([429, 500]);
    try {
      expect(await endpoint.screen.flags("secret words")).toBe(false);
      expect(endpoint.seen).toHaveLength(2);
      expect(endpoint.logger.lines.join()).toContain('"status":500');
      expect(endpoint.logger.lines.join()).not.toContain("secret words");
    } finally {
      await endpoint.close();
    }
  });

  it("does not retry a refusal (401) or an answer of the wrong shape", async () => {
    const refused = await scriptedEndpoint([401]);
    const odd = await scriptedEndpoint([], '{"results":"nope"}');
    try {
      expect(await refused.screen.flags("x")).toBe(false);
      expect(refused.seen).toHaveLength(1);
      expect(await odd.screen.flags("x")).toBe(false);
      expect(odd.seen).toHaveLength(1);
    } finally {
      await refused.close();
      await odd.close();
    }
  });
});
