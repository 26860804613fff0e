import { timingSafeEqual } from "node:crypto";

/**
 * CloudFront adds this header to every /api/* request it forwards (infra/constructs/web.ts); the
 * API handler refuses requests without it, so calls straight to the execute-api URL (which stays
 * reachable while the site has no custom domain) cannot skip the edge's headers and WAF.
 */
export const ORIGIN_VERIFY_HEADER = "x-origin-verify";

/** True when the request carries the expected value; no expectation configured lets all through. */
export function fromTrustedOrigin(headers: Readonly<Record<string, string | undefined>>, expected?: string) {
  if (!expected) return true;
  const given = Buffer.from(headers[ORIGIN_VERIFY_HEADER] ?? "");
  const wanted = Buffer.from(expected);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
