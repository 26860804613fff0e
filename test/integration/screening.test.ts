import { beforeAll, describe, expect, it } from "vitest";
import { createHarness, employees, type Harness } from "../helpers/harness.js";

/**
 * Issue 9, attack 6, against the running API: names of people in the directory are held for a
 * moderator in every moderation mode and never reach a rater first; what is stored is the
 * cleaned, redacted text; the author is told the right reason.
 */
let h: Harness;
const facilitator = "facilitator@example.com";
const author = "amara.okafor@example.com";
const rater = employees[12]!;

beforeAll(async () => {
  h = await createHarness();
});

async function conversation(moderation: "pre" | "post") {
  return h.openConversation("sharing", { template: "strategy-input", settings: { moderation } });
}

const share = (id: string, text: string, as = author) =>
  h.call("POST", `/api/conversations/${id}/thoughts`, { as, body: { text }, idempotent: true });

const batchIds = async (id: string, as = rater) =>
  (await h.call("GET", `/api/conversations/${id}/rating-batch?size=25`, { as })).body.thoughts.map(
    (t: { id: string }) => t.id,
  );

describe("screening on share", () => {
  it.each(["post", "pre"] as const)(
    "holds thoughts naming directory people for a moderator (%s-moderation)",
    async (moderation) => {
      const id = await conversation(moderation);
      const named = [
        "Dev Patel keeps blocking every release",
        "Talk to Mr. Fischer",
        "dev patel should not approve his own changes",
        "I agree with Amara on pricing",
      ];
      const shared = await Promise.all(named.map((text) => share(id, text, employees[3])));
      for (const reply of shared) {
        expect(reply.status).toBe(201);
        expect(reply.body).toMatchObject({ status: "pending", needsReview: true });
        expect(reply.body.warnings).toContain("name");
        // The author learns that it names someone, never whom or whether the directory said so.
        expect(Object.keys(reply.body).sort()).toEqual(
          [
            "createdDay",
            "editedByModerator",
            "id",
            "needsReview",
            "pooled",
            "status",
            "text",
            "warnings",
          ].sort(),
        );
      }
      const clean = await share(id, "Our release train should leave every two weeks.", employees[3]);
      expect(clean.body.status).toBe(moderation === "pre" ? "pending" : "visible");

      // Nobody is given a held thought to rate, however often they ask.
      const ids = shared.map((r) => r.body.id);
      for (let i = 0; i < 3; i++) expect(await batchIds(id)).not.toEqual(expect.arrayContaining([ids[0]]));
      const offered = new Set((await Promise.all(employees.slice(5, 12).map((e) => batchIds(id, e)))).flat());
      for (const held of ids) expect(offered.has(held)).toBe(false);

      // Held thoughts reach the moderation queue at a release round, like the pool (DESIGN §3.7).
      await h.releaseRound(id);
      const queue = await h.call("GET", `/api/conversations/${id}/moderation`, { as: facilitator });
      const reasons = new Map(
        queue.body.items.map((i: { thoughtId: string; reasons: string[] }) => [i.thoughtId, i.reasons]),
      );
      for (const held of ids) expect(reasons.get(held)).toContain("directory");

      await h.call("POST", `/api/conversations/${id}/moderation/${ids[1]}`, {
        as: facilitator,
        body: { action: "keep" },
      });
      // A kept thought joins the pool at the next release round (DESIGN §3.7).
      await h.releaseRound(id);
      const after = await batchIds(id, employees[13]);
      expect(after).toContain(ids[1]);
      expect(after).not.toContain(ids[0]);
    },
  );

  it("tells the author the right reason: hurtful words are not a name", async () => {
    const id = await conversation("post");
    const reply = await share(id, "Whoever planned the reorg is an idiot.");
    expect(reply.body).toMatchObject({ status: "pending", warnings: ["language"] });
  });

  it("flags other person names through the NLP library, and leaves ordinary text alone", async () => {
    const id = await conversation("post");
    expect((await share(id, "I think Peter Miller blocks every decision.")).body.warnings).toEqual(["name"]);
    const clean = await share(id, "Customer Success should own onboarding in the New York office.");
    expect(clean.body).toMatchObject({ status: "visible", warnings: [] });
  });

  it("stores the cleaned text: no NUL, no bidi override, no zero-width characters, no contacts", async () => {
    const id = await conversation("post");
    const reply = await share(
      id,
      "Ship\u0000 the \u202Ebeta\u202C sooner; write to jane\u200B.doe＠corp.com or call 555-O123-4567.",
    );
    expect(reply.status).toBe(201);
    expect(reply.body.text).toBe("Ship the beta sooner; write to [email removed] or call [phone removed].");
    expect(reply.body.warnings.sort()).toEqual(["email", "phone"]);
    const mine = await h.call("GET", `/api/conversations/${id}/thoughts/mine`, { as: author });
    expect(mine.body.thoughts.map((t: { text: string }) => t.text)).toContain(reply.body.text);
  });

  it("counts the length of what is stored, after cleaning", async () => {
    const id = await conversation("post");
    // 700 zero-width spaces around a short thought: nothing anyone sees, so nothing counts.
    const reply = await share(id, `${"\u200B".repeat(700)}A short thought about pricing.`);
    expect(reply.status).toBe(201);
    expect(reply.body.text).toBe("A short thought about pricing.");
  });
});
