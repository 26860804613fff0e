import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from "jose";

/**
 * The embedded default's identity: a standards-conformant OpenID provider (functions/local/oidc.ts)
 * signs ID tokens with this key; `sign` issues the same token outside the browser flow, for the
 * dev login that scripts and tests use. Both go through the one verifier (auth/verify.ts), exactly
 * like Cognito's tokens. The key pair is generated on first start and kept in the data folder.
 */
export interface LocalIssuer {
  readonly issuer: string;
  /** The web app's OAuth client id, which is the ID token's audience. */
  readonly audience: string;
  readonly jwks: { keys: JWK[] };
  /** The private signing key, for the OpenID provider's keystore. */
  readonly signingKey: JWK;
  /** An ID token for an account of the local provider, with the claims the provider writes. */
  sign(account: { email: string; name: string }, options?: { lifetimeSeconds?: number }): Promise<string>;
  verifierKeys(): ReturnType<typeof createLocalJWKSet>;
}

/** The web app's client id on the embedded default (Cognito's app client id in AWS). */
export const localClientId = "groundswell";
/** Like Cognito's default ID token validity. */
export const idTokenLifetimeSeconds = 60 * 60;

/**
 * The local provider's subject for an email. Opaque on purpose, like Cognito's UUIDs, so nothing
 * can mistake it for a directory id; reversible, so the provider needs no account store of its
 * own: its accounts are whoever signs in on its picker (functions/local/oidc.ts).
 */
export const localSubject = (email: string) =>
  `local.${Buffer.from(email.toLowerCase()).toString("base64url")}`;

export function emailOfLocalSubject(subject: string): string | undefined {
  if (!subject.startsWith("local.")) return undefined;
  const email = Buffer.from(subject.slice("local.".length), "base64url").toString("utf8");
  return /^[^\s@]+@[^\s@]+$/.test(email) ? email : undefined;
}

export async function generateSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  return { ...(await exportJWK(privateKey)), alg: "ES256", use: "sig", kid: crypto.randomUUID() };
}

export async function createLocalIssuer(
  privateJwk: JWK,
  issuer: string,
  audience: string = localClientId,
): Promise<LocalIssuer> {
  const { d: _private, ...publicJwk } = privateJwk;
  const key = await importJWK(privateJwk, "ES256");
  const jwks = { keys: [publicJwk] };
  return {
    issuer,
    audience,
    jwks,
    signingKey: privateJwk,
    sign: (account, options = {}) => {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({
        email: account.email.toLowerCase(),
        email_verified: true,
        name: account.name,
        auth_time: now,
      })
        .setProtectedHeader({ alg: "ES256", kid: privateJwk.kid!, typ: "JWT" })
        .setSubject(localSubject(account.email))
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt(now)
        .setExpirationTime(now + (options.lifetimeSeconds ?? idTokenLifetimeSeconds))
        .sign(key);
    },
    verifierKeys: () => createLocalJWKSet(jwks),
  };
}
