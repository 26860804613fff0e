import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import {
  apiClient,
  desktop,
  expectAxeClean,
  phone,
  screenshot,
  scrollsSideways,
  signIn,
  useBrowserSuite,
} from "../helpers/browser.js";
import { facilitator, leader, type Seeded, seedClosedConversation, seedThoughts } from "./seed.js";

/**
 * Issue "Findings", done when: a leader opens the report of a closed conversation (the real
 * offline theme engine runs), waits for the progress bar, sees themes, filters by a segment, edits
 * a theme title, exports CSV, approves; no suppressed cell or hidden segment shows a number; axe
 * finds nothing. Then participants read the published results.
 */

let seeded: Seeded;

interface SegmentInfo {
  key: string;
  value: string;
  released: boolean;
  text?: boolean;
}
let segments: SegmentInfo[] = [];

const e2e = useBrowserSuite({ setupTimeoutMs: 180_000 });

beforeAll(async () => {
  const started = performance.now();
  const ready = performance.now();
  // Stored snapshots are cells of at least k people (docs/anonymity.md, "Joins in the table"), so
  // a group under k needs people who take no part: two of the five the starter directory's
  // London cell holds, leaving it 3 participants and raters — hidden, and the page must show it
  // without a number.
  seeded = await seedClosedConversation(e2e.url, {
    thoughtsPerTopic: 4,
    ratingsPerPerson: 5,
    parallel: 10,
    absent: ["jade.nguyen@example.com", "sam.taylor@example.com"],
  });
  console.info(
    `server and browser in ${Math.round(ready - started)} ms; seeded ${seeded.thoughts} thoughts and ${seeded.ratings} ratings`,
    seeded.ms,
  );
}, 180_000);

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const thoughtTexts = Object.values(seedThoughts).flat();

/**
 * DESIGN §3.4 on screen: an element tied to a hidden segment (its option, column header, heatmap
 * cells) shows no digit besides those in the segment's own name, and no line of the page that
 * names a hidden segment carries a number (thought texts aside: they are people's words).
 */
async function expectNoHiddenNumbers(page: Page) {
  const hidden = segments.filter((s) => !s.released);
  expect(hidden.length).toBeGreaterThan(0);
  const suppressedCells = await page.locator('td[data-suppressed="true"]').allInnerTexts();
  expect(suppressedCells.length).toBeGreaterThan(0);
  for (const text of suppressedCells) expect(text).not.toMatch(/\d/);
  for (const segment of hidden) {
    const tied = await page.locator(`[data-segment="${segment.key}"], option[value="${segment.key}"]`).all();
    expect(tied.length).toBeGreaterThan(0);
    for (const element of tied) {
      const text = (await element.textContent()) ?? "";
      expect(text.replace(segment.value, ""), `${segment.key}: "${text}"`).not.toMatch(/\d/);
    }
    const option = page.locator(`option[value="${segment.key}"]`);
    expect(await option.isDisabled()).toBe(true);
  }
  const body = await page.locator("body").innerText();
  for (const line of body.split("\n")) {
    if (thoughtTexts.some((t) => line.includes(t))) continue;
    for (const segment of hidden) {
      if (!new RegExp(`\\b${escapeRegExp(segment.value)}\\b`).test(line)) continue;
      expect(line.replace(segment.value, ""), `a line naming ${segment.key}`).not.toMatch(/\d/);
    }
  }
}

describe("the leadership report", () => {
  it("computes themes with progress, filters by segment, edits, exports and approves", async () => {
    const { context, page } = await e2e.open(desktop);
    try {
      await signIn(page, leader);
      await page.goto(`/c/${seeded.id}/report`);
      // Closing started a theme run: the page shows its progress, then the report.
      await page.getByRole("heading", { name: "Themes", exact: true, level: 2 }).waitFor({ timeout: 45_000 });
      expect(await page.locator("[data-theme-id]").count()).toBeGreaterThanOrEqual(2);
      const report = await apiClient(e2e.url).expectStatus(
        200,
        "GET",
        `/api/conversations/${seeded.id}/report`,
        {
          as: leader,
        },
      );
      segments = report.body.segments;
      expect(report.body.engine).toBe("offline");

      // Computing again shows a progress bar, then the next version.
      await page.getByRole("button", { name: "Compute themes again" }).click();
      const progress = page.locator("progress#theme-run-progress");
      await progress.waitFor({ state: "visible" });
      expect(await page.getByLabel("Computing themes").count()).toBe(1);
      await progress.waitFor({ state: "detached", timeout: 45_000 });
      await page.getByText(/^Version 2 · computed/).waitFor();
      await screenshot(page, "report-1280");
      await expectAxeClean(page, "the report at 1280 px");
      await expectNoHiddenNumbers(page);

      // Segment filter: a segment released for text reloads with ?segment=; hidden ones, and those
      // released for numbers only (themes and quotes need k_text = 10 people), cannot be chosen.
      const released =
        segments.find((s) => s.released && s.text !== false && s.key.startsWith("department:")) ??
        segments.find((s) => s.released && s.text !== false);
      for (const numbersOnly of segments.filter((s) => s.released && s.text === false)) {
        expect(await page.locator(`option[value="${numbersOnly.key}"]`).isDisabled()).toBe(true);
      }
      if (released) {
        await page.getByLabel("Whose ratings").selectOption(released.key);
        await page.waitForURL((url) => url.searchParams.get("segment") === released.key);
        await page
          .getByText(new RegExp(`^Ratings from .*${escapeRegExp(released.value)} only$`))
          .first()
          .waitFor();
        await page.locator('.sections[aria-busy="false"]').waitFor();
        await screenshot(page, "report-segment-1280");
        await expectAxeClean(page, "the report filtered by a segment");
        await expectNoHiddenNumbers(page);
        await page.getByRole("button", { name: "Show everyone's ratings" }).first().click();
        await page.waitForURL((url) => !url.searchParams.has("segment"));
        await page.getByText(/^Ratings from .* only$/).waitFor({ state: "detached" });
      }
      await page.locator('.sections[aria-busy="false"]').waitFor();

      // Edit a theme title inline.
      const themeId = await page.locator("[data-theme-id]").first().getAttribute("data-theme-id");
      const card = page.locator(`[data-theme-id="${themeId}"]`);
      await card.getByRole("button", { name: /^Edit/ }).click();
      await card.getByLabel("Title").fill("Focus on fewer priorities");
      await card.getByRole("button", { name: "Save" }).click();
      await card.getByRole("heading", { name: "Focus on fewer priorities" }).waitFor();
      expect(await card.getByText("Edited", { exact: true }).count()).toBe(1);
      const afterEdit = await apiClient(e2e.url).expectStatus(
        200,
        "GET",
        `/api/conversations/${seeded.id}/report`,
        {
          as: leader,
        },
      );
      expect(afterEdit.body.themes.find((t: { id: string }) => t.id === themeId)).toMatchObject({
        title: "Focus on fewer priorities",
        edited: true,
      });

      // Export CSV: a real download with every ranked thought.
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("button", { name: "CSV", exact: true }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^groundswell-.*-v2\.csv$/);
      const csv = readFileSync(await download.path(), "utf8");
      const rows = csv.trim().split(/\r?\n/);
      expect(rows[0]).toMatch(/^rank,thought_id,theme,text/);
      expect(rows).toHaveLength(seeded.thoughts + 1);
      expect(csv).toContain("Focus on fewer priorities");

      // Drill down to one theme's thoughts.
      await card.getByRole("link", { name: /^All \d+ thoughts/ }).click();
      await page.getByRole("heading", { name: "Focus on fewer priorities", level: 1 }).waitFor();
      const listed = await page.locator("ol.list [data-thought-id]").count();
      expect(listed).toBe(afterEdit.body.themes.find((t: { id: string }) => t.id === themeId).size);
      await expectAxeClean(page, "the ranked thoughts of one theme");
      await page.goBack();

      // Approve with a confirmation.
      await page.getByRole("button", { name: "Approve for publishing" }).click();
      await page.getByRole("dialog").getByRole("button", { name: "Yes, approve" }).click();
      await page.getByText("Version 2 is approved", { exact: true }).waitFor();
      await expectAxeClean(page, "the approved report");
    } finally {
      await context.close();
    }
  }, 180_000);

  it("fits 360 px without sideways scrolling", async () => {
    const { context, page } = await e2e.open(phone);
    try {
      await signIn(page, leader);
      await page.goto(`/c/${seeded.id}/report`);
      await page.getByRole("heading", { name: "Themes", exact: true, level: 2 }).waitFor();
      expect(await scrollsSideways(page)).toBe(false);
      await screenshot(page, "report-360");
      await expectAxeClean(page, "the report at 360 px");
      await expectNoHiddenNumbers(page);
    } finally {
      await context.close();
    }
  });

  it("shows participants the published results", async () => {
    const api = apiClient(e2e.url);
    await api.expectStatus(200, "POST", `/api/conversations/${seeded.id}/transition`, {
      as: facilitator,
      body: { to: "published" },
    });
    for (const viewport of [desktop, phone]) {
      const { context, page } = await e2e.open(viewport);
      try {
        await signIn(page, "amara.okafor@example.com");
        await page.getByRole("link", { name: "See the results" }).click();
        await page.getByRole("heading", { name: "Themes", exact: true, level: 2 }).waitFor();
        expect(await page.getByRole("heading", { name: "Focus on fewer priorities" }).count()).toBe(1);
        // Participants never see segments or group comparisons.
        expect(await page.locator("[data-segment], #segment-filter").count()).toBe(0);
        expect(await scrollsSideways(page)).toBe(false);
        await screenshot(page, `results-${viewport.width}`);
        await expectAxeClean(page, `the results at ${viewport.width} px`);

        // Every released thought, not only the top ten: 25 at a time, then the rest, by theme.
        const every = page.getByRole("link", { name: /^See every thought \(\d+\), by theme$/ });
        const released = Number(/\((\d+)\)/.exec((await every.textContent()) ?? "")?.[1]);
        expect(released).toBeGreaterThan(25);
        await every.click();
        await page.getByRole("heading", { name: "Every thought", level: 1 }).waitFor();
        const list = page.getByRole("list", { name: "Every thought, best-rated first" });
        expect(await list.getByRole("listitem").count()).toBe(25);
        await page.getByRole("button", { name: "Show more thoughts" }).click();
        await page.getByText("That is every thought in the results.").waitFor();
        expect(await list.getByRole("listitem").count()).toBe(released);
        expect(await scrollsSideways(page)).toBe(false);
        await screenshot(page, `results-every-thought-${viewport.width}`);
        await expectAxeClean(page, `every thought at ${viewport.width} px`);

        const option = page.locator("#theme-filter option", { hasText: "Focus on fewer priorities" });
        const themeId = await option.getAttribute("value");
        const size = Number(/\((\d+) thoughts?\)/.exec((await option.textContent()) ?? "")?.[1]);
        await page.locator("#theme-filter").selectOption(themeId!);
        await page.getByRole("heading", { name: "Focus on fewer priorities", level: 1 }).waitFor();
        const inTheme = page.getByRole("list", { name: "Thoughts in “Focus on fewer priorities”" });
        expect(await inTheme.getByRole("listitem").count()).toBe(size);
        await page.getByText("That is every thought in this theme in the results.").waitFor();
        await expectAxeClean(page, `one theme's thoughts at ${viewport.width} px`);

        // A view with nothing in it says so and offers the way back.
        await page.goto(`/c/${seeded.id}/results/thoughts?theme=none`);
        await page.getByText("No thoughts here").waitFor();
        expect(await scrollsSideways(page)).toBe(false);
        await screenshot(page, `results-every-thought-empty-${viewport.width}`);
        await expectAxeClean(page, `an empty theme view at ${viewport.width} px`);
        await page.getByRole("button", { name: "Show every thought" }).click();
        await page.getByRole("heading", { name: "Every thought", level: 1 }).waitFor();
      } finally {
        await context.close();
      }
    }
  }, 240_000);
});
