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
