import type { Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { starterDirectory } from "../../functions/local/starter-directory.js";
import { runScheduler } from "../../functions/scheduler/run.js";
import { releaseNow } from "../../functions/workflows/release-round.js";
import {
  type AxeViolation,
  apiClient,
  axe,
  describeViolations,
  desktop,
  phone,
  screenshot,
  scrollsSideways,
  signIn,
  straySpaces,
  useBrowserSuite,
} from "../helpers/browser.js";
import { stageThoughts } from "./cycle-loop-texts.js";

/**
 * One theme followed through a yearly cycle in the browser: a facilitator creates the cycle and
 * schedules its first stage a few minutes ahead; the scheduler opens it and the invitation lands
 * in the mailbox; people share and rate (through the API, for speed, in natural language so the
 * real offline theme engine groups them); a leader writes a response to the pricing theme, the
 * report is approved and published, and the response appears in the launch review's context.
 * After the two later stages, the cycle report shows pricing as one thread across all three
 * stages with the response. Every new page is checked with axe-core and at 360 px.
 */

const facilitator = "facilitator@example.com";
const leader = "leader@example.com";
const admin = "admin@example.com";
const participant = "amara.okafor@example.com";
const employees = starterDirectory.filter((p) => p.role === "employee").map((p) => p.email);
const response = {
  heard: "Pricing is too hard to understand, for customers and for our own sales team.",
  willDo: "We cut the price list to three plans and publish it on the website by June.",
  /** Picked from the directory (the starter directory's CEO). */
  owner: "Morgan Reyes",
};

const e2e = useBrowserSuite({ schedulerIntervalSeconds: 0 });
let api: ReturnType<typeof apiClient>;
const violations: { page: string; violations: AxeViolation[] }[] = [];
const sideways: string[] = [];
const punctuation: { page: string; found: string[] }[] = [];

beforeAll(() => {
  api = apiClient(e2e.url);
});

/** Screenshots of every checked page at both widths, when GROUNDSWELL_SCREENSHOTS names a folder. */
const shots = Boolean(process.env.GROUNDSWELL_SCREENSHOTS);

/** axe at 1280 px, then the same page at 360 px: no sideways scrolling; screenshots of both. */
async function check(page: Page, name: string) {
  await page.waitForLoadState("networkidle");
  const found = await axe(page);
  if (found.length > 0) violations.push({ page: name, violations: found });
  const stray = await straySpaces(page);
  if (stray.length > 0) punctuation.push({ page: name, found: stray });
  if (shots) await screenshot(page, `${name}-1280`);
  await page.setViewportSize(phone);
  if (await scrollsSideways(page)) sideways.push(name);
  if (shots) await screenshot(page, `${name}-360`);
  await page.setViewportSize(desktop);
}

/** Polls until the page catches up: page loads and API calls share two cores with DynamoDB Local. */
const until = <T>(fn: () => Promise<T> | T, message?: string) =>
  expect.poll(fn, { timeout: 15_000, interval: 100, ...(message && { message }) });

/** A datetime-local value in this machine's (and the browser's) time zone. */
function localInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

const move = (id: string, to: string) =>
  api.expectStatus(200, "POST", `/api/conversations/${id}/transition`, { as: facilitator, body: { to } });

/** Every employee but the browser's participant shares one thought, round robin over the topics. */
async function share(id: string, topics: Record<string, string[]>) {
  const texts = Object.values(topics).flat();
  const authors = employees.filter((e) => e !== participant);
  await Promise.all(
    authors.map(async (email, a) => {
      for (let i = a; i < texts.length; i += authors.length) {
        await api.expectStatus(201, "POST", `/api/conversations/${id}/thoughts`, {
          as: email,
          body: { text: texts[i] },
          idempotent: true,
        });
      }
    }),
  );
}

/** Twelve people rate a batch each: pricing matters most to them. */
async function rate(id: string) {
  const raters = employees.slice(0, 12);
  for (let start = 0; start < raters.length; start += 4) {
    await Promise.all(
      raters.slice(start, start + 4).map(async (email, r) => {
        const batch = await api.expectStatus(200, "GET", `/api/conversations/${id}/rating-batch?size=8`, {
          as: email,
        });
        for (const [j, t] of (batch.body.thoughts as { id: string; text: string }[]).entries()) {
          const stars = /pric/i.test(t.text) ? 5 - ((r + j) % 2) : 2 + ((r + j) % 2);
          await api.expectStatus(200, "PUT", `/api/conversations/${id}/ratings/${t.id}`, {
            as: email,
            body: { stars },
          });
        }
      }),
    );
  }
}

/** Closing starts the theme run; waits until the report is computed. */
async function closeAndWait(id: string) {
  await move(id, "closed");
  for (let i = 0; i < 200; i++) {
    const c = await api.expectStatus(200, "GET", `/api/conversations/${id}`, { as: facilitator });
    if (c.body.reportVersion && !c.body.activeJobId) return c.body.reportVersion as number;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`no report for ${id}`);
}

/** The stage's theme about pricing: the largest one whose title or key phrases mention prices. */
async function pricingTheme(id: string): Promise<{ id: string; title: string }> {
  const report = await api.expectStatus(200, "GET", `/api/conversations/${id}/report`, { as: leader });
  const themes = (report.body.themes as { id: string; title: string; keyPhrases: string[]; size: number }[])
    .filter((t) => /pric/i.test([t.title, ...t.keyPhrases].join(" ")))
    .sort((a, b) => b.size - a.size);
  if (!themes[0]) throw new Error(`no pricing theme in ${JSON.stringify(report.body.themes)}`);
  return themes[0];
}

async function publish(id: string, version: number) {
  await api.expectStatus(200, "POST", `/api/conversations/${id}/report/approve`, {
    as: leader,
    body: { version },
  });
  await move(id, "published");
}

/** The cycle report's row (thread) whose strategy-input theme has this title. */
const threadRow = (page: Page, title: string): Locator =>
  page.locator(`.thread:has(> .cell:nth-child(1) > .theme-title:text-is(${JSON.stringify(title)}))`);
/** A theme title shown in a thread's cell (not an option of a select). */
const titleIn = (where: Locator, title: string) =>
  where.locator(".theme-title").getByText(title, { exact: true });

describe("a strategy cycle, end to end in the browser", () => {
  it("follows one theme from strategy input to the midyear check, with leadership's response carried forward", async () => {
    const started = performance.now();
    const f = await e2e.open();
    const e = await e2e.open();
    const l = await e2e.open();
    const fp = f.page;
    const ep = e.page;
    const lp = l.page;
    await Promise.all([signIn(fp, facilitator), signIn(ep, participant), signIn(lp, leader)]);

    // An empty install offers leadership sample data on the home page (not loaded here: it takes a minute).
    await until(() => lp.getByRole("button", { name: "Load sample data" }).isVisible()).toBe(true);
    await check(lp, "home-empty");

    // 1. The facilitator creates the cycle in the UI; a stage out of order is refused beside its field.
    await fp.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Cycles" }).click();
    await until(() => fp.getByText("No cycles yet").isVisible()).toBe(true);
    await check(fp, "cycles-empty");
    await fp.getByRole("link", { name: "New cycle" }).click();
    await fp.getByLabel("Name", { exact: true }).fill("FY2027 strategy");
    await fp.getByLabel("Year", { exact: true }).fill("2027");
    await check(fp, "cycle-new");
    await fp.getByLabel("Set dates for the strategy input stage now").check();
    await fp.locator("#cy-strategyInput-sharingAt").fill("2027-01-11T09:00");
    await fp.locator("#cy-strategyInput-ratingAt").fill("2027-01-25T09:00");
    await fp.locator("#cy-strategyInput-closingAt").fill("2027-02-05T17:00");
    await fp.getByLabel("Set dates for the launch review stage now").check();
    await fp.locator("#cy-launchReview-sharingAt").fill("2027-02-01T09:00");
    await fp.locator("#cy-launchReview-ratingAt").fill("2027-02-10T09:00");
    await fp.locator("#cy-launchReview-closingAt").fill("2027-02-20T17:00");
    await fp.getByRole("button", { name: "Create cycle" }).click();
    await expect
      .poll(() => fp.locator("#cy-launchReview-sharingAt-error").textContent())
      .toMatch(/after the strategy input stage closes/);
    expect(await fp.locator("#cy-launchReview-sharingAt").getAttribute("aria-invalid")).toBe("true");
    await check(fp, "cycle-new-errors");
    await fp.getByLabel("Set dates for the strategy input stage now").uncheck();
    await fp.getByLabel("Set dates for the launch review stage now").uncheck();
    await fp.getByRole("button", { name: "Create cycle" }).click();
    await fp.waitForURL(/\/cycles\/[^/]+\?created=1$/);
    const cycleId = new URL(fp.url()).pathname.split("/")[2]!;
    const cycle = await api.expectStatus(200, "GET", `/api/cycles/${cycleId}`, { as: facilitator });
    const [stage1, stage2, stage3] = cycle.body.stageIds as [string, string, string];
    await until(() => fp.getByText("No themes yet").isVisible()).toBe(true);
    expect(await fp.getByRole("list", { name: "The cycle's stages" }).getByText("Draft").count()).toBe(3);
    await check(fp, "cycle-created");

    // 2. Stage 1 is scheduled a few minutes ahead from the manage page; the clock opens it.
    await fp.getByRole("link", { name: "Manage Strategy input" }).click();
    await fp.getByLabel("Open, move to rating and close automatically at set times").check();
    const now = Date.now();
    await fp.getByLabel("Sharing opens").fill(localInput(now + 3 * 60_000));
    await fp.getByLabel("Rating starts (sharing ends)").fill(localInput(now + 2 * 3_600_000));
    await fp.getByLabel("Closes", { exact: true }).fill(localInput(now + 3 * 3_600_000));
    await fp.getByRole("button", { name: "Save changes" }).click();
    await until(() => fp.getByText("Changes saved.").isVisible()).toBe(true);
    await expect
      .poll(() => fp.getByText(/lets the clock take over: it opens by itself at/).isVisible())
      .toBe(true);
    await fp.getByRole("button", { name: "Schedule", exact: true }).click();
    await expect
      .poll(() => fp.getByText(/It opens for sharing by itself in \d+ minutes?, at/).isVisible())
      .toBe(true);
    await check(fp, "manage-scheduled");
    await runScheduler(e2e.server.services, new Date(now + 4 * 60_000));
    await runScheduler(e2e.server.services, new Date(now + 4 * 60_000));
    expect(
      (await api.expectStatus(200, "GET", `/api/conversations/${stage1}`, { as: facilitator })).body.state,
    ).toBe("sharing");

    // 3. The invitation is in the participant's mailbox; the profile shows the email switch.
    await ep.reload();
    await ep.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Mailbox" }).click();
    const invitation = ep.getByRole("article").filter({ hasText: "FY2027 strategy: Strategy input" });
    await until(() => invitation.getByText("Invitation").isVisible()).toBe(true);
    await check(ep, "mailbox");
    await ep.getByRole("link", { name: /your profile/ }).click();
    const emailMe = ep.getByRole("checkbox", { name: /Email me/ });
    await until(() => emailMe.isChecked()).toBe(true);
    await emailMe.uncheck();
    await expect
      .poll(() => ep.getByText("Saved: you will get no email from Groundswell.").isVisible())
      .toBe(true);
    expect((await api.expectStatus(200, "GET", "/api/me", { as: participant })).body.emailOptOut).toBe(true);
    await emailMe.check();
    await until(() => ep.getByText(/Saved: you will get invitations/).isVisible()).toBe(true);
    await check(ep, "profile");

    // 4. People share; the participant flags a thought from the rating card; a moderator keeps it.
    await share(stage1, stageThoughts.strategyInput);
    // Shared thoughts join the rating pool together at a release round (DESIGN §3.7): cut one now,
    // as the scheduler does at the next quarter hour.
    await releaseNow(e2e.server.services, { id: stage1 }, new Date());
    await ep.goto(`/c/${stage1}`);
    await ep.getByRole("button", { name: "Start rating" }).click();
    const card = ep.getByRole("article", { name: "How important is this for us to consider?" });
    const flagged = (await card.locator("blockquote").textContent()) ?? "";
    await card.getByRole("button", { name: "Flag this thought" }).click();
    await card.getByLabel("It is off-topic").check();
    await check(ep, "rating-flag");
    await card.getByRole("button", { name: "Send flag" }).click();
    await until(() => card.getByText("Thanks — a moderator will look at it.").isVisible()).toBe(true);

    await fp.goto(`/facilitate/${stage1}`);
    await fp.getByRole("link", { name: "Moderation" }).click();
    const item = fp.getByRole("article", { name: "Thought to review" }).filter({ hasText: flagged });
    await until(() => item.getByText("Off topic").isVisible()).toBe(true);
    expect(await item.getByText("Flagged by 1 person").isVisible()).toBe(true);
    await item.getByRole("button", { name: "Hide" }).click();
    await until(() => fp.getByRole("dialog", { name: "Hide this thought?" }).isVisible()).toBe(true);
    await check(fp, "moderation-confirm");
    await fp.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
    await item.getByRole("button", { name: "Keep visible" }).click();
    await until(() => fp.getByText("Nothing waiting for review").isVisible()).toBe(true);
    await until(() => fp.getByRole("cell", { name: "Kept visible" }).isVisible()).toBe(true);
    await check(fp, "moderation");

    // 5. Rating, then closing computes the themes.
    await move(stage1, "rating");
    await rate(stage1);
    const version1 = await closeAndWait(stage1);
    const pricing1 = await pricingTheme(stage1);

    // 6. The leader writes a response to the pricing theme and approves; the facilitator publishes.
    await lp.goto(`/cycles/${cycleId}`);
    await lp.getByRole("link", { name: "Write responses to Strategy input" }).click();
    const theme = lp.getByRole("article").filter({ has: lp.getByRole("heading", { name: pricing1.title }) });
    await theme.getByLabel("What we heard").fill(response.heard);
    await theme.getByLabel("What we will do").fill(response.willDo);
    await theme.getByLabel("Owner").fill("morgan");
    await theme.getByRole("button", { name: new RegExp(response.owner) }).click();
    await theme.getByLabel("Due date (optional)").fill("2027-06-30");
    await theme.getByRole("button", { name: /Save response/ }).click();
    await until(() => theme.getByText("Responded").isVisible()).toBe(true);
    await check(lp, "responses");
    await lp.getByRole("link", { name: "approve the report" }).click();
    await lp.getByRole("button", { name: "Approve for publishing" }).click();
    await lp.getByRole("button", { name: "Yes, approve" }).click();
    await until(() => lp.getByText(`Version ${version1} is approved`, { exact: true }).isVisible()).toBe(
      true,
    );

    await fp.goto(`/facilitate/${stage1}`);
    await fp.getByRole("button", { name: "Publish results" }).click();
    await fp.getByRole("button", { name: "Yes, publish results" }).click();
    await until(() => fp.getByText("Done: it is now “Results published”.").isVisible()).toBe(true);
    await fp.getByRole("link", { name: "Leadership responses" }).click();
    const preview = fp.getByRole("region", { name: "Context of the next stage" });
    await until(() => preview.getByText(response.willDo, { exact: false }).isVisible()).toBe(true);
    expect(
      await preview.getByRole("heading", { name: "What you told us, and what we are doing" }).count(),
    ).toBe(1);
    await check(fp, "responses-published");

    // 7. Stage 2 opens: its participants read the response in the context.
    await move(stage2, "sharing");
    await ep.goto(`/c/${stage2}`);
    const context = ep.getByRole("region", { name: "Why we are asking" });
    await until(() => context.getByText(response.willDo, { exact: false }).isVisible()).toBe(true);
    expect(await context.getByText(response.owner, { exact: false }).isVisible()).toBe(true);
    if (shots) await screenshot(ep, "stage2-context-1280");

    // 8. Stages 2 and 3 run through the API; stage 2 gets a response too.
    await share(stage2, stageThoughts.launchReview);
    await move(stage2, "rating");
    await rate(stage2);
    const version2 = await closeAndWait(stage2);
    const pricing2 = await pricingTheme(stage2);
    const owners = await api.expectStatus(200, "GET", `/api/conversations/${stage2}/response-owners?q=ivan`, {
      as: leader,
    });
    await api.expectStatus(200, "PUT", `/api/conversations/${stage2}/themes/${pricing2.id}/response`, {
      as: leader,
      body: {
        heard: "The shorter price list helps, but add-ons and regional prices still confuse customers.",
        willDo: "Add-ons go on the price list in July; regional prices are aligned by September.",
        ownerId: owners.body.people[0].id,
      },
    });
    await publish(stage2, version2);
    await move(stage3, "sharing");
    await share(stage3, stageThoughts.midyearCheck);
    await move(stage3, "rating");
    await rate(stage3);
    await closeAndWait(stage3);
    const pricing3 = await pricingTheme(stage3);

    // 9. The cycle report follows pricing across the three stages, with both responses. The leader
    // unlinks it and links it again through the "Continues as" selects.
    await lp.goto(`/cycles/${cycleId}`);
    const row = threadRow(lp, pricing1.title);
    await until(() => row.count()).toBe(1);
    const next1 = row.getByRole("combobox", { name: /Continues as, in launch review/ });
    await next1.selectOption({ label: "No match" });
    await until(() => threadRow(lp, pricing1.title).getByText("no matching theme").count()).toBe(2);
    await threadRow(lp, pricing1.title)
      .getByRole("combobox", { name: /Continues as, in launch review/ })
      .selectOption(pricing2.id);
    await until(() =>
      titleIn(threadRow(lp, pricing1.title).getByRole("cell").nth(1), pricing2.title).count(),
    ).toBe(1);
    const thread = threadRow(lp, pricing1.title);
    const next2 = thread.getByRole("combobox", { name: /Continues as, in midyear check/ });
    if ((await next2.inputValue()) !== pricing3.id) {
      await next2.selectOption(pricing3.id);
    }
    await until(() =>
      titleIn(threadRow(lp, pricing1.title).getByRole("cell").nth(2), pricing3.title).count(),
    ).toBe(1);
    const cells = threadRow(lp, pricing1.title).getByRole("cell");
    expect(await cells.count()).toBe(3);
    expect(await cells.nth(0).getByText(response.willDo).isVisible()).toBe(true);
    expect(await cells.nth(0).getByText(response.owner).isVisible()).toBe(true);
    expect(await cells.nth(1).getByText("Ivan Petrov").isVisible()).toBe(true);
    expect(await titleIn(cells.nth(2), pricing3.title).isVisible()).toBe(true);
    expect(await cells.nth(0).locator(".score .value").textContent()).toMatch(/^[1-5]\.\d$/);
    await check(lp, "cycle-report");

    // 10. Clone for next year.
    await fp.goto(`/cycles/${cycleId}`);
    await fp.getByLabel("Name of the new cycle").fill("FY2028 strategy");
    await fp.getByRole("button", { name: "Clone for next year" }).click();
    await fp.waitForURL(/\?cloned=1$/);
    await expect
      .poll(() => fp.getByRole("heading", { name: "FY2028 strategy", level: 1 }).isVisible())
      .toBe(true);
    await check(fp, "cycle-cloned");
    await fp.getByRole("link", { name: "Strategy cycles" }).click();
    await until(() => fp.getByRole("heading", { name: "FY2027 strategy" }).isVisible()).toBe(true);
    await check(fp, "cycles-list");

    // 11. Admin: settings with a field error, then saved; the audit log lists what happened.
    const a = await e2e.open();
    const ap = a.page;
    await signIn(ap, admin);
    await ap.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    await ap.getByLabel("Organisation name").fill("");
    await ap.getByRole("button", { name: "Save settings" }).click();
    await until(() => ap.locator("#s-organisationName-error").isVisible()).toBe(true);
    await check(ap, "settings-errors");
    await ap.getByLabel("Organisation name").fill("Acme Corp");
    await ap.getByLabel("Time zone").selectOption("Europe/Berlin");
    await ap.getByRole("button", { name: "Save settings" }).click();
    await until(() => ap.getByText(/Settings saved/).isVisible()).toBe(true);
    await check(ap, "settings");
    await ap.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" }).click();
    for (const what of [
      "Changed the settings",
      "Cloned a cycle",
      "Created a cycle",
      "Changed a theme link",
    ]) {
      await until(() => ap.getByRole("cell", { name: what }).first().isVisible(), what).toBe(true);
    }
    await check(ap, "audit");

    await Promise.all([f.context.close(), e.context.close(), l.context.close(), a.context.close()]);
    expect(violations.map((v) => `${v.page}: ${describeViolations(v.violations)}`).join("\n")).toBe("");
    expect(sideways).toEqual([]);
    expect(punctuation, "spaces before punctuation").toEqual([]);
    const seconds = Math.round((performance.now() - started) / 1000);
    console.log(`cycle loop in the browser: ${seconds} s`);
  }, 400_000);
});
