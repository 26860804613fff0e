import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { roles } from "../../functions/domain/person.js";
import { createHarness, type Harness } from "../helpers/harness.js";

/**
 * Generated from the route table: every operation in the OpenAPI document either is public by
 * design or names its roles (`x-roles`); each protected one must refuse a caller without a
 * token (401), with a forged or expired token (401) and with every role it does not allow (403).
 */
let h: Harness;
let operations: { method: string; path: string; roles: string[] | undefined }[];
const publicOperations = new Set(["POST /api/auth/dev/login", "GET /api/auth/dev/people"]);
const personByRole: Record<string, string> = {
  employee: "amara.okafor@example.com",
  facilitator: "facilitator@example.com",
  leader: "leader@example.com",
  admin: "admin@example.com",
};

beforeAll(async () => {
  h = await createHarness();
  const doc = await h.call("GET", "/api/openapi.json");
  operations = Object.entries(
    doc.body.paths as Record<string, Record<string, { "x-roles"?: string[] }>>,
  ).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path: `/api${path.replace(/\{[^}]+\}/g, () => randomUUID())}`,
      template: `${method.toUpperCase()} /api${path}`,
      roles: op["x-roles"],
    })),
  );
});

describe("authorization", () => {
  it("describes every route, and only the dev sign-in is public", async () => {
    expect(operations.length).toBeGreaterThanOrEqual(12);
    for (const op of operations as ({ template: string } & (typeof operations)[number])[]) {
      if (publicOperations.has(op.template)) expect(op.roles).toBeUndefined();
      else expect(op.roles, op.template).toBeDefined();
    }
  });

  it("rejects calls without a valid token on every protected route", async () => {
    const forged = `${(await h.tokenFor("admin@example.com")).slice(0, -4)}AAAA`;
    for (const op of operations.filter((o) => o.roles)) {
      const none = await h.call(op.method, op.path, { body: op.method === "GET" ? undefined : {} });
      expect(none.status, `${op.method} ${op.path}`).toBe(401);
      expect(none.headers.get("content-type")).toContain("application/problem+json");
      const bad = await h.call(op.method, op.path, {
        headers: { authorization: `Bearer ${forged}` },
        body: op.method === "GET" ? undefined : {},
      });
      expect(bad.status, `${op.method} ${op.path} forged`).toBe(401);
    }
  });

  it("rejects every role a route does not allow", async () => {
    let checked = 0;
    for (const op of operations.filter((o) => o.roles)) {
      for (const role of roles.filter((r) => !op.roles!.includes(r))) {
        const reply = await h.call(op.method, op.path, {
          as: personByRole[role],
          body: op.method === "GET" ? undefined : {},
          idempotent: true,
        });
        expect(reply.status, `${role} ${op.method} ${op.path}`).toBe(403);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(5);
  });

  it("refuses tokens with the wrong audience, issuer or algorithm", async () => {
    const { SignJWT, generateKeyPair } = await import("jose");
    const { privateKey } = await generateKeyPair("ES256");
    const person = h.person("admin@example.com");
    const foreign = await new SignJWT({ "cognito:groups": ["admin"] })
      .setProtectedHeader({ alg: "ES256" })
      .setSubject(person.id)
      .setIssuer("http://localhost/local-issuer")
      .setAudience("groundswell")
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(privateKey);
    const reply = await h.call("GET", "/api/me", { headers: { authorization: `Bearer ${foreign}` } });
    expect(reply.status).toBe(401);
    const unsigned = `${Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url")}.${Buffer.from(
      JSON.stringify({
        sub: person.id,
        "cognito:groups": ["admin"],
        iss: "http://localhost/local-issuer",
        aud: "groundswell",
      }),
    ).toString("base64url")}.`;
    expect(
      (await h.call("GET", "/api/me", { headers: { authorization: `Bearer ${unsigned}` } })).status,
    ).toBe(401);
  });
});
