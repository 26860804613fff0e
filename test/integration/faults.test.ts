import { InternalServerError, ProvisionedThroughputExceededException } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../helpers/harness.js";

/**
 * DESIGN §8 reliability: DynamoDB faults give a 503 problem and no partial writes. The harness's
 * client is wrapped so chosen commands fail the way the service fails.
 */
let h: Harness;
let fault: { command: string; error: () => Error } | undefined;
let id: string;

beforeAll(async () => {
  h = await createHarness({
    wrapDb: (db) => ({
      ...db,
      doc: new Proxy(db.doc, {
        get(target, prop, receiver) {
          if (prop !== "send") return Reflect.get(target, prop, receiver);
          return (command: { constructor: { name: string } }) => {
            if (fault && command.constructor.name === fault.command) return Promise.reject(fault.error());
            return target.send(command as never);
          };
        },
      }) as DynamoDBDocumentClient,
    }),
  });
  id = await h.openConversation("sharing");
});

const share = () =>
  h.call("POST", `/api/conversations/${id}/thoughts`, {
    as: "amara.okafor@example.com",
    body: { text: "Our release process needs fewer manual steps." },
    idempotent: true,
  });

const thoughtItems = async () => (await h.scanAll()).filter((i) => String(i.sk).startsWith("THOUGHT#"));

describe("DynamoDB faults", () => {
  it("answers a throttled transaction with 503 and writes nothing", async () => {
    fault = {
      command: "TransactWriteCommand",
      error: () => new ProvisionedThroughputExceededException({ message: "slow down", $metadata: {} }),
    };
    const reply = await share();
    fault = undefined;
    expect(reply.status).toBe(503);
    expect(reply.headers.get("content-type")).toContain("application/problem+json");
    expect(reply.headers.get("retry-after")).toBe("1");
    expect(reply.body.detail).toMatch(/Nothing was saved/);
    expect(await thoughtItems()).toHaveLength(0);
  });

  it("answers an internal service error on a read with 503", async () => {
    fault = {
      command: "GetCommand",
      error: () => new InternalServerError({ message: "boom", $metadata: {} }),
    };
    const reply = await h.call("GET", `/api/conversations/${id}`, { as: "facilitator@example.com" });
    fault = undefined;
    expect(reply.status).toBe(503);
  });

  it("answers an unreachable database with 503", async () => {
    fault = {
      command: "QueryCommand",
      error: () => Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8000"), { code: "ECONNREFUSED" }),
    };
    const reply = await h.call("GET", "/api/conversations", { as: "facilitator@example.com" });
    fault = undefined;
    expect(reply.status).toBe(503);
  });

  it("answers an unexpected error with a 500 that leaks nothing", async () => {
    fault = {
      command: "GetCommand",
      error: () => new TypeError("secret internal detail at repositories/x.ts:12"),
    };
    const reply = await h.call("GET", `/api/conversations/${id}`, { as: "facilitator@example.com" });
    fault = undefined;
    expect(reply.status).toBe(500);
    expect(JSON.stringify(reply.body)).not.toContain("secret internal detail");
  });

  it("works again once the fault clears, and the retried share lands once", async () => {
    expect((await share()).status).toBe(201);
    expect(await thoughtItems()).toHaveLength(1);
  });
});
