import type { MiddlewareHandler } from "hono";
import { type JWTPayload, type JWTVerifyGetKey, errors as joseErrors, jwtVerify } from "jose";
import type { Person, Role } from "../domain/person.js";
import { ForbiddenError, UnauthorizedError } from "../errors.js";
import type { PersonMatcher } from "./match.js";

/** The caller: a directory person, as the directory says they are on this request. */
export interface Caller {
  /** The directory person's id (never the identity provider's `sub`). */
  readonly userId: string;
  readonly email: string;
  /** From the directory, read on every request: a role change applies to the next request. */
  readonly roles: readonly Role[];
  readonly person: Person;
}

/** What a verified ID token says about who signed in. */
export interface SignedInIdentity {
  readonly issuer: string;
  readonly subject: string;
  /** Lower-cased; present only when the token carries one. */
  readonly email?: string;
  /** True when the provider vouches that `email` belongs to this account (see emailIsVerified). */
  readonly emailVerified: boolean;
  readonly name?: string;
}

export interface VerifierOptions {
  readonly keys: JWTVerifyGetKey;
  readonly issuer: string;
  /** The web app's OAuth client id: ID tokens are issued to it (`aud`). */
  readonly audience: string;
  /**
   * Cognito identity providers (their names in the user pool) whose email is authoritative. Cognito
   * marks the email of SAML-federated users unverified; the company's own SSO is trusted for its
   * employees' addresses only when the operator names it here (TRUSTED_IDENTITY_PROVIDERS).
   */
  readonly trustedProviders?: readonly string[];
}

/** Only asymmetric algorithms: an HS256 token signed with a public key must never pass. */
const algorithms = ["RS256", "ES256"];

/**
 * Verifies an ID token the same way for the local OpenID provider and for Cognito: signature
 * against the issuer's JWKS, algorithm allow-list, issuer, audience, expiry, and (Cognito) that it
 * is an ID token, not an access token. Roles are not read from the token: the directory has them.
 */
export async function verifyIdToken(token: string, options: VerifierOptions): Promise<SignedInIdentity> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, options.keys, {
      issuer: options.issuer,
      audience: options.audience,
      algorithms,
      requiredClaims: ["sub", "exp", "iat"],
      clockTolerance: 30,
    }));
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired)
      throw new UnauthorizedError("Your session has expired. Sign in again.");
    throw new UnauthorizedError("Your sign-in token is not valid. Sign in again.");
  }
  if (payload.token_use !== undefined && payload.token_use !== "id")
    throw new UnauthorizedError("Send the ID token from sign-in, not an access token.");
  const email = typeof payload.email === "string" && payload.email ? payload.email.toLowerCase() : undefined;
  return {
    issuer: String(payload.iss),
    subject: String(payload.sub),
    email,
    emailVerified: email !== undefined && emailIsVerified(payload, options.trustedProviders ?? []),
    name: typeof payload.name === "string" ? payload.name : undefined,
  };
}

/**
 * `email_verified` is true (Cognito writes it as a boolean, some providers as the string "true"),
 * or the account came through a federated provider the operator trusts for email (Cognito's
 * `identities` claim names it).
 */
function emailIsVerified(payload: JWTPayload, trustedProviders: readonly string[]): boolean {
  if (payload.email_verified === true || payload.email_verified === "true") return true;
  if (trustedProviders.length === 0 || !Array.isArray(payload.identities)) return false;
  return payload.identities.some(
    (identity: unknown) =>
      typeof identity === "object" &&
      identity !== null &&
      trustedProviders.includes(String((identity as { providerName?: unknown }).providerName)),
  );
}

export type AuthEnv = { Variables: { caller: Caller } };

/**
 * Verifies the bearer ID token, then finds the caller in the directory (by their linked account,
 * or by verified email on a first sign-in). Unknown or deactivated people get a 403
 * `not-in-directory` problem, which the web app turns into a page that says so.
 */
export function authenticate(options: VerifierOptions, matcher: PersonMatcher): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new UnauthorizedError("Sign in to continue.");
    c.set("caller", await matcher.callerFor(await verifyIdToken(match[1]!, options)));
    await next();
  };
}

export function requireRole(allowed: readonly Role[]): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const caller = c.get("caller");
    if (!caller) throw new UnauthorizedError("Sign in to continue.");
    if (!caller.roles.some((r) => allowed.includes(r))) {
      throw new ForbiddenError(`This needs one of these roles: ${allowed.join(", ")}.`);
    }
    await next();
  };
}
