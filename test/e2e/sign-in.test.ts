import type { Page, Request } from "playwright-core";
import { describe, expect, it } from "vitest";
import { starterDirectory } from "../../functions/local/starter-directory.js";
import {
  apiClient,
  axe,
  describeViolations,
  desktop,
  inSignIn,
  phone,
  screenshot,
  scrollsSideways,
  signIn,
  useBrowserSuite,
} from "../helpers/browser.js";

/**
 * Issue 10, done when: on the embedded default the web app signs in through OpenID Connect
 * authorization code + PKCE against the local OpenID provider, refreshes before the ID token
 * expires, signs out at the provider; a deactivated person's session stops on their next request;
 * someone the directory does not know gets a page that says so. Tokens never touch web storage.
 */

/** Short-lived ID tokens, so the refresh happens while the test watches (at 3/4 of the lifetime). */
const idTokenTtlSeconds = 20;

const e2e = useBrowserSuite({ idTokenTtlSeconds, setupTimeoutMs: 180_000 });

async function open(viewport = desktop): Promise<Page> {
  return (await e2e.open(viewport)).page;
}

async function accessible(page: Page, where: string) {
  const violations = await axe(page);
  expect(violations, `axe on ${where} at 1280 px:\n${describeViolations(violations)}`).toEqual([]);
  await page.setViewportSize(phone);
  await page.waitForTimeout(100);
  expect(await scrollsSideways(page), `${where} scrolls sideways at 360 px`).toBe(false);
  const narrow = await axe(page);
  expect(narrow, `axe on ${where} at 360 px:\n${describeViolations(narrow)}`).toEqual([]);
  await screenshot(page, `${where.replace(/\W+/g, "-")}-360`);
  await page.setViewportSize(desktop);
  await screenshot(page, `${where.replace(/\W+/g, "-")}-1280`);
}

/** Everything the page keeps in web storage: no token (a JWT starts with "eyJ") may be there. */
const webStorage = (page: Page) =>
  page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } }));

const isTokenRequest = (request: Request, grant: string) =>
  request.url().endsWith("/local-issuer/token") && (request.postData() ?? "").includes(`grant_type=${grant}`);

const bearerOf = (request: Request) => request.headers().authorization ?? "";

describe("signing in with OpenID Connect (code + PKCE)", () => {
  it("signs in through the provider's login screen, survives a reload, refreshes and signs out", {
    timeout: 180_000,
  }, async () => {
    const page = await open();
    const tokenRequests: string[] = [];
    const revocations: string[] = [];
    page.on("request", (r) => {
      if (r.url().endsWith("/local-issuer/token")) tokenRequests.push(r.postData() ?? "");
      if (r.url().endsWith("/local-issuer/token/revocation")) revocations.push(r.postData() ?? "");
    });

    // Straight to a page: no session anywhere, so a silent attempt ends on the sign-in page.
    await page.goto("/profile");
    await page.waitForURL(/\/signin\?next=%2Fprofile/);
    await page.getByRole("heading", { name: "Sign in", level: 1 }).waitFor();
    await accessible(page, "sign-in start");

    await page.getByRole("button", { name: "Sign in with the local demo directory" }).click();
    await page.waitForURL(/\/interaction\/[\w-]+$/);
    await page.getByRole("heading", { name: "Who are you?" }).waitFor();
    await page.getByLabel("Find a person").waitFor();
    await accessible(page, "local provider login");

    await page.getByLabel("Find a person").fill("amara");
    await page.getByRole("button", { name: /amara\.okafor@example\.com/ }).click();
    await page.waitForURL((url) => url.pathname === "/profile");
    await page.getByRole("heading", { name: "Your profile", level: 1 }).waitFor();
    await page.getByText("amara.okafor@example.com").first().waitFor();
    // The code was exchanged with its PKCE verifier.
    const exchange = tokenRequests.find((body) => body.includes("grant_type=authorization_code"));
    expect(exchange).toMatch(/code_verifier=[\w-]{43,}/);
    expect(await webStorage(page)).not.toMatch(/eyJ/);

    // A reload forgets the in-memory tokens and re-authorises silently against the provider session.
    await page.reload();
    await page.waitForURL((url) => url.pathname === "/profile");
    await page.getByRole("heading", { name: "Your profile", level: 1 }).waitFor();
    await page.locator("header").getByText("Amara Okafor").waitFor();
    expect(tokenRequests.filter((b) => b.includes("grant_type=authorization_code"))).toHaveLength(2);
    expect(await webStorage(page)).not.toMatch(/eyJ/);

    // Before the ID token expires, the refresh token grant gets a new one.
    const firstApiCall = page.waitForRequest((r) => r.url().includes("/api/"));
    await page.getByRole("link", { name: "My conversations" }).click();
    const before = bearerOf(await firstApiCall);
    await page.waitForRequest((r) => isTokenRequest(r, "refresh_token"), {
      timeout: idTokenTtlSeconds * 2000,
    });
    // Past the first token's expiry, the app still works, with the refreshed token.
    await page.waitForTimeout(idTokenTtlSeconds * 250 + 1000);
    const laterApiCall = page.waitForRequest((r) => r.url().endsWith("/api/me"));
    await page.getByRole("link", { name: /Amara Okafor/ }).click();
    const later = await laterApiCall;
    expect(bearerOf(later)).toMatch(/^Bearer eyJ/);
    expect(bearerOf(later)).not.toBe(before);
    expect((await later.response())?.status()).toBe(200);
    await page.getByRole("heading", { name: "Your profile", level: 1 }).waitFor();

    // Sign out ends the provider session: signing in again shows the login screen, not Amara.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/signin$/);
    await page.getByText("You have signed out.").waitFor();
    // The refresh token was revoked on the way out.
    expect(revocations.some((b) => b.includes("token_type_hint=refresh_token"))).toBe(true);
    await page.goto("/");
    await page.waitForURL(/\/signin/);
    await page.getByRole("button", { name: /^Sign in/ }).click();
    await page.waitForURL(/\/interaction\//);
    await page.getByRole("heading", { name: "Who are you?" }).waitFor();
  });

  it("stops a deactivated person's session on their next request, with a page that says why", {
    timeout: 120_000,
  }, async () => {
    const page = await open();
    await signIn(page, "ben.fischer@example.com");
    await page.getByRole("heading", { name: /Hello, Ben/ }).waitFor();

    // An admin imports the whole directory without Ben.
    const csv = starterDirectory
      .filter((p) => p.email !== "ben.fischer@example.com")
      .map((p) => `${p.email},${p.name},${p.role}`)
      .join("\n");
    const reply = await fetch(`${e2e.url}/api/directory/import?deactivateMissing=true`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${await apiClient(e2e.url).tokenFor("admin@example.com")}`,
        "content-type": "text/csv",
      },
      body: `email,name,role\n${csv}\n`,
    });
    expect(reply.status).toBe(200);

    // Ben's still valid ID token no longer opens anything: the next request says so.
    await page.getByRole("link", { name: /Ben Fischer/ }).click();
    await page.waitForURL(/\/no-access$/);
    await page.getByRole("heading", { name: "Your access is turned off" }).waitFor();
    await page.getByText("ben.fischer@example.com").waitFor();
    await accessible(page, "access turned off");
  });

  it("tells someone the directory does not know that it does not know them yet", {
    timeout: 120_000,
  }, async () => {
    const page = await open();
    await page.goto("/signin");
    await page.getByRole("button", { name: /^Sign in/ }).click();
    await page.waitForURL(/\/interaction\//);
    await page.getByLabel("Email address").fill("new.hire@example.org");
    await page.getByRole("button", { name: "Sign in with this email" }).click();
    await page.waitForURL(/\/no-access$/);
    await page.getByRole("heading", { name: "Groundswell doesn't know you yet" }).waitFor();
    await page.getByText("new.hire@example.org").waitFor();
    await accessible(page, "not in the directory");
    // Signing out from there ends the provider session too.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/signin$/);
    expect(inSignIn(new URL(page.url()))).toBe(true);
  });

  it("comes back from a cancelled sign-in with a plain explanation", { timeout: 120_000 }, async () => {
    const page = await open();
    await page.goto("/signin");
    await page.getByRole("button", { name: /^Sign in/ }).click();
    await page.waitForURL(/\/interaction\//);
    await page.getByRole("button", { name: "Cancel sign-in" }).click();
    await page.waitForURL(/\/auth\/callback/);
    await page.getByRole("heading", { name: "Sign-in did not complete" }).waitFor();
    await page.getByText("Sign-in was cancelled.").waitFor();
    await accessible(page, "sign-in cancelled");
  });
});
