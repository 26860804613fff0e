import { randomUUID } from "node:crypto";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { inject } from "vitest";
import { createApp } from "../../functions/app.js";
import { createLocalIssuer, generateSigningKey } from "../../functions/auth/local-issuer.js";
import type { Db } from "../../functions/db/client.js";
import { createDocumentClient } from "../../functions/db/client.js";
import { ensureTable } from "../../functions/db/create-table.js";
import type { Person } from "../../functions/domain/person.js";
import { memoryLogger } from "../../functions/lib/logger.js";
import { starterDirectory } from "../../functions/local/starter-directory.js";
import { DirectoryRepository } from "../../functions/repositories/directory.js";
import { type AppDeps, createServices } from "../../functions/services.js";
import type { InProcessQueue } from "../../functions/workers/queue.js";
import { inProcessThemeRuns, type ThemeEngine } from "../../functions/workers/theme-run.js";
import { releaseNow } from "../../functions/workflows/release-round.js";

export interface RequestOptions {
  readonly as?: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly idempotent?: boolean | string;
}

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
  readonly body: any;
}

/**
 * A fresh table in the shared DynamoDB Local, the starter directory, and the real app wired to a
 * generated local issuer. `call` signs in by email, like the web app does.
 */
/**
 * Tests stub the theme model, not the report logic: this engine groups thoughts by the first word
 * of a `[topic]` tag, or puts them in "general".
 */
export const taggedThemeEngine: ThemeEngine = {
  computeThemes(items) {
    const groups = new Map<string, string[]>();
    for (const item of items) {
      const topic = /\[(\w+)\]/.exec(item.text)?.[1] ?? "general";
      groups.set(topic, [...(groups.get(topic) ?? []), item.id]);
    }
    return {
      engine: "test",
      themes: [...groups].map(([topic, thoughtIds]) => ({
        id: `theme-${topic}`,
        title: `About ${topic}`,
        summary: `People wrote about ${topic}.`,
        keyPhrases: [topic],
        thoughtIds,
      })),
    };
  },
};

export async function createHarness(
  options: {
    wrapDb?: (db: Db) => Db;
    /** Another DynamoDB than the shared one from global setup (a fault test's own instance or proxy). */
    endpoint?: string;
    themeEngine?: ThemeEngine;
    contentScreen?: AppDeps["contentScreen"];
  } = {},
) {
  const doc = createDocumentClient({
    endpoint: options.endpoint ?? inject("dynamoEndpoint"),
    region: "us-east-1",
  });
  const tableName = `test-${randomUUID()}`;
  await ensureTable(doc, tableName);
  const db: Db = { doc, tableName };
  const people = await new DirectoryRepository(db).putMany(starterDirectory);
  const issuer = await createLocalIssuer(await generateSigningKey(), "http://localhost/local-issuer");
  const logger = memoryLogger();
  const authorKeySecret = randomUUID();
  const deps: AppDeps = {
    db: options.wrapDb ? options.wrapDb(db) : db,
    verifier: { keys: issuer.verifierKeys(), issuer: issuer.issuer, audience: issuer.audience },
    authorKeySecret,
    localIssuer: issuer,
    logger,
    themeEngine: options.themeEngine ?? taggedThemeEngine,
    contentScreen: options.contentScreen,
    queue: inProcessThemeRuns,
  };
  const services = createServices(deps);
  const app = createApp(services);
  /** Resolves once every queued theme run has finished. */
  const jobsDone = () => (services.queue as InProcessQueue).idle();
  const byEmail = new Map(people.map((p) => [p.email, p]));
  const tokens = new Map<string, string>();

  const person = (email: string): Person => {
    const found = byEmail.get(email);
    if (!found) throw new Error(`no starter person ${email}`);
    return found;
  };
  const tokenFor = async (email: string) => {
    let token = tokens.get(email);
    if (!token) {
      token = await issuer.sign(person(email));
      tokens.set(email, token);
    }
    return token;
  };

  const call = async (method: string, path: string, opts: RequestOptions = {}): Promise<Reply> => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.as) headers.authorization = `Bearer ${await tokenFor(opts.as)}`;
    if (opts.idempotent)
      headers["idempotency-key"] = typeof opts.idempotent === "string" ? opts.idempotent : randomUUID();
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
      headers["content-type"] ??= "application/json";
    }
    const response = await app.request(path, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body: parsed };
  };

  const scanAll = async () => {
    const items: Record<string, unknown>[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: cursor }));
      items.push(...(page.Items ?? []));
      cursor = page.LastEvaluatedKey;
    } while (cursor);
    return items;
  };

  /** A conversation created by the facilitator and moved to `state` through the API. */
  const openConversation = async (
    state: "draft" | "sharing" | "rating" = "sharing",
    body: Record<string, unknown> = { template: "strategy-input" },
  ) => {
    const created = await call("POST", "/api/conversations", {
      as: "facilitator@example.com",
      body,
      idempotent: true,
    });
    if (created.status !== 201) throw new Error(`create failed: ${JSON.stringify(created.body)}`);
    const id: string = created.body.id;
    for (const to of state === "draft" ? [] : state === "sharing" ? ["sharing"] : ["sharing", "rating"]) {
      const moved = await call("POST", `/api/conversations/${id}/transition`, {
        as: "facilitator@example.com",
        body: { to },
      });
      if (moved.status !== 200) throw new Error(`transition failed: ${JSON.stringify(moved.body)}`);
    }
    return id;
  };

  /**
   * Cuts a release round now, as the scheduler does at a quarter hour or sharing's end does
   * (DESIGN §3.7): for tests that rate thoughts while sharing is still open.
   */
  const releaseRound = (conversationId: string) => releaseNow(services, { id: conversationId }, new Date());

  return {
    app,
    deps,
    releaseRound,
    services,
    jobsDone,
    db,
    doc,
    tableName,
    people,
    person,
    tokenFor,
    call,
    scanAll,
    logger,
    authorKeySecret,
    openConversation,
  };
}

export type Harness = Awaited<ReturnType<typeof createHarness>>;

export const employees = starterDirectory.filter((p) => p.role === "employee").map((p) => p.email);
