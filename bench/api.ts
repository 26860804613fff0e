/**
 * `npm run bench`: what the API costs. Prints tables, asserts nothing.
 *  1. DynamoDB calls and capacity units of one share, one rating batch and one rating
 *     (ReturnConsumedCapacity against DynamoDB Local, which reports the same units as DynamoDB).
 *  2. API overhead on loopback: wall time of HTTP requests as a ratio to the time spent in the
 *     DynamoDB calls those same requests made.
 *  3. The report over 10,000 thoughts and 250,000 ratings, offline themes included.
 *  4. Every Lambda bundle (API, worker, scheduler, mail): size, the largest parts, and cold init
 *     time as a ratio to a handler that only loads the AWS SDK; for the API also a cold start up
 *     to its first response (import, services, app, one request); the lazy chunks split off at
 *     dynamic imports, with their size and what loading one costs its first caller.
 *  5. The web app's first-load JavaScript.
 */

import { execFile, execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { loadavg } from "node:os";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { serve } from "@hono/node-server";
import type { Metafile } from "esbuild";
import { ORIGIN_VERIFY_HEADER } from "../functions/api/origin.js";
import { createApp } from "../functions/app.js";
import { createLocalIssuer, generateSigningKey } from "../functions/auth/local-issuer.js";
import { createDocumentClient } from "../functions/db/client.js";
import { ensureTable } from "../functions/db/create-table.js";
import { memoryLogger } from "../functions/lib/logger.js";
import { freePort, startDynamoLocal } from "../functions/local/dynamo-local.js";
import { starterDirectory } from "../functions/local/starter-directory.js";
import { DirectoryRepository } from "../functions/repositories/directory.js";
import { RoundRepository } from "../functions/repositories/rounds.js";
import { offlineThemeEngine } from "../functions/themes/select.js";
import { inProcessThemeRuns } from "../functions/workers/theme-run.js";
import { bundleLambda, lambdaEntries } from "../infra/bundle.js";
import { httpApiEvent } from "../test/helpers/aws-events.js";
import { fakeSecretsExtension } from "../test/helpers/fake-secrets-extension.js";
import { coveredMs, instrument } from "./instrument.js";

const table = (rows: Record<string, string | number>[]) => console.table(rows);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function apiCosts() {
  const dynamo = await startDynamoLocal();
  const raw = createDocumentClient({ endpoint: dynamo.endpoint, region: "us-east-1" });
  const tableName = "bench";
  await ensureTable(raw, tableName);
  const people = await new DirectoryRepository({ doc: raw, tableName }).putMany(starterDirectory);
  const { doc, calls } = instrument(raw);
  const issuer = await createLocalIssuer(await generateSigningKey(), "http://localhost/local-issuer");
  const app = createApp({
    db: { doc, tableName },
    verifier: { keys: issuer.verifierKeys(), issuer: issuer.issuer, audience: issuer.audience },
    authorKeySecret: randomUUID(),
    localIssuer: issuer,
    logger: memoryLogger(),
    themeEngine: offlineThemeEngine,
    queue: inProcessThemeRuns,
  });
  const port = await freePort();
  const server = serve({ fetch: app.fetch, port, hostname: "127.0.0.1" });
  const base = `http://127.0.0.1:${port}`;
  const tokens = new Map(
    await Promise.all(people.map(async (p) => [p.email, await issuer.sign(p)] as const)),
  );
  const send = async (method: string, path: string, as: string, body?: unknown) => {
    const response = await fetch(base + path, {
      method,
      headers: {
        authorization: `Bearer ${tokens.get(as)}`,
        "content-type": "application/json",
        ...(method === "POST" && { "idempotency-key": randomUUID() }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown> & { id?: string };
    if (response.status >= 300)
      throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  const measure = async <T>(label: string, run: () => Promise<T>) => {
    const before = calls.length;
    const started = performance.now();
    const result = await run();
    const wall = performance.now() - started;
    const made = calls.slice(before);
    return { label, result, wall, made };
  };

  const facilitator = "facilitator@example.com";
  const employees = starterDirectory.filter((p) => p.role === "employee").map((p) => p.email);
  const conversation = await send("POST", "/api/conversations", facilitator, { template: "strategy-input" });
  await send("POST", `/api/conversations/${conversation.id}/transition`, facilitator, { to: "sharing" });

  const samples: Awaited<ReturnType<typeof measure>>[] = [];
  // Every employee shares twice: the first share includes joining, the second is the steady state.
  for (const [round, label] of ["share (first, joins)", "share"].entries()) {
    for (const email of employees) {
      samples.push(
        await measure(label, () =>
          send("POST", `/api/conversations/${conversation.id}/thoughts`, email, {
            text: `Round ${round}: ${email.split("@")[0]} thinks we should focus on fewer, bigger bets next year.`,
          }),
        ),
      );
    }
  }
  // The scheduler's release round puts the shared thoughts into the rating pool (DESIGN §3.7);
  // cut here on the uninstrumented client, so its calls are not counted against any request.
  const rounds = new RoundRepository({ doc: raw, tableName });
  await rounds.release(String(conversation.id), (await rounds.state(String(conversation.id))).waiting);
  for (const email of employees) {
    const batch = await measure("rating batch (10)", () =>
      send("GET", `/api/conversations/${conversation.id}/rating-batch`, email),
    );
    samples.push(batch);
    for (const thought of (batch.result as { thoughts: { id: string }[] }).thoughts) {
      samples.push(
        await measure("rating", () =>
          send("PUT", `/api/conversations/${conversation.id}/ratings/${thought.id}`, email, { stars: 4 }),
        ),
      );
    }
  }

  const byLabel = new Map<string, typeof samples>();
  for (const sample of samples) byLabel.set(sample.label, [...(byLabel.get(sample.label) ?? []), sample]);
  console.log("\nDynamoDB cost per request (median over the samples; capacity = RCU + WCU as reported)");
  table(
    [...byLabel].map(([label, runs]) => ({
      request: label,
      samples: runs.length,
      "DynamoDB calls": median(runs.map((r) => r.made.length)),
      "capacity units": Number(
        median(runs.map((r) => r.made.reduce((s, c) => s + c.capacity, 0))).toFixed(1),
      ),
      calls: [...new Set(runs[0]!.made.map((c) => c.command))].join(", "),
    })),
  );
  const wall = samples.reduce((s, r) => s + r.wall, 0);
  const inDb = samples.reduce((s, r) => s + coveredMs(r.made), 0);
  console.log("\nAPI overhead on loopback against DynamoDB Local");
  table([
    {
      requests: samples.length,
      "wall ms (sum)": Math.round(wall),
      "DynamoDB ms (sum, parallel calls once)": Math.round(inDb),
      "ratio wall / DynamoDB": Number((wall / inDb).toFixed(2)),
      "median request ms": Number(median(samples.map((s) => s.wall)).toFixed(1)),
    },
  ]);
  server.close();
  raw.destroy();
  await dynamo.stop();
}

/** Bytes of some output files by what they come from: an npm package, or a folder of our code. */
function contributors(metafile: Metafile, files: readonly string[], top = 8) {
  const outputs = Object.entries(metafile.outputs).filter(([path]) => files.includes(resolve(path)));
  const bySource = new Map<string, number>();
  const inputs = outputs.flatMap(([, output]) => Object.entries(output.inputs));
  for (const [input, { bytesInOutput }] of inputs) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
    const key = pkg ?? input.split("/").slice(0, 2).join("/");
    bySource.set(key, (bySource.get(key) ?? 0) + bytesInOutput);
  }
  return [...bySource]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, bytes]) => `${key} ${Math.round(bytes / 1024)}`)
    .join(", ");
}

/** Milliseconds of a cold import: wall time, and CPU time of the importing process. */
interface Cost {
  readonly wall: number;
  readonly cpu: number;
}

/** The secret the bench's cold starts read, through the fake extension. */
const benchSecretArn = "arn:aws:secretsmanager:us-east-1:000000000000:secret:bench";

/**
 * Answers DynamoDB's GetItem (no item) on loopback, and the Parameters and Secrets extension's
 * secret read on localhost (the tests' fake, test/helpers/fake-secrets-extension.ts): a cold API
 * start fetches the author-key secret before its first response, and the SDK-only reference
 * makes one GetItem, so both first responses include their calls and are measured whole.
 */
async function awsStub() {
  const dynamo = createServer((request, response) => {
    request.resume().on("end", () => {
      response.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
      response.end("{}");
    });
  });
  const extension = await fakeSecretsExtension({
    token: "bench",
    secrets: { [benchSecretArn]: randomUUID() },
  });
  await new Promise<void>((done) => dynamo.listen(0, "127.0.0.1", done));
  return {
    endpoint: `http://127.0.0.1:${(dynamo.address() as { port: number }).port}`,
    extensionPort: String(extension.port),
    close: () => {
      dynamo.close();
      void extension.close();
    },
  };
}

const run = promisify(execFile);

async function lambdaBundles() {
  // Inside the project, so a bundle resolves the AWS SDK from node_modules as Lambda's runtime would.
  const cache = join("node_modules", ".cache");
  mkdirSync(cache, { recursive: true });
  const out = resolve(mkdtempSync(join(cache, "groundswell-bundle-")));
  const aws = await awsStub();
  try {
    // The environment the stack gives the functions (CONTRACTS.md): some read it at import.
    const lambdaEnv = {
      ...process.env,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "bench",
      AWS_SECRET_ACCESS_KEY: "bench",
      AWS_SESSION_TOKEN: "bench",
      PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: aws.extensionPort,
      AWS_ENDPOINT_URL_DYNAMODB: aws.endpoint,
      TABLE_NAME: "bench",
      JWT_ISSUER: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_bench",
      JWT_AUDIENCE: "bench",
      JWKS_URL: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_bench/.well-known/jwks.json",
      AUTHOR_KEY_SECRET_ARN: benchSecretArn,
      THEME_JOB_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/000000000000/bench-themes",
      MAIL_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/000000000000/bench-mail",
      MAIL_FROM: "groundswell@example.com",
      MAIL_CONFIGURATION_SET: "bench",
      MAIL_SEND_INTERVAL_MS: "100",
      APP_URL: "https://groundswell.example.com",
      ORIGIN_VERIFY: "bench",
      USER_POOL_ID: "us-east-1_bench",
      POWERTOOLS_SERVICE_NAME: "bench",
    };
    /** What CloudFront forwards for GET /api/health: public, so it needs no token or table. */
    const healthEvent = httpApiEvent("GET", "/api/health", { headers: { [ORIGIN_VERIFY_HEADER]: "bench" } });
    type ColdOptions = { chunks?: readonly string[]; invoke?: unknown };
    /**
     * One cold start in a fresh process: wall time and the process's CPU time (CPU time stays
     * honest on a shared machine, where wall time includes waiting for a core). By default the
     * import of `file`; with `chunks`, the import of those chunks right after it (what the first
     * call that needs them pays); with `invoke`, the import and the handler's answer to that event
     * (everything before a cold function's first response).
     */
    const coldStart = async (file: string, options: ColdOptions): Promise<number[]> => {
      const url = (f: string) => JSON.stringify(pathToFileURL(f).href);
      const start = "const c=process.cpuUsage(),t=performance.now();";
      const load = options.chunks
        ? `await import(${url(file)});${start}await Promise.all([${options.chunks.map(url).join(",")}].map((u)=>import(u)));`
        : options.invoke
          ? `${start}const r=await (await import(${url(file)})).handler(${JSON.stringify(options.invoke)},{});` +
            "if(r.statusCode!==200)throw new Error('Error: answered '+r.statusCode+' '+r.body);"
          : `${start}await import(${url(file)});`;
      const script = `${load}const u=process.cpuUsage(c);console.log(performance.now()-t,(u.user+u.system)/1000)`;
      const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
        env: lambdaEnv,
      });
      return stdout.trim().split("\n").at(-1)!.split(" ").map(Number);
    };
    const medians = (runs: number[][]): Cost => ({
      wall: median(runs.map((r) => r[0]!)),
      cpu: median(runs.map((r) => r[1]!)),
    });
    /**
     * Median of 7 cold starts of `file`. With `reference`, 11 cold starts of each taken in turn
     * (reference, then `file`), so both medians see the same moments of a shared machine and the
     * ratio between them does not move with what else ran between two separate series. A bundle
     * that cannot be imported or answers an error gives the first line of its error instead.
     */
    const coldCost = async (
      file: string,
      options: ColdOptions = {},
      reference?: { file: string; options?: ColdOptions },
    ): Promise<(Cost & { reference?: Cost }) | string> => {
      try {
        const runs: number[][] = [];
        const referenceRuns: number[][] = [];
        for (let i = 0; i < (reference ? 11 : 7); i++) {
          if (reference) referenceRuns.push(await coldStart(reference.file, reference.options ?? {}));
          runs.push(await coldStart(file, options));
        }
        return { ...medians(runs), ...(reference && { reference: medians(referenceRuns) }) };
      } catch (error) {
        const stderr = String((error as { stderr?: unknown }).stderr ?? error);
        const reason = stderr.split("\n").find((line) => /Error|error:/.test(line)) ?? stderr.split("\n")[0];
        return `failed: ${reason?.trim().slice(0, 100)}`;
      }
    };
    const required = (cost: Cost | string) => {
      if (typeof cost === "string") throw new Error(`bench: a reference handler did not load (${cost})`);
      return cost;
    };
    const handlerOnly = async (name: string, source: string) => {
      writeFileSync(join(out, `${name}.ts`), source);
      return (await bundleLambda(relative(resolve("."), join(out, `${name}.ts`)), join(out, name))).file;
    };
    // The floor any DynamoDB-backed handler pays: loading the SDK the runtime ships, and for a
    // first response, one GetItem through the document client.
    const sdkOnly = await handlerOnly(
      "sdk-only",
      [
        'import { DynamoDBClient } from "@aws-sdk/client-dynamodb";',
        'import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";',
        "export const handler = async () => {",
        "  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));",
        '  await doc.send(new GetCommand({ TableName: "bench", Key: { pk: "a", sk: "b" } }));',
        "  return { statusCode: 200 };",
        "};",
      ].join("\n"),
    );
    const empty = await handlerOnly("empty", "export const handler = async () => ({ statusCode: 200 });\n");
    const sdkInit = required(await coldCost(sdkOnly));
    const sdkFirst = required(await coldCost(sdkOnly, { invoke: {} }));
    const emptyInit = required(await coldCost(empty));
    /** Against the reference timed in turn with it, else the SDK-only handler's own series. */
    const ratio = (cost: (Cost & { reference?: Cost }) | string, fallback = sdkInit) => {
      if (typeof cost === "string") return "";
      const reference = cost.reference ?? fallback;
      return `${(cost.wall / reference.wall).toFixed(2)}× / ${(cost.cpu / reference.cpu).toFixed(2)}×`;
    };
    const ms = (cost: Cost | string) =>
      typeof cost === "string" ? cost : `${cost.wall.toFixed(0)} / ${cost.cpu.toFixed(0)}`;
    const budgets: Record<string, string> = { api: "≤ 250 KB, first response ≤ 1.3×", scheduler: "≤ 300 KB" };
    const rows = [];
    const pulls: string[] = [];
    const kb = (files: readonly string[]) =>
      Math.round(files.reduce((sum, f) => sum + statSync(f).size, 0) / 1024);
    const gzipKb = (files: readonly string[]) =>
      Math.round(files.reduce((sum, f) => sum + gzipSync(readFileSync(f)).length, 0) / 1024);
    const lazy: Record<string, string | number>[] = [];
    for (const [name, entry] of Object.entries(lambdaEntries)) {
      const { file, initFiles, chunks, metafile } = await bundleLambda(
        entry,
        join(out, name.replace(/\s/g, "-")),
      );
      const init = await coldCost(file, {}, { file: sdkOnly });
      // The API's first event is a request; the other functions' need queues and tables.
      const first =
        name === "api"
          ? await coldCost(file, { invoke: healthEvent }, { file: sdkOnly, options: { invoke: {} } })
          : undefined;
      rows.push({
        function: name,
        "init KB": kb(initFiles),
        "gzip KB": gzipKb(initFiles),
        "init ms (wall / CPU)": ms(init),
        "× SDK-only (wall / CPU)": ratio(init),
        "first response ms": first ? ms(first) : "",
        "first response × SDK-only": first ? ratio(first, sdkFirst) : "",
        "lazy chunks KB": chunks.length ? kb(chunks) : "",
        "deployed KB": kb([...initFiles, ...chunks]),
        "done-when": budgets[name] ?? "",
      });
      pulls.push(`  ${name}: ${contributors(metafile, initFiles)}`);
      // Chunks holding only esbuild's shared helpers are not worth a line; the big ones are.
      for (const chunk of chunks.filter((c) => statSync(c).size > 4096)) {
        const load = await coldCost(file, { chunks: [chunk] });
        lazy.push({
          function: name,
          chunk: relative(out, chunk),
          KB: kb([chunk]),
          "gzip KB": gzipKb([chunk]),
          "first-use load ms (wall / CPU)": ms(load),
          holds: contributors(metafile, [chunk], 3),
        });
      }
    }
    console.log(
      "\nLambda bundles (infra/bundle.ts, as the stack deploys them: minified ESM, AWS SDK external)",
    );
    console.log(
      `  SDK-only handler init ${ms(sdkInit)} ms, first response (one GetItem) ${ms(sdkFirst)} ms, empty handler ${ms(emptyInit)} ms (wall / CPU, median of 7 cold starts; each "× SDK-only" is against the SDK-only handler timed in turn with that bundle, 11 pairs; load average ${loadavg()[0]!.toFixed(1)})`,
    );
    table(rows);
    console.log(
      `"init" is index.mjs and the chunks it imports statically: what a cold start loads. The API's "first response" is a cold start answering GET /api/health: init, its services (the author-key secret fetched), the app built, one request.\nLargest parts of it (KB):\n${pulls.join("\n")}`,
    );
    if (lazy.length) {
      console.log(
        "\nLazy chunks: deployed beside the bundle, imported on first use, not at init " +
          "(load = importing the chunk after the bundle, median of 7)",
      );
      table(lazy);
    }
  } finally {
    aws.close();
    rmSync(out, { recursive: true, force: true });
  }
}

function webFirstLoad() {
  const index = "web/build/index.html";
  if (!existsSync(index)) {
    console.log("\nWeb first load: run `npm run build:web` first.");
    return;
  }
  const html = readFileSync(index, "utf8");
  const scripts = [...html.matchAll(/(?:href|src)="([^"]+\.js)"/g)].map((m) => m[1]!);
  const imports = [...html.matchAll(/import\("([^"]+\.js)"\)/g)].map((m) => m[1]!);
  const files = [...new Set([...scripts, ...imports])].map((f) => join("web/build", f.replace(/^\.?\//, "")));
  const present = files.filter(existsSync);
  const bytes = present.reduce((s, f) => s + statSync(f).size, 0);
  const gz = present.reduce((s, f) => s + gzipSync(readFileSync(f)).length, 0);
  console.log("\nWeb first-load JavaScript (files index.html loads before the first page renders)");
  table([{ files: present.length, KB: Math.round(bytes / 1024), "gzip KB": Math.round(gz / 1024) }]);
}

/** The 10,000-thought report runs in its own process, so its peak memory is its own. */
function reportAtScale() {
  const output = execFileSync(process.execPath, ["--import", "tsx", "bench/report.ts", "--json"], {
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  const result = JSON.parse(output.trim().split("\n").at(-1)!);
  console.log("\nReport at scale: offline themes + rankings + segments (DESIGN §8: within 15 s and 1.5 GB)");
  table([result]);
}

// `npm run bench -- --bundles` runs the bundle section alone.
if (!process.argv.includes("--bundles")) {
  await apiCosts();
  reportAtScale();
}
await lambdaBundles();
webFirstLoad();
