import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { starterDirectory } from "../../functions/local/starter-directory.js";
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
import { facilitator, leader } from "./seed.js";

/**
 * Issue 13, done when: the report shows opinion groups, common ground and divisive thoughts, and
 * the browser reads them. Two camps of employees rate two topics in opposite ways and agree on a
 * third; the leader reads "Who agrees with whom" at 1280 and 360 px, axe clean.
 */
const e2e = useBrowserSuite({ setupTimeoutMs: 240_000 });
let id: string;

const employees = starterDirectory.filter((p) => p.role === "employee").map((p) => p.email);
const campA = new Set(employees.filter((_, i) => i % 2 === 0));
const topics = {
  office: "Bring teams back to the office three days a week so new people learn faster.",
  remote: "Let every team choose remote-first and spend the office budget on meet-ups.",
  tools: "Replace the expense tool: filing a claim takes longer than the trip itself.",
} as const;
const texts = (Object.keys(topics) as (keyof typeof topics)[]).flatMap((topic) =>
  [1, 2, 3, 4, 5, 6, 7, 8].map((n) => ({ topic, text: `${topics[topic]} (${n})` })),
);
const topicOf = new Map(texts.map((t) => [t.text, t.topic]));

beforeAll(async () => {
  const api = apiClient(e2e.url);
  const created = await api.expectStatus(201, "POST", "/api/conversations", {
    as: facilitator,
    body: { template: "strategy-input", title: "Where we work" },
    idempotent: true,
  });
  id = created.body.id;
  await api.expectStatus(200, "POST", `/api/conversations/${id}/transition`, {
    as: facilitator,
    body: { to: "sharing" },
  });
  for (const [i, t] of texts.entries()) {
    await api.expectStatus(201, "POST", `/api/conversations/${id}/thoughts`, {
      as: employees[i % employees.length]!,
      body: { text: t.text },
      idempotent: true,
    });
  }
  await api.expectStatus(200, "POST", `/api/conversations/${id}/transition`, {
    as: facilitator,
    body: { to: "rating" },
  });
  for (let start = 0; start < employees.length; start += 6) {
    await Promise.all(
      employees.slice(start, start + 6).map(async (email) => {
        const batch = await api.expectStatus(200, "GET", `/api/conversations/${id}/rating-batch?size=20`, {
          as: email,
        });
        for (const [j, thought] of (batch.body.thoughts as { id: string; text: string }[]).entries()) {
          const topic = topicOf.get(thought.text);
          const likes = topic === "tools" || (topic === "office") === campA.has(email);
          await api.expectStatus(200, "PUT", `/api/conversations/${id}/ratings/${thought.id}`, {
            as: email,
            body: { stars: likes ? 4 + (j % 2) : 1 + (j % 2) },
          });
        }
      }),
    );
  }
  await api.expectStatus(200, "POST", `/api/conversations/${id}/transition`, {
    as: facilitator,
    body: { to: "closed" },
  });
}, 240_000);

/** Opens the report and reads the opinion section; returns it. */
async function openSection(page: Page) {
  await signIn(page, leader);
  await page.goto(`/c/${id}/report`);
  const heading = page.getByRole("heading", { name: "Who agrees with whom", level: 2 });
  await heading.waitFor({ timeout: 90_000 });
  return page.locator("section#opinion");
}

describe("who agrees with whom, in the report", () => {
  it("shows the groups, the common ground and the division at 1280 px", async () => {
    const { context, page } = await e2e.open(desktop);
    try {
      const section = await openSection(page);
      const groups = section.getByRole("list", { name: "Opinion groups" }).getByRole("link");
      expect(await groups.count()).toBe(2);
      expect(await groups.first().innerText()).toMatch(/^Group A · \d+ people/);
      const common = section.locator("section", {
        has: page.getByRole("heading", { name: "Common ground" }),
      });
      const commonTexts = await common.locator("blockquote").allInnerTexts();
      expect(commonTexts.length).toBeGreaterThan(0);
      for (const text of commonTexts) expect(topicOf.get(text)).toBe("tools");
      const divided = section.locator("section", {
        has: page.getByRole("heading", { name: "Where groups differ" }),
      });
      const dividedTexts = await divided.locator("blockquote").allInnerTexts();
      expect(dividedTexts.length).toBeGreaterThan(0);
      for (const text of dividedTexts) expect(topicOf.get(text)).not.toBe("tools");
      // Each listed thought says each group's share in words, not only as a bar.
      expect(await divided.locator(".share").first().innerText()).toMatch(/Group [A-E]\s+\d+% of \d+/);
      // And the groups compared by theme, in words first.
      const byTheme = section.locator("section", {
        has: page.getByRole("heading", { name: "Agreement by theme" }),
      });
      expect(await byTheme.locator("p").nth(1).innerText()).toMatch(
        /^(Common ground:|No theme is common ground)/,
      );
      expect(await byTheme.locator(".entry").count()).toBeGreaterThan(0);
      await section.scrollIntoViewIfNeeded();
      await screenshot(page, "opinion-groups-1280");
      await expectAxeClean(page, "the report with opinion groups at 1280 px");

      // A group opens as a segment view.
      await groups.first().click();
      await page.waitForURL((url) => url.searchParams.get("segment") === "opinionGroup:A");
      await page.getByRole("heading", { name: /Top rated by Opinion group: A/ }).waitFor({ timeout: 30_000 });
    } finally {
      await context.close();
    }
  }, 240_000);

  it("fits 360 px without sideways scrolling", async () => {
    const { context, page } = await e2e.open(phone);
    try {
      const section = await openSection(page);
      expect(await section.locator("blockquote").count()).toBeGreaterThan(0);
      expect(await scrollsSideways(page)).toBe(false);
      await screenshot(page, "opinion-groups-360");
      await expectAxeClean(page, "the report with opinion groups at 360 px");
    } finally {
      await context.close();
    }
  }, 180_000);
});
