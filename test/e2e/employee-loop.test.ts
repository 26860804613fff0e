import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { createDocumentClient } from "../../functions/db/client.js";
import { releaseNow } from "../../functions/workflows/release-round.js";
import { findPersonThoughtLinks } from "../helpers/anonymity.js";
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

/**
 * Issue "Foundation", done when: a facilitator creates and opens a conversation in the UI, three
 * employees share thoughts and rate (one of them with the keyboard only), the facilitator sees the
 * counts; axe finds nothing on any page, at 1280 px and at 360 px; and nothing stored or logged
 * links a person to a thought.
 */

const e2e = useBrowserSuite({ setupTimeoutMs: 180_000 });

const facilitator = "facilitator@example.com";
const employees = [
  { email: "amara.okafor@example.com", keyboard: true },
  { email: "ben.fischer@example.com", keyboard: false },
  { email: "chloe.martin@example.com", keyboard: false },
];
const thoughts = [
  "Ship smaller releases more often so customers get fixes sooner.",
  "Give every team one clear priority for the quarter and protect it.",
  "Invest in onboarding so new colleagues are productive within a month.",
];

async function open(viewport = desktop): Promise<Page> {
  return (await e2e.open(viewport)).page;
}

/** axe on the current page; with `narrow`, again at 360 px (no sideways scrolling), then back. */
async function check(page: Page, where: string, narrow = false) {
  await expectAxeClean(page, `${where} at 1280 px`);
  if (!narrow) return;
  await page.setViewportSize(phone);
  await page.waitForTimeout(100);
  expect(await scrollsSideways(page), `${where} scrolls sideways at 360 px`).toBe(false);
  await expectAxeClean(page, `${where} at 360 px`);
  await screenshot(page, `${where.replace(/\W+/g, "-")}-360`);
  await page.setViewportSize(desktop);
}

describe("the employee loop", () => {
  it("runs from a new conversation to counts, accessibly and anonymously", async () => {
    // A facilitator creates the conversation and opens it for sharing.
    const host = await open();
    await signIn(host, facilitator);
    await check(host, "facilitator home", true);
    await host.goto("/facilitate");
    await host.getByRole("heading", { name: "Manage conversations", level: 1 }).waitFor();
    await check(host, "manage conversations");
    await host.getByRole("link", { name: "New conversation" }).click();
    await host.getByRole("heading", { name: "New conversation", level: 1 }).waitFor();
    await check(host, "new conversation");
    await host.getByLabel("Title").fill("Foundation: what should we consider?");
    await host.getByRole("button", { name: "Create draft" }).click();
    await host.waitForURL(/\/facilitate\/[^/?]+\?created=1/);
    const id = new URL(host.url()).pathname.split("/").pop() ?? "";
    await host.getByRole("button", { name: "Open for sharing" }).click();
    await host.getByRole("dialog").getByRole("button", { name: "Yes, open for sharing" }).click();
    await host.getByText("Done: it is now “Sharing thoughts”.").waitFor();
    await check(host, "manage one conversation");

    // Three employees share a thought each.
    const pages: Page[] = [];
    for (const [i, employee] of employees.entries()) {
      const page = await open();
      pages.push(page);
      await signIn(page, employee.email);
      await page.getByRole("link", { name: "Foundation: what should we consider?" }).waitFor();
      if (i === 0) await check(page, "employee home", true);
      await page.getByRole("link", { name: "Foundation: what should we consider?" }).click();
      await page.getByRole("textbox", { name: "Your thought" }).waitFor();
      if (i === 0) await check(page, "conversation", true);
      await page.getByRole("textbox", { name: "Your thought" }).fill(thoughts[i] ?? "");
      await page.getByRole("button", { name: "Share anonymously" }).click();
      await page.getByText("Shared anonymously — thank you.").waitFor();
    }
    // New thoughts join the rating pool together at the scheduler's next release round (DESIGN
    // §3.7); the test cuts that round now rather than wait for the quarter hour.
    await releaseNow(e2e.server.services, { id }, new Date());

    // Each rates the other two thoughts; the first only with the keyboard.
    for (const [i, employee] of employees.entries()) {
      const page = pages[i]!;
      if (employee.keyboard) {
        const start = page.getByRole("button", { name: /^(Start|Continue) rating$/ });
        await start.focus();
        await page.keyboard.press("Enter");
        await page.getByRole("heading", { name: "How important is this for us to consider?" }).waitFor();
        await check(page, "rating a thought");
        await screenshot(page, "rating-1280");
        // The rating card takes focus: number keys rate it.
        await page.keyboard.press("4");
        await page.getByText("Saved: 4 stars.").waitFor();
        await page.keyboard.press("5");
      } else {
        await page.getByRole("button", { name: /^(Start|Continue) rating$/ }).click();
        for (const stars of [3, 4]) {
          await page.getByRole("heading", { name: "How important is this for us to consider?" }).waitFor();
          await page.getByRole("button", { name: new RegExp(`^${stars} stars`) }).click();
          await page.getByText(`Saved: ${stars} stars.`).waitFor();
        }
      }
      await page.getByText("You have rated everything available — thank you.").waitFor();
    }

    // The facilitator sees the counts, which while sharing are those of the last round.
    await releaseNow(e2e.server.services, { id }, new Date());
    await host.goto(`/facilitate/${id}`);
    await host.getByRole("heading", { name: "Participation", level: 2 }).waitFor();
    const count = async (label: string) =>
      Number.parseInt((await host.locator(`dt:text-is("${label}") + dd`).textContent()) ?? "", 10);
    expect(await count("Participants")).toBe(3);
    expect(await count("Thoughts shared")).toBeGreaterThanOrEqual(3);
    expect(await count("Ratings given")).toBeGreaterThan(0);
    await check(host, "manage one conversation with counts");

    // Nothing stored or logged links a person to a thought (DESIGN §3.1).
    const api = apiClient(e2e.url);
    const people = (await api.expectStatus(200, "GET", "/api/directory", { as: "admin@example.com" })).body
      .people as { id: string; email: string }[];
    const shared: { id: string; text: string }[] = [];
    for (const employee of employees) {
      const mine = await api.expectStatus(200, "GET", `/api/conversations/${id}/thoughts/mine`, {
        as: employee.email,
      });
      shared.push(...mine.body.thoughts);
    }
    expect(shared.map((t) => t.text).sort()).toEqual([...thoughts].sort());
    const doc = createDocumentClient({ endpoint: e2e.server.dynamoEndpoint, region: "us-east-1" });
    const items: Record<string, unknown>[] = [];
    try {
      let cursor: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new ScanCommand({ TableName: e2e.server.tableName, ExclusiveStartKey: cursor }),
        );
        items.push(...(page.Items ?? []));
        cursor = page.LastEvaluatedKey;
      } while (cursor);
    } finally {
      doc.destroy();
    }
    expect(items.length).toBeGreaterThan(people.length);
    expect(e2e.lines.length).toBeGreaterThan(0);
    expect(findPersonThoughtLinks([...items, ...e2e.lines], people, shared)).toEqual([]);
  }, 180_000);
});
