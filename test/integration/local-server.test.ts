import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { memoryLogger } from "../../functions/lib/logger.js";
import { freePort } from "../../functions/local/dynamo-local.js";
import { startLocalServer } from "../../functions/local/server.js";

const dataDir = mkdtempSync(join(tmpdir(), "groundswell-local-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function signIn(url: string, email: string) {
  const reply = await fetch(`${url}/api/auth/dev/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email }),
  });
  return ((await reply.json()) as { token: string }).token;
}

describe("the embedded default", () => {
  // Two starts of DynamoDB Local (a JVM each): slow on a busy machine, hence the longer timeout.
  it("seeds on first start, keeps data and secrets across a restart, and publishes its keys", {
    timeout: 180_000,
  }, async () => {
    const port = await freePort();
    const first = await startLocalServer({ port, dataDir, logger: memoryLogger() });
    expect(first.seeded).toBe(true);
    const token = await signIn(first.url, "facilitator@example.com");
    const created = await fetch(`${first.url}/api/conversations`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        "idempotency-key": crypto.randomUUID(),
      },
      body: JSON.stringify({ template: "strategy-input", title: "Kept across restarts" }),
    });
    expect(created.status).toBe(201);
    // A standards-conformant OpenID provider: discovery names the JWKS the API verifies against.
    const discovery = (await (
      await fetch(`${first.url}/local-issuer/.well-known/openid-configuration`)
    ).json()) as { issuer: string; jwks_uri: string };
    expect(discovery.issuer).toBe(`${first.url}/local-issuer`);
    const jwks = (await (await fetch(discovery.jwks_uri)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys[0]).toMatchObject({ kty: "EC", alg: "ES256" });
    expect(jwks.keys[0]).not.toHaveProperty("d");
    expect(statSync(join(dataDir, "secrets.json")).mode & 0o077).toBe(0);
    await first.stop();

    const second = await startLocalServer({ port, dataDir, logger: memoryLogger() });
    try {
      expect(second.seeded).toBe(false);
      // The signing key survived too: the token from before the restart still verifies.
      const list = await fetch(`${second.url}/api/conversations`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(list.status).toBe(200);
      const body = (await list.json()) as { conversations: { title: string }[] };
      expect(body.conversations.map((c) => c.title)).toContain("Kept across restarts");
    } finally {
      await second.stop();
    }
  });

  it("explains how to install Java and exits non-zero when it is missing", () => {
    // A PATH holding only node: wherever java is installed, it is not on this one.
    const bin = mkdtempSync(join(tmpdir(), "groundswell-nojava-"));
    symlinkSync(process.execPath, join(bin, "node"));
    const result = spawnSync(process.execPath, ["--import", "tsx", "functions/local/main.ts"], {
      env: { PATH: bin, HOME: process.env.HOME ?? "/tmp", GROUNDSWELL_DATA_DIR: join(bin, "data") },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/needs Java/);
    expect(result.stderr).toMatch(/apt-get install -y default-jre-headless/);
  });
});
