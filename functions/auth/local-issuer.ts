import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from "jose";
import type { Person } from "../domain/person.js";

/**
 * The embedded default's identity provider: signs ID tokens shaped like Cognito's, so the one
 * verification middleware serves both. The key pair is generated on first start and kept in the
 * data folder (see local/secrets.ts).
 */
export interface LocalIssuer {
  readonly issuer: string;
  readonly audience: string;
  readonly jwks: { keys: JWK[] };
  sign(person: Person): Promise<string>;
  verifierKeys(): ReturnType<typeof createLocalJWKSet>;
}

export const localAudience = "groundswell";
const tokenLifetime = "8h";

export async function generateSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  return { ...(await exportJWK(privateKey)), alg: "ES256", use: "sig", kid: crypto.randomUUID() };
}

export async function createLocalIssuer(privateJwk: JWK, issuer: string): Promise<LocalIssuer> {
  const { d: _private, ...publicJwk } = privateJwk;
  const key = await importJWK(privateJwk, "ES256");
  const jwks = { keys: [publicJwk] };
  return {
    issuer,
    audience: localAudience,
    jwks,
    sign: (person) =>
      new SignJWT({ email: person.email, name: person.name, "cognito:groups": [person.role] })
        .setProtectedHeader({ alg: "ES256", kid: privateJwk.kid! })
        .setSubject(person.id)
        .setIssuer(issuer)
        .setAudience(localAudience)
        .setIssuedAt()
        .setExpirationTime(tokenLifetime)
        .sign(key),
    verifierKeys: () => createLocalJWKSet(jwks),
  };
}
