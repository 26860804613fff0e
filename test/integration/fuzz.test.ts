import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createHarness, employees, type Harness } from "../helpers/harness.js";

/**
 * Issue 11 and DESIGN §8: no input, however malformed, answers 5xx. Generated from the OpenAPI
 * document, so a route added later is fuzzed too: for every operation, as a caller its roles
 * allow, path ids, query parameters, headers and bodies are drawn from the operation's own
 * schemas, bent out of shape (wrong types, huge and odd unicode strings, prototype keys, dates
 * out of range, forged cursors, bad ids) or replaced by arbitrary JSON and broken text.
 */
interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

interface Operation {
  readonly method: string;
  readonly template: string;
  readonly pathParams: string[];
  readonly query: { name: string; schema: JsonSchema }[];
  readonly headers: string[];
  readonly body?: { type: string; schema: JsonSchema };
  readonly roles?: string[];
}

let h: Harness;
let operations: Operation[];
const realIds: string[] = [];
const personByRole: Record<string, string> = {
  employee: employees[3]!,
  facilitator: "facilitator@example.com",
  leader: "leader@example.com",
  admin: "admin@example.com",
};
const runsPerOperation = Number(process.env.FUZZ_RUNS ?? 20);
const baseSeed = Number(process.env.FUZZ_SEED ?? 20_271);

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

const oddStrings = fc.constantFrom(
  "",
  " ",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "../../etc/passwd",
  "%00",
  "\u0000",
  "null",
  "NaN",
  "-1",
  "1e309",
  "9999-12-31T23:59:59Z",
  "+010000-01-01T00:00:00.000Z",
  "1999-12-31T23:59:59Z",
  "2100-12-31T23:59:59.999Z",
  "Robert'); DROP TABLE people;--",
  "<script>alert(1)</script>",
  "𝕳𝖊𝖑𝖑𝖔 🙂 مرحبا 你好",
  "\u202e\u200b\ufeff",
  "department:Sales",
  b64({ pk: "AUDIT" }),
  `${b64({ pk: "AUDIT", sk: "x" })}.AAAAAAAAAAAAAAAAAAAAAA`,
  `${b64({ pk: "CYCLE#x", sk: "META", gsi1pk: "CONVS", gsi1sk: "x" })}.AAAAAAAAAAAAAAAAAAAAAA`,
  "x".repeat(5_000),
  "é".repeat(70_000),
);
const hostileString = fc.oneof(
  { weight: 3, arbitrary: oddStrings },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 60 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 60 }) },
);
const hostileNumber = fc.oneof(
  fc.constantFrom(-1, 0, 1, 5, 26, 2 ** 31, 2 ** 53, -(2 ** 53), 1e308, 0.5, -0),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const prototypeKey = fc.constantFrom("__proto__", "constructor", "prototype", "toString");

/** Cursors a client could forge: foreign partitions, foreign index keys, bad signatures, junk. */
const forgedCursor = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      b64({ pk: "AUDIT" }),
      b64({ gsi1pk: "CYCLES" }),
      b64({ pk: "AUDIT", extra: "x" }),
      b64({ gsi1pk: "CYCLES", gsi1sk: "x", pk: "CYCLE#x", sk: 5 }),
      b64({ pk: "AUDIT", sk: "2027-01-01T00:00:00.000Z#x" }),
      b64({ pk: "DIR", sk: "USER#x", gsi1pk: "CYCLES", gsi1sk: "x" }),
      b64({ gsi1pk: "CONVS" }),
      b64([1, 2, 3]),
      b64("cursor"),
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.dictionary(
          fc.constantFrom("pk", "sk", "gsi1pk", "gsi1sk", "expPk", "x"),
          fc.oneof(hostileString, hostileNumber),
        ),
        fc.string({ maxLength: 30 }),
      )
      .map(([key, signature]) => `${b64(key)}${signature ? `.${signature}` : ""}`),
  },
);

/** Instants from far past to far future, the edges of the 2000–2100 range among them. */
const instant = fc.oneof(
  fc
    .date({ min: new Date("1990-01-01"), max: new Date("2120-01-01"), noInvalidDate: true })
    .map((d) => d.toISOString()),
  fc.constantFrom(
    "9999-12-01T00:00:00Z",
    "9999-12-30T00:00:00Z",
    "9999-12-31T00:00:00Z",
    "2100-12-31T23:59:59.999Z",
    "2000-01-01T00:00:00Z",
    "0001-01-01T00:00:00Z",
  ),
);
/** Date-time fields of one object (a schedule) usually come in order, so they pass the order checks. */
const inOrder = (value: Record<string, unknown>, schema: JsonSchema) => {
  const names = Object.entries(schema.properties ?? {})
    .filter(([, s]) => s.format === "date-time")
    .map(([name]) => name)
    .filter((name) => typeof value[name] === "string");
  const sorted = names
    .map((n) => value[n] as string)
    .sort((a, b) => Date.parse(a) - Date.parse(b) || a.localeCompare(b));
  return names.length < 2 ? value : { ...value, ...Object.fromEntries(names.map((n, i) => [n, sorted[i]])) };
};

/** Adds an own, enumerable key JSON.stringify will write, even `__proto__`. */
const withKey = (target: Record<string, unknown>, key: string, value: unknown) => {
  const copy = { ...target };
  Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
  return copy;
};

const anyValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc
      .tuple(fc.dictionary(hostileString, tie("value"), { maxKeys: 4 }), prototypeKey, tie("value"))
      .map(([object, key, value]) => withKey(object, key, value)),
  ),
})).value;

/** Values shaped by the schema most of the time, anything at all otherwise. */
function fromSchema(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return anyValue;
  const shaped = shapedBy(schema, depth);
  return fc.oneof({ weight: 4, arbitrary: shaped }, { weight: 1, arbitrary: anyValue });
}

function shapedBy(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices) return fc.oneof(...choices.map((c) => fromSchema(c, depth + 1)));
  if (schema.enum) return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...schema.enum) }, hostileString);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "object": {
      const properties = Object.entries(schema.properties ?? {});
      const known = fc.record(
        Object.fromEntries(properties.map(([name, s]) => [name, fromSchema(s, depth + 1)])),
        { requiredKeys: [] },
      );
      const extra =
        typeof schema.additionalProperties === "object"
          ? fc.dictionary(
              fc.oneof(fc.constantFrom("department", "location"), hostileString),
              fromSchema(schema.additionalProperties, depth + 1),
              { maxKeys: 3 },
            )
          : fc.constant({});
      return fc
        .tuple(known, extra, fc.option(fc.tuple(prototypeKey, anyValue), { freq: 4 }), fc.boolean())
        .map(([a, b, proto, sort]) => {
          const merged = { ...b, ...(sort ? inOrder(a, schema) : a) } as Record<string, unknown>;
          return proto ? withKey(merged, proto[0], proto[1]) : merged;
        });
    }
    case "array":
      return fc.array(fromSchema(schema.items, depth + 1), { maxLength: 6 });
    case "string":
      if (schema.format === "date-time") {
        return fc.oneof({ weight: 4, arbitrary: instant }, { weight: 1, arbitrary: hostileString });
      }
      if (schema.format === "uuid") return fc.oneof(fc.uuid(), hostileString);
      return hostileString;
    case "integer":
    case "number":
      return fc.oneof(
        fc.integer({ min: schema.minimum ?? -10, max: Math.min(schema.maximum ?? 100, 1e9) }),
        hostileNumber,
      );
    case "boolean":
      return fc.oneof(fc.boolean(), hostileString);
    default:
      return anyValue;
  }
}

const brokenJson = fc.constantFrom("{", "[", "null", '"x"', '{"a":', "\u0000", "{}}", "[1,2", "true");

function requestFor(op: Operation) {
  const id = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...realIds) },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 2, arbitrary: hostileString },
  );
  const body: fc.Arbitrary<string | undefined> = !op.body
    ? fc
        .option(
          fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
          { freq: 3 },
        )
        .map((v) => v ?? undefined)
    : op.body.type === "text/csv"
      ? fc.oneof(
          hostileString,
          fc
            .array(fc.array(hostileString, { minLength: 1, maxLength: 5 }), { maxLength: 5 })
            .map((rows) =>
              ["email,name,role,Department,Constructor", ...rows.map((r) => r.join(","))].join("\n"),
            ),
        )
      : fc.oneof(
          { weight: 6, arbitrary: fromSchema(op.body.schema).map((v) => JSON.stringify(v) ?? "null") },
          { weight: 1, arbitrary: brokenJson },
          { weight: 1, arbitrary: hostileString },
        );
  return fc.record({
    params: fc.tuple(...op.pathParams.map(() => id)),
    query: fc.tuple(
      ...op.query.map((q) =>
        q.name === "cursor"
          ? fc.option(
              fc.oneof({ weight: 4, arbitrary: forgedCursor }, { weight: 1, arbitrary: hostileString }),
              {
                freq: 5,
              },
            )
          : fc.option(fromSchema(q.schema), { freq: 2 }),
      ),
    ),
    // A header carries bytes: what a client can send is Latin-1 without control characters.
    idempotencyKey: fc.oneof(
      { weight: 3, arbitrary: fc.uuid() },
      { weight: 1, arbitrary: hostileString.map((v) => v.replace(/[^\x20-\x7e\xa0-\xff]/g, "")) },
    ),
    role: fc.constantFrom(...(op.roles ?? ["employee"])),
    body,
    contentType: fc.oneof(
      { weight: 8, arbitrary: fc.constant(op.body?.type ?? "application/json") },
      {
        weight: 1,
        arbitrary: fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "text/csv"),
      },
    ),
  });
}

beforeAll(async () => {
  h = await createHarness();
  const facilitator = personByRole.facilitator!;
  // Real ids, so generated requests also reach past "not found" into the handlers.
  const open = await h.openConversation("sharing");
  const closed = await h.openConversation("sharing");
  for (const [i, email] of employees.slice(0, 6).entries()) {
    for (const conversation of [open, closed]) {
      const shared = await h.call("POST", `/api/conversations/${conversation}/thoughts`, {
        as: email,
        body: { text: `[tools] Thought ${i}: our build tools slow everyone down.` },
        idempotent: true,
      });
      realIds.push(shared.body.id);
    }
  }
  await h.call("GET", `/api/conversations/${open}/rating-batch`, { as: personByRole.employee });
  for (const to of ["rating", "closed"]) {
    await h.call("POST", `/api/conversations/${closed}/transition`, { as: facilitator, body: { to } });
  }
  await h.jobsDone();
  const cycle = await h.call("POST", "/api/cycles", {
    as: facilitator,
    body: { name: "FY2030 strategy", year: 2030 },
    idempotent: true,
  });
  const view = await h.call("GET", `/api/conversations/${closed}`, { as: facilitator });
  realIds.push(open, closed, cycle.body.id, "theme-tools", view.body.lastJobId ?? view.body.activeJobId);

  const doc = (await h.call("GET", "/api/openapi.json")).body as {
    paths: Record<
      string,
      Record<
        string,
        {
          "x-roles"?: string[];
          parameters?: { in: string; name: string; schema: JsonSchema }[];
          requestBody?: { content: Record<string, { schema: JsonSchema }> };
        }
      >
    >;
  };
  operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const content = Object.entries(op.requestBody?.content ?? {})[0];
      return {
        method: method.toUpperCase(),
        template: path,
        pathParams: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!),
        query: (op.parameters ?? [])
          .filter((p) => p.in === "query")
          .map((p) => ({ name: p.name, schema: p.schema })),
        headers: (op.parameters ?? []).filter((p) => p.in === "header").map((p) => p.name),
        ...(content && { body: { type: content[0], schema: content[1].schema } }),
        ...(op["x-roles"] && { roles: op["x-roles"] }),
      };
    }),
  );
}, 240_000);

describe("fuzzing every route of the OpenAPI document", () => {
  it("covers every operation", () => {
    expect(operations.length).toBeGreaterThanOrEqual(35);
  });

  it("never answers 5xx, however malformed the request", async () => {
    const answered = new Map<number, number>();
    for (const [index, op] of operations.entries()) {
      await fc.assert(
        fc.asyncProperty(requestFor(op), async (request) => {
          let path = op.template;
          op.pathParams.forEach((name, i) => {
            path = path.replace(`{${name}}`, encodeURIComponent(String(request.params[i])));
          });
          const query = op.query.flatMap((q, i) => {
            const value = request.query[i];
            return value === null || value === undefined
              ? []
              : [
                  `${encodeURIComponent(q.name)}=${encodeURIComponent(typeof value === "string" ? value : JSON.stringify(value))}`,
                ];
          });
          const url = `/api${path}${query.length ? `?${query.join("&")}` : ""}`;
          const reply = await h.call(op.method, url, {
            as: personByRole[request.role],
            headers: {
              ...(op.headers.includes("idempotency-key") && { "idempotency-key": request.idempotencyKey }),
              ...(request.body !== undefined && { "content-type": request.contentType }),
            },
            body: op.method === "GET" ? undefined : request.body,
          });
          answered.set(reply.status, (answered.get(reply.status) ?? 0) + 1);
          // What the fuzz created becomes a target for the operations after it (a clone of a new cycle).
          if (reply.status === 201 && typeof reply.body?.id === "string") realIds.push(reply.body.id);
          expect(
            reply.status,
            `${op.method} ${url.slice(0, 300)}\n${String(request.body).slice(0, 300)}`,
          ).toBeLessThan(500);
          if (reply.status >= 400) {
            expect(reply.headers.get("content-type"), `${op.method} ${op.template}`).toContain(
              "application/problem+json",
            );
          }
        }),
        { numRuns: runsPerOperation, seed: baseSeed + index, endOnFailure: true },
      );
    }
    // The fuzz reached handlers, not only the validators: some requests succeeded.
    expect([...answered.keys()].some((status) => status < 300)).toBe(true);
    expect(h.logger.lines.filter((l) => l.includes("unhandled error"))).toEqual([]);
  }, 600_000);
});
