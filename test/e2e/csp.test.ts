import { join, resolve } from "node:path";
import type { BrowserContext } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { contentSecurityPolicy, inlineScriptHashes } from "../../infra/csp.js";
import { signIn, useBrowserSuite } from "../helpers/browser.js";
import { facilitator, leader, seedClosedConversation } from "./seed.js";

/**
 * The CloudFront Content-Security-Policy (infra/csp.ts) against the real built app: every page
 * a person reaches must run under it without a single violation, the SvelteKit inline bootstrap
 * included (it is allowed by hash). The local server sends the same header on every page of the
 * app, as CloudFront does; locally the app's origin is 'self', as in AWS.
 */

const root = resolve(import.meta.dirname, "../..");
const csp = contentSecurityPolicy({
  scriptHashes: inlineScriptHashes(join(root, "web/build")),
  connectSources: [],
});

let conversationId: string;

const e2e = useBrowserSuite({ setupTimeoutMs: 300_000 });

beforeAll(async () => {
  conversationId = (
    await seedClosedConversation(e2e.url, { thoughtsPerTopic: 2, ratingsPerPerson: 3, parallel: 10 })
  ).id;
}, 300_000);

/** Records each CSP violation on every page of the context. */
async function recordViolations(context: BrowserContext, violations: string[]) {
  await context.exposeFunction("__cspViolation", (v: string) => violations.push(v));
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      (window as unknown as { __cspViolation: (v: string) => void }).__cspViolation(
        `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${location.pathname}`,
      ),
    );
  });
}

describe("the web app under the CloudFront CSP", () => {
  it("signs in and shows every kind of page without a violation", async () => {
    const violations: string[] = [];
    const { context, page } = await e2e.open();
    await recordViolations(context, violations);
    const errors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" && /Content Security Policy/i.test(m.text())) errors.push(m.text());
    });
    await signIn(page, leader);
    const shell = await page.request.get("/profile");
    expect(shell.headers()["content-security-policy"]).toBe(csp);
    for (const path of [
      "/",
      `/c/${conversationId}/report`,
      `/c/${conversationId}/report/thoughts`,
      "/cycles",
      "/profile",
      "/mailbox",
    ]) {
      await page.goto(path);
      await page.waitForLoadState("networkidle");
      await expect.poll(() => page.locator("h1").count()).toBeGreaterThan(0);
    }
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
    // The header really was applied: an inline script injected now is refused, and reported.
    await page.evaluate(() => {
      const s = document.createElement("script");
      s.textContent = "window.__injected = true";
      document.body.append(s);
    });
    expect(
      await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected),
    ).toBeUndefined();
    await expect.poll(() => violations.length).toBe(1);
    expect(violations[0]).toMatch(/^script-src(-elem)? blocked inline/);
    await context.close();
  }, 120_000);

  it("runs the facilitator's pages too", async () => {
    const violations: string[] = [];
    const { context, page } = await e2e.open();
    await recordViolations(context, violations);
    await signIn(page, facilitator);
    for (const path of ["/facilitate", "/facilitate/new", `/facilitate/${conversationId}`, "/cycles/new"]) {
      await page.goto(path);
      await page.waitForLoadState("networkidle");
    }
    await context.close();
    expect(violations).toEqual([]);
  }, 120_000);
});
