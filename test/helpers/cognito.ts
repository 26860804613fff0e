import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";

/**
 * A stand-in for a Cognito user pool's signing side: an RS256 key pair whose public JWKS is served
 * over HTTP on loopback (like `<issuer>/.well-known/jwks.json`), and ID tokens shaped exactly like
 * Cognito's (claims, header, token_use). The API fetches the keys as it does in AWS.
 */
export interface TestUserPool {
  readonly issuer: string;
  readonly clientId: string;
  readonly jwksUrl: string;
  idToken(
    claims: CognitoClaims,
    options?: { tokenUse?: "id" | "access"; audience?: string },
  ): Promise<string>;
  stop(): Promise<void>;
}

export interface CognitoClaims {
  readonly sub: string;
  readonly email?: string;
  readonly email_verified?: boolean | string;
  readonly name?: string;
  readonly "cognito:groups"?: string[];
  /** Federated sign-ins: the provider the user came through. */
  readonly identities?: { providerName: string; providerType: "SAML" | "OIDC"; userId: string }[];
}

export async function startTestUserPool(): Promise<TestUserPool> {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const kid = randomUUID();
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  const server: Server = createServer((req, res) => {
    if (req.url === "/.well-known/jwks.json") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [jwk] }));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const issuer = "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_TestPool1";
  const clientId = "4f1example2client3id5abcde";
  return {
    issuer,
    clientId,
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    idToken: (claims, options = {}) => {
      const now = Math.floor(Date.now() / 1000);
      const tokenUse = options.tokenUse ?? "id";
      const body =
        tokenUse === "id"
          ? {
              ...claims,
              "cognito:username": claims.identities
                ? `${claims.identities[0]!.providerName}_${claims.sub}`
                : claims.sub,
              origin_jti: randomUUID(),
              event_id: randomUUID(),
              token_use: "id",
              auth_time: now,
              jti: randomUUID(),
            }
          : {
              sub: claims.sub,
              client_id: clientId,
              token_use: "access",
              scope: "openid email profile",
              jti: randomUUID(),
            };
      const jwt = new SignJWT(body)
        .setProtectedHeader({ alg: "RS256", kid })
        .setIssuer(issuer)
        .setIssuedAt(now);
      if (tokenUse === "id") jwt.setAudience(options.audience ?? clientId);
      return jwt.setExpirationTime(now + 3600).sign(privateKey);
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
