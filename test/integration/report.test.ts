import { beforeAll, describe, expect, it } from "vitest";
import { createHarness, employees, type Harness } from "../helpers/harness.js";

/**
 * The findings loop through the API: closing starts a theme run, leaders read the report with
 * segments behind the anonymity threshold, edit and approve themes, publish, and everyone reads
 * the published version. The theme engine is the harness's tagged stub: this tests the report.
 */
let h: Harness;
let id: string;
const leader = "leader@example.com";
const facilitator = "facilitator@example.com";
const topics = ["pricing", "hiring", "tools"];

beforeAll(async () => {
  h = await createHarness();
  id = await h.openConversation("sharing");
  for (const [i, author] of employees.slice(0, 24).entries()) {
    await h.call("POST", `/api/conversations/${id}/thoughts`, {
      as: author,
      body: { text: `[${topics[i % 3]}] Thought ${i}: we should rethink our approach to ${topics[i % 3]}.` },
      idempotent: true,
    });
  }
  await h.call("POST", `/api/conversations/${id}/transition`, { as: facilitator, body: { to: "rating" } });
  for (const [r, rater] of employees.entries()) {
    const batch = await h.call("GET", `/api/conversations/${id}/rating-batch?size=12`, { as: rater });
    for (const t of batch.body.thoughts) {
      const stars = t.text.startsWith("[pricing]") ? 5 : t.text.startsWith("[hiring]") ? 3 : 1 + (r % 2);
      await h.call("PUT", `/api/conversations/${id}/ratings/${t.id}`, { as: rater, body: { stars } });
    }
  }
}, 180_000);

describe("report", () => {
  it("has no report before a theme run, and refuses runs before rating", async () => {
    expect((await h.call("GET", `/api/conversations/${id}/report`, { as: leader })).status).toBe(404);
    const draft = await h.openConversation("draft");
    expect((await h.call("POST", `/api/conversations/${draft}/theme-runs`, { as: leader })).status).toBe(409);
  });

  it("starts a theme run when the conversation closes, with progress to poll", async () => {
    const closed = await h.call("POST", `/api/conversations/${id}/transition`, {
      as: facilitator,
      body: { to: "closed" },
    });
    expect(closed.status).toBe(200);
    const view = await h.call("GET", `/api/conversations/${id}`, { as: leader });
    const jobId = view.body.activeJobId ?? view.body.lastJobId;
    expect(jobId).toBeTruthy();
    // A second request while it runs returns the same job instead of starting another.
    const again = await h.call("POST", `/api/conversations/${id}/theme-runs`, { as: leader });
    expect(again.status).toBe(202);
    await h.jobsDone();
    const job = await h.call("GET", `/api/jobs/${jobId}`, { as: leader });
    expect(job.body).toMatchObject({ state: "succeeded", progress: 1, reportVersion: 1 });
  });

  it("ranks thoughts by Bayesian score and groups them into themes", async () => {
    const report = await h.call("GET", `/api/conversations/${id}/report`, { as: leader });
    expect(report.status).toBe(200);
    const body = report.body;
    expect(body.version).toBe(1);
    expect(body.participation).toMatchObject({ invited: 30, thoughts: 24 });
    expect(body.thoughts).toHaveLength(24);
    expect(body.thoughts[0].text).toMatch(/^\[pricing\]/);
    const scores = body.thoughts.map((t: { stats: { score: number } }) => t.stats.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(body.themes.map((t: { id: string }) => t.id).sort()).toEqual([
      "theme-hiring",
      "theme-pricing",
      "theme-tools",
    ]);
    const pricing = body.themes.find((t: { id: string }) => t.id === "theme-pricing");
    expect(pricing.stats.meanScore).toBeGreaterThan(
      body.themes.find((t: { id: string }) => t.id === "theme-tools").stats.meanScore,
    );
    expect(body.coverage.min).toBeGreaterThan(0);
    expect(body.timeline.length).toBeGreaterThan(0);
    expect(JSON.stringify(body)).not.toMatch(/authorKey|raterKey/);
  });

  it("shows segments only above the threshold, and suppressed ones carry no number", async () => {
    const { body } = await h.call("GET", `/api/conversations/${id}/report`, { as: leader });
    const released = body.segments.filter((s: { released: boolean }) => s.released);
    const hidden = body.segments.filter((s: { released: boolean }) => !s.released);
    expect(hidden.length).toBeGreaterThan(0);
    for (const s of hidden) expect(s.raters).toBeNull();
    for (const s of released) expect(s.raters).toBeGreaterThanOrEqual(5);
    for (const cell of body.heatmap) {
      if (cell.suppressed) expect([cell.score, cell.raters]).toEqual([null, null]);
      else expect(cell.raters).toBeGreaterThanOrEqual(5);
    }
    const small = hidden[0];
    const refused = await h.call(
      "GET",
      `/api/conversations/${id}/report?segment=${encodeURIComponent(small.key)}`,
      { as: leader },
    );
    expect(refused.status).toBe(403);
    // A segment view carries themes and quotes: it needs k_text (10), numbers alone need k (5).
    for (const segment of released) {
      const view = await h.call(
        "GET",
        `/api/conversations/${id}/report?segment=${encodeURIComponent(segment.key)}`,
        { as: leader },
      );
      expect(view.status).toBe(segment.text ? 200 : 403);
      if (segment.text) {
        expect(segment.raters).toBeGreaterThanOrEqual(10);
        expect(view.body.segment).toBe(segment.key);
      }
    }
  });

  it("keeps results from participants until published, and lets leaders edit and approve", async () => {
    expect((await h.call("GET", `/api/conversations/${id}/report`, { as: employees[0] })).status).toBe(403);
    const publishEarly = await h.call("POST", `/api/conversations/${id}/transition`, {
      as: facilitator,
      body: { to: "published" },
    });
    expect(publishEarly.status).toBe(409);
    const edited = await h.call("PATCH", `/api/conversations/${id}/themes/theme-pricing`, {
      as: leader,
      body: { title: "Pricing needs a rethink" },
    });
    expect(edited.status).toBe(200);
    expect(edited.body.themes.find((t: { id: string }) => t.id === "theme-pricing")).toMatchObject({
      title: "Pricing needs a rethink",
      edited: true,
    });
    expect(
      (await h.call("PATCH", `/api/conversations/${id}/themes/nope`, { as: leader, body: { title: "X y" } }))
        .status,
    ).toBe(404);
    // An emptied or oversize field says so in plain words (not zod's), and changes nothing.
    const emptied = await h.call("PATCH", `/api/conversations/${id}/themes/theme-pricing`, {
      as: leader,
      body: { title: "  ", summary: "s".repeat(2001) },
    });
    expect(emptied.status).toBe(400);
    expect(emptied.body.errors).toEqual([
      { path: "title", message: "needs at least 2 characters" },
      { path: "summary", message: "can be at most 2,000 characters" },
    ]);
    const approved = await h.call("POST", `/api/conversations/${id}/report/approve`, {
      as: leader,
      body: { version: 1 },
    });
    expect(approved.body.approved).toBe(true);
    expect(
      (
        await h.call("POST", `/api/conversations/${id}/transition`, {
          as: facilitator,
          body: { to: "published" },
        })
      ).status,
    ).toBe(200);
    const published = await h.call("GET", `/api/conversations/${id}/report`, { as: employees[3] });
    expect(published.status).toBe(200);
    expect(published.body.segments).toBeUndefined();
    expect(published.body.themes.find((t: { id: string }) => t.id === "theme-pricing").title).toBe(
      "Pricing needs a rethink",
    );
  });

  it("exports CSV, JSON and Markdown with every thought", async () => {
    const csv = await h.call("GET", `/api/conversations/${id}/export?format=csv`, { as: leader });
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(csv.headers.get("content-disposition")).toMatch(/attachment; filename=".*\.csv"/);
    expect(String(csv.body).trim().split("\r\n")).toHaveLength(25);
    const md = await h.call("GET", `/api/conversations/${id}/export?format=md`, { as: leader });
    expect(String(md.body)).toContain("## Themes");
    expect(String(md.body)).toContain("Pricing needs a rethink");
    const json = await h.call("GET", `/api/conversations/${id}/export?format=json`, { as: leader });
    expect(json.body.thoughts).toHaveLength(24);
  });

  it("keeps theme ids and edits across a re-run", async () => {
    await h.call("POST", `/api/conversations/${id}/theme-runs`, { as: leader });
    await h.jobsDone();
    const report = await h.call("GET", `/api/conversations/${id}/report`, { as: leader });
    expect(report.body.version).toBe(2);
    expect(report.body.themes.find((t: { id: string }) => t.id === "theme-pricing").title).toBe(
      "Pricing needs a rethink",
    );
  });
});
