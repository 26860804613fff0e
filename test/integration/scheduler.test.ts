import { beforeAll, describe, expect, it } from "vitest";
import type { MemoryMailer } from "../../functions/notify/mailer.js";
import { runScheduler } from "../../functions/scheduler/run.js";
import { createHarness, employees, type Harness } from "../helpers/harness.js";

/**
 * DESIGN §1: a scheduled conversation runs by itself. The clock is passed to the scheduler, so
 * the test walks through a week in seconds: open, remind, rate, remind, close, publish.
 */
let h: Harness;
let mailer: MemoryMailer;
const facilitator = "facilitator@example.com";
const hour = 60 * 60 * 1000;
const t0 = Date.now();
const at = (hours: number) => new Date(t0 + hours * hour);
const schedule = {
  sharingAt: at(1).toISOString(),
  ratingAt: at(49).toISOString(),
  closingAt: at(97).toISOString(),
  publishingAt: at(120).toISOString(),
};

beforeAll(async () => {
  h = await createHarness();
  mailer = h.services.mail.mailer as MemoryMailer;
});

const state = async (id: string) =>
  (await h.call("GET", `/api/conversations/${id}`, { as: facilitator })).body.state;
const mailsOf = (kind: string, id: string) =>
  mailer.sent.filter((m) => m.kind === kind && m.conversationId === id);

describe("scheduler", () => {
  it("takes a scheduled conversation through its whole life, reminding only those with something left to do", async () => {
    const created = await h.call("POST", "/api/conversations", {
      as: facilitator,
      idempotent: true,
      body: { template: "strategy-input", schedule, settings: { ratingTarget: 3 } },
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
    expect(await runScheduler(h.services, at(0.5))).toMatchObject({ transitions: 0 });
    expect(await state(id)).toBe("scheduled");

    // Opening time: it opens, and the invitations go out on the next run.
    expect((await runScheduler(h.services, at(1))).transitions).toBe(1);
    expect(await state(id)).toBe("sharing");
    await runScheduler(h.services, at(1.02));
    expect(mailsOf("invitation", id)).toHaveLength(30);

    // Some people share; one opts out of email.
    const sharers = employees.slice(0, 10);
    for (const person of sharers) {
      await h.call("POST", `/api/conversations/${id}/thoughts`, {
        as: person,
        body: { text: `From ${person.split(".")[0]}: we should invest in fewer, bigger bets.` },
        idempotent: true,
      });
    }
    const optOut = employees[20]!;
    expect(
      (await h.call("PUT", "/api/me/preferences", { as: optOut, body: { emailOptOut: true } })).status,
    ).toBe(200);

    // A day before sharing ends: reminders to everyone invited who has not shared, but the opted-out.
    await runScheduler(h.services, at(25));
    const shareReminders = mailsOf("reminder", id).map((m) => m.to);
    expect(shareReminders).toHaveLength(30 - sharers.length - 1);
    for (const person of sharers) expect(shareReminders).not.toContain(person);
    expect(shareReminders).not.toContain(optOut);

    // Rating opens; two people reach the target.
    expect((await runScheduler(h.services, at(49))).transitions).toBe(1);
    expect(await state(id)).toBe("rating");
    for (const rater of employees.slice(0, 2)) {
      const batch = await h.call("GET", `/api/conversations/${id}/rating-batch?size=3`, { as: rater });
      for (const t of batch.body.thoughts) {
        await h.call("PUT", `/api/conversations/${id}/ratings/${t.id}`, { as: rater, body: { stars: 4 } });
      }
    }
    await runScheduler(h.services, at(73));
    const rateReminders = mailsOf("reminder", id)
      .slice(shareReminders.length)
      .map((m) => m.to);
    expect(rateReminders).toHaveLength(30 - 2 - 1);
    expect(rateReminders).not.toContain(employees[0]);

    // Closing: it closes and computes the report; publishing waits for a leader's approval.
    expect((await runScheduler(h.services, at(97))).transitions).toBe(1);
    expect(await state(id)).toBe("closed");
    await h.jobsDone();
    expect((await runScheduler(h.services, at(120))).transitions).toBe(0);
    expect(await state(id)).toBe("closed");
    const report = await h.call("GET", `/api/conversations/${id}/report`, { as: "leader@example.com" });
    await h.call("POST", `/api/conversations/${id}/report/approve`, {
      as: "leader@example.com",
      body: { version: report.body.version },
    });
    expect((await runScheduler(h.services, at(120.3))).transitions).toBe(1);
    expect(await state(id)).toBe("published");
    await runScheduler(h.services, at(120.31));
    expect(mailsOf("published", id)).toHaveLength(29);

    // Repeated runs, later and concurrently, change nothing and send nothing more.
    const before = mailer.sent.length;
    const again = await Promise.all([
      runScheduler(h.services, at(200)),
      runScheduler(h.services, at(200)),
      runScheduler(h.services, at(300)),
    ]);
    for (const run of again) expect(run).toEqual({ transitions: 0, reminders: 0, notices: 0 });
    expect(mailer.sent.length).toBe(before);
    expect(await state(id)).toBe("published");
  });

  it("applies a due transition once when runs race", async () => {
    const created = await h.call("POST", "/api/conversations", {
      as: facilitator,
      idempotent: true,
      body: { template: "launch-review", schedule },
    });
    const id: string = created.body.id;
    await h.call("POST", `/api/conversations/${id}/transition`, {
      as: facilitator,
      body: { to: "scheduled" },
    });
    const runs = await Promise.all(Array.from({ length: 6 }, () => runScheduler(h.services, at(2))));
    expect(runs.reduce((sum, r) => sum + r.transitions, 0)).toBe(1);
    expect(await state(id)).toBe("sharing");
    const view = await h.call("GET", `/api/conversations/${id}`, { as: facilitator });
    expect(view.body.version).toBe(3);
  });

  it("does nothing for a conversation a facilitator already moved by hand", async () => {
    const created = await h.call("POST", "/api/conversations", {
      as: facilitator,
      idempotent: true,
      body: { template: "midyear-check", schedule },
    });
    const id: string = created.body.id;
    await h.call("POST", `/api/conversations/${id}/transition`, {
      as: facilitator,
      body: { to: "scheduled" },
    });
    await h.call("POST", `/api/conversations/${id}/transition`, { as: facilitator, body: { to: "sharing" } });
    await h.call("POST", `/api/conversations/${id}/transition`, { as: facilitator, body: { to: "rating" } });
    const before = (await h.call("GET", `/api/conversations/${id}`, { as: facilitator })).body.version;
    await runScheduler(h.services, at(50));
    const after = await h.call("GET", `/api/conversations/${id}`, { as: facilitator });
    expect(after.body).toMatchObject({ state: "rating", version: before });
  });

  it("refuses to schedule without a schedule", async () => {
    const id = await h.openConversation("draft");
    const reply = await h.call("POST", `/api/conversations/${id}/transition`, {
      as: facilitator,
      body: { to: "scheduled" },
    });
    expect(reply.status).toBe(409);
  });
});
