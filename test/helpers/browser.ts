import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import { defaultAdmissionLimits } from "../../functions/lib/admission.js";
import { memoryLogger } from "../../functions/lib/logger.js";
import { freePort } from "../../functions/local/dynamo-local.js";
import { type LocalServer, startLocalServer } from "../../functions/local/server.js";
import { retryingFetch } from "../../web/src/lib/retry-fetch.js";

/**
 * Shared setup for the browser end-to-end tests: the embedded default in-process (DynamoDB Local
 * in memory, the built web app), Debian's Chromium driven by playwright-core (never a downloaded
 * browser), sign-in through the real OpenID Connect code + PKCE flow, axe-core checks and screenshots.
 */

const root = resolve(import.meta.dirname, "../..");
const webIndex = join(root, "web/build/index.html");
const axePath = join(root, "node_modules/axe-core/axe.min.js");
let axeSource: string | undefined;

export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

interface E2eServer {
  readonly server: LocalServer;
  readonly url: string;
  /** Every log line the server wrote. */
  readonly lines: string[];
  stop(): Promise<void>;
}

export interface E2eServerOptions {
  /** Short-lived ID tokens, to watch the refresh. */
  readonly idTokenTtlSeconds?: number;
  /** 0 turns the in-process scheduler off, for tests that run it at chosen times. */
  readonly schedulerIntervalSeconds?: number;
}

/** The embedded default on a free port with a throwaway data folder. Fails clearly without a web build. */
async function startServer(options: E2eServerOptions = {}): Promise<E2eServer> {
  if (!existsSync(webIndex)) {
    throw new Error(
      `The web app is not built (${webIndex} is missing). Run \`npm run build:web\` first; \`npm test\` does it for you.`,
    );
  }
  const dataDir = mkdtempSync(join(tmpdir(), "groundswell-e2e-"));
  const logger = memoryLogger();
  const server = await startLocalServer({
    port: await freePort(),
    dataDir,
    inMemory: true,
    logger,
    webDir: join(root, "web/build"),
    idTokenTtlSeconds: options.idTokenTtlSeconds,
    schedulerIntervalSeconds: options.schedulerIntervalSeconds,
  });
  return {
    server,
    url: server.url,
    lines: logger.lines,
    stop: async () => {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function launchBrowser(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `No Chromium at ${chromiumPath}: install Debian's chromium package or set CHROMIUM_PATH.`,
    );
  }
  return chromium.launch({
    executablePath: chromiumPath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

export const desktop = { width: 1280, height: 900 } as const;
export const phone = { width: 360, height: 780 } as const;

/** A fresh context (its own cookies, so its own provider session) at a viewport size. */
async function newPage(
  browser: Browser,
  baseURL: string,
  viewport: { width: number; height: number } = desktop,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, viewport, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return { context, page };
}

/** A test file's server and browser, started before its tests and stopped after them. */
export interface BrowserSuite {
  readonly url: string;
  readonly server: LocalServer;
  /** Every log line the server wrote. */
  readonly lines: string[];
  readonly browser: Browser;
  /** A fresh context (its own provider session) at a viewport size, closed with the suite. */
  open(viewport?: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }>;
  /** `open` at 1280 px, then signed in as this person of the starter directory. */
  signedIn(email: string): Promise<Page>;
}

/**
 * Registers the file's set-up and tear-down: the server and Chromium start together in a
 * `beforeAll` (so a file's own `beforeAll`, registered after this call, can seed through `url`),
 * and every context `open` made is closed with them.
 */
export function useBrowserSuite(options: E2eServerOptions & { setupTimeoutMs?: number } = {}): BrowserSuite {
  let env: E2eServer | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    [env, browser] = await Promise.all([startServer(options), launchBrowser()]);
  }, options.setupTimeoutMs ?? 180_000);
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await env?.stop();
  });
  const started = () => {
    if (!env || !browser)
      throw new Error("The browser suite is not started: use it inside a test or a later beforeAll.");
    return { env, browser };
  };
  return {
    get url() {
      return started().env.url;
    },
    get server() {
      return started().env.server;
    },
    get lines() {
      return started().env.lines;
    },
    get browser() {
      return started().browser;
    },
    async open(viewport = desktop) {
      const { env, browser } = started();
      const opened = await newPage(browser, env.url, viewport);
      contexts.push(opened.context);
      return opened;
    },
    async signedIn(email) {
      const { page } = await this.open(desktop);
      await signIn(page, email);
      return page;
    },
  };
}

/** True on the pages of the sign-in round trip (start, provider login, callback). */
export const inSignIn = (url: URL) => /^\/(signin|interaction\/|auth\/callback)/.test(url.pathname);

/**
 * Signs in the way a person does: the app's sign-in button, the local OpenID provider's login
 * screen (filter the directory by email, pick the person), then back through the code + PKCE
 * callback into the app.
 */
export async function signIn(page: Page, email: string): Promise<void> {
  await page.goto("/signin");
  await page.getByRole("button", { name: /^Sign in/ }).click();
  // Three redirects and a token exchange: give a busy machine longer than one page load.
  await page.waitForURL(/\/interaction\//, { timeout: 60_000 });
  await page.getByLabel("Find a person").fill(email);
  await page.getByRole("button", { name: new RegExp(email.replace(/[.@]/g, "\\$&")) }).click();
  await page.waitForURL((url) => !inSignIn(url), { timeout: 60_000 });
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: { target: string[]; html: string; failureSummary?: string }[];
}

/** Runs axe-core in the page (WCAG 2.x A and AA plus best practices) and returns the violations. */
export async function axe(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, not added as a <script>: the site's CSP (script-src
  // 'self' + hashes) rightly blocks an injected inline script.
  axeSource ??= readFileSync(axePath, "utf8");
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const w = window as unknown as {
      axe: { run: (context: Document, options: object) => Promise<{ violations: AxeViolation[] }> };
    };
    const result = await w.axe.run(document, {
      resultTypes: ["violations"],
      runOnly: {
        type: "tag",
        values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
      },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({
        target: n.target,
        html: n.html.slice(0, 200),
        failureSummary: n.failureSummary,
      })),
    }));
  });
}

/** One line per violation, for assertion messages. */
export const describeViolations = (violations: readonly AxeViolation[]) =>
  violations
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(" ")).join("\n  ")}`)
    .join("\n");

/** True when the page scrolls sideways (the 360 px check). */
export const scrollsSideways = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1);

/** Where screenshots go: GROUNDSWELL_SCREENSHOTS, or a folder in the system temp directory. */
export const screenshotDir =
  process.env.GROUNDSWELL_SCREENSHOTS ?? join(tmpdir(), "groundswell-e2e-screenshots");

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * The check every page walk makes: axe and a screenshot at 1280 px, then at 360 px (no sideways
 * scrolling, axe again, a screenshot), then back to 1280 px. Screenshots are named after `where`.
 */
/** Text a person reads with a space before a full stop or comma ("computed ." — issue 12, defect 5). */
export const straySpaces = (page: Page): Promise<string[]> =>
  page.evaluate(() => document.body.innerText.match(/[^\s][ \t]+[.,](?=\s|$)/g) ?? []);

/** axe at 0 violations, and the page's text free of stray spaces before punctuation. */
export async function expectAxeClean(page: Page, where: string): Promise<void> {
  const violations = await axe(page);
  expect(violations, `axe on ${where}:\n${describeViolations(violations)}`).toEqual([]);
  expect(await straySpaces(page), `spaces before punctuation on ${where}`).toEqual([]);
}

export async function checkBothWidths(page: Page, where: string): Promise<void> {
  const name = where.replace(/\W+/g, "-");
  await expectAxeClean(page, `${where} at 1280 px`);
  await screenshot(page, `${name}-1280`);
  await page.setViewportSize(phone);
  await page.waitForTimeout(150);
  expect(await scrollsSideways(page), `${where} scrolls sideways at 360 px`).toBe(false);
  await expectAxeClean(page, `${where} at 360 px`);
  await screenshot(page, `${name}-360`);
  await page.setViewportSize(desktop);
}

export interface ApiReply {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
  readonly body: any;
}

/**
 * Seeding's fetch, shaped for the local server's admission gate (functions/lib/admission.ts):
 * tests fire many requests at once (Promise.all over people), so at most as many as the gate runs
 * at once are sent, the rest wait here instead of in the server's short queue; a busy refusal that
 * still happens (the browser's own requests take slots too) is sent again after its Retry-After,
 * by the web client's own retry (web/src/lib/retry-fetch.ts), a bounded number of times.
 */
const seedingFetch = retryingFetch(oneSlotPerAdmittedRequest(defaultAdmissionLimits.maxInFlight), {
  retries: 8,
});

function oneSlotPerAdmittedRequest(slots: number): typeof fetch {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (input, init) => {
    if (running < slots) running++;
    else await new Promise<void>((resolve) => waiting.push(resolve)); // the slot is handed over
    try {
      return await fetch(input, init);
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

/** A small API client for seeding: signs in by email through the dev login, like the sign-in page. */
export function apiClient(baseUrl: string) {
  const tokens = new Map<string, string>();
  const tokenFor = async (email: string) => {
    let token = tokens.get(email);
    if (!token) {
      const reply = await seedingFetch(`${baseUrl}/api/auth/dev/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email }),
      });
      if (!reply.ok) throw new Error(`sign-in as ${email} failed: ${reply.status}`);
      token = ((await reply.json()) as { token: string }).token;
      tokens.set(email, token);
    }
    return token;
  };
  const call = async (
    method: string,
    path: string,
    options: { as: string; body?: unknown; idempotent?: boolean },
  ): Promise<ApiReply> => {
    const headers: Record<string, string> = { authorization: `Bearer ${await tokenFor(options.as)}` };
    if (options.body !== undefined) headers["content-type"] = "application/json";
    if (options.idempotent) headers["idempotency-key"] = randomUUID();
    const reply = await seedingFetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await reply.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: reply.status, body };
  };
  /** Like `call`, but throws unless the status is the expected one. */
  const expectStatus = async (
    status: number,
    method: string,
    path: string,
    options: { as: string; body?: unknown; idempotent?: boolean },
  ): Promise<ApiReply> => {
    const reply = await call(method, path, options);
    if (reply.status !== status) {
      throw new Error(`${method} ${path} as ${options.as}: ${reply.status} ${JSON.stringify(reply.body)}`);
    }
    return reply;
  };
  return { call, expectStatus, tokenFor };
}
