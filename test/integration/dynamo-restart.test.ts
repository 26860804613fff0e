import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { personKeys } from "../../functions/domain/author-key.js";
import { type DynamoLocal, freePort, startDynamoLocal } from "../../functions/local/dynamo-local.js";
import { inconsistencies } from "../helpers/consistency.js";
import { createHarness, employees, type Harness, type Reply } from "../helpers/harness.js";

/**
 * DynamoDB stopped and started again under traffic (issue 11): its own DynamoDB Local on disk
 * (not the shared one from global setup), stopped while eight people share and rate, started again
 * on the same port and files. While it is down every request answers a 503 problem (never a
 * 500); clients that retry get every write in exactly once; afterwards every acknowledged write
 * is there and every aggregate matches its items.
 */
const dataPath = mkdtempSync(join(tmpdir(), "groundswell-restart-"));
let port: number;
let dynamo: DynamoLocal;
let h: Harness;

beforeAll(async () => {
  port = await freePort();
  dynamo = await startDynamoLocal({ dataPath, port });
  h = await createHarness({ endpoint: dynamo.endpoint });
}, 180_000);
afterAll(async () => {
  await dynamo?.stop();
  rmSync(dataPath, { recursive: true, force: true });
});

it("keeps every acknowledged write across a stop and restart, answering only 2xx or 503", {
  timeout: 240_000,
}, async () => {
  const sharing = await h.openConversation("sharing");
  const rating = await h.openConversation("sharing");
  for (const [i, email] of employees.slice(8, 14).entries()) {
    const reply = await h.call("POST", `/api/conversations/${rating}/thoughts`, {
      as: email,
      body: { text: `Seed idea ${i}: share the reasons behind pricing changes.` },
      idempotent: true,
    });
    expect(reply.status).toBe(201);
  }
  await h.releaseRound(rating);

  const people = employees.slice(0, 8);
  const statuses: number[] = [];
  let acknowledgedSoFar = 0;
  const until2xx = async (send: () => Promise<Reply>) => {
    for (;;) {
      const reply = await send();
      statuses.push(reply.status);
      if (reply.status !== 503) {
        acknowledgedSoFar++;
        return reply;
      }
      expect(reply.headers.get("content-type")).toContain("application/problem+json");
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  };
  const shares = 4;
  const ratings: { email: string; thoughtId: string; stars: number }[] = [];
  const traffic = Promise.all(
    people.map(async (email, p) => {
      for (let n = 0; n < shares; n++) {
        const key = crypto.randomUUID();
        const reply = await until2xx(() =>
          h.call("POST", `/api/conversations/${sharing}/thoughts`, {
            as: email,
            body: { text: `Person ${p}, idea ${n}: halve customer onboarding time.` },
            idempotent: key,
          }),
        );
        expect([200, 201]).toContain(reply.status);
        const batch = await until2xx(() =>
          h.call("GET", `/api/conversations/${rating}/rating-batch`, { as: email }),
        );
        expect(batch.status).toBe(200);
        const next = (batch.body.thoughts as { id: string }[])[0];
        if (!next) continue;
        const stars = 1 + ((p + n) % 5);
        const rated = await until2xx(() =>
          h.call("PUT", `/api/conversations/${rating}/ratings/${next.id}`, { as: email, body: { stars } }),
        );
        expect(rated.status).toBe(200);
        ratings.push({ email, thoughtId: next.id, stars });
      }
    }),
  );

  // Stop it once traffic is flowing, keep it down a moment, start it again on the same files.
  while (acknowledgedSoFar < 6) await new Promise((r) => setTimeout(r, 20));
  await dynamo.stop();
  const downSince = statuses.length;
  await new Promise((r) => setTimeout(r, 1_000));
  dynamo = await startDynamoLocal({ dataPath, port });
  await traffic;

  expect(statuses.slice(downSince).filter((s) => s === 503).length).toBeGreaterThan(0);
  expect(statuses.every((s) => s === 200 || s === 201 || s === 503)).toBe(true);
  for (const email of people) {
    const { authorKey } = personKeys(h.authorKeySecret, sharing, h.person(email).id);
    const mine = (await h.services.thoughts.mine(authorKey)).filter((t) => t.conversationId === sharing);
    expect(mine).toHaveLength(shares);
  }
  for (const r of ratings) {
    const { raterKey } = personKeys(h.authorKeySecret, rating, h.person(r.email).id);
    expect(await h.services.ratings.find({ conversationId: rating, raterKey }, r.thoughtId)).toMatchObject({
      status: "rated",
      stars: r.stars,
    });
  }
  expect(await inconsistencies(h.services, sharing, h.people)).toEqual([]);
  expect(await inconsistencies(h.services, rating, h.people)).toEqual([]);
});
