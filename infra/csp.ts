import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";

/**
 * The site's Content-Security-Policy (sent by CloudFront, infra/constructs/web.ts). Scripts only
 * from the site itself plus the exact inline bootstrap SvelteKit's adapter-static writes into
 * index.html (allowed by its hash, so no 'unsafe-inline'); the browser talks only to the site and
 * to Cognito. A browser test runs the real app under this policy (test/e2e/csp.test.ts).
 */
export interface CspOptions {
  /** `'sha256-…'` sources for the build's inline scripts (see inlineScriptHashes). */
  readonly scriptHashes: readonly string[];
  /** Origins besides 'self' the app fetches from: the Cognito issuer and hosted-UI domain. */
  readonly connectSources: readonly string[];
  /** Origins forms may post to and navigation may target for sign-in/out (the hosted UI). */
  readonly formActions?: readonly string[];
}

export function contentSecurityPolicy(options: CspOptions): string {
  const directives: [string, ...string[]][] = [
    ["default-src", "'self'"],
    ["script-src", "'self'", ...options.scriptHashes],
    // Svelte writes style attributes (e.g. the bootstrap's display: contents, chart bar widths).
    ["style-src", "'self'", "'unsafe-inline'"],
    ["img-src", "'self'", "data:"],
    ["font-src", "'self'"],
    ["connect-src", "'self'", ...options.connectSources],
    ["form-action", "'self'", ...(options.formActions ?? [])],
    ["frame-ancestors", "'none'"],
    ["base-uri", "'self'"],
    ["object-src", "'none'"],
    ["manifest-src", "'self'"],
    ["worker-src", "'self'"],
  ];
  return directives.map((d) => d.join(" ")).join("; ");
}

/** API responses are JSON: nothing in them may run, load or be framed. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const INLINE_SCRIPT = /<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi;

/** `'sha256-…'` for every inline <script> in the build's HTML files, in the form CSP expects. */
export function inlineScriptHashes(buildDir: string): string[] {
  const hashes = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith(".html")) {
        for (const match of readFileSync(file, "utf8").matchAll(INLINE_SCRIPT)) {
          hashes.add(`'sha256-${createHash("sha256").update(match[1]!).digest("base64")}'`);
        }
      }
    }
  };
  walk(buildDir);
  return [...hashes].sort();
}

/** Stops a deploy of a missing or partial web build before it uploads an empty site. */
export function assertWebBuild(buildDir: string) {
  if (!existsSync(path.join(buildDir, "index.html"))) {
    throw new Error(
      `No web build at ${buildDir} (index.html is missing). Run \`npm run build:web\` first, ` +
        "or deploy with `npm run deploy`, which builds it.",
    );
  }
}
