import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { JWK } from "jose";
import * as z from "zod";
import { generateSigningKey } from "../auth/local-issuer.js";

const secretsSchema = z.object({
  authorKeySecret: z.string().min(32),
  signingKey: z.record(z.string(), z.unknown()),
});

export interface LocalSecrets {
  readonly authorKeySecret: string;
  readonly signingKey: JWK;
}

/**
 * The embedded default's stand-in for Secrets Manager: generated into the data folder on first
 * start (owner-only permissions) and reused afterwards, so author keys stay stable across restarts.
 */
export async function loadOrCreateSecrets(dataDir: string): Promise<LocalSecrets & { created: boolean }> {
  const file = join(dataDir, "secrets.json");
  if (existsSync(file)) {
    const parsed = secretsSchema.parse(JSON.parse(readFileSync(file, "utf8")));
    return { authorKeySecret: parsed.authorKeySecret, signingKey: parsed.signingKey as JWK, created: false };
  }
  const secrets: LocalSecrets = {
    authorKeySecret: randomBytes(48).toString("base64url"),
    signingKey: await generateSigningKey(),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
  return { ...secrets, created: true };
}
