import type { MiddlewareHandler } from "hono";
import { type JWTVerifyGetKey, errors as joseErrors, jwtVerify } from "jose";
import { type Role, roles } from "../domain/person.js";
import { ForbiddenError, UnauthorizedError } from "../errors.js";

/** The caller, as the identity provider vouches for them. */
export interface Caller {
  readonly userId: string;
  readonly email: string;
  readonly roles: readonly Role[];
}

export interface VerifierOptions {
  readonly keys: JWTVerifyGetKey;
  readonly issuer: string;
  readonly audience: string;
}

/** Only asymmetric algorithms: an HS256 token signed with a public key must never pass. */
const algorithms = ["RS256", "ES256"];

/**
 * Verifies an ID token the same way for the local issuer and for Cognito: signature against the
 * issuer's JWKS, algorithm allow-list, issuer, audience and expiry. Roles come from the
 * `cognito:groups` claim, which the local issuer also writes.
 */
export async function verifyToken(token: string, options: VerifierOptions): Promise<Caller> {
  try {
    const { payload } = await jwtVerify(token, options.keys, {
      issuer: options.issuer,
      audience: options.audience,
      algorithms,
      requiredClaims: ["sub", "exp", "iat"],
      clockTolerance: 30,
    });
    const groups = Array.isArray(payload["cognito:groups"]) ? payload["cognito:groups"] : [];
    const callerRoles = groups.filter((g): g is Role => (roles as readonly string[]).includes(String(g)));
    return {
      userId: String(payload.sub),
      email: String(payload.email ?? ""),
      roles: callerRoles.includes("employee") ? callerRoles : ["employee", ...callerRoles],
    };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired)
      throw new UnauthorizedError("Your session has expired. Sign in again.");
    throw new UnauthorizedError("Your sign-in token is not valid. Sign in again.");
  }
}

export type AuthEnv = { Variables: { caller: Caller } };

export function authenticate(options: VerifierOptions): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new UnauthorizedError("Sign in to continue.");
    c.set("caller", await verifyToken(match[1]!, options));
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
