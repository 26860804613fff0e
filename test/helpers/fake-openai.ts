import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local stand-in for the OpenAI HTTP API (POST /v1/embeddings, POST /v1/chat/completions), so the real
 * `openai` client and the real engine run end to end without network or key. By default it is a
 * well-behaved model; `script()` queues misbehaviours for the next calls of an endpoint, and every
 * request body is recorded so tests can assert exactly what left the engine.
 */

export type Misbehaviour =
  | "invented-ids"
  | "altered-quotes"
  | "obey-injection"
  | "malformed-json"
  | "drop-connection"
  /** Never answer: the client's timeout has to fire. */
  | "hang"
  | { status: number; retryAfter?: string };

export type Endpoint = "embeddings" | "chat";

export interface RecordedRequest {
  endpoint: Endpoint | "moderations" | "other";
  path: string;
  authorization: string | undefined;
  /** The parsed JSON body. */
  // biome-ignore lint/suspicious/noExplicitAny: request bodies are free-form JSON; tests read what they need.
  body: any;
  /** The body exactly as received, for substring assertions. */
  raw: string;
}

export interface FakeOpenAi {
  /** Base URL for the client, ending in /v1. */
  baseURL: string;
  requests: RecordedRequest[];
  /** Queues behaviours for the next calls to `endpoint`, one per call, in order. */
  script(endpoint: Endpoint, ...behaviours: Misbehaviour[]): void;
  /** Every call to `endpoint` misbehaves this way until reset (undefined: well-behaved again). */
  always(endpoint: Endpoint, behaviour: Misbehaviour | undefined): void;
  chatRequests(): RecordedRequest[];
  embeddingRequests(): RecordedRequest[];
  reset(): void;
  close(): Promise<void>;
}

const STOP = new Set(
  "the and for our are was were with that this from have has not but all can will would should about into more than they them their there what when which who why how your you its it's too very also just really matter need".split(
    " ",
  ),
);

export function words(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}]{3,}/gu) ?? []).filter((word) => !STOP.has(word));
}

function hash(word: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Hashed bag of words, unit length: texts that share words are near each other. */
export function fakeEmbedding(text: string, dims = 256): number[] {
  const vector = new Array<number>(dims).fill(0);
  for (const word of words(text)) {
    const h = hash(word);
    vector[h % dims]! += h & 0x80000000 ? -1 : 1;
  }
  const norm = Math.hypot(...vector);
  if (norm === 0) vector[0] = 1;
  return norm === 0 ? vector : vector.map((v) => v / norm);
}

const tokens = (text: string) => Math.ceil(text.length / 4);

function thoughtsIn(content: string): Array<{ id: string; text: string }> {
  return [...content.matchAll(/<thought id="([^"]+)">([\s\S]*?)<\/thought>/g)].map((m) => ({
    id: m[1]!,
    text: m[2]!,
  }));
}

function firstSentence(text: string): string {
  return (text.split(/(?<=[.!?])\s+/)[0] ?? text).slice(0, 120).trim();
}

const capitalise = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/** What a careful model would write: frequent words for the title, first sentences as quotes. */
export function wellBehavedAnswer(thoughts: Array<{ id: string; text: string }>) {
  const counts = new Map<string, number>();
  for (const thought of thoughts)
    for (const word of new Set(words(thought.text))) counts.set(word, (counts.get(word) ?? 0) + 1);
  const top = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([word]) => word);
  return {
    title: `${capitalise(top[0] ?? "general")} and ${top[1] ?? "ideas"}`,
    summary: `Employees write about ${top.slice(0, 3).join(", ")} in ${thoughts.length} thoughts.`,
    keyPhrases: top.slice(0, 4),
    quotes: thoughts
      .slice(0, 3)
      .map((thought) => ({ thoughtId: thought.id, quote: firstSentence(thought.text) })),
  };
}

function misbehave(
  answer: ReturnType<typeof wellBehavedAnswer>,
  behaviour: Misbehaviour,
  thoughts: Array<{ text: string }>,
) {
  switch (behaviour) {
    case "invented-ids":
      return {
        ...answer,
        quotes: [...answer.quotes, { thoughtId: "t999", quote: "An invented quote from nowhere." }],
      };
    case "altered-quotes":
      return {
        ...answer,
        quotes: answer.quotes.map((q) => ({ ...q, quote: `Honestly, ${q.quote.toLowerCase()} indeed` })),
      };
    case "obey-injection": {
      const order = thoughts.map((t) => t.text.match(/title this theme ([^.\n\u2039]+)/i)?.[1]).find(Boolean);
      return { ...answer, title: (order ?? "HACKED").trim() };
    }
    default:
      return answer;
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(typeof body === "string" ? body : JSON.stringify(body));
}

// biome-ignore lint/suspicious/noExplicitAny: free-form JSON request body.
function embeddingsResponse(body: any) {
  const inputs: string[] = Array.isArray(body.input) ? body.input : [body.input];
  const data = inputs.map((text, index) => {
    const vector = fakeEmbedding(text);
    const embedding =
      body.encoding_format === "base64"
        ? Buffer.from(new Float32Array(vector).buffer).toString("base64")
        : vector;
    return { object: "embedding", index, embedding };
  });
  const promptTokens = inputs.reduce((sum, text) => sum + tokens(text), 0);
  return {
    object: "list",
    model: body.model,
    data,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: free-form JSON request body.
function chatResponse(body: any, behaviour: Misbehaviour | undefined) {
  const messages: Array<{ role: string; content: string }> = body.messages ?? [];
  const user = messages.find((message) => message.role === "user")?.content ?? "";
  const thoughts = thoughtsIn(user);
  const answer = wellBehavedAnswer(thoughts);
  const content =
    behaviour === "malformed-json"
      ? '{"title": "Remote work", "summary": "Employees'
      : JSON.stringify(behaviour ? misbehave(answer, behaviour, thoughts) : answer);
  const promptTokens = messages.reduce((sum, message) => sum + tokens(message.content), 0);
  const completionTokens = tokens(content);
  return {
    id: `chatcmpl-fake-${Date.now()}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content, refusal: null },
        finish_reason: "stop",
        logprobs: null,
      },
    ],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    },
  };
}

const endpointAt: Record<string, Endpoint | "moderations"> = {
  "/v1/embeddings": "embeddings",
  "/v1/chat/completions": "chat",
  "/v1/moderations": "moderations",
};

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const requests: RecordedRequest[] = [];
  const queues: Record<Endpoint, Misbehaviour[]> = { embeddings: [], chat: [] };
  const persistent: Partial<Record<Endpoint, Misbehaviour>> = {};

  const server = createServer(async (request, response) => {
    const raw = await readBody(request);
    const path = request.url ?? "";
    const endpoint = endpointAt[path] ?? "other";
    let body: unknown = null;
    try {
      body = JSON.parse(raw);
    } catch {}
    requests.push({ endpoint, path, authorization: request.headers.authorization, body, raw });
    if (endpoint === "other" || request.method !== "POST") {
      send(response, 404, { error: { message: "not found", type: "invalid_request_error" } });
      return;
    }
    if (endpoint === "moderations") {
      // Flags any input containing "threat", the word tests use for content a model would flag.
      const inputs: string[] = [].concat((body as { input: never })?.input ?? []);
      send(response, 200, {
        id: "modr-test",
        model: "omni-moderation-latest",
        results: inputs.map((text) => ({
          flagged: /threat/i.test(text),
          categories: { harassment: /threat/i.test(text) },
          category_scores: { harassment: /threat/i.test(text) ? 0.98 : 0.01 },
        })),
      });
      return;
    }
    const behaviour = queues[endpoint].shift() ?? persistent[endpoint];
    if (behaviour === "hang") return;
    if (behaviour === "drop-connection") {
      request.socket.destroy();
      return;
    }
    if (typeof behaviour === "object") {
      const headers: Record<string, string> = behaviour.retryAfter
        ? { "retry-after": behaviour.retryAfter }
        : {};
      send(
        response,
        behaviour.status,
        { error: { message: "scripted failure", type: "server_error" } },
        headers,
      );
      return;
    }
    if (endpoint === "embeddings") send(response, 200, embeddingsResponse(body));
    else send(response, 200, chatResponse(body, behaviour));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (endpoint, ...behaviours) => {
      queues[endpoint].push(...behaviours);
    },
    always: (endpoint, behaviour) => {
      persistent[endpoint] = behaviour;
    },
    chatRequests: () => requests.filter((r) => r.endpoint === "chat"),
    embeddingRequests: () => requests.filter((r) => r.endpoint === "embeddings"),
    reset: () => {
      requests.length = 0;
      queues.embeddings.length = 0;
      queues.chat.length = 0;
      delete persistent.embeddings;
      delete persistent.chat;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
