import { describe, expect, it } from "vitest";
import { checkBothWidths, desktop, signIn, useBrowserSuite } from "../helpers/browser.js";
import { leader } from "./seed.js";

/**
 * Issue 13, done when: the report shows opinion groups on the sample data, and the browser reads
 * them. A leader on an empty install loads the sample data from the home page, watches it load,
 * opens its report and reads "Who agrees with whom": the groups the sample's frontline and office
 * people form (test/unit/demo-opinion-groups.test.ts), the thoughts they agree and differ on, and
 * the groups compared theme by theme in words and bars.
 */
const e2e = useBrowserSuite({ setupTimeoutMs: 240_000 });

describe("the sample conversation's report", () => {
  it("loads from the home page and shows who agrees with whom", async () => {
    const { context, page } = await e2e.open(desktop);
    try {
      await signIn(page, leader);
      await page.goto("/");
      const sample = page.locator("section", {
        has: page.getByRole("heading", { name: "Try it with sample data" }),
      });
      await sample.getByRole("button", { name: "Load sample data" }).click();
      // Loading shows its progress, then offers the report.
      await sample.getByRole("progressbar").waitFor({ timeout: 30_000 });
      const open = sample.getByRole("link", { name: "Open its report" });
      await open.waitFor({ timeout: 240_000 });
      await open.click();

      // The themes run after closing: the report page waits for them.
      const heading = page.getByRole("heading", { name: "Who agrees with whom", level: 2 });
      await heading.waitFor({ timeout: 120_000 });
      const section = page.locator("section#opinion");
      const groups = section.getByRole("list", { name: "Opinion groups" }).getByRole("listitem");
      expect(await groups.count()).toBeGreaterThanOrEqual(2);
      for (const text of await groups.allInnerTexts()) {
        const people = Number(/^Group [A-E] · (\d+) people/.exec(text)?.[1]);
        expect(people, text).toBeGreaterThanOrEqual(10);
      }

      // Thought by thought too: the sample is rated as the API hands out thoughts, so the
      // contenders near the top have enough raters in every group to be compared.
      for (const name of ["Common ground", "Where groups differ"]) {
        const list = section.locator("section", { has: page.getByRole("heading", { name }) });
        expect(await list.locator("blockquote").count(), name).toBeGreaterThan(0);
      }

      const byTheme = section.locator("section", {
        has: page.getByRole("heading", { name: "Agreement by theme" }),
      });
      expect(await byTheme.locator("p").nth(1).innerText()).toMatch(
        /^(Common ground:|No theme is common ground)/,
      );
      const themes = byTheme.locator(".entry");
      expect(await themes.count()).toBeGreaterThanOrEqual(4);
      // Every theme gives every group's share in words beside its bar.
      const shares = await themes.first().locator(".share").allInnerTexts();
      expect(shares.length).toBe(await groups.count());
      for (const share of shares) expect(share).toMatch(/^Group [A-E]\s+\d+% of \d+ ratings$/);

      await section.scrollIntoViewIfNeeded();
      await checkBothWidths(page, "sample report opinion groups");
    } finally {
      await context.close();
    }
  }, 480_000);
});
