import * as z from "zod";
import { dynamoDataPath, startDynamoLocal } from "./dynamo-local.js";
import { ensureWebBuild } from "./web-build.js";

/** `npm start`: the whole product on one machine, configured by a few environment variables. */
const env = z
  .object({
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    GROUNDSWELL_DATA_DIR: z.string().min(1).default(".data"),
    HOST: z.string().default("127.0.0.1"),
    SCHEDULER_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
    /** The address people open, when it is not http://HOST:PORT (a proxy, another machine). */
    PUBLIC_URL: z.url().optional(),
    /** Added to the directory as an admin when nobody there has this email. */
    ADMIN_EMAIL: z.email().optional(),
    ADMISSION_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(1000).optional(),
    ADMISSION_MAX_QUEUED: z.coerce.number().int().min(0).max(10_000).optional(),
    ADMISSION_MAX_QUEUE_MS: z.coerce.number().int().min(0).max(60_000).optional(),
  })
  .safeParse(process.env);

if (!env.success) {
  console.error(
    `Invalid configuration: ${env.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
  );
  process.exit(2);
}
// Three things overlap on the way up (docs/operations.md, "Fast start"): DynamoDB Local's JVM
// boots, the web build runs when its sources changed, and this process loads the server's modules.
const startedAt = performance.now();
const dynamo = startDynamoLocal({ dataPath: dynamoDataPath(env.data.GROUNDSWELL_DATA_DIR) });
dynamo.catch(() => undefined); // handled where the server awaits it
const web = ensureWebBuild({ quiet: true }).then((result) => {
  if (result.built)
    console.log(`  Built the web app in ${(result.ms / 1000).toFixed(1)} s (its sources changed).`);
  return result;
});
web.catch(() => undefined);
const { startLocalServer } = await import("./server.js");
const server = await startLocalServer({
  port: env.data.PORT,
  dataDir: env.data.GROUNDSWELL_DATA_DIR,
  hostname: env.data.HOST,
  schedulerIntervalSeconds: env.data.SCHEDULER_INTERVAL_SECONDS,
  publicUrl: env.data.PUBLIC_URL,
  adminEmail: env.data.ADMIN_EMAIL,
  dynamo,
  webReady: web,
  admission: {
    ...(env.data.ADMISSION_MAX_IN_FLIGHT && { maxInFlight: env.data.ADMISSION_MAX_IN_FLIGHT }),
    ...(env.data.ADMISSION_MAX_QUEUED !== undefined && { maxQueued: env.data.ADMISSION_MAX_QUEUED }),
    ...(env.data.ADMISSION_MAX_QUEUE_MS !== undefined && { maxQueueMs: env.data.ADMISSION_MAX_QUEUE_MS }),
  },
}).catch((error: Error) => {
  console.error(`\n  Groundswell could not start: ${error.message}\n`);
  process.exit(1);
});

console.log(`
  Groundswell is running at ${server.url} (started in ${((performance.now() - startedAt) / 1000).toFixed(1)} s)
  Data is kept in ${env.data.GROUNDSWELL_DATA_DIR}/ (delete it to start over).${
    server.seeded ? "\n  A demo directory of 30 people was created on this first start." : ""
  }

  Open ${server.url}, choose Sign in, and pick a person on the local identity provider's screen:
    facilitator@example.com  creates and runs conversations
    leader@example.com       sees results
    admin@example.com        manages the directory
    anyone else              takes part as an employee

  Mail is not sent: it is kept in ${env.data.GROUNDSWELL_DATA_DIR}/mail/ and shown on the Mailbox page.
  Themes: ${process.env.OPENAI_API_KEY ? "OpenAI (OPENAI_API_KEY is set)" : "offline engine (set OPENAI_API_KEY to use OpenAI)"}.

  Press Ctrl-C to stop.
`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log("\n  Stopping Groundswell and DynamoDB Local…");
  await server.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
