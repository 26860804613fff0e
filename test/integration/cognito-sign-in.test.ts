import { randomUUID } from "node:crypto";
import type { LambdaContext } from "hono/aws-lambda";
import { createRemoteJWKSet } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHandler } from "../../functions/api/handler.js";
import { httpApiEvent } from "../helpers/aws-events.js";
import { startTestUserPool, type TestUserPool } from "../helpers/cognito.js";
import { createHarness, type Harness } from "../helpers/harness.js";

/**
 * The AWS wiring (functions/api/handler.ts, API Gateway HTTP API v2 events) with Cognito-shaped
 * ID tokens, verified against a JWKS fetched over HTTP like Cognito's. The directory (the
 * harness's starter directory, random ids) is matched by verified email, never by `sub`.
 */
const lambdaContext = {
  awsRequestId: randomUUID(),
  functionName: "api",
  getRemainingTimeInMillis: () => 10_000,
} as unknown as LambdaContext;
type LambdaReply = { statusCode: number; body: string };

let h: Harness;
let pool: TestUserPool;
let handler: ReturnType<typeof createHandler>;

beforeAll(async () => {
  h = await createHarness();
  pool = await startTestUserPool();
  const { localIssuer: _none, ...deps } = h.deps;
  handler = createHandler({
    ...deps,
    verifier: {
      keys: createRemoteJWKSet(new URL(pool.jwksUrl)),
      issuer: pool.issuer,
      audience: pool.clientId,
      trustedProviders: ["AcmeSSO"],
    },
  });
});
afterAll(() => pool.stop());

async function invoke(
  method: string,
  path: string,
  init: Parameters<typeof httpApiEvent>[2] & { contentType?: string } = {},
): Promise<{ status: number; body: Record<string, unknown> & { [k: string]: unknown } }> {
  const { contentType, ...rest } = init;
  const event = httpApiEvent(method, path, {
    ...rest,
    ...(contentType && { headers: { "content-type": contentType } }),
  }) as unknown as Parameters<typeof handler>[0];
  const reply = (await handler(event, lambdaContext)) as LambdaReply;
  return { status: reply.statusCode, body: reply.body ? JSON.parse(reply.body) : {} };
}

/** A Cognito account: its own random `sub`, unrelated to the directory's ids. */
const account = (email: string, extra: Record<string, unknown> = {}) => ({
  sub: randomUUID(),
  email,
  email_verified: true,
  ...extra,
});

describe("sign-in with Cognito ID tokens (AWS wiring)", () => {
  it("matches a directory person by verified email: /api/me and their conversations answer 200", async () => {
    const conversationId = await h.openConversation("sharing");
    const amara = account("amara.okafor@example.com");
    const token = await pool.idToken(amara);

    const me = await invoke("GET", "/api/me", { token });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(h.person("amara.okafor@example.com").id);
    expect(me.body.id).not.toBe(amara.sub);
    expect(me.body.identity).toEqual({ issuer: pool.issuer, subject: amara.sub });

    const list = await invoke("GET", "/api/conversations", { token });
    expect(list.status).toBe(200);
    expect((list.body.conversations as { id: string }[]).map((c) => c.id)).toContain(conversationId);
    const one = await invoke("GET", `/api/conversations/${conversationId}`, { token });
    expect(one.status).toBe(200);
    const shared = await invoke("POST", `/api/conversations/${conversationId}/thoughts`, {
      token,
      body: { text: "Matched by email, then by subject." },
    });
    expect(shared.status).toBe(201);
  });

  it("matches later sign-ins by subject first, even after the provider changed the email", async () => {
    const ben = account("ben.fischer@example.com");
    expect((await invoke("GET", "/api/me", { token: await pool.idToken(ben) })).status).toBe(200);
    const renamed = await pool.idToken({ ...ben, email: "ben.f@new-domain.example" });
    const me = await invoke("GET", "/api/me", { token: renamed });
    expect(me.status).toBe(200);
    expect(me.body.email).toBe("ben.fischer@example.com");
  });

  it("gives someone the directory does not know the not-in-directory problem, not an error", async () => {
    const reply = await invoke("GET", "/api/me", {
      token: await pool.idToken(account("stranger@example.org")),
    });
    expect(reply.status).toBe(403);
    expect(reply.body).toMatchObject({
      type: "https://groundswell.dev/problems/not-in-directory",
      status: 403,
      reason: "unknown",
      email: "stranger@example.org",
    });
    expect(String(reply.body.detail)).toMatch(/signed in as stranger@example\.org.*doesn't know you yet/);
  });

  it("refuses an email the provider did not verify, and links nothing", async () => {
    const chloe = account("chloe.martin@example.com", { email_verified: false });
    for (const claims of [chloe, { ...chloe, email_verified: "false" }]) {
      const reply = await invoke("GET", "/api/me", { token: await pool.idToken(claims) });
      expect(reply.status).toBe(403);
      expect(reply.body).toMatchObject({ reason: "email-not-verified" });
    }
    const noEmail = await invoke("GET", "/api/me", { token: await pool.idToken({ sub: randomUUID() }) });
    expect(noEmail.body).toMatchObject({ reason: "email-not-verified" });
    expect(
      (await h.services.directory.get(h.person("chloe.martin@example.com").id)).identity,
    ).toBeUndefined();
    // Verified later (Cognito's string form too): the same account is admitted.
    const verified = await invoke("GET", "/api/me", {
      token: await pool.idToken({ ...chloe, email_verified: "true" }),
    });
    expect(verified.status).toBe(200);
  });

  it("trusts the email of SAML users only through a provider the operator named", async () => {
    const saml = (providerName: string, email: string) =>
      account(email, {
        email_verified: false,
        identities: [{ providerName, providerType: "SAML", userId: email }],
      });
    const trusted = await invoke("GET", "/api/me", {
      token: await pool.idToken(saml("AcmeSSO", "dev.patel@example.com")),
    });
    expect(trusted.status).toBe(200);
    const other = await invoke("GET", "/api/me", {
      token: await pool.idToken(saml("SomeOtherIdP", "elena.rossi@example.com")),
    });
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({ reason: "email-not-verified" });
  });

  it("takes roles from the directory on every request: a demoted admin loses admin routes at once", async () => {
    const admin = await pool.idToken(account("admin@example.com"));
    const csv = "email,name,role\nfelix.wagner@example.com,Felix Wagner,admin\n";
    const promoted = await invoke("POST", "/api/directory/import", {
      token: admin,
      body: csv,
      contentType: "text/csv",
    });
    expect(promoted.status).toBe(200);
    // Cognito groups in the token change nothing: the directory is the one source of roles.
    const felix = await pool.idToken(account("felix.wagner@example.com", { "cognito:groups": ["employee"] }));
    expect((await invoke("GET", "/api/directory", { token: felix })).status).toBe(200);
    expect((await invoke("GET", "/api/audit", { token: felix })).status).toBe(200);

    const demote = "email,name,role\nfelix.wagner@example.com,Felix Wagner,employee\n";
    expect(
      (await invoke("POST", "/api/directory/import", { token: admin, body: demote, contentType: "text/csv" }))
        .status,
    ).toBe(200);
    // The same, still valid token, on the very next request.
    expect((await invoke("GET", "/api/directory", { token: felix })).status).toBe(403);
    expect((await invoke("GET", "/api/audit", { token: felix })).status).toBe(403);
    expect((await invoke("GET", "/api/me", { token: felix })).body.role).toBe("employee");

    const stale = await pool.idToken(account("grace.kim@example.com", { "cognito:groups": ["admin"] }));
    expect((await invoke("GET", "/api/directory", { token: stale })).status).toBe(403);
  });

  it("stops a deactivated person's session on their next request", async () => {
    const admin = await pool.idToken(account("admin@example.com"));
    const token = await pool.idToken(account("hannah.berg@example.com"));
    expect((await invoke("GET", "/api/conversations", { token })).status).toBe(200);
    const everyoneButHannah = h.people
      .filter((p) => p.email !== "hannah.berg@example.com")
      .map((p) => `${p.email},${p.name},${p.role}`)
      .join("\n");
    const imported = await invoke("POST", "/api/directory/import", {
      token: admin,
      query: "deactivateMissing=true",
      body: `email,name,role\n${everyoneButHannah}\n`,
      contentType: "text/csv",
    });
    expect(imported.status).toBe(200);
    expect(imported.body.deactivated).toBe(1);
    const after = await invoke("GET", "/api/conversations", { token });
    expect(after.status).toBe(403);
    expect(after.body).toMatchObject({
      type: "https://groundswell.dev/problems/not-in-directory",
      reason: "inactive",
    });
  });

  it("refuses Cognito access tokens and tokens for another app client", async () => {
    const dev = account("admin@example.com");
    expect(
      (await invoke("GET", "/api/me", { token: await pool.idToken(dev, { tokenUse: "access" }) })).status,
    ).toBe(401);
    expect(
      (await invoke("GET", "/api/me", { token: await pool.idToken(dev, { audience: "other-client" }) }))
        .status,
    ).toBe(401);
  });

  it("keeps emails out of sign-in log lines", () => {
    const signInLines = h.logger.lines.filter((l) => l.includes("sign-in"));
    expect(signInLines.length).toBeGreaterThan(0);
    for (const line of signInLines) expect(line).not.toMatch(/@/);
  });
});
