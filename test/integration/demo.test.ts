import { beforeAll, describe, expect, it } from "vitest";
import type { Thought } from "../../functions/db/items/thoughts.js";
import { audienceIncludes } from "../../functions/domain/conversation.js";
import { createRng } from "../../functions/lib/random.js";
import { demoDomain, demoPeople } from "../../functions/local/demo/company.js";
import { seedDemo } from "../../functions/local/demo/seed.js";
import { decide } from "../../functions/local/demo/simulate.js";
import { type DemoThought, demoThoughts, demoTitle } from "../../functions/local/demo/thoughts.js";
import { createServices, type Services } from "../../functions/services.js";
import { findPersonThoughtLinks } from "../helpers/anonymity.js";
import { createHarness, type Harness } from "../helpers/harness.js";

let h: Harness;
let services: Services;
beforeAll(async () => {
  h = await createHarness();
  services = createServices(h.deps);
});

// A smaller company keeps the test quick; the full demo is measured by `npm run demo`.
const options = { ratingsPerPerson: 5, limit: { thoughts: 60, people: 30 } } as const;

async function storedThoughts(conversationId: string): Promise<Thought[]> {
  const all: Thought[] = [];
  for await (const page of services.thoughts.all(conversationId)) all.push(...page);
  return all;
}

describe("demo content", () => {
  it("has a company with big enough departments and about 300 thoughts", () => {
    expect(new Set(demoPeople.map((p) => p.email)).size).toBe(150);
    expect(demoPeople.every((p) => p.email.endsWith(`@${demoDomain}`))).toBe(true);
    const sizes = new Map<string, number>();
    for (const p of demoPeople) sizes.set(p.departmentCode, (sizes.get(p.departmentCode) ?? 0) + 1);
    for (const main of ["ST", "CS", "EN", "PD", "SC", "MK", "BS", "MD"]) {
      expect(sizes.get(main)).toBeGreaterThanOrEqual(10);
    }
    expect(demoThoughts.length).toBeGreaterThanOrEqual(280);
    expect(new Set(demoThoughts.map((t) => t.text)).size).toBe(demoThoughts.length);
    expect(demoThoughts.every((t) => sizes.has(t.department))).toBe(true);
  });

  it("splits polarizing thoughts along the rater's side and follows appeal otherwise", () => {
    const random = createRng(7).next;
    const storeWorker = demoPeople.find((p) => p.departmentCode === "ST" && p.outlook === "frontline")!;
    const rater = { person: storeWorker, leniency: 0, skipRate: 0 };
    const draw = (thought: DemoThought) =>
      Array.from({ length: 2000 }, () => {
        const verdict = decide(thought, rater, random);
        return "stars" in verdict ? verdict.stars : 0;
      });
    const fromOffice = { text: "", department: "EN", theme: "noise", polarizing: false } as const;
    const fromFrontline = { ...fromOffice, department: "SC" } as const;
    const high = (xs: number[]) => xs.filter((s) => s >= 4).length;
    // A bold proposal from the other side: no middle, mostly low; from one's own side, mostly high.
    const theirs = draw({ ...fromOffice, appeal: 3, polarizing: true });
    const ours = draw({ ...fromFrontline, appeal: 3, polarizing: true });
    expect([...theirs, ...ours]).not.toContain(3);
    expect(high(theirs)).toBeGreaterThan(200);
    expect(high(theirs)).toBeLessThan(700);
    expect(high(ours)).toBeGreaterThan(1300);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(draw({ ...fromOffice, appeal: 5 }))).toBeGreaterThan(
      mean(draw({ ...fromOffice, appeal: 2 })) + 2,
    );
    // Half a star and more for one's own side, on an ordinary thought.
    expect(mean(draw({ ...fromFrontline, appeal: 3 }))).toBeGreaterThan(
      mean(draw({ ...fromOffice, appeal: 3 })) + 1,
    );
  });
});

describe("seedDemo", () => {
  it("fills the store with a closed, rated sample conversation, once", async () => {
    const fractions: number[] = [];
    const first = await seedDemo(services, { ...options, onProgress: (f) => fractions.push(f) });
    expect(first.created).toBe(true);
    expect(fractions.at(-1)).toBe(1);

    const conversation = await services.conversations.get(first.conversationId);
    expect(conversation).toMatchObject({ state: "closed", title: demoTitle, template: "strategy-input" });
    const counts = await services.conversations.counts(first.conversationId, 0);
    expect(counts).toMatchObject({
      thoughts: 60,
      ratings: first.ratings,
      participants: first.participants,
    });
    expect(first.participants).toBeGreaterThan(20);
    expect(first.participants).toBeLessThanOrEqual(30);

    const thoughts = await storedThoughts(first.conversationId);
    expect(thoughts).toHaveLength(60);
    // Every visible thought has a rating, and the stored counters add up to the conversation's
    // count. Those naming people wait for a moderator, as they would in a real conversation.
    const held = thoughts.filter((t) => t.status === "pending");
    expect(held.length).toBeGreaterThan(0);
    expect(held.every((t) => t.needsReview && t.ratingCount === 0 && t.exposure === 0)).toBe(true);
    expect(thoughts.filter((t) => t.status === "visible").every((t) => t.ratingCount >= 1)).toBe(true);
    expect(thoughts.reduce((sum, t) => sum + t.ratingCount, 0)).toBe(counts.ratings);
    expect(counts.ratings).toBeGreaterThanOrEqual(100);
    // Contact details were redacted on the way in, and names were flagged for moderation.
    const texts = thoughts.map((t) => t.text).join("\n");
    expect(texts).toContain("[email removed]");
    expect(texts).toContain("[phone removed]");
    expect(texts).not.toMatch(/@northwind-demo\.example|555-01/);
    expect(thoughts.some((t) => t.needsReview)).toBe(true);
    // Thoughts carry their author's department wherever it holds k people of the audience: the
    // snapshot partition keeps department first (docs/anonymity.md, "Joins in the table"). This
    // 30-person cut spreads people over 11 departments, so only a few reach k; the full demo
    // keeps every department (npm run demo, /work/notes/items.md).
    const audience = (await services.directory.all()).filter(
      (p) => p.active && audienceIncludes(conversation.audience, p.attributes),
    );
    const sizes = new Map<string, number>();
    for (const p of audience) {
      const department = p.attributes.department ?? "";
      sizes.set(department, (sizes.get(department) ?? 0) + 1);
    }
    const kept = new Set(thoughts.flatMap((t) => (t.attributes.department ? [t.attributes.department] : [])));
    expect(kept.size).toBeGreaterThanOrEqual(2);
    for (const department of kept) expect(sizes.get(department)).toBeGreaterThanOrEqual(5);

    const directory = await services.directory.all();
    const second = await seedDemo(services, options);
    expect(second).toMatchObject({ conversationId: first.conversationId, created: false, thoughts: 60 });
    expect(second.ratings).toBe(first.ratings);
    expect((await services.directory.all()).length).toBe(directory.length);
    const { items } = await services.conversations.list();
    expect(items.filter((c) => c.title === demoTitle)).toHaveLength(1);

    // DESIGN §3.1: nothing stored or logged links a person to a thought.
    const people = directory.map((p) => ({ id: p.id, email: p.email }));
    expect(findPersonThoughtLinks(await h.scanAll(), people, thoughts)).toEqual([]);
    expect(findPersonThoughtLinks(h.logger.lines, people, thoughts)).toEqual([]);
  }, 120_000); // seconds on an idle machine; the margin is for a busy CI runner
});
