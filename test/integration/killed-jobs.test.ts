import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../functions/db/client.js";
import type { MemoryMailer } from "../../functions/notify/mailer.js";
import { runScheduler } from "../../functions/scheduler/run.js";
import { createServices } from "../../functions/services.js";
import { runThemeJob } from "../../functions/workers/theme-run.js";
import { createWorkerHandler } from "../../functions/workers/worker-handler.js";
import { afterTransition } from "../../functions/workflows/transition.js";
import { sqsEvent } from "../helpers/aws-events.js";
import { createHarness, employees, type Harness } from "../helpers/harness.js";

/**
 * The worker and the scheduler killed mid-job, then restarted (issue 11). A kill is a process
 * that stops between two DynamoDB calls: after the call `diesAfter` picks returns, every later
 * call of that process never answers and nothing of it runs again. The restart is a fresh set of
 * services on the same table. Every step that was acknowledged survives, nothing is done twice,
 * and a job either resumes (SQS redelivers its message) or is marked failed where people see it.
 */
let h: Harness;
const facilitator = "facilitator@example.com";

beforeAll(async () => {
  h = await createHarness();
});

interface Call {
  readonly name: string;
  // biome-ignore lint/suspicious/noExplicitAny: reads a few fields of any command's input
  readonly input: any;
}

/** Services over the same table whose process dies right after the call `diesAfter` picks. */
function killable(diesAfter: (call: Call) => boolean) {
  let dead = false;
  const doc = new Proxy(h.db.doc, {
    get(target, prop, receiver) {
      if (prop !== "send") return Reflect.get(target, prop, receiver);
      return async (command: { constructor: { name: string }; input: unknown }) => {
        if (dead) return new Promise(() => undefined);
        const output = await target.send(command as never);
        if (diesAfter({ name: command.constructor.name, input: command.input })) dead = true;
        return output;
      };
    },
  }) as DynamoDBDocumentClient;
  const db: Db = { ...h.db, doc };
  return { services: createServices({ ...h.deps, db }), dead: () => dead };
}

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((r) => setTimeout(r, 10));
};

/** A conversation in rating with a few thoughts, ready for a theme run. */
async function ratedConversation() {
  const id = await h.openConversation("sharing");
  for (const [i, email] of employees.slice(0, 6).entries()) {
    const reply = await h.call("POST", `/api/conversations/${id}/thoughts`, {
      as: email,
      body: { text: `[pricing] Idea ${i}: explain pricing changes before they ship.` },
      idempotent: true,
    });
    expect(reply.status).toBe(201);
  }
  const moved = await h.call("POST", `/api/conversations/${id}/transition`, {
    as: facilitator,
    body: { to: "rating" },
  });
  expect(moved.status).toBe(200);
  return id;
}

const conversation = async (id: string) =>
  (await h.call("GET", `/api/conversations/${id}`, { as: facilitator })).body;
const killedWhileFindingThemes = ({ name, input }: Call) =>
  name === "UpdateCommand" && input.ExpressionAttributeValues?.[":message"] === "Finding themes";

describe("the theme worker killed mid-run", () => {
  it("resumes when SQS delivers the message again: one report, the job succeeded, the claim released", async () => {
    const id = await ratedConversation();
    const { job } = await h.services.jobs.startThemeRun(id);
    const dying = killable(killedWhileFindingThemes);
    void runThemeJob(dying.services, { jobId: job.id, conversationId: id });
    await until(dying.dead);
    expect(await h.services.jobs.get(job.id)).toMatchObject({ state: "running", message: "Finding themes" });

    // The message comes back after its visibility timeout; a new worker takes it from the start.
    const worker = createWorkerHandler(h.services);
    const body = JSON.stringify({ jobId: job.id, conversationId: id });
    expect(await worker(sqsEvent("themes", [body], 2))).toEqual({ batchItemFailures: [] });
    expect(await h.services.jobs.get(job.id)).toMatchObject({ state: "succeeded", reportVersion: 1 });
    const after = await conversation(id);
    expect(after.activeJobId).toBeUndefined();
    expect(after.lastJobId).toBe(job.id);
    const report = await h.call("GET", `/api/conversations/${id}/report`, { as: facilitator });
    expect(report.status).toBe(200);
    expect(report.body.version).toBe(1);
  });

  it("is marked failed, visibly, when nothing redelivers it (the embedded default's queue died with it)", async () => {
    const id = await ratedConversation();
    const started = await h.call("POST", `/api/conversations/${id}/theme-runs`, { as: facilitator });
    expect(started.status).toBe(202);
    await h.jobsDone();
    // A second run, taken by a worker that dies.
    const { job } = await h.services.jobs.startThemeRun(id);
    const dying = killable(killedWhileFindingThemes);
    void runThemeJob(dying.services, { jobId: job.id, conversationId: id });
    await until(dying.dead);

    // A scheduler run soon after leaves it alone: a slow run is not a dead one.
    await runScheduler(h.services, new Date());
    expect((await h.services.jobs.get(job.id)).state).toBe("running");
    expect((await conversation(id)).activeJobId).toBe(job.id);

    // Past the stale time without progress, the scheduler marks it failed and frees the conversation.
    await runScheduler(h.services, new Date(Date.now() + 16 * 60 * 1000));
    const failed = await h.call("GET", `/api/jobs/${job.id}`, { as: facilitator });
    expect(failed.body).toMatchObject({ state: "failed", message: "Failed" });
    expect(failed.body.error).toMatch(/stopped before it finished/);
    const after = await conversation(id);
    expect(after.activeJobId).toBeUndefined();
    expect(after.lastJobId).toBe(job.id);
    // The first run's report is untouched, and a new run can start and finish.
    expect((await h.call("GET", `/api/conversations/${id}/report`, { as: facilitator })).body.version).toBe(
      1,
    );
    const again = await h.call("POST", `/api/conversations/${id}/theme-runs`, { as: facilitator });
    expect(again.status).toBe(202);
    expect(again.body.jobId).not.toBe(job.id);
    await h.jobsDone();
    expect((await h.services.jobs.get(again.body.jobId)).state).toBe("succeeded");
    expect((await h.call("GET", `/api/conversations/${id}/report`, { as: facilitator })).body.version).toBe(
      2,
    );
  });
});

describe("the scheduler killed mid-run", () => {
  const hour = 60 * 60 * 1000;
  const minute = 60 * 1000;

  const scheduled = async (t0: number) => {
    const at = (hours: number) => new Date(t0 + hours * hour).toISOString();
    const created = await h.call("POST", "/api/conversations", {
      as: facilitator,
      idempotent: true,
      body: {
        template: "launch-review",
        schedule: { sharingAt: at(1), ratingAt: at(49), closingAt: at(97), publishingAt: at(120) },
      },
    });
    const id: string = created.body.id;
    expect(
      (
        await h.call("POST", `/api/conversations/${id}/transition`, {
          as: facilitator,
          body: { to: "scheduled" },
        })
      ).status,
    ).toBe(200);
    return id;
  };

  const killedAt = async (point: "claim" | "write") => {
    const t0 = Date.now() + 1000 * hour * Math.random(); // its own hour: other tests' items are not due
    const id = await scheduled(t0);
    let claimed = false;
    const dying = killable(({ name, input }) => {
      if (name === "UpdateCommand" && String(input.UpdateExpression).includes("claimedBy")) {
        claimed = true;
        return point === "claim";
      }
      return (
        point === "write" && claimed && ["UpdateCommand", "TransactWriteCommand", "PutCommand"].includes(name)
      );
    });
    const opening = new Date(t0 + hour);
    void runScheduler(dying.services, opening);
    await until(dying.dead);

    // Restarted within the claim's lease: the item is still the dead run's, nothing happens twice.
    await runScheduler(h.services, new Date(opening.getTime() + minute));
    // After the lease, the item is taken again and finished.
    const later = new Date(opening.getTime() + 6 * minute);
    await runScheduler(h.services, later);
    await runScheduler(h.services, new Date(later.getTime() + minute));
    const view = await conversation(id);
    expect(view.state).toBe("sharing");
    expect(view.version).toBe(3); // created, scheduled, opened: one transition
    const mailer = h.services.mail.mailer as MemoryMailer;
    const invitations = mailer.sent.filter((m) => m.kind === "invitation" && m.conversationId === id);
    expect(invitations).toHaveLength(30);
    expect(new Set(invitations.map((m) => m.to)).size).toBe(30);
    // Nothing is left due at the opening: later runs change nothing.
    expect((await runScheduler(h.services, new Date(later.getTime() + 2 * minute))).transitions).toBe(0);
  };

  it("right after claiming the opening: the restarted scheduler opens it once and invites everyone once", () =>
    killedAt("claim"));

  // Between the state write and the schedule and notice (workflows/transition.ts): the restarted
  // scheduler finds it open already and writes what the dead run did not.
  it("after the opening's first write, before the notice was queued: everyone is still invited once", () =>
    killedAt("write"));

  // The closing starts the theme run and publishing carries the loop into the next stage, both
  // after the state write (workflows/transition.ts afterTransition). A scheduler killed in between
  // leaves them to the restarted one, which must do each once: a second theme run would add a
  // report version.
  it("after the closing's and the publishing's state writes: the report is computed once and the loop carried", async () => {
    const t0 = Date.now() + 1000 * hour * Math.random();
    const at = (hours: number) => new Date(t0 + hours * hour);
    const created = await h.call("POST", "/api/cycles", {
      as: facilitator,
      idempotent: true,
      body: {
        name: `Killed ${t0}`,
        stages: {
          strategyInput: {
            sharingAt: at(1).toISOString(),
            ratingAt: at(49).toISOString(),
            closingAt: at(97).toISOString(),
            publishingAt: at(120).toISOString(),
          },
        },
      },
    });
    expect(created.status).toBe(201);
    const [id, next] = created.body.stageIds as [string, string, string];
    const scheduling = await h.call("POST", `/api/conversations/${id}/transition`, {
      as: facilitator,
      body: { to: "scheduled" },
    });
    expect(scheduling.status).toBe(200);
    await runScheduler(h.services, at(1));
    for (const [i, email] of employees.slice(0, 6).entries()) {
      const reply = await h.call("POST", `/api/conversations/${id}/thoughts`, {
        as: email,
        body: { text: `[pricing] Idea ${i}: explain pricing changes before they ship.` },
        idempotent: true,
      });
      expect(reply.status).toBe(201);
    }
    await runScheduler(h.services, at(49));
    expect((await conversation(id)).state).toBe("rating");

    /** Kills the scheduler right after it writes this conversation's new state. */
    const killedAfterStateWrite = async (when: Date) => {
      const dying = killable(
        ({ name, input }) =>
          name === "UpdateCommand" &&
          input.Key?.pk === `CONV#${id}` &&
          String(input.UpdateExpression).includes("stateChangedAt"),
      );
      void runScheduler(dying.services, when);
      await until(dying.dead);
      // Restarted after the claim's lease.
      await runScheduler(h.services, new Date(when.getTime() + 6 * minute));
    };

    await killedAfterStateWrite(at(97));
    await h.jobsDone();
    const closed = await conversation(id);
    expect(closed.state).toBe("closed");
    expect(closed.reportVersion).toBe(1);
    expect(closed.activeJobId).toBeUndefined();
    expect((await h.services.jobs.get(closed.lastJobId)).state).toBe("succeeded");
    // A second restart finds the run made since the close: no new run, no new version.
    await afterTransition(h.services, await h.services.conversations.get(id));
    await h.jobsDone();
    expect(await conversation(id)).toMatchObject({ reportVersion: 1, lastJobId: closed.lastJobId });

    const approved = await h.call("POST", `/api/conversations/${id}/report/approve`, {
      as: "leader@example.com",
      body: { version: 1 },
    });
    expect(approved.status).toBe(200);
    await killedAfterStateWrite(at(120));
    expect((await conversation(id)).state).toBe("published");
    const context: string = (await conversation(next)).context;
    expect(context).toContain("<!-- groundswell:loop:start -->");
    await runScheduler(h.services, new Date(at(120).getTime() + 7 * minute));
    const mailer = h.services.mail.mailer as MemoryMailer;
    const published = mailer.sent.filter((m) => m.kind === "published" && m.conversationId === id);
    expect(published.length).toBeGreaterThan(0);
    expect(new Set(published.map((m) => m.to)).size).toBe(published.length);
    // Repeated, the loop section is replaced in place, not added twice.
    await afterTransition(h.services, await h.services.conversations.get(id));
    expect((await conversation(next)).context).toBe(context);
  }, 120_000);
});
