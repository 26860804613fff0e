import { beforeAll, describe, expect, it } from "vitest";
import { createHarness, employees, type Harness } from "../helpers/harness.js";

/**
 * Theme shaping through the API (issue 12): a facilitator merges, splits and moves; each change
 * re-computes the report without the engine, survives a re-run of the engine, shows in the
 * exports, and is audited without naming a thought.
 */
let h: Harness;
let id: string;
const facilitator = "facilitator@example.com";
const leader = "leader@example.com";
const admin = "admin@example.com";

type Theme = { id: string; title: string; size: number };
const report = async () => (await h.call("GET", `/api/conversations/${id}/report`, { as: leader })).body;
const membersOf = async () => {
  const r = await report();
  const members: Record<string, string[]> = {};
  for (const t of r.thoughts as { id: string; themeId: string | null }[]) {
    if (t.themeId) members[t.themeId] = [...(members[t.themeId] ?? []), t.id];
  }
  for (const list of Object.values(members)) list.sort();
  return members;
};
const shape = (body: unknown, as = facilitator) =>
  h.call("POST", `/api/conversations/${id}/themes/shape`, { as, body });

beforeAll(async () => {
  h = await createHarness();
  id = await h.openConversation("sharing");
  const topics = ["pricing", "pricing", "hiring", "tools"];
  for (const [i, author] of employees.slice(0, 16).entries()) {
    const topic = topics[i % topics.length];
    const reply = await h.call("POST", `/api/conversations/${id}/thoughts`, {
      as: author,
      body: { text: `[${topic}] Thought ${i}: we should look hard at ${topic} this year.` },
      idempotent: true,
    });
    expect(reply.status).toBe(201);
  }
  for (const to of ["rating", "closed"]) {
    const moved = await h.call("POST", `/api/conversations/${id}/transition`, {
      as: facilitator,
      body: { to },
    });
    expect(moved.status).toBe(200);
  }
  await h.jobsDone();
}, 120_000);

describe("theme shaping", () => {
  it("is for facilitators, on themes and thoughts of the report", async () => {
    const merge = { op: "merge", from: "theme-hiring", into: "theme-pricing" };
    expect((await shape(merge, employees[0])).status).toBe(403);
    expect((await shape(merge, leader)).status).toBe(403);
    const unknown = await shape({ op: "merge", from: "theme-nope", into: "theme-pricing" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors.map((e: { path: string }) => e.path)).toEqual(["from"]);
    const self = await shape({ op: "merge", from: "theme-pricing", into: "theme-pricing" });
    expect(self.status).toBe(400);
    expect((await shape({ op: "move", thoughtIds: ["nope"], into: "theme-tools" })).status).toBe(400);
    expect((await shape({ op: "split", thoughtIds: [], title: "Empty" })).status).toBe(400);
    expect((await report()).version).toBe(1);
  });

  it("merges, splits and moves: each re-computes the report on its themes", async () => {
    const before = await membersOf();
    const merged = await shape({ op: "merge", from: "theme-hiring", into: "theme-pricing" });
    expect(merged.status).toBe(202);
    await h.jobsDone();
    let r = await report();
    expect(r.version).toBe(2);
    expect(r.themes.map((t: Theme) => t.id).sort()).toEqual(["theme-pricing", "theme-tools"]);
    expect(r.themes.find((t: Theme) => t.id === "theme-pricing").size).toBe(12);
    expect(r.notes).toContain("A facilitator shaped these themes by hand: 4 thoughts moved.");

    const tools = before["theme-tools"]!;
    const split = await shape({ op: "split", thoughtIds: tools.slice(0, 2), title: "Laptops and screens" });
    expect(split.status).toBe(202);
    const made: string = split.body.themeId;
    expect(made).toMatch(/^made-/);
    await h.jobsDone();
    const moved = await shape({ op: "move", thoughtIds: [before["theme-pricing"]![0]], into: "theme-tools" });
    expect(moved.status).toBe(202);
    await h.jobsDone();

    r = await report();
    expect(r.version).toBe(4);
    expect(r.themes.find((t: Theme) => t.id === made)).toMatchObject({
      title: "Laptops and screens",
      size: 2,
    });
    const after = await membersOf();
    expect(after[made]).toEqual(tools.slice(0, 2).sort());
    expect(after["theme-tools"]).toEqual([...tools.slice(2), before["theme-pricing"]![0]].sort());
    expect(after["theme-pricing"]).toHaveLength(11);
    // The theme card's figures are the shaped theme's: sizes add up to every thought.
    expect(r.themes.reduce((n: number, t: Theme) => n + t.size, 0)).toBe(16);
  });

  it("keeps the shaping when the engine runs again, and a leader can retitle a made theme", async () => {
    const shaped = await membersOf();
    const run = await h.call("POST", `/api/conversations/${id}/theme-runs`, { as: leader });
    expect(run.status).toBe(202);
    await h.jobsDone();
    const r = await report();
    expect(r.version).toBe(5);
    expect(await membersOf()).toEqual(shaped);
    const made = r.themes.find((t: Theme) => t.id.startsWith("made-"));
    const edit = await h.call("PATCH", `/api/conversations/${id}/themes/${made.id}`, {
      as: leader,
      body: { title: "Laptops, screens and docks" },
    });
    expect(edit.status).toBe(200);
    const md = await h.call("GET", `/api/conversations/${id}/export?format=md`, { as: leader });
    expect(md.body).toContain("Laptops, screens and docks");
    expect(md.body).not.toContain("About hiring");
  });

  it("audits each change by theme, never by thought", async () => {
    const audit = await h.call("GET", "/api/audit", { as: admin });
    const shapes = audit.body.entries.filter((e: { action: string }) => e.action === "theme.shape");
    expect(shapes.map((e: { details: { op: string } }) => e.details.op).sort()).toEqual([
      "merge",
      "move",
      "split",
    ]);
    expect(shapes.find((e: { details: { op: string } }) => e.details.op === "merge").details).toEqual({
      op: "merge",
      from: "theme-hiring",
      into: "theme-pricing",
    });
    const thoughtIds = (await report()).thoughts.map((t: { id: string }) => t.id);
    const text = JSON.stringify(shapes);
    for (const thoughtId of thoughtIds) expect(text).not.toContain(thoughtId);
  });

  it("stops once the results are published", async () => {
    const version = (await report()).version;
    expect(
      (await h.call("POST", `/api/conversations/${id}/report/approve`, { as: leader, body: { version } }))
        .status,
    ).toBe(200);
    const published = await h.call("POST", `/api/conversations/${id}/transition`, {
      as: facilitator,
      body: { to: "published" },
    });
    expect(published.status).toBe(200);
    expect((await shape({ op: "merge", from: "theme-tools", into: "theme-pricing" })).status).toBe(409);
  });
});
