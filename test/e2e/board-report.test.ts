import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import {
  apiClient,
  desktop,
  expectAxeClean,
  phone,
  screenshot,
  screenshotDir,
  scrollsSideways,
  signIn,
  useBrowserSuite,
} from "../helpers/browser.js";
import { facilitator, leader, type Seeded, seedClosedConversation } from "./seed.js";

/**
 * Issue 12, the report a leader forwards to the board: the executive summary on screen and as
 * the first printed page, prints that fit A4 and Letter (defect 3), every report page at 360 px
 * (defect 2), segment figures people read right (defect 4), the board exports, the approve
 * dialog's unanswered themes, and the Write/Preview tabs' aria-controls (defect 8).
 */

let seeded: Seeded;

const e2e = useBrowserSuite({ setupTimeoutMs: 300_000 });

beforeAll(async () => {
  seeded = await seedClosedConversation(e2e.url, {
    title: "Board report",
    thoughtsPerTopic: 4,
    ratingsPerPerson: 5,
    parallel: 10,
  });
}, 300_000);

/** The report as the leader's API reads it. */
const leaderReport = async () =>
  (
    await apiClient(e2e.url).expectStatus(200, "GET", `/api/conversations/${seeded.id}/report`, {
      as: leader,
    })
  ).body;

async function openReport(page: Page, query = "") {
  await page.goto(`/c/${seeded.id}/report${query}`);
  // Closing started a theme run: the page shows its progress, then the report.
  await page.getByRole("heading", { name: "Themes", exact: true, level: 2 }).waitFor({ timeout: 60_000 });
  await page.locator('.sections[aria-busy="false"]').waitFor();
}

/** Paper minus the 12 mm side margins of app.css's @page, in CSS pixels (96 per inch). */
const printable = { A4: ((210 - 24) / 25.4) * 96, Letter: 8.5 * 96 - (24 / 25.4) * 96 } as const;

const hasPoppler = () => {
  try {
    execFileSync("pdftotext", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

describe("the board report", () => {
  it("opens with an executive summary and names the ranking score as a score", async () => {
    const { context, page } = await e2e.open(desktop);
    try {
      await signIn(page, leader);
      await openReport(page);
      const summary = page.locator("#summary");
      await summary.getByRole("heading", { name: "Executive summary" }).waitFor();
      expect(await summary.innerText()).toMatch(/took part: \d+ of \d+ invited/);
      expect(await summary.innerText()).toMatch(/75%–80% that survey tools treat as healthy/);
      expect(await summary.locator("ol.themes > li").count()).toBeGreaterThanOrEqual(2);
      expect(await summary.getByText("What leadership has committed to").count()).toBe(1);
      // Defect 4: no "mean" that is really a shrunk score.
      expect(await page.getByText("Mean score").count()).toBe(0);
      expect(await page.locator("[data-theme-id] dt", { hasText: "Ranking score" }).count()).toBeGreaterThan(
        0,
      );
      expect(await page.locator("[data-theme-id] dt", { hasText: "Average rating" }).count()).toBeGreaterThan(
        0,
      );
      await screenshot(page, "board-report-1280");
      await expectAxeClean(page, "the report with its executive summary");

      // The approve dialog names the themes nobody has answered.
      const report = await leaderReport();
      await page.getByRole("button", { name: "Approve for publishing" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByText(/themes? (has|have) no response from leadership/).waitFor();
      expect(await dialog.locator("ul.unanswered li").count()).toBe(report.themes.length);
      await screenshot(page, "board-approve-dialog-1280");
      await expectAxeClean(page, "the approve dialog");
      await dialog.getByRole("button", { name: "Cancel" }).click();

      // Slides: one page per theme, beside Markdown that opens with the summary.
      const [slides] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("button", { name: "Slides", exact: true }).click(),
      ]);
      expect(slides.suggestedFilename()).toMatch(/\.slides\.html$/);
      const deck = readFileSync(await slides.path(), "utf8");
      expect(deck.match(/<section class="slide/g)?.length).toBe(report.themes.length + 4);
      const [markdown] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("button", { name: "Markdown", exact: true }).click(),
      ]);
      expect(readFileSync(await markdown.path(), "utf8")).toContain("## Executive summary");
    } finally {
      await context.close();
    }
  }, 120_000);

  it("shows each group's own average in the comparison by group (defect 4)", async () => {
    const whole = await leaderReport();
    const cells = (
      whole.heatmap as {
        themeId: string;
        segment: string;
        average?: number | null;
        suppressed: boolean;
      }[]
    ).filter((c) => !c.suppressed);
    expect(cells.length, "the seed releases some cells").toBeGreaterThan(0);
    const titleOf = new Map((whole.themes as { id: string; title: string }[]).map((t) => [t.id, t.title]));
    const { context, page } = await e2e.open(desktop);
    try {
      await signIn(page, leader);
      await openReport(page);
      for (const cell of cells.slice(0, 12)) {
        expect(cell.average, "cells carry the group's own average").toEqual(expect.any(Number));
        // One table per attribute: the row of this theme in the table that has this group's column.
        const row = page.locator("#groups tr", {
          has: page.locator("th", { hasText: titleOf.get(cell.themeId)! }),
        });
        const text = await row.locator(`td[data-segment="${cell.segment}"]`).first().innerText();
        expect(text).toContain(cell.average!.toFixed(1));
      }
      expect(await page.getByText("the average rating the group gave").count()).toBe(1);
    } finally {
      await context.close();
    }
  }, 90_000);

  it("fits every report page into 360 px (defect 2)", async () => {
    const { context, page } = await e2e.open(phone);
    try {
      await signIn(page, leader);
      const whole = await leaderReport();
      const released = (whole.segments as { key: string; released: boolean }[]).find((s) => s.released);
      const pages = [
        ["report", `/c/${seeded.id}/report`],
        ["report-segment", `/c/${seeded.id}/report?segment=${encodeURIComponent(released!.key)}`],
        ["report-thoughts", `/c/${seeded.id}/report/thoughts`],
        ["responses", `/c/${seeded.id}/responses`],
      ] as const;
      for (const [name, path] of pages) {
        await page.goto(path);
        await page.locator("h1").first().waitFor();
        await page.waitForLoadState("networkidle");
        expect(await scrollsSideways(page), `${name} scrolls sideways at 360 px`).toBe(false);
        await screenshot(page, `board-${name}-360`);
        await expectAxeClean(page, `${name} at 360 px`);
      }
      // Wide figures scroll in their own box, and say so.
      await page.goto(`/c/${seeded.id}/report`);
      await page.getByRole("heading", { name: "Themes by group" }).waitFor();
      expect(await page.getByText("Wide tables scroll sideways.").first().isVisible()).toBe(true);
    } finally {
      await context.close();
    }
  }, 90_000);

  it("prints on A4 and Letter with nothing clipped, the summary first (defect 3)", async () => {
    const { context, page } = await e2e.open(desktop);
    try {
      await signIn(page, leader);
      await openReport(page);
      await page.emulateMedia({ media: "print" });
      for (const format of ["A4", "Letter"] as const) {
        await page.setViewportSize({ width: Math.floor(printable[format]), height: 1000 });
        const overflowing = await page.evaluate((width) => {
          return Array.from(document.querySelectorAll("body *"))
            .filter((e) => {
              const box = e.getBoundingClientRect();
              return box.width > 0 && box.height > 0 && box.right > width + 0.5;
            })
            .slice(0, 5)
            .map(
              (e) =>
                `${e.tagName.toLowerCase()}.${String(e.className).split(" ")[0]} ends at ${Math.round(e.getBoundingClientRect().right)}`,
            );
        }, Math.floor(printable[format]));
        expect(overflowing, `wider than ${format} paper`).toEqual([]);
        const pdf = join(screenshotDir, `board-report-${format}.pdf`);
        await page.pdf({ path: pdf, format, printBackground: true });
        expect(existsSync(pdf)).toBe(true);
        if (!hasPoppler()) {
          if (process.env.CI) throw new Error("pdftotext is missing: .ci/run installs poppler-utils");
          continue;
        }
        const first = execFileSync("pdftotext", ["-f", "1", "-l", "1", "-layout", pdf, "-"], {
          encoding: "utf8",
        });
        expect(first).toContain("Executive summary");
        expect(first).toMatch(/themes? that matter most/);
        expect(first).toContain("What leadership has committed to");
        // Pages as pictures, to look at (GROUNDSWELL_SCREENSHOTS keeps them).
        execFileSync("pdftoppm", ["-r", "60", "-png", "-f", "1", "-l", "3", pdf, pdf.replace(/\.pdf$/, "")]);
      }
    } finally {
      await context.close();
    }
  }, 90_000);

  it("points the Write/Preview tabs at an element on the page (defect 8)", async () => {
    const { context, page } = await e2e.open(desktop);
    try {
      await signIn(page, facilitator);
      await page.goto("/facilitate/new");
      await page.getByRole("button", { name: "Preview" }).click();
      const missing = await page.evaluate(() =>
        Array.from(document.querySelectorAll("[aria-controls]")).flatMap((e) =>
          (e.getAttribute("aria-controls") ?? "")
            .split(/\s+/)
            .filter((id: string) => id && !document.getElementById(id))
            .map((id: string) => `${e.textContent?.trim()} → #${id}`),
        ),
      );
      expect(missing).toEqual([]);
      await expectAxeClean(page, "the new conversation form in preview");
      await page.getByRole("button", { name: "Write" }).click();
      await page.getByLabel("Context").fill("Why we ask");
      expect(await page.getByLabel("Context").inputValue()).toBe("Why we ask");
    } finally {
      await context.close();
    }
  }, 60_000);
});

/** Runs after the tests above: it changes the report they read. */
describe("shaping the themes and following the responses up", () => {
  it("merges a theme and splits thoughts off, at 1280 and 360 px, and the report follows", async () => {
    const api = apiClient(e2e.url);
    const before = (
      await api.expectStatus(200, "GET", `/api/conversations/${seeded.id}/report`, { as: leader })
    ).body as { version: number; themes: { id: string; title: string; size: number }[] };
    expect(before.themes.length, "the seed makes several themes").toBeGreaterThan(2);
    const [keep, merged, splitFrom] = [...before.themes].sort((a, b) => b.size - a.size);
    const { context, page } = await e2e.open(desktop);
    try {
      await signIn(page, facilitator);
      await openReport(page);
      await page.getByRole("link", { name: "Shape themes" }).click();
      await page.getByRole("heading", { name: keep!.title, level: 2 }).waitFor();
      await expectAxeClean(page, "the shaping page");
      await screenshot(page, "board-shape-1280");

      // Merge the second-largest theme into the largest.
      const card = page.locator(`[data-theme-id="${merged!.id}"]`);
      await card.getByLabel("Merge this theme into").selectOption(keep!.id);
      await card.getByRole("button", { name: /^Merge/ }).click();
      await page.getByText(/is merged into .* The report is up to date/).waitFor({ timeout: 60_000 });
      expect(await page.locator(`[data-theme-id="${merged!.id}"]`).count()).toBe(0);

      // Split two thoughts off the third into a new theme.
      const source = page.locator(`[data-theme-id="${splitFrom!.id}"]`);
      const boxes = source.getByRole("checkbox");
      await boxes.nth(0).check();
      await boxes.nth(1).check();
      await source
        .getByLabel(/^Move 2 selected thoughts to/)
        .selectOption({ label: "A new theme (split them off)" });
      await expectAxeClean(page, "the shaping page with a split under way");
      await source.getByLabel("Title of the new theme").fill("Split by hand");
      await source.getByRole("button", { name: /^Split off/ }).click();
      await page.getByText(/now make “Split by hand”. The report is up to date/).waitFor({ timeout: 60_000 });
      await page.getByRole("heading", { name: "Split by hand", level: 2 }).waitFor();

      const after = (
        await api.expectStatus(200, "GET", `/api/conversations/${seeded.id}/report`, { as: leader })
      ).body as { version: number; notes: string[]; themes: { id: string; title: string; size: number }[] };
      expect(after.version).toBe(before.version + 2);
      expect(after.themes.find((t) => t.id === keep!.id)!.size).toBe(keep!.size + merged!.size);
      expect(after.themes.find((t) => t.title === "Split by hand")!.size).toBe(2);
      expect(after.notes.join(" ")).toContain("A facilitator shaped these themes by hand");

      await page.setViewportSize(phone);
      await page.reload();
      await page.getByRole("heading", { name: "Split by hand", level: 2 }).waitFor();
      expect(await scrollsSideways(page), "the shaping page scrolls sideways at 360 px").toBe(false);
      await screenshot(page, "board-shape-360");
      await expectAxeClean(page, "the shaping page at 360 px");

      await page.setViewportSize(desktop);
      await openReport(page);
      await page.getByRole("heading", { name: "Split by hand" }).first().waitFor();
      const [markdown] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("button", { name: "Markdown", exact: true }).click(),
      ]);
      const md = readFileSync(await markdown.path(), "utf8");
      expect(md).toContain("Split by hand");
      expect(md).not.toContain(`### ${merged!.title}`);
    } finally {
      await context.close();
    }
  }, 240_000);

  it("gives a response an owner from the directory, a due date and a status", async () => {
    const { context, page } = await e2e.open(desktop);
    try {
      await signIn(page, leader);
      await page.goto(`/c/${seeded.id}/responses`);
      const theme = page.getByRole("article").first();
      await theme.getByLabel("What we heard").fill("Store staff want career paths they can see.");
      await theme
        .getByLabel("What we will do")
        .fill("Publish the store career ladder and review it each quarter.");
      await theme.getByLabel("Owner").fill("morg");
      await theme.getByRole("button", { name: /Morgan Reyes/ }).click();
      expect(await theme.getByText("Morgan Reyes").isVisible()).toBe(true);
      await theme.getByLabel("Due date (optional)").fill("2027-06-30");
      await theme.getByLabel("Status").selectOption("in-progress");
      await expectAxeClean(page, "the responses page with an owner picked");
      await theme.getByRole("button", { name: /Save response/ }).click();
      await theme.getByText("Responded").waitFor();
      await screenshot(page, "board-responses-owner-1280");

      await page.setViewportSize(phone);
      expect(await scrollsSideways(page), "the responses page scrolls sideways at 360 px").toBe(false);
      await screenshot(page, "board-responses-owner-360");
      await page.setViewportSize(desktop);

      // The summary's commitments carry the owner, the date and the status.
      await openReport(page);
      const commitments = page.locator("#summary ul.commitments");
      await commitments.waitFor();
      expect(await commitments.innerText()).toMatch(/Owner: Morgan Reyes · due .*2027 · In progress/);
      // The approve dialog lists the themes still without a response: one fewer than all.
      const report = await leaderReport();
      await page.getByRole("button", { name: "Approve for publishing" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByText(/themes? (has|have) no response from leadership/).waitFor();
      expect(await dialog.locator("ul.unanswered li").count()).toBe(report.themes.length - 1);
      await dialog.getByRole("button", { name: "Cancel" }).click();
    } finally {
      await context.close();
    }
  }, 180_000);
});
