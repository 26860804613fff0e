import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join, resolve } from "node:path";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { getRequestListener } from "@hono/node-server";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";
import { contentSecurityPolicy, inlineScriptHashes } from "../../infra/csp.js";
import { createApp } from "../app.js";
import { ensureFirstAdmin } from "../auth/first-admin.js";
import { createLocalIssuer } from "../auth/local-issuer.js";
import { createDocumentClient } from "../db/client.js";
import { ensureTable } from "../db/create-table.js";
import { AdmissionGate, type AdmissionLimits } from "../lib/admission.js";
import { jsonLogger, type Logger } from "../lib/logger.js";
import { selectContentScreen } from "../moderation/openai-moderation.js";
import { FileMailer } from "../notify/mailer.js";
import { DirectoryRepository } from "../repositories/directory.js";
import { NamesIndexRepository } from "../repositories/names-index.js";
import { runScheduler } from "../scheduler/run.js";
import { createServices, type Services } from "../services.js";
import { selectThemeEngine } from "../themes/select.js";
import type { InProcessQueue } from "../workers/queue.js";
import { inProcessThemeRuns } from "../workers/theme-run.js";
import { seedDemo } from "./demo/seed.js";
import { type DynamoLocal, dynamoDataPath, startDynamoLocal } from "./dynamo-local.js";
import { callbackPath, createLocalProvider, loadProvider, postLogoutPath } from "./oidc.js";
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
  /** The address people open (e.g. behind a proxy or on the network); derived from host and port otherwise. */
  readonly publicUrl?: string;
  /** The first admin (ADMIN_EMAIL), added as an admin when nobody in the directory has this email. */
  readonly adminEmail?: string;
  /** ID token lifetime of the local OpenID provider (an hour, like Cognito); tests shorten it. */
  readonly idTokenTtlSeconds?: number;
  /** Requests in flight and queued before the API answers 503 (functions/lib/admission.ts). */
  readonly admission?: Partial<AdmissionLimits>;
  /**
   * Settles when the web app's build is in place (npm start builds it while DynamoDB Local
   * starts); the server listens only after it. A rejection stops the start.
   */
  readonly webReady?: Promise<unknown>;
  /** A DynamoDB Local already starting on `dynamoDataPath(dataDir)` (npm start launches it first). */
  readonly dynamo?: Promise<DynamoLocal>;
  /** Wraps the document client the app uses: `npm run bench:load` records its calls (bench/load-server.ts). */
  readonly wrapDocument?: (doc: DynamoDBDocumentClient) => DynamoDBDocumentClient;
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
  loadProvider().catch(() => undefined); // awaited by createLocalProvider
  const dynamo: DynamoLocal = await (options.dynamo ??
    startDynamoLocal(options.inMemory ? {} : { dataPath: dynamoDataPath(dataDir) }));
  try {
    const doc = createDocumentClient({ endpoint: dynamo.endpoint, region: "us-east-1" });
    await ensureTable(doc, tableName);
    const db = { doc: options.wrapDocument?.(doc) ?? doc, tableName };
    const directory = new DirectoryRepository(db);
    const people = await directory.all();
    const seeded = people.length === 0;
    // A data folder from before the name index existed gets one; putMany keeps it fresh after.
    if (seeded) await directory.putMany(starterDirectory);
    else await new NamesIndexRepository(db).rebuild(people);

    if (options.adminEmail) await ensureFirstAdmin(directory, options.adminEmail, logger);

    const secrets = await loadOrCreateSecrets(dataDir);
    const hostname = options.hostname ?? "127.0.0.1";
    const url = (
      options.publicUrl ?? `http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${options.port}`
    ).replace(/\/$/, "");
    const issuer = await createLocalIssuer(secrets.signingKey, `${url}/local-issuer`);
    const provider = await createLocalProvider({
      signer: issuer,
      appOrigins: appOrigins(url),
      directory,
      logger,
      idTokenTtlSeconds: options.idTokenTtlSeconds,
    });
    const services = createServices({
      db,
      verifier: { keys: issuer.verifierKeys(), issuer: issuer.issuer, audience: issuer.audience },
      authorKeySecret: secrets.authorKeySecret,
      localIssuer: issuer,
      logger,
      admission: new AdmissionGate(options.admission),
      themeEngine: selectThemeEngine(process.env),
      contentScreen: selectContentScreen(process.env, logger),
      mailer: new FileMailer(join(dataDir, "mail")),
      appUrl: url,
      seedDemo,
      queue: inProcessThemeRuns,
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
    // The web app's runtime configuration: the same reader takes Cognito's in AWS (CONTRACTS.md).
    app.get("/config.json", (c) => {
      c.header("cache-control", "no-store");
      return c.json(webConfig(issuer.issuer, issuer.audience));
    });
    app.route("/", api);
    await options.webReady;
    const webDir = resolve(options.webDir ?? "web/build");
    const index = join(webDir, "index.html");
    if (existsSync(index)) {
      // Dot-files in the build (its source-hash stamp) are not part of the site.
      app.use("/*", async (c, next) => {
        if (/\/\./.test(c.req.path)) return c.notFound();
        await next();
      });
      // The same Content-Security-Policy CloudFront sends in AWS (infra/csp.ts), so the embedded
      // default is as locked down and the browser tests run the app under the real policy.
      const csp = contentSecurityPolicy({ scriptHashes: inlineScriptHashes(webDir), connectSources: [] });
      app.use("/*", async (c, next) => {
        await next();
        if (c.res.headers.get("content-type")?.startsWith("text/html")) {
          c.res.headers.set("content-security-policy", csp);
        }
      });
      app.use("/*", serveStatic({ root: webDir }));
      // The web app routes in the browser: every other page loads its shell.
      app.get("/*", (c) => c.html(readFileSync(index, "utf8")));
    } else {
      app.get("/*", (c) =>
        c.text("The web app is not built yet. Run `npm run build:web` (npm start does it for you).", 503),
      );
    }

    const honoListener = getRequestListener(app.fetch);
    const server: Server = createServer((req, res) => {
      // The OpenID provider and its login screen's form posts; everything else is the Hono app.
      if (!provider.handle(req, res)) void honoListener(req, res);
    });
    // Longer than clients keep idle connections (undici: 4 s), so a reused one is never closed under them.
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolveListen, reject) => {
      server.once("error", reject);
      server.listen(options.port, hostname, () => resolveListen());
    });
    return {
      url,
      dynamoEndpoint: dynamo.endpoint,
      tableName,
      seeded,
      services,
      stop: async () => {
        if (scheduler) clearInterval(scheduler);
        server.closeIdleConnections();
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

/** The origins the web app may be opened at: the URL, and its loopback twin (localhost vs 127.0.0.1). */
function appOrigins(url: string): string[] {
  const origin = new URL(url);
  const twins = { localhost: "127.0.0.1", "127.0.0.1": "localhost" } as Record<string, string>;
  const twin = twins[origin.hostname];
  return [
    origin.origin,
    ...(twin ? [`${origin.protocol}//${twin}${origin.port ? `:${origin.port}` : ""}`] : []),
  ];
}

/** `/config.json` on the embedded default; infra writes the same shape for Cognito. */
export function webConfig(issuer: string, clientId: string) {
  return {
    oidc: {
      issuer,
      clientId,
      scopes: "openid email profile",
      redirectPath: callbackPath,
      postLogoutPath,
      providerName: "the local demo directory",
    },
    apiBase: "/api",
  };
}
