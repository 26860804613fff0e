import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import * as z from "zod";
import { createApp } from "../../app.js";
import { createDocumentClient } from "../../db/client.js";
import { ensureTable } from "../../db/create-table.js";
import { DirectoryRepository } from "../../repositories/directory.js";
import type { InProcessQueue } from "../../workers/queue.js";
import { hasJava, javaInstallHelp, startDynamoLocal } from "../dynamo-local.js";
import { starterDirectory } from "../starter-directory.js";
import { issueNineDirectory, runIssueNineConversation } from "./issue-nine.js";
import { demoServices } from "./services.js";

/**
 * `npm run demo:issue9`: loads issue 9's 60-person company (demo/issue-nine.ts) into the embedded
 * default's data folder beside the starter directory and runs its conversation through the API
 * to closed, so `npm run audit:anonymity` can be run on the shape the issue was attacked on.
 * Stop `npm start` first (like `npm run demo`).
 */
const env = z.object({ GROUNDSWELL_DATA_DIR: z.string().min(1).default(".data") }).safeParse(process.env);
if (!env.success) {
  console.error(`Invalid configuration: ${env.error.issues.map((i) => i.message).join("; ")}`);
  process.exit(2);
}
if (!hasJava()) {
  console.error(javaInstallHelp);
  process.exit(1);
}
const dataDir = resolve(env.data.GROUNDSWELL_DATA_DIR);
mkdirSync(dataDir, { recursive: true });
const dynamo = await startDynamoLocal({ dataPath: join(dataDir, "dynamodb") });
const doc = createDocumentClient({ endpoint: dynamo.endpoint, region: "us-east-1" });
try {
  const db = { doc, tableName: "groundswell" };
  await ensureTable(doc, db.tableName);
  const directory = new DirectoryRepository(db);
  const known = new Set((await directory.all()).map((p) => p.email));
  await directory.putMany([...starterDirectory, ...issueNineDirectory()].filter((p) => !known.has(p.email)));
  const { services, issuer } = await demoServices(db, dataDir, "http://127.0.0.1:3000");
  const app = createApp(services);
  const tokens = new Map<string, string>();
  const result = await runIssueNineConversation(
    async (email, method, path, body) => {
      let token = tokens.get(email);
      if (!token) {
        token = await issuer.sign({ email, name: email });
        tokens.set(email, token);
      }
      const response = await app.request(path, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          "idempotency-key": crypto.randomUUID(),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: await response.json() };
    },
    { facilitator: "facilitator@example.com", close: true },
  );
  await (services.queue as InProcessQueue).idle();
  console.log(
    `Loaded issue 9's conversation ${result.conversationId} into ${dataDir}: 60 people, ${result.thoughts} thoughts, ${result.ratings} ratings, closed and themed.`,
  );
} finally {
  doc.destroy();
  await dynamo.stop();
}
