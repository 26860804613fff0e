import { beforeAll, describe, expect, it } from "vitest";
import { snapshotOf } from "../../functions/domain/snapshot-cells.js";
import { createHarness, type Harness } from "../helpers/harness.js";

/**
 * Issue 9's attack, replayed through the API: 60 people in 7 departments and 5 locations, London
 * 3 of them (all managers). The leader reads the report as a motivated insider would and tries
 * to subtract their way to London, then to the one manager outside it.
 */
let h: Harness;
let id: string;
const leader = "leader@example.com";
const facilitator = "facilitator@example.com";
const departments = ["Eng", "Sales", "Ops", "People", "Finance", "Product", "Support"];
const locations = ["Remote", "Berlin", "New York", "Lisbon"];
const topics = ["pricing", "hiring", "tools", "travel"];

interface Member {
  email: string;
  attributes: Record<string, string>;
}
const members: Member[] = Array.from({ length: 60 }, (_, i) => ({
  email: `acme.p${i}@example.com`,
  attributes: {
    company: "Acme",
    department: departments[i % 7]!,
    location: i < 3 ? "London" : locations[i % 4]!,
    level: i < 3 || i % 9 === 0 ? "Manager" : "IC",
  },
}));
const tokens = new Map<string, string>();
const as = (email: string) => ({ authorization: `Bearer ${tokens.get(email)}` });

beforeAll(async () => {
  h = await createHarness();
  const csv = [
    "email,name,role,company,department,location,level",
    ...members.map(
      (m, i) =>
        `${m.email},Person ${i},employee,Acme,${m.attributes.department},${m.attributes.location},${m.attributes.level}`,
    ),
  ].join("\n");
  const imported = await h.call("POST", "/api/directory/import", {
    as: "admin@example.com",
    body: csv,
    headers: { "content-type": "text/csv" },
  });
  expect(imported.status).toBe(200);
  for (const m of members) {
    const login = await h.call("POST", "/api/auth/dev/login", { body: { email: m.email } });
    tokens.set(m.email, login.body.token);
  }
  id = await h.openConversation("sharing", {
    template: "strategy-input",
    audience: { kind: "segments", segments: { company: ["Acme"] } },
  });
  for (const [i, m] of members.entries()) {
    const shared = await h.call("POST", `/api/conversations/${id}/thoughts`, {
      headers: as(m.email),
      body: { text: `[${topics[i % 4]}] Idea ${i}: we should look again at how we handle ${topics[i % 4]}.` },
      idempotent: true,
    });
    expect(shared.status).toBe(201);
  }
  await h.call("POST", `/api/conversations/${id}/transition`, { as: facilitator, body: { to: "rating" } });
  for (const [r, m] of members.entries()) {
    const batch = await h.call("GET", `/api/conversations/${id}/rating-batch?size=15`, {
      headers: as(m.email),
    });
    for (const [j, t] of batch.body.thoughts.entries()) {
      await h.call("PUT", `/api/conversations/${id}/ratings/${t.id}`, {
        headers: as(m.email),
        body: { stars: 1 + ((r + j) % 5) },
      });
    }
  }
  await h.call("POST", `/api/conversations/${id}/transition`, { as: facilitator, body: { to: "closed" } });
  await h.jobsDone();
  const cells = await h.services.participation.snapshotCells(id);
  if (cells) stored = (m) => snapshotOf(cells, m.attributes);
}, 300_000);

/**
 * Membership as the report's segments count it: by the generalised snapshot each person's
 * ratings store (docs/anonymity.md, "Joins in the table"). The leader can compute these too:
 * the recoding is deterministic from the directory, so the attack below uses them.
 */
let stored: (m: Member) => Record<string, string> = (m) => m.attributes;
const inSlice = (m: Member, key: string) => {
  const [attribute, ...value] = key.split(":");
  return stored(m)[attribute!] === value.join(":");
};

describe("the issue's subtraction attack, through the API", () => {
  it("hides London, and what the other locations leave of everyone is not London", async () => {
    const { body } = await h.call("GET", `/api/conversations/${id}/report`, { as: leader });
    const segments = new Map(body.segments.map((s: { key: string }) => [s.key, s]));
    // London's 3 people share no stored snapshot with "London" in it (fewer than k), so the slice
    // is not even a candidate; were it one, it would be hidden without a number.
    const london = segments.get("location:London");
    if (london) expect(london).toMatchObject({ released: false, raters: null });
    expect(members.filter((m) => stored(m).location === "London")).toEqual([]);
    const covered = body.segments
      .filter((s: { attribute: string; released: boolean }) => s.attribute === "location" && s.released)
      .reduce((sum: number, s: { raters: number }) => sum + s.raters, 0);
    // London = everyone − Remote − Berlin − New York − Lisbon no longer works: what the released
    // locations leave of everyone holds London's 3 and at least 2 more.
    expect(60 - covered).toBeGreaterThanOrEqual(5);
  });

  it("lets no ±1 combination of up to 4 released segments, everyone included, describe 1 to 4 people", async () => {
    const { body } = await h.call("GET", `/api/conversations/${id}/report`, { as: leader });
    // Directory slices only: who is in which opinion group is not in the directory, so opinion
    // groups are attacked where their membership is known (test/unit/release-attack.test.ts).
    const released: string[] = body.segments
      .filter((s: { released: boolean; attribute: string }) => s.released && s.attribute !== "opinionGroup")
      .map((s: { key: string }) => s.key);
    // The numbers the leader sees are the true sizes: the attack below is on real data.
    for (const key of released) {
      expect(body.segments.find((s: { key: string }) => s.key === key).raters).toBe(
        members.filter((m) => inSlice(m, key)).length,
      );
    }
    const sets = [
      members.map(() => 1),
      ...released.map((key) => members.map((m) => (inSlice(m, key) ? 1 : 0))),
    ];
    const found: string[] = [];
    const coefficient = members.map(() => 0);
    const visit = (start: number, depth: number, terms: string[]) => {
      if (depth > 0) {
        const support = coefficient.filter((c) => c !== 0).length;
        if (support > 0 && support < 5) found.push(`${terms.join(" ")} = ${support}`);
      }
      if (depth === 4) return;
      for (let i = start; i < sets.length; i++) {
        for (const sign of depth === 0 ? [1] : [1, -1]) {
          sets[i]!.forEach((x, p) => {
            coefficient[p]! += sign * x;
          });
          visit(i + 1, depth + 1, [
            ...terms,
            `${sign > 0 ? "+" : "-"}${i === 0 ? "everyone" : released[i - 1]}`,
          ]);
          sets[i]!.forEach((x, p) => {
            coefficient[p]! -= sign * x;
          });
        }
      }
    };
    visit(0, 0, []);
    expect(found).toEqual([]);
    // In particular, Manager − London (the one manager in the issue) is not on offer.
    expect(released.includes("location:London")).toBe(false);
  });

  it("gives the same decisions in the heatmap and in ?segment=, and no view number under 5 raters", async () => {
    const { body } = await h.call("GET", `/api/conversations/${id}/report`, { as: leader });
    let views = 0;
    for (const segment of body.segments) {
      const reply = await h.call(
        "GET",
        `/api/conversations/${id}/report?segment=${encodeURIComponent(segment.key)}`,
        { as: leader },
      );
      if (!segment.released || !segment.text) {
        expect(reply.status).toBe(403);
        expect(reply.body.detail).toMatch(/hidden to protect anonymity/);
        continue;
      }
      views++;
      expect(reply.status).toBe(200);
      expect(segment.raters).toBeGreaterThanOrEqual(10);
      const cells = body.heatmap.filter((c: { segment: string }) => c.segment === segment.key);
      for (const cell of cells) {
        const shown = reply.body.themes.some((t: { id: string }) => t.id === cell.themeId);
        const hidden = reply.body.hiddenThemes.some((t: { id: string }) => t.id === cell.themeId);
        expect([shown, hidden]).toEqual([!cell.suppressed, cell.suppressed]);
      }
      for (const thought of reply.body.thoughts) expect(thought.stats.count).toBeGreaterThanOrEqual(5);
      for (const theme of reply.body.themes) {
        for (const quoted of theme.topThoughtIds) {
          expect(reply.body.thoughts.some((t: { id: string }) => t.id === quoted)).toBe(true);
        }
      }
    }
    expect(views).toBeGreaterThan(0);
    for (const cell of body.heatmap) {
      if (cell.suppressed) expect([cell.score, cell.raters]).toEqual([null, null]);
      else expect(cell.raters).toBeGreaterThanOrEqual(5);
    }
  });

  it("refuses an anonymity threshold below 5 (10 for text) with a plain message", async () => {
    const low = await h.call("PATCH", `/api/conversations/${id}`, {
      as: facilitator,
      body: { settings: { anonymityThreshold: 3, textAnonymityThreshold: 6 } },
    });
    expect(low.status).toBe(400);
    expect(low.body.errors).toEqual([
      { path: "settings.anonymityThreshold", message: expect.stringMatching(/can't be below 5/) },
      { path: "settings.textAnonymityThreshold", message: expect.stringMatching(/can't be below 10/) },
    ]);
  });
});
