/**
 * The server `npm run bench:load` loads (bench/load.ts forks this file): the embedded default
 * exactly as `npm start` runs it (startLocalServer, DynamoDB Local on disk in a data folder, the
 * local issuer, JSON request logs), in its own process so the load generator does not share its
 * event loop. Two additions, both outside the request path: the document client can record the
 * calls the API makes (for the raw DynamoDB Local rate), and the parent can ask it to check
 * acknowledged writes against the table.
 */
import { subscribe } from "node:diagnostics_channel";
import type { IncomingMessage, ServerResponse } from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { personKeys } from "../functions/domain/author-key.js";
import type { AdmissionCounts } from "../functions/lib/admission.js";
import { startLocalServer } from "../functions/local/server.js";

export interface RecordedCall {
  readonly name: string;
  readonly input: unknown;
}

export interface AcknowledgedRating {
  readonly conversationId: string;
  readonly userId: string;
  readonly thoughtId: string;
  readonly stars: number;
}

export interface AcknowledgedShare {
  readonly conversationId: string;
  readonly thoughtId: string;
  readonly text: string;
}

/** What the server itself saw of a stretch of load (asked for, and reset, once per step). */
export interface ServerTimings {
  /** Milliseconds from Node's parsing of the request to the end of the response, per answer. */
  readonly refusedMs: number[];
  readonly servedMs: number[];
  /** The server's event-loop delay: how late a ready callback ran (ms). */
  readonly lagP99: number;
  readonly lagMax: number;
  /** The gate's totals when asked, and when (ms): a step's figures are the difference of two. */
  readonly gate: AdmissionCounts;
  readonly at: number;
}

export type ToServer =
  | { type: "record"; on: boolean }
  | { type: "timings" }
  | { type: "check"; ratings: AcknowledgedRating[]; shares: AcknowledgedShare[] }
  | { type: "stop" };

export type FromServer =
  | { type: "ready"; url: string; dynamoEndpoint: string; tableName: string; dynamoPid?: number }
  | { type: "recorded"; calls: RecordedCall[] }
  | ({ type: "timings" } & ServerTimings)
  | {
      type: "checked";
      missingRatings: number;
      wrongRatings: number;
      missingShares: number;
      examples: string[];
    }
  | { type: "failed"; message: string };

const send = (message: FromServer) => process.send?.(message);

let recording: RecordedCall[] | undefined;
const recorder = (doc: DynamoDBDocumentClient) =>
  new Proxy(doc, {
    get(target, prop, receiver) {
      if (prop !== "send") return Reflect.get(target, prop, receiver);
      return (command: { constructor: { name: string }; input: unknown }, ...rest: unknown[]) => {
        recording?.push({ name: command.constructor.name, input: structuredClone(command.input) });
        return (target.send as (...args: unknown[]) => unknown)(command, ...rest);
      };
    },
  }) as DynamoDBDocumentClient;

// Server-side timing of every answer, from Node's own HTTP events (diagnostics_channel), outside
// the app: it tells the time the server took from the time the client (sharing these two cores)
// took to send and read.
const startedAt = new WeakMap<ServerResponse, number>();
let timings = { refusedMs: [] as number[], servedMs: [] as number[] };
subscribe("http.server.request.start", (message) => {
  startedAt.set((message as { response: ServerResponse }).response, performance.now());
});
subscribe("http.server.response.finish", (message) => {
  const { request, response } = message as { request: IncomingMessage; response: ServerResponse };
  const started = startedAt.get(response);
  if (started === undefined || !request.url?.startsWith("/api/")) return;
  (response.statusCode === 503 ? timings.refusedMs : timings.servedMs).push(performance.now() - started);
});
const lag = monitorEventLoopDelay({ resolution: 5 });
lag.enable();

const optionalInt = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);

try {
  const server = await startLocalServer({
    port: Number(process.env.PORT),
    dataDir: process.env.GROUNDSWELL_DATA_DIR ?? ".data-bench",
    // A scheduler run landing inside one step would be noise in that step's figures.
    schedulerIntervalSeconds: 0,
    admission: {
      ...(optionalInt("ADMISSION_MAX_IN_FLIGHT") && { maxInFlight: optionalInt("ADMISSION_MAX_IN_FLIGHT") }),
      ...(optionalInt("ADMISSION_MAX_QUEUED") !== undefined && {
        maxQueued: optionalInt("ADMISSION_MAX_QUEUED"),
      }),
      ...(optionalInt("ADMISSION_MAX_QUEUE_MS") !== undefined && {
        maxQueueMs: optionalInt("ADMISSION_MAX_QUEUE_MS"),
      }),
    },
    wrapDocument: recorder,
  });
  const s = server.services;

  process.on("message", async (message: ToServer) => {
    if (message.type === "record") {
      if (message.on) recording = [];
      else {
        send({ type: "recorded", calls: recording ?? [] });
        recording = undefined;
      }
    } else if (message.type === "timings") {
      send({
        type: "timings",
        ...timings,
        lagP99: lag.percentile(99) / 1e6,
        lagMax: lag.max / 1e6,
        gate: s.admission!.counts(),
        at: performance.now(),
      });
      timings = { refusedMs: [], servedMs: [] };
      lag.reset();
    } else if (message.type === "check") {
      const examples: string[] = [];
      let missingRatings = 0;
      let wrongRatings = 0;
      let missingShares = 0;
      // A few reads at a time: the check must not take as long as the load did.
      const pool = async <T>(items: T[], run: (item: T) => Promise<void>) => {
        let next = 0;
        await Promise.all(
          Array.from({ length: 8 }, async () => {
            while (next < items.length) await run(items[next++]!);
          }),
        );
      };
      await pool(message.ratings, async (r) => {
        const { raterKey } = personKeys(s.authorKeySecret, r.conversationId, r.userId);
        const stored = await s.ratings
          .find({ conversationId: r.conversationId, raterKey }, r.thoughtId)
          .catch(() => undefined);
        if (!stored) missingRatings++;
        else if (stored.status !== "rated" || stored.stars !== r.stars) wrongRatings++;
        else return;
        if (examples.length < 5)
          examples.push(`rating ${r.thoughtId}: acknowledged ${r.stars}★, stored ${JSON.stringify(stored)}`);
      });
      await pool(message.shares, async (t) => {
        const stored = await s.thoughts.get(t.conversationId, t.thoughtId).catch(() => undefined);
        if (stored?.text === t.text) return;
        missingShares++;
        if (examples.length < 5)
          examples.push(`share ${t.thoughtId}: ${stored ? "text differs" : "missing"}`);
      });
      send({ type: "checked", missingRatings, wrongRatings, missingShares, examples });
    } else if (message.type === "stop") {
      await server.stop();
      process.exit(0);
    }
  });
  send({
    type: "ready",
    url: server.url,
    dynamoEndpoint: server.dynamoEndpoint,
    tableName: server.tableName,
  });
} catch (error) {
  send({ type: "failed", message: (error as Error).message });
  process.exit(1);
}
