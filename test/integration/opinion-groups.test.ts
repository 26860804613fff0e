import { beforeAll, describe, expect, it } from "vitest";
import { createHarness, employees, type Harness } from "../helpers/harness.js";

/**
 * Opinion groups through the API (issue 13): two camps of raters who rate the same thoughts in
 * opposite ways, and one topic everyone likes. The report shows the two groups in aggregate, the
 * liked topic as common ground and the contested ones as divisive; participants never see groups,
 * and the exports carry the same numbers as the API.
 */
let h: Harness;
let id: string;
const leader = "leader@example.com";
const facilitator = "facilitator@example.com";
const topics = ["office", "remote", "tools"];
/** Camp A: every other employee (13 of 26); camp B the rest. */
const campA = new Set(employees.filter((_, i) => i % 2 === 0));

const starsOf = (text: string, rater: string, j: number) => {
  if (text.startsWith("[tools]")) return 4 + (j % 2);
  const likes = text.startsWith("[office]") === campA.has(rater);
  return likes ? 4 + (j % 2) : 1 + (j % 2);
};

beforeAll(async () => {
  h = await createHarness();
  id = await h.openConversation("sharing");
  for (const [i, author] of employees.slice(0, 24).entries()) {
    await h.call("POST", `/api/conversations/${id}/thoughts`, {
      as: author,
      body: { text: `[${topics[i % 3]}] Thought ${i}: our next year should favour ${topics[i % 3]} work.` },
      idempotent: true,
    });
  }
  await h.call("POST", `/api/conversations/${id}/transition`, { as: facilitator, body: { to: "rating" } });
  for (const rater of employees) {
    for (let round = 0; round < 2; round++) {
      const batch = await h.call("GET", `/api/conversations/${id}/rating-batch?size=10`, { as: rater });
      for (const [j, t] of (batch.body.thoughts as { id: string; text: string }[]).entries()) {
        await h.call("PUT", `/api/conversations/${id}/ratings/${t.id}`, {
          as: rater,
          body: { stars: starsOf(t.text, rater, j) },
        });
      }
    }
  }
  await h.call("POST", `/api/conversations/${id}/transition`, { as: facilitator, body: { to: "closed" } });
  await h.jobsDone();
}, 300_000);

interface Entry {
  thoughtId: string;
  text: string;
  consensus: number;
  division: number;
  groups: { groupId: string; raters: number; share: number }[];
}

describe("opinion groups in the report", () => {
  it("shows two groups in aggregate, the shared topic as common ground and the contested ones as divisive", async () => {
    const report = await h.call("GET", `/api/conversations/${id}/report`, { as: leader });
    expect(report.status).toBe(200);
    const section = report.body.opinionGroups;
    expect(section.state).toBe("shown");
    expect(section.groups).toHaveLength(2);
    expect(section.comparable).toBeGreaterThan(10);
    const sizes = section.groups.map((g: { raters: number }) => g.raters);
    expect(sizes.every((n: number) => n >= report.body.textAnonymityThreshold)).toBe(true);
    expect(sizes.reduce((s: number, n: number) => s + n, 0)).toBe(employees.length);
    // Groups are released slices like departments: listed with the segments, decided together.
    for (const g of section.groups) {
      const decision = report.body.segments.find((s: { key: string }) => s.key === g.key);
      expect(decision).toMatchObject({ released: true, text: true, raters: g.raters });
    }
    const common = section.commonGround as Entry[];
    const divisive = section.divisive as Entry[];
    expect(common.length).toBeGreaterThan(0);
    expect(common.every((t) => t.text.startsWith("[tools]"))).toBe(true);
    expect(divisive.length).toBeGreaterThan(0);
    expect(divisive.every((t) => !t.text.startsWith("[tools]"))).toBe(true);
    for (const t of [...common, ...divisive]) {
      expect(t.groups.every((g) => g.raters >= report.body.anonymityThreshold)).toBe(true);
      const ranked = report.body.thoughts.find((x: { id: string }) => x.id === t.thoughtId);
      expect(ranked.opinion).toEqual({ consensus: t.consensus, division: t.division, groups: t.groups });
    }
    expect(JSON.stringify(report.body)).not.toMatch(/raterKey|authorKey|@example\.com/);
  });

  it("compares the groups by theme with the heatmap's own released cells", async () => {
    const report = await h.call("GET", `/api/conversations/${id}/report`, { as: leader });
    const themes = report.body.opinionGroups.themes;
    expect(themes.comparable).toBeGreaterThan(0);
    expect(themes.entries).toHaveLength(themes.comparable);
    const consensus = themes.entries.map((t: { consensus: number }) => t.consensus);
    expect(consensus).toEqual([...consensus].sort((a, b) => b - a));
    type Cell = { themeId: string; segment: string; ratings: number | null; raters: number | null };
    for (const entry of themes.entries) {
      for (const g of entry.groups) {
        const cell = (report.body.heatmap as Cell[]).find(
          (c) => c.themeId === entry.themeId && c.segment === `opinionGroup:${g.groupId}`,
        );
        expect(cell).toMatchObject({ ratings: g.ratings, raters: g.raters });
        expect(g.raters).toBeGreaterThanOrEqual(report.body.anonymityThreshold);
      }
    }
    // The camps split on office and remote work and agree on the expense tool: a theme made only
    // of expense-tool thoughts is common ground, and nothing the camps split on is.
    for (const entry of themes.entries) {
      const texts = report.body.thoughts
        .filter((t: { themeId: string | null }) => t.themeId === entry.themeId)
        .map((t: { text: string }) => t.text);
      if (texts.every((t: string) => t.startsWith("[tools]"))) expect(entry.commonGround).toBe(true);
      if (texts.every((t: string) => !t.startsWith("[tools]"))) expect(entry.commonGround).toBe(false);
    }
  });

  it("opens a group's own view like any segment", async () => {
    const report = await h.call("GET", `/api/conversations/${id}/report`, { as: leader });
    const key = report.body.opinionGroups.groups[0].key;
    const view = await h.call("GET", `/api/conversations/${id}/report?segment=${encodeURIComponent(key)}`, {
      as: leader,
    });
    expect(view.status).toBe(200);
    expect(view.body.segment).toBe(key);
  });

  it("exports the groups' numbers to leadership in CSV and Markdown", async () => {
    const csv = await h.call("GET", `/api/conversations/${id}/export?format=csv`, { as: leader });
    const [header, ...rows] = String(csv.body).trim().split("\r\n");
    expect(header).toContain("group_consensus,group_division,group_A_raters,group_A_share_4_5");
    expect(rows).toHaveLength(24);
    // Theme-level agreement: every thought of a theme whose group cells are released carries the
    // theme's pooled consensus, the same figure the API's opinionGroups.themes gives.
    expect(header).toMatch(/,theme_group_consensus,theme_group_division,theme_common_ground,theme_divisive$/);
    const report = await h.call("GET", `/api/conversations/${id}/report`, { as: leader });
    const themes = (
      report.body as { opinionGroups: { themes: { entries: { themeId: string; consensus: number }[] } } }
    ).opinionGroups.themes.entries;
    expect(themes.length).toBeGreaterThan(0);
    const columns = header!.split(",");
    const at = (name: string) => columns.indexOf(name);
    const thoughts = (report.body as { thoughts: { themeId: string | null }[] }).thoughts;
    const withThemeColumns = rows.filter((_row, i) => {
      const theme = themes.find((t) => t.themeId === thoughts[i]!.themeId);
      if (!theme) return false;
      const cells = rows[i]!.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, ""));
      expect(Number(cells[at("theme_group_consensus")])).toBeCloseTo(theme.consensus, 3);
      expect(["yes", "no"]).toContain(cells[at("theme_divisive")]);
      return true;
    });
    expect(withThemeColumns.length).toBeGreaterThan(0);
    const md = String(
      (await h.call("GET", `/api/conversations/${id}/export?format=md`, { as: leader })).body,
    );
    expect(md).toContain("## Opinion groups");
    expect(md).toContain("### Common ground");
    expect(md).toMatch(/### Where groups differ\n\n.*\n\n1\. \[(office|remote)\]/);
    expect(md).toMatch(
      /### Agreement by theme\n\n.*\n\n(No theme|Common ground:).*\n\n1\. .* — 4–5★ by group: A \d+%, B \d+%/,
    );
  });

  it("never shows groups or a thought's group numbers to participants", async () => {
    await h.call("POST", `/api/conversations/${id}/report/approve`, { as: leader, body: { version: 1 } });
    const published = await h.call("POST", `/api/conversations/${id}/transition`, {
      as: facilitator,
      body: { to: "published" },
    });
    expect(published.status).toBe(200);
    const seen = await h.call("GET", `/api/conversations/${id}/report`, { as: employees[0] });
    expect(seen.status).toBe(200);
    expect(seen.body.opinionGroups).toBeUndefined();
    expect(seen.body.thoughts.some((t: { opinion?: unknown }) => t.opinion !== undefined)).toBe(false);
    const csv = await h.call("GET", `/api/conversations/${id}/export?format=csv`, { as: employees[0] });
    expect(String(csv.body)).not.toContain("group_");
    const md = await h.call("GET", `/api/conversations/${id}/export?format=md`, { as: employees[0] });
    expect(String(md.body)).not.toContain("Opinion groups");
  });
});
