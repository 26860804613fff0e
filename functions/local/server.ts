import { existsSync, mkdirSync, readFileSync } from "node:fs";
import type { Server } from "node:http";
import { join, resolve } from "node:path";
import { serve } from "@hono/node-server";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";
import { createApp } from "../app.js";
import { createLocalIssuer } from "../auth/local-issuer.js";
import { createDocumentClient } from "../db/client.js";
import { ensureTable } from "../db/create-table.js";
import { jsonLogger, type Logger } from "../lib/logger.js";
import { selectContentScreen } from "../moderation/openai-moderation.js";
import { FileMailer } from "../notify/mailer.js";
import { DirectoryRepository } from "../repositories/directory.js";
import { runScheduler } from "../scheduler/run.js";
import { createServices, type Services } from "../services.js";
import { selectThemeEngine } from "../themes/select.js";
import type { InProcessQueue } from "../workers/queue.js";
import { seedDemo } from "./demo/seed.js";
import { type DynamoLocal, startDynamoLocal } from "./dynamo-local.js";
import { loadOrCreateSecrets } from "./secrets.js";
import { starterDirectory } from "./starter-directory.js";

export interface LocalOptions {
  readonly port: number;
  readonly dataDir: string;
  /** Keep DynamoDB Local in memory (tests); the default persists it in the data folder. */
  readonly inMemory?: boolean;
  readonly webDir?: string;
  readonly logger?: Logger;
  /** Bind address; loopback by default so a laptop does not expose the demo to its network. */
  readonly hostname?: string;
  /** How often the scheduler looks for due transitions and notices; 0 turns it off (tests). */
  readonly schedulerIntervalSeconds?: number;
}

export interface LocalServer {
  readonly url: string;
  readonly dynamoEndpoint: string;
  readonly tableName: string;
  readonly seeded: boolean;
  readonly services: Services;
  stop(): Promise<void>;
}

const tableName = "groundswell";

/** The embedded default: DynamoDB Local, the table, local secrets and issuer, the API and the web app. */
export async function startLocalServer(options: LocalOptions): Promise<LocalServer> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const logger = options.logger ?? jsonLogger();
  const dynamo: DynamoLocal = await startDynamoLocal(
    options.inMemory ? {} : { dataPath: join(dataDir, "dynamodb") },
  );
  try {
    const doc = createDocumentClient({ endpoint: dynamo.endpoint, region: "us-east-1" });
    await ensureTable(doc, tableName);
    const db = { doc, tableName };
    const directory = new DirectoryRepository(db);
    const seeded = (await directory.all()).length === 0;
    if (seeded) await directory.putMany(starterDirectory);

    const secrets = await loadOrCreateSecrets(dataDir);
    const hostname = options.hostname ?? "127.0.0.1";
    const url = `http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${options.port}`;
    const issuer = await createLocalIssuer(secrets.signingKey, `${url}/local-issuer`);
    const services = createServices({
      db,
      verifier: { keys: issuer.verifierKeys(), issuer: issuer.issuer, audience: issuer.audience },
      authorKeySecret: secrets.authorKeySecret,
      localIssuer: issuer,
      logger,
      themeEngine: selectThemeEngine(process.env),
      contentScreen: selectContentScreen(process.env, logger),
      mailer: new FileMailer(join(dataDir, "mail")),
      appUrl: url,
      seedDemo,
    });
    const api = createApp(services);
    const interval = options.schedulerIntervalSeconds ?? 60;
    const scheduler =
      interval > 0
        ? setInterval(() => {
            runScheduler(services, new Date()).catch((error: Error) =>
              logger.error("scheduler run failed", { error: error.name }),
            );
          }, interval * 1000)
        : undefined;

    const app = new Hono();
    app.get("/local-issuer/.well-known/jwks.json", (c) => c.json(issuer.jwks));
    app.route("/", api);
    const webDir = resolve(options.webDir ?? "web/build");
    const index = join(webDir, "index.html");
    if (existsSync(index)) {
      app.use("/*", serveStatic({ root: webDir }));
      // The web app routes in the browser: every other page loads its shell.
      app.get("/*", (c) => c.html(readFileSync(index, "utf8")));
    } else {
      app.get("/*", (c) =>
        c.text("The web app is not built yet. Run `npm run build:web` (npm start does it for you).", 503),
      );
    }

    const server = await new Promise<Server>((resolveServer) => {
      const s = serve({ fetch: app.fetch, port: options.port, hostname }, () => resolveServer(s as Server));
    });
    return {
      url,
      dynamoEndpoint: dynamo.endpoint,
      tableName,
      seeded,
      services,
      stop: async () => {
        if (scheduler) clearInterval(scheduler);
        await new Promise<void>((r) => server.close(() => r()));
        await (services.queue as InProcessQueue).idle();
        doc.destroy();
        await dynamo.stop();
      },
    };
  } catch (error) {
    await dynamo.stop();
    throw error;
  }
}
