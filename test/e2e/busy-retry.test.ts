import type { Route } from "playwright-core";
import { describe, expect, it } from "vitest";
import { checkBothWidths, desktop, phone, screenshot, useBrowserSuite } from "../helpers/browser.js";

/**
 * Issue 11, admission control as a person meets it: when the server refuses a page's request as
 * busy (503 server-busy with Retry-After, functions/lib/admission.ts), the page says it is busy
 * and trying again, then shows its data once a retry is admitted (web/src/lib/retry-fetch.ts).
 * The refusals are played by the browser's request routing, so the test does not depend on how
 * loaded the machine is.
 */

const e2e = useBrowserSuite();

const busy = {
  status: 503,
  headers: { "content-type": "application/problem+json", "retry-after": "1" },
  body: JSON.stringify({
    type: "https://groundswell.dev/problems/server-busy",
    title: "Server busy",
    status: 503,
    detail: "Groundswell is busy right now. Nothing was done; please try again in a moment.",
  }),
};

describe("a busy server, seen from the web app", () => {
  it("says it is busy and retrying, then shows the page once a retry gets through", {
    timeout: 180_000,
  }, async () => {
    const page = await e2e.signedIn("leader@example.com");
    await page.getByRole("heading", { level: 1, name: /^Hello/ }).waitFor();

    // The next three requests for the conversation list are refused, the fourth goes through
    // (the client's three retries wait about 1, 1 and 2 seconds).
    let refusals = 0;
    await page.route(/\/api\/conversations(\?|$)/, (route: Route) => {
      if (refusals >= 3) return route.continue();
      refusals++;
      return route.fulfill(busy);
    });
    await page.reload();

    const notice = page.getByRole("status").filter({ hasText: "Groundswell is busy right now" });
    await notice.waitFor();
    expect(await notice.textContent()).toContain("Trying again in a moment");
    await screenshot(page, "busy-retrying-1280");
    await page.setViewportSize(phone);
    await screenshot(page, "busy-retrying-360");
    await page.setViewportSize(desktop);

    await page.getByRole("heading", { level: 1, name: /^Hello/ }).waitFor({ timeout: 60_000 });
    await notice.waitFor({ state: "detached" });
    expect(refusals).toBe(3);
    await checkBothWidths(page, "home after busy retries");
  });

  it("after the last retry, says it is busy and loads the page again on Try again", {
    timeout: 180_000,
  }, async () => {
    const page = await e2e.signedIn("leader@example.com");
    await page.getByRole("heading", { level: 1, name: /^Hello/ }).waitFor();
    let refusals = 0;
    await page.route(/\/api\/conversations(\?|$)/, (route: Route) => {
      refusals++;
      return route.fulfill(busy);
    });
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Busy for a moment" }).waitFor({ timeout: 60_000 });
    await page.getByText("Groundswell is busy right now. Nothing was done").waitFor();
    expect(refusals).toBe(4); // the first try and three retries, then it stops
    await checkBothWidths(page, "home busy after every retry");

    await page.unroute(/\/api\/conversations(\?|$)/);
    await page.getByRole("button", { name: "Try again" }).click();
    await page.getByRole("heading", { level: 1, name: /^Hello/ }).waitFor({ timeout: 60_000 });
  });
});
