import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { rankingSnapshotItem } from "../../functions/db/items/ranking-snapshot.js";
import { thoughtItem } from "../../functions/db/items/thoughts.js";
import { defaultAdaptivePolicy, topListSize } from "../../functions/domain/adaptive.js";
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

    // Balanced rounds to about 10 ratings per thought: past the adaptive floor (5).
    await round(5);
    await round(5);
    await runScheduler(h.services, new Date());
    const snapshot = await h.services.rankingSnapshots.get(id);
    expect(snapshot).toBeDefined();
    expect(snapshot!.thoughts).toBe(people.length);
    expect(snapshot!.minRatings).toBeGreaterThanOrEqual(8);
    // The top list (a quarter of 24 thoughts: 6) and the thought after it at least: the boundary
    // is the same from the subset.
    const top = topListSize(defaultAdaptivePolicy, people.length);
    expect(top).toBe(6);
    expect(snapshot!.contenders.length).toBeGreaterThanOrEqual(top + 1);
    const stored = await h.doc.send(
      new GetCommand({ TableName: h.tableName, Key: rankingSnapshotItem.key({ conversationId: id }) }),
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

describe("the adaptive exposure cap on the write", () => {
  it("refuses a contender whose exposure passed 3× the mean since the snapshot, and falls back to a balanced batch", async () => {
    // Other raters' batches land between this batch's read and its write: raise the exposure of
    // every thought in the first adaptive write (the one carrying the cap) just before it is sent.
    let armed = false;
    let raised: string[] | undefined;
    const capped = await createHarness({
      wrapDb: (db) => ({
        ...db,
        doc: new Proxy(db.doc, {
          get(target, prop, receiver) {
            if (prop !== "send") return Reflect.get(target, prop, receiver);
            return async (command: TransactWriteCommand) => {
              const updates = (command.input?.TransactItems ?? []).flatMap((i) =>
                i.Update ? [i.Update] : [],
              );
              if (
                armed &&
                !raised &&
                updates.some((u) => u.ExpressionAttributeValues?.[":max"] !== undefined)
              ) {
                raised = [];
                for (const u of updates) {
                  await target.send(
                    new UpdateCommand({
                      TableName: u.TableName,
                      Key: u.Key,
                      UpdateExpression: "SET exposure = :big",
                      ExpressionAttributeValues: { ":big": 100 },
                    }),
                  );
                  raised.push(String(u.Key?.sk).slice("THOUGHT#".length));
                }
              }
              return target.send(command as never);
            };
          },
        }) as DynamoDBDocumentClient,
      }),
    });
    const id = await capped.openConversation("sharing");
    const ids: string[] = [];
    for (const [i, author] of people.entries()) {
      const shared = await capped.call("POST", `/api/conversations/${id}/thoughts`, {
        as: author,
        body: { text: `Idea ${i}: a different place to put our effort next year.` },
        idempotent: true,
      });
      ids.push(shared.body.id);
    }
    await capped.call("POST", `/api/conversations/${id}/transition`, {
      as: facilitator,
      body: { to: "rating" },
    });
    // Past the floor everywhere (10 ratings each), with a spread of scores so the top-k line has contenders.
    for (const thoughtId of ids) {
      await capped.doc.send(
        new UpdateCommand({
          TableName: capped.tableName,
          Key: thoughtItem.key({ conversationId: id, id: thoughtId }),
          UpdateExpression: "SET ratingCount = :n",
          ExpressionAttributeValues: { ":n": 10 },
        }),
      );
    }
    await capped.doc.send(
      new PutCommand({
        TableName: capped.tableName,
        Item: {
          ...rankingSnapshotItem.key({ conversationId: id }),
          computedAt: new Date().toISOString(),
          prior: { mean: 3, variance: 1, strength: 5 },
          thoughts: ids.length,
          minRatings: 10,
          meanRatings: 10,
          meanExposure: 10,
          contenders: ids.map((thoughtId, i) => ({
            id: thoughtId,
            a: "someone-else",
            e: 0,
            h: [1, 2, 3 - (i % 3), 2 + (i % 3), 2],
          })),
        },
      }),
    );

    armed = true;
    const reply = await capped.call("GET", `/api/conversations/${id}/rating-batch?size=10`, {
      as: people[0]!,
    });
    expect(reply.status).toBe(200);
    expect(raised?.length).toBeGreaterThan(0);
    const offered = (reply.body.thoughts as { id: string }[]).map((t) => t.id);
    expect(offered).toHaveLength(10);
    expect(offered.filter((t) => raised!.includes(t))).toEqual([]);
    const exposures = new Map<string, number>();
    for await (const page of capped.services.thoughts.all(id))
      for (const t of page) exposures.set(t.id, t.exposure);
    for (const t of raised!) expect(exposures.get(t)).toBe(100);
    for (const t of offered) expect(exposures.get(t)).toBe(1);
  }, 120_000);
});
