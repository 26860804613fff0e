import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { personKeys } from "../../functions/domain/author-key.js";
import { inconsistencies } from "../helpers/consistency.js";
import { startThrottlingProxy, type Throttle } from "../helpers/dynamo-proxy.js";
import { createHarness, employees, type Harness, type Reply } from "../helpers/harness.js";

/**
 * DynamoDB throttling (issue 11, DESIGN §8): the throttle is answered by a proxy in front of
 * DynamoDB Local exactly as DynamoDB answers it (HTTP 400 and the JSON error body), so the SDK's
 * own retries run. A call throttled once is retried and succeeds; one throttled on every attempt
 * becomes a 503 problem; under concurrent traffic nothing is ever half-written or a 500.
 */
let proxy: Awaited<ReturnType<typeof startThrottlingProxy>>;
let h: Harness;
const author = employees[0]!;

beforeAll(async () => {
  proxy = await startThrottlingProxy(inject("dynamoEndpoint"));
  h = await createHarness({ endpoint: proxy.endpoint });
});
afterAll(() => proxy.close());

const share = (id: string, as: string, text: string, key?: string) =>
  h.call("POST", `/api/conversations/${id}/thoughts`, { as, body: { text }, idempotent: key ?? true });
const mine = async (id: string, email: string) =>
  (await h.services.thoughts.mine(personKeys(h.authorKeySecret, id, h.person(email).id).authorKey)).filter(
    (t) => t.conversationId === id,
  );

describe.each<Throttle>(["ProvisionedThroughputExceededException", "ThrottlingException"])("%s", (kind) => {
  it("once: the SDK retries the call and the share lands once", async () => {
    const id = await h.openConversation("sharing");
    proxy.reset();
    // Every transaction's first attempt is refused (the share and the joining it does).
    proxy.throttle((call) =>
      call.operation === "TransactWriteItems" && call.attempt === 1 ? kind : undefined,
    );
    const reply = await share(id, author, "We should publish the roadmap every quarter.");
    const attempts = proxy.seen.filter((s) => s.operation === "TransactWriteItems");
    proxy.reset();
    expect(reply.status).toBe(201);
    expect(attempts.filter((a) => a.throttled).length).toBeGreaterThan(0);
    // Each throttled call was sent again (same invocation) and went through on its second attempt.
    for (const first of attempts.filter((a) => a.throttled))
      expect(attempts).toContainEqual({ ...first, attempt: 2, throttled: false });
    expect(await mine(id, author)).toHaveLength(1);
    expect(await inconsistencies(h.services, id, h.people)).toEqual([]);
  });

  it("on every attempt: a 503 problem with Retry-After, and nothing written", async () => {
    const id = await h.openConversation("sharing");
    proxy.reset();
    proxy.throttle((call) => (call.operation === "TransactWriteItems" ? kind : undefined));
    const reply = await share(id, author, "Fewer approval steps for small purchases.");
    const attempts = proxy.seen.filter((s) => s.operation === "TransactWriteItems");
    proxy.reset();
    expect(reply.status).toBe(503);
    expect(reply.headers.get("content-type")).toContain("application/problem+json");
    expect(reply.headers.get("retry-after")).toBe("1");
    // The first transaction (joining) was tried the client's maxAttempts times, then given up.
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(await mine(id, author)).toHaveLength(0);
    expect(await inconsistencies(h.services, id, h.people)).toEqual([]);
  });
});

it("a rating throttled on every attempt answers 503 and leaves the assignment and counts as they were", async () => {
  const id = await h.openConversation("sharing");
  for (const [i, email] of employees.slice(1, 4).entries())
    expect((await share(id, email, `Idea number ${i}: pair new hires with a buddy.`)).status).toBe(201);
  await h.releaseRound(id);
  const batch = await h.call("GET", `/api/conversations/${id}/rating-batch`, { as: author });
  const thoughtId: string = batch.body.thoughts[0].id;
  proxy.throttle((call) => (call.operation === "TransactWriteItems" ? "ThrottlingException" : undefined));
  const reply = await h.call("PUT", `/api/conversations/${id}/ratings/${thoughtId}`, {
    as: author,
    body: { stars: 5 },
  });
  proxy.reset();
  expect(reply.status).toBe(503);
  const { raterKey } = personKeys(h.authorKeySecret, id, h.person(author).id);
  expect(await h.services.ratings.find({ conversationId: id, raterKey }, thoughtId)).toMatchObject({
    status: "assigned",
  });
  expect((await h.services.thoughts.get(id, thoughtId)).ratingCount).toBe(0);
  expect(await inconsistencies(h.services, id, h.people)).toEqual([]);
});

it("under concurrent traffic with many calls throttled (half while sharing, a quarter while rating): only 2xx or 503, every write once, all consistent", {
  timeout: 120_000,
}, async () => {
  const id = await h.openConversation("sharing");
  const people = employees.slice(0, 8);
  // A seeded sequence, so a failing run can be replayed.
  let seed = 11;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const statuses: number[] = [];
  /** A client that retries a 503 after a short pause, keeping its Idempotency-Key. */
  const until2xx = async (send: () => Promise<Reply>) => {
    for (;;) {
      const reply = await send();
      statuses.push(reply.status);
      if (reply.status !== 503) return reply;
      expect(reply.headers.get("content-type")).toContain("application/problem+json");
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const thoughtsPerPerson = 3;
  proxy.throttle(() =>
    random() < 0.5
      ? random() < 0.5
        ? "ProvisionedThroughputExceededException"
        : "ThrottlingException"
      : undefined,
  );
  await Promise.all(
    people.map(async (email, p) => {
      for (let n = 0; n < thoughtsPerPerson; n++) {
        const key = crypto.randomUUID();
        const text = `Person ${p}, idea ${n}: automate the release checklist.`;
        const reply = await until2xx(() => share(id, email, text, key));
        expect([200, 201], JSON.stringify(reply.body)).toContain(reply.status);
      }
    }),
  );
  proxy.reset();
  await h.releaseRound(id);
  proxy.throttle(() => (random() < 0.25 ? "ThrottlingException" : undefined));
  const acknowledged: { email: string; thoughtId: string; stars: number }[] = [];
  await Promise.all(
    people.map(async (email) => {
      const batch = await until2xx(() =>
        h.call("GET", `/api/conversations/${id}/rating-batch`, { as: email }),
      );
      expect(batch.status).toBe(200);
      for (const [i, t] of (batch.body.thoughts as { id: string }[]).entries()) {
        const stars = 1 + (i % 5);
        const reply = await until2xx(() =>
          h.call("PUT", `/api/conversations/${id}/ratings/${t.id}`, { as: email, body: { stars } }),
        );
        expect(reply.status).toBe(200);
        acknowledged.push({ email, thoughtId: t.id, stars });
      }
    }),
  );
  proxy.reset();

  // The faults bit (some requests were refused), and no answer was anything but success or 503.
  expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
  expect(statuses.every((s) => s === 200 || s === 201 || s === 503)).toBe(true);
  // Every share exactly once (retries replayed by their key), every rating as acknowledged.
  for (const email of people) expect(await mine(id, email)).toHaveLength(thoughtsPerPerson);
  for (const r of acknowledged) {
    const { raterKey } = personKeys(h.authorKeySecret, id, h.person(r.email).id);
    expect(await h.services.ratings.find({ conversationId: id, raterKey }, r.thoughtId)).toMatchObject({
      status: "rated",
      stars: r.stars,
    });
  }
  expect(acknowledged.length).toBeGreaterThan(0);
  expect(await inconsistencies(h.services, id, h.people)).toEqual([]);
});
