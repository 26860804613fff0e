/**
 * `npm run bench:load [-- --quick] [--in-flight N] [--queue N] [--queue-ms N] [--cpu-prof DIR]
 * [--verbose]`: the embedded default under
 * overload (issue 11, docs/operations.md "Overload"). Prints figures and the done-when bars,
 * asserts nothing.
 *
 *  1. Starts the server `npm start` runs (bench/load-server.ts: startLocalServer, DynamoDB Local
 *     on disk) in its own process and seeds it through the API: ~175 employees (CSV import), a
 *     conversation in rating with a report, one in sharing. Everyone signs in with the local
 *     issuer's dev login, as the browser tests do, and every request carries that bearer token.
 *  2. Unloaded: one connection, one request at a time: the baseline p95, and a recording of the
 *     DynamoDB calls the mix makes.
 *  3. Sustainable rate: closed loop at the gate's in-flight limit (the server is never idle and
 *     never sheds): what it serves per second.
 *  4. Steps of offered load at 0.5×, 1×, 2×, 3×, 4× that rate, open loop: per step offered,
 *     served and shed rate, latency of served and refused requests, time-outs.
 *  5. Every acknowledged write (rating PUT 2xx, share 201) is read back from the table.
 *  6. The recorded DynamoDB calls replayed straight against DynamoDB Local at the same
 *     concurrency: the raw rate, so the API's share of the cost is one ratio.
 *
 * The mix, per request: 10% report (GET, leaders and facilitators), 15% share (POST with an
 * Idempotency-Key), 75% rating: a PUT for the next thought of the person's batch, or a GET of a
 * new batch when they have none left. A refused PUT goes back to the person's list (a client
 * retries it, docs/operations.md); a refused share is not retried.
 */
import { type ChildProcess, fork } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { loadavg, setPriority, tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import * as lib from "@aws-sdk/lib-dynamodb";
import autocannon from "autocannon";
import { createDocumentClient } from "../functions/db/client.js";
import { defaultAdmissionLimits } from "../functions/lib/admission.js";
import { freePort } from "../functions/local/dynamo-local.js";
import { directoryCsv, inParallel, thoughtTexts } from "./load-fixtures.js";
import type {
  AcknowledgedRating,
  AcknowledgedShare,
  FromServer,
  RecordedCall,
  ServerTimings,
  ToServer,
} from "./load-server.js";
import { type Kind, ms, percentile, type RunResult, type Sample, summarise } from "./load-stats.js";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
/** `--verbose`: seeding milestones and the first few unexpected 4xx/5xx answers on stderr. */
const verbose = args.includes("--verbose");
const flag = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : undefined;
};
const limits = {
  maxInFlight: flag("--in-flight") ?? defaultAdmissionLimits.maxInFlight,
  maxQueued: flag("--queue") ?? defaultAdmissionLimits.maxQueued,
  maxQueueMs: flag("--queue-ms") ?? defaultAdmissionLimits.maxQueueMs,
};
/** `--cpu-prof DIR`: the server process writes a V8 CPU profile there when it stops. */
const cpuProfileDir = args.includes("--cpu-prof") ? args[args.indexOf("--cpu-prof") + 1] : undefined;
const seconds = quick
  ? { unloaded: 4, sustained: 5, step: 6, raw: 4, pause: 1 }
  : { unloaded: 8, sustained: 10, step: 14, raw: 8, pause: 2 };
const multipliers = [0.5, 1, 2, 3, 4];
/** A request not answered within this is a time-out (the issue's runs saw 20 s waits). */
const timeoutSeconds = 10;
const extraPeople = 150;
const thoughtText = thoughtTexts();
const seededThoughts = quick ? 80 : 120;

const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(" ");

// ── The server ────────────────────────────────────────────────────────────────────────────────

const dataDir = mkdtempSync(join(tmpdir(), "groundswell-load-"));
const port = await freePort();
const child: ChildProcess = fork(new URL("./load-server.ts", import.meta.url), [], {
  execArgv: ["--import", "tsx", ...(cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${cpuProfileDir}`] : [])],
  env: {
    ...process.env,
    PORT: String(port),
    GROUNDSWELL_DATA_DIR: dataDir,
    ADMISSION_MAX_IN_FLIGHT: String(limits.maxInFlight),
    ADMISSION_MAX_QUEUED: String(limits.maxQueued),
    ADMISSION_MAX_QUEUE_MS: String(limits.maxQueueMs),
  },
  // Request logs go where npm start's go (stdout), here to nowhere: writing them is part of the cost.
  stdio: ["ignore", "ignore", "inherit", "ipc"],
  serialization: "advanced",
});
/**
 * The load generator shares the two cores with the server it loads; a real client has its own CPU.
 * Raised priority (best effort: it needs the right to) keeps its reading of answers prompt when the
 * server saturates the cores, so the latencies it prints are the server's, not its own queueing
 * for CPU. Raised after the fork, so the server and DynamoDB Local keep
 * their normal priority.
 */
const generatorPriority = (() => {
  try {
    setPriority(-5);
    return "raised (nice -5)";
  } catch {
    return "normal (could not raise it)";
  }
})();

const replies: ((message: FromServer) => void)[] = [];
child.on("message", (message: FromServer) => replies.shift()?.(message));
const ask = <T extends FromServer["type"]>(message: ToServer | undefined, type: T) =>
  new Promise<Extract<FromServer, { type: T }>>((resolve, reject) => {
    replies.push((reply) =>
      reply.type === type
        ? resolve(reply as Extract<FromServer, { type: T }>)
        : reject(new Error(reply.type === "failed" ? reply.message : `unexpected ${reply.type}`)),
    );
    if (message) child.send(message);
  });
// A driver that fails (a seeding request refused too often) must not leave its server running.
process.once("exit", () => {
  if (!stopping) child.kill();
});
child.once("exit", (code) => {
  if (code !== 0 && !stopping) {
    console.error(`The server exited (${code}).`);
    process.exit(1);
  }
});
let stopping = false;
const started = performance.now();
const server = await ask(undefined, "ready");
const base = server.url;

/** CPU seconds of the server process and of its DynamoDB Local JVM (Linux /proc; 0 elsewhere). */
function cpuSeconds(): { api: number; dynamo: number } {
  const ticks = (pid: number) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      return (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return 0;
    }
  };
  let java = 0;
  try {
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (stat.includes("(java)") && stat.split(") ")[1]!.split(" ")[1] === String(child.pid))
        java = Number(entry);
    }
  } catch {
    // not Linux
  }
  return { api: ticks(child.pid!), dynamo: java ? ticks(java) : 0 };
}

// ── Seeding through the API ───────────────────────────────────────────────────────────────────

async function api(method: string, path: string, token: string | undefined, body?: unknown, type?: string) {
  const headers: Record<string, string> = {
    ...(token && { authorization: `Bearer ${token}` }),
    ...(body !== undefined && { "content-type": type ?? "application/json" }),
    ...(method === "POST" && { "idempotency-key": randomUUID() }),
  };
  for (let attempt = 0; ; attempt++) {
    const reply = await fetch(base + path, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await reply.text();
    // Seeding runs through the same gate (and sends only as many at once as it runs): a refused
    // request is retried, as any client does.
    if (reply.status === 503 && attempt < 30) {
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 300));
      continue;
    }
    if (reply.status >= 300) throw new Error(`${method} ${path}: ${reply.status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : undefined;
  }
}

const login = async (email: string) =>
  (await api("POST", "/api/auth/dev/login", undefined, { email })) as {
    token: string;
    person: { id: string; email: string; role: string };
  };
const stamp = (what: string) =>
  verbose && console.error(`${((performance.now() - started) / 1000).toFixed(1)} s ${what}`);
stamp("server up");
const admin = await login("admin@example.com");
await api("POST", "/api/directory/import", admin.token, directoryCsv(extraPeople), "text/csv");
const { people } = (await api("GET", "/api/auth/dev/people", undefined)) as {
  people: { email: string; role: string }[];
};
interface User {
  readonly email: string;
  readonly userId: string;
  readonly token: string;
  /** Thoughts of the person's batches not yet rated, and every one ever queued. */
  readonly toRate: string[];
  readonly known: Set<string>;
  /** Their last batch held nothing new: they have seen every thought. */
  exhausted: boolean;
}
const users: User[] = [];
await inParallel(
  people.filter((p) => p.role === "employee"),
  limits.maxInFlight,
  async (p) => {
    const { token, person } = await login(p.email);
    users.push({ email: p.email, userId: person.id, token, toRate: [], known: new Set(), exhausted: false });
  },
);
stamp("signed in");
const facilitator = (await login("facilitator@example.com")).token;
const staff = [facilitator, (await login("leader@example.com")).token];

const settings = { maxThoughtsPerPerson: 50 };
const rating = (
  await api("POST", "/api/conversations", facilitator, {
    template: "strategy-input",
    title: "Load: rating",
    settings,
  })
).id as string;
await api("POST", `/api/conversations/${rating}/transition`, facilitator, { to: "sharing" });
await inParallel(
  Array.from({ length: seededThoughts }, (_, i) => i),
  limits.maxInFlight,
  async (i) => {
    await api("POST", `/api/conversations/${rating}/thoughts`, users[i % users.length]!.token, {
      text: thoughtText(),
    });
  },
);
stamp("shared");
await api("POST", `/api/conversations/${rating}/transition`, facilitator, { to: "rating" });
const sharing = (
  await api("POST", "/api/conversations", facilitator, {
    template: "strategy-input",
    title: "Load: sharing",
    settings,
  })
).id as string;
await api("POST", `/api/conversations/${sharing}/transition`, facilitator, { to: "sharing" });
stamp("theme run");
const run = (await api("POST", `/api/conversations/${rating}/theme-runs`, facilitator)) as { jobId: string };
for (;;) {
  const job = (await api("GET", `/api/jobs/${run.jobId}`, facilitator)) as { state: string };
  if (job.state === "succeeded") break;
  if (job.state === "failed") throw new Error("the seeding theme run failed");
  await new Promise((r) => setTimeout(r, 250));
}
console.log(
  `Seeded in ${((performance.now() - started) / 1000).toFixed(1)} s: ${users.length} employees, ` +
    `${seededThoughts} thoughts in rating with a report, a conversation in sharing. ` +
    `Admission: ${limits.maxInFlight} in flight, up to ${limits.maxQueued} queued while the expected wait is at most ` +
    `${limits.maxQueueMs} ms. Load generator priority: ${generatorPriority}. Load average ${load()}.`,
);

// ── The traffic ───────────────────────────────────────────────────────────────────────────────

interface Pending {
  readonly kind: Kind;
  readonly user?: User;
  readonly thoughtId?: string;
  readonly stars?: number;
  readonly text?: string;
}

const acknowledgedRatings = new Map<string, AcknowledgedRating>();
const acknowledgedShares: AcknowledgedShare[] = [];
let nextUser = 0;
/** People holding thoughts to rate, in the order they get to rate their next one. */
const ready: User[] = [];
const queue = (user: User, thoughtIds: string[]) => {
  if (thoughtIds.length === 0) return;
  if (user.toRate.length === 0) ready.push(user);
  user.toRate.push(...thoughtIds);
};
let sent = 0;
/** The request whose response autocannon is about to report: onResponse and the tracker's
 * `response` event run back to back for the same client, so one slot is enough. */
let answered: { kind: Kind; refused: boolean } | undefined;
let samples: Sample[] = [];
let debugShown = 0;

const starsFor = (user: User, thoughtId: string) =>
  1 + (createHash("sha256").update(`${user.userId}:${thoughtId}`).digest()[0]! % 5);

function nextRequest(request: autocannon.Request, context: { pending?: Pending }): autocannon.Request {
  sent++;
  const roll = Math.random();
  if (roll < 0.1) {
    context.pending = { kind: "report" };
    return {
      ...request,
      method: "GET",
      path: `/api/conversations/${rating}/report`,
      headers: { authorization: `Bearer ${staff[sent % staff.length]}` },
    };
  }
  if (roll < 0.25) {
    const user = users[nextUser++ % users.length]!;
    const text = thoughtText();
    context.pending = { kind: "share", user, text };
    return {
      ...request,
      method: "POST",
      path: `/api/conversations/${sharing}/thoughts`,
      headers: {
        authorization: `Bearer ${user.token}`,
        "content-type": "application/json",
        "idempotency-key": randomUUID(),
      },
      body: JSON.stringify({ text }),
    };
  }
  // People rate the thoughts of the batch they hold, one at a time; the queue rotates over them.
  const rater = ready.shift();
  if (rater) {
    const thoughtId = rater.toRate.shift()!;
    if (rater.toRate.length > 0) ready.push(rater);
    const stars = starsFor(rater, thoughtId);
    context.pending = { kind: "rate", user: rater, thoughtId, stars };
    return {
      ...request,
      method: "PUT",
      path: `/api/conversations/${rating}/ratings/${thoughtId}`,
      headers: { authorization: `Bearer ${rater.token}`, "content-type": "application/json" },
      body: JSON.stringify({ stars }),
    };
  }
  // Someone without a batch asks for one (people who have rated everything come last).
  let user = users[nextUser++ % users.length]!;
  for (let tries = 0; tries < users.length && (user.exhausted || user.toRate.length > 0); tries++)
    user = users[nextUser++ % users.length]!;
  context.pending = { kind: "batch", user };
  return {
    ...request,
    method: "GET",
    path: `/api/conversations/${rating}/rating-batch`,
    headers: { authorization: `Bearer ${user.token}` },
  };
}

function onResponse(status: number, body: string, context: { pending?: Pending }) {
  const pending = context.pending!;
  const refused = status === 503 && body.includes("server-busy");
  if (verbose && status >= 400 && !refused && debugShown++ < 5)
    console.error(`${pending.kind} ${status} ${body.slice(0, 300)}`);
  answered = { kind: pending.kind, refused };
  const { user } = pending;
  if (pending.kind === "rate" && user) {
    if (status >= 200 && status < 300) {
      acknowledgedRatings.set(`${user.userId} ${pending.thoughtId}`, {
        conversationId: rating,
        userId: user.userId,
        thoughtId: pending.thoughtId!,
        stars: pending.stars!,
      });
    } else if (status === 503) queue(user, [pending.thoughtId!]);
  } else if (pending.kind === "batch" && user && status === 200) {
    const fresh = (JSON.parse(body) as { thoughts: { id: string }[] }).thoughts
      .map((t) => t.id)
      .filter((id) => !user.known.has(id));
    for (const id of fresh) user.known.add(id);
    if (fresh.length === 0) user.exhausted = true;
    queue(user, fresh);
  } else if (pending.kind === "share" && status === 201) {
    acknowledgedShares.push({ conversationId: sharing, thoughtId: JSON.parse(body).id, text: pending.text! });
  }
}

/** One autocannon instance; `rate` undefined = closed loop (each connection sends on its answer). */
function cannon(options: { connections: number; seconds: number; rate?: number }) {
  return new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: base,
        connections: options.connections,
        duration: options.seconds,
        timeout: timeoutSeconds,
        ...(options.rate && { overallRate: options.rate }),
        requests: [
          {
            setupRequest: (request, context) => nextRequest(request, context as { pending?: Pending }),
            onResponse: (status, body, context) => onResponse(status, body, context as { pending?: Pending }),
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    instance.on("response", (_client, status, _bytes, responseTime) => {
      const a = answered;
      answered = undefined;
      if (a) samples.push({ kind: a.kind, status, refused: a.refused, ms: responseTime });
    });
  });
}

/**
 * Open loop at `rate` requests per second. autocannon's rate limit sends each connection's
 * quota at the start of its second, so every connection of one instance fires together; the
 * rate is split over 20 instances started 50 ms apart, which turns one burst a second into
 * small bursts every 50 ms (closer to people clicking independently).
 */
async function offer(rate: number, duration: number): Promise<RunResult> {
  const slices = Math.min(20, rate);
  const shares = Array.from(
    { length: slices },
    (_, i) => Math.floor(rate / slices) + (i < rate % slices ? 1 : 0),
  );
  return measure(duration, async () => {
    const results = await Promise.all(
      shares.map(
        (share, i) =>
          new Promise<autocannon.Result>((resolve, reject) =>
            setTimeout(
              () => cannon({ connections: share, rate: share, seconds: duration }).then(resolve, reject),
              (i * 1000) / slices,
            ),
          ),
      ),
    );
    return results;
  });
}

async function measure(duration: number, run: () => Promise<autocannon.Result[]>): Promise<RunResult> {
  samples = [];
  const sentBefore = sent;
  const results = await run();
  return {
    samples,
    sent: sent - sentBefore,
    timeouts: results.reduce((s, r) => s + r.timeouts, 0),
    errors: results.reduce((s, r) => s + r.errors - r.timeouts, 0),
    seconds: duration,
  };
}

// ── 2. Unloaded, recording the calls ─────────────────────────────────────────────────────────

// Warm-up: the first requests of each route pay module and JIT costs.
await measure(2, async () => [await cannon({ connections: 1, seconds: 2 })]);
child.send({ type: "record", on: true } satisfies ToServer);
const unloadedRun = await measure(seconds.unloaded, async () => [
  await cannon({ connections: 1, seconds: seconds.unloaded }),
]);
const { calls: recorded } = await ask({ type: "record", on: false }, "recorded");
const unloaded = summarise(unloadedRun);
const callsPerRequest = recorded.length / unloadedRun.samples.length;

// ── 3. The sustainable rate ──────────────────────────────────────────────────────────────────

await pause();
const cpuBefore = cpuSeconds();
const sustainedRun = await measure(seconds.sustained, async () => [
  await cannon({ connections: limits.maxInFlight, seconds: seconds.sustained }),
]);
const cpuAfter = cpuSeconds();
const sustained = summarise(sustainedRun);
const sustainable = Math.max(1, Math.floor(sustained.served));
const servedCount = sustainedRun.samples.filter((s) => !s.refused).length;

console.log(
  `\nUnloaded (1 connection, ${seconds.unloaded} s) and saturated (${limits.maxInFlight} connections, closed loop, ${seconds.sustained} s)`,
);
console.table([
  {
    run: "unloaded",
    "req/s": Number(unloaded.served.toFixed(1)),
    "p50 ms": ms(unloaded.p50),
    "p95 ms": ms(unloaded.p95),
    "p99 ms": ms(unloaded.p99),
    "p95 batch/rate/share/report": Object.values(unloaded.byKind).map(ms).join(" / "),
  },
  {
    run: "saturated",
    "req/s": Number(sustained.served.toFixed(1)),
    "p50 ms": ms(sustained.p50),
    "p95 ms": ms(sustained.p95),
    "p99 ms": ms(sustained.p99),
    "p95 batch/rate/share/report": Object.values(sustained.byKind).map(ms).join(" / "),
  },
]);
const apiCpuMs = ((cpuAfter.api - cpuBefore.api) * 1000) / servedCount;
const dynamoCpuMs = ((cpuAfter.dynamo - cpuBefore.dynamo) * 1000) / servedCount;
console.log(
  `Sustainable rate: ${sustainable} req/s. CPU per served request: API process ${apiCpuMs.toFixed(2)} ms, ` +
    `DynamoDB Local ${dynamoCpuMs.toFixed(2)} ms (${((100 * apiCpuMs) / (apiCpuMs + dynamoCpuMs)).toFixed(0)}% in the API). ` +
    `DynamoDB calls per request of this mix: ${callsPerRequest.toFixed(2)}. Load average ${load()}.`,
);

// ── 4. The steps ─────────────────────────────────────────────────────────────────────────────

/** This process's own event-loop delay: a late callback here is a late reading of an answer. */
const generatorLag = monitorEventLoopDelay({ resolution: 5 });
generatorLag.enable();
const steps: {
  multiplier: number;
  target: number;
  result: ReturnType<typeof summarise>;
  server: ServerTimings;
  /** The gate's totals at the step's start. */
  before: ServerTimings;
  generatorLag: { p99: number; max: number };
}[] = [];
for (const multiplier of multipliers) {
  await pause();
  const target = Math.max(1, Math.round(multiplier * sustainable));
  const before = await ask({ type: "timings" }, "timings"); // resets the server's figures
  generatorLag.reset();
  const result = summarise(await offer(target, seconds.step));
  const lagSeen = { p99: generatorLag.percentile(99) / 1e6, max: generatorLag.max / 1e6 };
  steps.push({
    multiplier,
    target,
    result,
    server: await ask({ type: "timings" }, "timings"),
    before,
    generatorLag: lagSeen,
  });
}
/** Served rate as a share of what the closed loop showed the server can serve. */
const goodput = (r: ReturnType<typeof summarise>) => r.served / sustainable;
console.log(
  `\nOffered load in steps of ${seconds.step} s (open loop; time-out ${timeoutSeconds} s). Load average ${load()}.`,
);
console.table(
  steps.map(({ multiplier, target, result: r }) => ({
    step: `${multiplier}×`,
    "target req/s": target,
    "offered req/s": Number(r.offered.toFixed(1)),
    "served req/s": Number(r.served.toFixed(1)),
    "shed req/s (503)": Number(r.shed.toFixed(1)),
    "shed %": Number((100 * r.shedShare).toFixed(1)),
    "goodput (÷ sustainable)": goodput(r).toFixed(2),
    "served p50/p95/p99 ms": `${ms(r.p50)} / ${ms(r.p95)} / ${ms(r.p99)}`,
    "refused p95/max ms": `${ms(r.refusedP95)} / ${ms(r.refusedMax)}`,
    "time-outs": r.timeouts,
    "other errors": r.errors + r.failed,
    "4xx": r.rejected,
  })),
);

console.log(
  "\nWhere a refusal's time goes: as the load generator saw it, as the server saw it (Node's parsing of " +
    "the request to the end of the answer), and how late each process's ready callbacks ran " +
    "(event-loop delay; both processes share the two cores with DynamoDB Local).",
);
console.table(
  steps.map(({ multiplier, result: r, server, generatorLag: g }) => {
    const refused = [...server.refusedMs].sort((a, b) => a - b);
    const served = [...server.servedMs].sort((a, b) => a - b);
    return {
      step: `${multiplier}×`,
      "refused p95/max ms (client)": `${ms(r.refusedP95)} / ${ms(r.refusedMax)}`,
      "over 50 ms (client)": r.refusedOver50,
      "refused p95/max ms (server)": `${ms(percentile(refused, 0.95))} / ${ms(refused.at(-1) ?? Number.NaN)}`,
      "over 50 ms (server)": refused.filter((x) => x > 50).length,
      "served p95 ms (server)": ms(percentile(served, 0.95)),
      "server lag p99/max ms": `${ms(server.lagP99)} / ${ms(server.lagMax)}`,
      "generator lag p99/max ms": `${ms(g.p99)} / ${ms(g.max)}`,
    };
  }),
);

console.log(
  "\nThe gate, as the server counted it: refusals on arrival (the expected wait was too long) and after " +
    "waiting (no slot came within the wait; the estimate was wrong), how busy its slots were, and how " +
    "long a request held one (what the expected wait is made of).",
);
console.table(
  steps.map(({ multiplier, server, before }) => {
    const admitted = server.gate.admitted - before.gate.admitted;
    const refused = server.gate.refused - before.gate.refused;
    const waiting = server.gate.refusedWaiting - before.gate.refusedWaiting;
    const busy = (server.gate.heldMs - before.gate.heldMs) / (limits.maxInFlight * (server.at - before.at));
    return {
      step: `${multiplier}×`,
      admitted,
      "refused on arrival": refused - waiting,
      "refused after waiting": waiting,
      "slots busy %": Number((100 * busy).toFixed(0)),
      "slot time ms, mean": ms((server.gate.heldMs - before.gate.heldMs) / admitted),
    };
  }),
);

// ── 5. Acknowledged writes ───────────────────────────────────────────────────────────────────

await pause();
const checked = await ask(
  { type: "check", ratings: [...acknowledgedRatings.values()], shares: acknowledgedShares },
  "checked",
);
const writesPresent = checked.missingRatings + checked.wrongRatings + checked.missingShares === 0;
console.log(
  `\nAcknowledged writes read back from the table: ${acknowledgedRatings.size} ratings ` +
    `(${checked.missingRatings} missing, ${checked.wrongRatings} with other stars), ` +
    `${acknowledgedShares.length} shares (${checked.missingShares} missing).` +
    (checked.examples.length ? `\n  ${checked.examples.join("\n  ")}` : ""),
);

// ── 6. Raw DynamoDB Local ────────────────────────────────────────────────────────────────────

const raw = await replay(recorded, limits.maxInFlight, seconds.raw);
const rawRequests = raw.callsPerSecond / callsPerRequest;
console.log(
  `\nRaw DynamoDB Local, the ${recorded.length} calls of the unloaded run replayed at ${limits.maxInFlight} at a time ` +
    `for ${seconds.raw} s: ${raw.callsPerSecond.toFixed(0)} calls/s = ${rawRequests.toFixed(1)} requests/s of this mix ` +
    `(${raw.failed} calls failed, conditions mostly: a replayed write finds its own earlier state).` +
    `\n  API sustained / raw DynamoDB Local: ${(sustained.served / rawRequests).toFixed(2)} ` +
    (sustained.served < rawRequests
      ? `(the API costs ${(100 * (1 - sustained.served / rawRequests)).toFixed(0)}% of the throughput).`
      : "(the raw replay is no faster: DynamoDB Local is what limits this mix)."),
);

// ── Done-when bars ───────────────────────────────────────────────────────────────────────────

const bar = (ok: boolean, text: string) => console.log(`  ${ok ? "MET    " : "NOT MET"}  ${text}`);
console.log(`\nDone when (issue 11), at 2× and 4× the sustainable rate (${sustainable} req/s):`);
for (const m of [2, 4]) {
  const r = steps.find((s) => s.multiplier === m)!.result;
  bar(r.timeouts === 0, `${m}×: 0 time-outs (${r.timeouts})`);
  bar(
    r.refusedOver50 === 0 && r.errors + r.failed === 0,
    `${m}×: every refused request a 503 within 50 ms (${r.refusedOver50} over 50 ms, max ${ms(r.refusedMax)} ms; ${r.errors + r.failed} other errors)`,
  );
  bar(
    r.p95 <= 2 * unloaded.p95,
    `${m}×: served p95 ${ms(r.p95)} ms ≤ 2 × unloaded p95 ${ms(unloaded.p95)} ms (${(r.p95 / unloaded.p95).toFixed(2)}×)`,
  );
}
bar(writesPresent, "every acknowledged write present afterwards");
// A figure, not a bar: how much of what the server can serve it still serves when offered more.
console.log(
  `  FIGURE   goodput, served ÷ sustainable rate, at ${steps
    .filter((s) => s.multiplier >= 1)
    .map((s) => `${s.multiplier}×: ${goodput(s.result).toFixed(2)}`)
    .join(", ")} (aim ≥ 0.8)`,
);
console.log(`Total ${((performance.now() - started) / 1000).toFixed(0)} s. Load average ${load()}.`);

stopping = true;
child.send({ type: "stop" } satisfies ToServer);
await new Promise((r) => child.once("exit", r));
rmSync(dataDir, { recursive: true, force: true });

function pause() {
  return new Promise((r) => setTimeout(r, seconds.pause * 1000));
}

/** Sends the recorded calls again, in order and round after round, `width` at a time. */
async function replay(calls: readonly RecordedCall[], width: number, duration: number) {
  const doc = createDocumentClient({ endpoint: server.dynamoEndpoint, region: "us-east-1" });
  const commands = lib as unknown as Record<string, new (input: unknown) => object>;
  const runnable = calls.filter((c) => commands[c.name]);
  let next = 0;
  let done = 0;
  let failed = 0;
  const until = performance.now() + duration * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (performance.now() < until) {
        const call = runnable[next++ % runnable.length]!;
        try {
          await doc.send(new commands[call.name]!(structuredClone(call.input)) as never);
        } catch {
          failed++;
        }
        done++;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  doc.destroy();
  return { callsPerSecond: done / elapsed, failed };
}
