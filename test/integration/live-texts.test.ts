import { beforeAll, describe, expect, it } from "vitest";
import type { MemoryMailer } from "../../functions/notify/mailer.js";
import { sendReminders } from "../../functions/notify/notify.js";
import { createHarness, employees, type Harness } from "../helpers/harness.js";

/**
 * Issue 12, defect 5, the server's half: a typo audience cannot open to "0 of 0 invited",
 * scheduling without dates says so (not "someone else moved it"), and rating reminders count
 * the thoughts that exist, with deadlines in the organisation's time zone.
 */
let h: Harness;
const facilitator = "facilitator@example.com";
const admin = "admin@example.com";

beforeAll(async () => {
  h = await createHarness();
}, 120_000);

describe("an audience nobody matches", () => {
  it("is refused when opened or scheduled, naming the audience, and the draft says 0 invited", async () => {
    // A typo is refused at once: audiences are picked from the directory's values (issue 12).
    const typo = await h.call("POST", "/api/conversations", {
      as: facilitator,
      body: {
        template: "custom",
        title: "Sales kickoff",
        prompt: "What should the sales team change next year?",
        audience: { kind: "segments", segments: { department: ["Salse"] } },
      },
      idempotent: true,
    });
    expect(typo.status).toBe(400);
    expect(typo.body.errors).toEqual([
      { path: "audience.segments.department", message: "no one in the directory has department “Salse”" },
    ]);
    // Groups that exist but have no one in common still make an audience of no one.
    const created = await h.call("POST", "/api/conversations", {
      as: facilitator,
      body: {
        template: "custom",
        title: "Sales kickoff",
        prompt: "What should the sales team change next year?",
        audience: { kind: "segments", segments: { department: ["Finance"], location: ["Berlin"] } },
        schedule: {
          sharingAt: "2030-01-10T08:00:00Z",
          ratingAt: "2030-01-12T08:00:00Z",
          closingAt: "2030-01-14T08:00:00Z",
        },
      },
      idempotent: true,
    });
    expect(created.status).toBe(201);
    expect(created.body.counts.invited).toBe(0);
    const id = created.body.id;
    for (const to of ["sharing", "scheduled"]) {
      const moved = await h.call("POST", `/api/conversations/${id}/transition`, {
        as: facilitator,
        body: { to },
      });
      expect(moved.status, to).toBe(409);
      expect(moved.body.detail).toContain("No one in the directory matches");
      expect(moved.body.detail).toContain("department: Finance; location: Berlin");
    }
    // Picking a group people are in fixes it.
    const fixed = await h.call("PATCH", `/api/conversations/${id}`, {
      as: facilitator,
      body: { audience: { kind: "segments", segments: { department: ["Sales"] } } },
    });
    expect(fixed.body.counts.invited).toBeGreaterThan(0);
    const opened = await h.call("POST", `/api/conversations/${id}/transition`, {
      as: facilitator,
      body: { to: "sharing" },
    });
    expect(opened.status).toBe(200);
  });

  it("scheduling without dates says what is missing", async () => {
    const id = await h.openConversation("draft");
    const moved = await h.call("POST", `/api/conversations/${id}/transition`, {
      as: facilitator,
      body: { to: "scheduled" },
    });
    expect(moved.status).toBe(409);
    expect(moved.body.detail).toBe("Set a schedule (sharing, rating and closing times) before scheduling.");
  });
});

describe("rating reminders", () => {
  it("ask for the thoughts that exist, in the organisation's time zone", async () => {
    const settings = await h.call("GET", "/api/settings", { as: admin });
    const { updatedAt: _, ...current } = settings.body;
    const saved = await h.call("PUT", "/api/settings", {
      as: admin,
      body: { ...current, timeZone: "Europe/Berlin" },
    });
    expect(saved.status).toBe(200);
    const id = await h.openConversation("sharing", {
      template: "strategy-input",
      schedule: {
        sharingAt: "2026-01-01T08:00:00Z",
        ratingAt: "2030-01-03T16:00:00Z",
        closingAt: "2030-01-04T16:00:00Z",
      },
      settings: { ratingTarget: 20 },
    });
    const authors = employees.slice(0, 5);
    for (const [i, author] of authors.entries()) {
      const shared = await h.call("POST", `/api/conversations/${id}/thoughts`, {
        as: author,
        body: { text: `Idea ${i}: we should publish the roadmap every quarter for everyone.` },
        idempotent: true,
      });
      expect(shared.status).toBe(201);
    }
    const mailer = h.services.mail.mailer as MemoryMailer;
    const before = mailer.sent.length;
    const conversation = await h.services.conversations.get(id);
    await sendReminders(h.services, conversation, "rate");
    const sent = mailer.sent.slice(before);
    // An author sees the 4 thoughts that are not theirs; someone who shared nothing sees all 5.
    const author = sent.find((m) => m.to === authors[0]);
    expect(author?.subject).toBe("Reminder: 4 thoughts are waiting for your rating");
    const other = sent.find((m) => m.to === employees[6]);
    expect(other?.subject).toBe("Reminder: 5 thoughts are waiting for your rating");
    expect(other?.text).toContain("until Friday 4 January at 17:00 CET");
    expect(sent.some((m) => /20 thoughts/.test(m.subject))).toBe(false);
  });
});
