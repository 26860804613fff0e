import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { keys } from "../../functions/db/keys.js";
import { runScheduler } from "../../functions/scheduler/run.js";
import { createHarness, employees, type Harness } from "../helpers/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

const facilitator = "facilitator@example.com";
const people = employees.slice(0, 24);

const batch = (id: string, as: string, size: number) =>
  h.call("GET", `/api/conversations/${id}/rating-batch?size=${size}`, { as });

/** Stars that differ between thoughts, so there is a ranking and a top-k line to contend for. */
const starsFor = (thoughtId: string, as: string) =>
  (((thoughtId.charCodeAt(thoughtId.length - 1) + as.length) % 5) + 1) as 1 | 2 | 3 | 4 | 5;

describe("adaptive distribution on the API", () => {
  it("uses the scheduler's ranking snapshot without offering own or seen thoughts or passing 3× exposure", async () => {
    const id = await h.openConversation("sharing");
    const authorOf = new Map<string, string>();
    for (const [i, author] of people.entries()) {
      const shared = await h.call("POST", `/api/conversations/${id}/thoughts`, {
        as: author,
        body: { text: `Thought number ${i} about where we should invest next year.` },
        idempotent: true,
      });
      expect(shared.status).toBe(201);
      authorOf.set(shared.body.id, author);
    }
    await h.call("POST", `/api/conversations/${id}/transition`, { as: facilitator, body: { to: "rating" } });
    const seen = new Map(people.map((p) => [p, new Set<string>()]));

    /** One batch per person, each checked and rated. */
    const round = async (size: number) => {
      for (const person of people) {
        const next = await batch(id, person, size);
        expect(next.status).toBe(200);
        for (const t of next.body.thoughts as { id: string }[]) {
          expect(authorOf.get(t.id)).not.toBe(person);
          expect(seen.get(person)!.has(t.id)).toBe(false);
          seen.get(person)!.add(t.id);
          const rated = await h.call("PUT", `/api/conversations/${id}/ratings/${t.id}`, {
            as: person,
            body: { stars: starsFor(t.id, person) },
          });
          expect(rated.status).toBe(200);
        }
      }
    };

    // Balanced rounds to about 10 ratings per thought: past the adaptive floor of 8.
    await round(5);
    await round(5);
    await runScheduler(h.services, new Date());
    const snapshot = await h.services.rankingSnapshots.get(id);
    expect(snapshot).toBeDefined();
    expect(snapshot!.thoughts).toBe(people.length);
    expect(snapshot!.minRatings).toBeGreaterThanOrEqual(8);
    // Top 20 and the thought after it at least: the boundary is the same from the subset.
    expect(snapshot!.contenders.length).toBeGreaterThanOrEqual(21);
    const stored = await h.doc.send(
      new GetCommand({ TableName: h.tableName, Key: keys.rankingSnapshot(id) }),
    );
    expect(stored.Item?.sk).toBe("RANKING-SNAPSHOT");

    // Adaptive rounds, refreshing the snapshot between them as the scheduler would.
    await round(5);
    await runScheduler(h.services, new Date());
    await round(5);

    const exposures: number[] = [];
    for await (const page of h.services.thoughts.all(id)) for (const t of page) exposures.push(t.exposure);
    const mean = exposures.reduce((s, x) => s + x, 0) / exposures.length;
    expect(Math.max(...exposures)).toBeLessThanOrEqual(3 * mean);
  }, 300_000); // about 500 HTTP ratings: one to three minutes on a loaded machine
});
