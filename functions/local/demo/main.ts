import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import * as z from "zod";
import { createDocumentClient } from "../../db/client.js";
import { ensureTable } from "../../db/create-table.js";
import { DirectoryRepository } from "../../repositories/directory.js";
import type { InProcessQueue } from "../../workers/queue.js";
import { type DynamoLocal, hasJava, javaInstallHelp, startDynamoLocal } from "../dynamo-local.js";
import { starterDirectory } from "../starter-directory.js";
import { seedDemo } from "./seed.js";
import { demoServices } from "./services.js";

/**
 * `npm run demo`: fills the embedded default's data folder with the finished Northwind sample
 * conversation, using the same storage, table, starter directory and secrets as `npm start`
 * (so author keys match what the server computes), without starting the HTTP server.
 */
const env = z
  .object({
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    GROUNDSWELL_DATA_DIR: z.string().min(1).default(".data"),
    HOST: z.string().default("127.0.0.1"),
  })
  .safeParse(process.env);

if (!env.success) {
  console.error(
    `Invalid configuration: ${env.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
  );
  process.exit(2);
}
if (!hasJava()) {
  console.error(javaInstallHelp);
  process.exit(1);
}

const tableName = "groundswell";
const dataDir = resolve(env.data.GROUNDSWELL_DATA_DIR);
const host = env.data.HOST === "0.0.0.0" ? "localhost" : env.data.HOST;
const url = `http://${host}:${env.data.PORT}`;
const stopFirst = "Stop `npm start` first, or use the Load sample data button on the home page.";

// DynamoDB Local does not lock its folder: a second instance would write beside the running
// server's and break its transactions. A server answering on our port is the telltale sign.
if (await serverAnswers(url)) {
  console.error(`\n  Groundswell is already running at ${url}.\n  ${stopFirst}\n`);
  process.exit(1);
}

let dynamo: DynamoLocal;
try {
  mkdirSync(dataDir, { recursive: true });
  dynamo = await startDynamoLocal({ dataPath: join(dataDir, "dynamodb") });
} catch (error) {
  console.error(
    `\n  Could not start DynamoDB Local on ${dataDir}: ${(error as Error).message}\n  ${stopFirst}\n`,
  );
  process.exit(1);
}

const doc = createDocumentClient({ endpoint: dynamo.endpoint, region: "us-east-1" });
const shutdown = async () => {
  doc.destroy();
  await dynamo.stop();
};
process.once("SIGINT", () => {
  console.error("\n  Interrupted. Run `npm run demo` again to finish: it picks up where it stopped.");
  void shutdown().then(() => process.exit(130));
});

const started = Date.now();
try {
  await ensureTable(doc, tableName);
  const db = { doc, tableName };
  const directory = new DirectoryRepository(db);
  // As on a first `npm start`: the fixed sign-in addresses must exist before the demo company.
  if ((await directory.all()).length === 0) await directory.putMany(starterDirectory);
  // Only problems reach the terminal; the progress bar is the output.
  const { services } = await demoServices(db, dataDir, url);

  console.log(`\n  Loading the Northwind sample conversation into ${dataDir}\n`);
  const result = await seedDemo(services, { onProgress: progressBar() });
  // The theme run queued at closing runs in this process; wait for the report to be stored.
  await (services.queue as InProcessQueue).idle();
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(
    result.created
      ? `\n  Done in ${seconds} s: ${result.thoughts} thoughts and ${result.ratings} ratings from ${result.participants} people, closed, themed and ready to read.`
      : `\n  The sample conversation was already here (${result.thoughts} thoughts, ${result.ratings} ratings); nothing was added.`,
  );
  console.log(`
  Start Groundswell with \`npm start\`, open ${url}/ and sign in as leader@example.com
  to see the leadership report of "FY2027 strategy input — Northwind (sample)".
`);
} catch (error) {
  console.error(`\n  Loading the sample data failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await shutdown();
}

async function serverAnswers(base: string): Promise<boolean> {
  try {
    const response = await fetch(`${base}/api/openapi.json`, { signal: AbortSignal.timeout(1500) });
    return response.ok;
  } catch {
    return false;
  }
}

/** One redrawn line on a terminal; a line per phase when the output is a file or a CI log. */
function progressBar(): (fraction: number, message: string) => void {
  const width = 30;
  let lastPhase = "";
  return (fraction, message) => {
    if (!process.stdout.isTTY) {
      const phase = message.replace(/ \(.*\)$/, "");
      if (phase !== lastPhase) console.log(`  ${Math.round(fraction * 100)}%  ${phase}`);
      lastPhase = phase;
      return;
    }
    const filled = Math.round(fraction * width);
    const bar = `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
    process.stdout.write(`\r  ${bar} ${String(Math.round(fraction * 100)).padStart(3)}%  ${message}\x1b[K`);
    if (fraction >= 1) process.stdout.write("\n");
  };
}
