import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createHarness, employees, type Harness } from "../helpers/harness.js";

/**
 * Cycles through the API: three stage conversations made from the templates, cloned for next
 * year, and the loop closed: stage 1's themes and leadership's responses reach stage 2's context,
 * and the cycle report links the themes of both stages.
 */
let h: Harness;
const facilitator = "facilitator@example.com";
const leader = "leader@example.com";
const admin = "admin@example.com";

const schedule = (sharing: string, rating: string, closing: string) => ({
  sharingAt: `${sharing}T09:00:00.000Z`,
  ratingAt: `${rating}T09:00:00.000Z`,
  closingAt: `${closing}T17:00:00.000Z`,
});
const stages = {
  strategyInput: schedule("2027-01-11", "2027-01-25", "2027-02-05"),
  launchReview: schedule("2027-03-01", "2027-03-15", "2027-03-26"),
  midyearCheck: schedule("2027-07-05", "2027-07-19", "2027-07-30"),
};

beforeAll(async () => {
  h = await createHarness();
});

const createCycle = (body: unknown, as = facilitator, key: string | boolean = true) =>
  h.call("POST", "/api/cycles", { as, body, idempotent: key });

/** Shares one tagged thought per employee, so the stub engine makes one theme per tag. */
async function share(conversationId: string, topics: string[], people: string[]) {
  for (const [i, author] of people.entries()) {
    const topic = topics[i % topics.length];
    const reply = await h.call("POST", `/api/conversations/${conversationId}/thoughts`, {
      as: author,
      body: { text: `[${topic}] Thought ${i}: we should look hard at ${topic} this year.` },
      idempotent: true,
    });
    expect(reply.status).toBe(201);
  }
}

async function move(conversationId: string, ...states: string[]) {
  for (const to of states) {
    const reply = await h.call("POST", `/api/conversations/${conversationId}/transition`, {
      as: facilitator,
      body: { to },
    });
    expect(reply.status, `${to}: ${JSON.stringify(reply.body)}`).toBe(200);
  }
}

describe("cycles", () => {
  it("creates a cycle with its three stages from the templates, with schedules", async () => {
    const reply = await createCycle({ name: "FY2027 strategy", year: 2027, stages });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ name: "FY2027 strategy", year: 2027, clonedFrom: null });
    expect(reply.body.stageIds).toHaveLength(3);
    expect(reply.body.stages.map((s: { stage: string; template: string }) => [s.stage, s.template])).toEqual([
      ["strategyInput", "strategy-input"],
      ["launchReview", "launch-review"],
      ["midyearCheck", "midyear-check"],
    ]);
    for (const stage of reply.body.stages) {
      expect(stage).toMatchObject({ state: "draft", counts: { invited: 30, thoughts: 0 } });
      expect(stage.schedule).toEqual(stages[stage.stage as keyof typeof stages]);
      const conversation = await h.call("GET", `/api/conversations/${stage.conversationId}`, {
        as: facilitator,
      });
      expect(conversation.body.cycleId).toBe(reply.body.id);
      expect(conversation.body.title).toMatch(/^FY2027 strategy: /);
    }
    const again = await h.call("GET", `/api/cycles/${reply.body.id}`, { as: leader });
    expect(again.status).toBe(200);
    expect(again.body.stages).toEqual(reply.body.stages);
    const list = await h.call("GET", "/api/cycles", { as: leader });
    expect(list.body.cycles.map((c: { id: string }) => c.id)).toContain(reply.body.id);
  });

  it("replays the first result for the same Idempotency-Key and needs one", async () => {
    const key = randomUUID();
    const first = await createCycle({ name: "Replayed cycle" }, facilitator, key);
    const second = await createCycle({ name: "Replayed cycle" }, facilitator, key);
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.stageIds).toEqual(first.body.stageIds);
    const conversations = await h.call("GET", "/api/conversations", { as: facilitator });
    const inCycle = conversations.body.conversations.filter(
      (c: { cycleId: string }) => c.cycleId === first.body.id,
    );
    expect(inCycle).toHaveLength(3);
    expect((await createCycle({ name: "Replayed cycle" }, facilitator, false)).status).toBe(400);
    expect((await createCycle({ name: "Another name" }, facilitator, key)).status).toBe(409);
  });

  it("refuses stages out of order with field errors", async () => {
    const reply = await createCycle({
      name: "Bad order",
      stages: { ...stages, launchReview: schedule("2027-02-01", "2027-02-10", "2027-02-20") },
    });
    expect(reply.status).toBe(400);
    expect(reply.headers.get("content-type")).toContain("application/problem+json");
    expect(reply.body.errors.map((e: { path: string }) => e.path)).toEqual(["stages.launchReview.sharingAt"]);
    const badSchedule = await createCycle({
      name: "Bad schedule",
      stages: { strategyInput: { ...stages.strategyInput, ratingAt: stages.strategyInput.sharingAt } },
    });
    expect(badSchedule.body.errors.map((e: { path: string }) => e.path)).toContain(
      "stages.strategyInput.ratingAt",
    );
  });

  it("clones a cycle for next year with the same questions and shifted dates", async () => {
    const source = await createCycle({ name: "FY2027 plan", year: 2027, stages });
    const stage2 = source.body.stages[1].conversationId;
    await h.call("PATCH", `/api/conversations/${stage2}`, {
      as: facilitator,
      body: { prompt: "What would stop this plan from working?", context: "Read the plan first." },
    });
    const clone = await h.call("POST", `/api/cycles/${source.body.id}/clone`, {
      as: admin,
      body: { name: "FY2028 plan" },
      idempotent: true,
    });
    expect(clone.status).toBe(201);
    expect(clone.body).toMatchObject({ name: "FY2028 plan", year: 2028, clonedFrom: source.body.id });
    expect(clone.body.stages[0].schedule).toEqual(schedule("2028-01-11", "2028-01-25", "2028-02-05"));
    expect(clone.body.stages[2].schedule.sharingAt).toBe("2028-07-05T09:00:00.000Z");
    expect(clone.body.stages[1].title).toBe("FY2028 plan: Launch review");
    const copied = await h.call("GET", `/api/conversations/${clone.body.stages[1].conversationId}`, {
      as: facilitator,
    });
    expect(copied.body).toMatchObject({
      prompt: "What would stop this plan from working?",
      context: "Read the plan first.",
      state: "draft",
      cycleId: clone.body.id,
    });
    expect(
      (
        await h.call("POST", `/api/cycles/${randomUUID()}/clone`, {
          as: facilitator,
          body: { name: "Nothing" },
          idempotent: true,
        })
      ).status,
    ).toBe(404);
  });

  it("refuses roles that may not create, read or link cycles", async () => {
    const { body: cycle } = await createCycle({ name: "Roles cycle" });
    expect((await createCycle({ name: "By a leader" }, leader)).status).toBe(403);
    expect((await createCycle({ name: "By an employee" }, employees[0])).status).toBe(403);
    for (const path of [`/api/cycles/${cycle.id}`, `/api/cycles/${cycle.id}/report`, "/api/cycles"]) {
      expect((await h.call("GET", path, { as: employees[0] })).status).toBe(403);
    }
    const link = { fromStage: "strategyInput", fromThemeId: "a", toStage: "launchReview", toThemeId: null };
    expect(
      (await h.call("PUT", `/api/cycles/${cycle.id}/links`, { as: employees[0], body: link })).status,
    ).toBe(403);
    expect(
      (
        await h.call("POST", `/api/cycles/${cycle.id}/clone`, {
          as: leader,
          body: { name: "x y z" },
          idempotent: true,
        })
      ).status,
    ).toBe(403);
  });
});

describe("closing the loop", () => {
  let cycleId: string;
  let stage1: string;
  let stage2: string;
  const words = {
    heard: "Pricing confuses customers and slows deals.",
    willDo: "We cut the price list to three tiers by June; costs $1M to rebuild billing.",
  };
  /** What is sent: the owner picked from the directory (set once found), a due date. */
  let response: typeof words & { ownerId: string; dueDate: string };
  /** What is stored and shown: the owner's name beside the id, and a status. */
  let shown: Record<string, string>;

  beforeAll(async () => {
    const created = await createCycle({ name: "FY2027 loop" });
    cycleId = created.body.id;
    [stage1, stage2] = created.body.stageIds;
    await h.call("PATCH", `/api/conversations/${stage2}`, {
      as: facilitator,
      body: { context: "The plan is in the wiki." },
    });
    await move(stage1, "sharing");
    await share(stage1, ["pricing", "hiring", "tools"], employees.slice(0, 24));
    await move(stage1, "rating");
    for (const rater of employees.slice(0, 10)) {
      const batch = await h.call("GET", `/api/conversations/${stage1}/rating-batch?size=8`, { as: rater });
      for (const t of batch.body.thoughts) {
        const stars = t.text.startsWith("[pricing]") ? 5 : 2;
        await h.call("PUT", `/api/conversations/${stage1}/ratings/${t.id}`, { as: rater, body: { stars } });
      }
    }
  }, 180_000);

  it("finds response owners in the directory, for leadership only", async () => {
    const owners = `/api/conversations/${stage1}/response-owners`;
    const found = await h.call("GET", `${owners}?q=morgan%20re`, { as: leader });
    expect(found.status).toBe(200);
    expect(found.body.people).toEqual([
      { id: expect.any(String), name: "Morgan Reyes", email: "ceo@example.com" },
    ]);
    expect((await h.call("GET", `${owners}?q=ceo`, { as: leader })).body.people).toHaveLength(1);
    expect((await h.call("GET", `${owners}?q=nobody-here`, { as: leader })).body.people).toEqual([]);
    expect((await h.call("GET", `${owners}?q=morgan`, { as: employees[0] })).status).toBe(403);
    response = { ...words, ownerId: found.body.people[0].id, dueDate: "2027-06-30" };
    shown = { themeId: "theme-pricing", ...response, owner: "Morgan Reyes", status: "open" };
  });

  it("takes responses only once closed, from leadership, for themes of the report", async () => {
    const path = `/api/conversations/${stage1}/themes/theme-pricing/response`;
    expect((await h.call("PUT", path, { as: leader, body: response })).status).toBe(409);
    await move(stage1, "closed");
    await h.jobsDone();
    expect((await h.call("PUT", path, { as: employees[0], body: response })).status).toBe(403);
    const noOwner = await h.call("PUT", path, { as: leader, body: { ...response, ownerId: "" } });
    expect(noOwner.status).toBe(400);
    expect(noOwner.body.errors.map((e: { path: string }) => e.path)).toEqual(["ownerId"]);
    // An owner is a person in the directory, not free text.
    const stranger = await h.call("PUT", path, {
      as: leader,
      body: { ...response, ownerId: "Chief Revenue Officer" },
    });
    expect(stranger.status).toBe(400);
    expect(stranger.body.errors.map((e: { path: string }) => e.path)).toEqual(["ownerId"]);
    for (const dueDate of ["2027-02-30", "30/06/2027", "2027-06-30T00:00:00Z"]) {
      const bad = await h.call("PUT", path, { as: leader, body: { ...response, dueDate } });
      expect(bad.status, dueDate).toBe(400);
      expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(["dueDate"]);
    }
    const unknown = `/api/conversations/${stage1}/themes/theme-nope/response`;
    expect((await h.call("PUT", unknown, { as: leader, body: response })).status).toBe(404);
    // Follow-up needs a response to follow up.
    expect((await h.call("PATCH", path, { as: leader, body: { status: "done" } })).status).toBe(404);
    const saved = await h.call("PUT", path, { as: leader, body: response });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject(shown);
    const report = await h.call("GET", `/api/conversations/${stage1}/report`, { as: leader });
    expect(report.body.responses).toEqual([shown]);
  });

  it("publishes stage 1 and carries its themes and responses into stage 2's context", async () => {
    const approved = await h.call("POST", `/api/conversations/${stage1}/report/approve`, {
      as: leader,
      body: { version: 1 },
    });
    expect(approved.status).toBe(200);
    await move(stage1, "published");
    const next = await h.call("GET", `/api/conversations/${stage2}`, { as: facilitator });
    const context: string = next.body.context;
    expect(context.startsWith("The plan is in the wiki.\n\n<!-- groundswell:loop:start -->")).toBe(true);
    expect(context).toContain("## What you told us, and what we are doing");
    expect(context).toContain(response.willDo);
    expect(context).toContain("**Owner:** Morgan Reyes · due 2027-06-30 · open");
    expect(context).toContain("About hiring");
    expect(context.indexOf("About pricing")).toBeLessThan(context.indexOf("About hiring"));
    // Participants read the responses with the published results.
    const published = await h.call("GET", `/api/conversations/${stage1}/report`, { as: employees[3] });
    expect(published.body.responses).toEqual([shown]);
    const late = await h.call("PUT", `/api/conversations/${stage1}/themes/theme-hiring/response`, {
      as: leader,
      body: response,
    });
    expect(late.status).toBe(409);
  });

  it("follows a published response up: status and due date change, its words do not", async () => {
    const path = `/api/conversations/${stage1}/themes/theme-pricing/response`;
    expect((await h.call("PATCH", path, { as: employees[0], body: { status: "done" } })).status).toBe(403);
    expect((await h.call("PATCH", path, { as: leader, body: {} })).status).toBe(400);
    expect((await h.call("PATCH", path, { as: leader, body: { status: "finished" } })).status).toBe(400);
    const moved = await h.call("PATCH", path, { as: leader, body: { status: "in-progress", dueDate: null } });
    expect(moved.status).toBe(200);
    const { dueDate: _due, ...withoutDate } = shown;
    expect(moved.body).toMatchObject({ ...withoutDate, status: "in-progress" });
    expect(moved.body.dueDate).toBeUndefined();
    const again = await h.call("PATCH", path, {
      as: leader,
      body: { status: "done", dueDate: "2027-05-31" },
    });
    expect(again.body).toMatchObject({ status: "done", dueDate: "2027-05-31", willDo: words.willDo });
    // Participants read the status with the published results.
    const published = await h.call("GET", `/api/conversations/${stage1}/report`, { as: employees[3] });
    expect(published.body.responses).toEqual([{ ...shown, status: "done", dueDate: "2027-05-31" }]);
    const audit = await h.call("GET", "/api/audit", { as: admin });
    expect(audit.body.entries.filter((e: { action: string }) => e.action === "theme.follow-up").length).toBe(
      2,
    );
  });

  it("links stage 1's themes to stage 2's themes on the same topic, and a leader's link wins", async () => {
    await move(stage2, "sharing");
    await share(stage2, ["pricing", "travel"], employees.slice(0, 20));
    await move(stage2, "rating", "closed");
    await h.jobsDone();
    const report = await h.call("GET", `/api/cycles/${cycleId}/report`, { as: leader });
    expect(report.status).toBe(200);
    expect(report.body.stages.map((s: { reportVersion: number | null }) => s.reportVersion)).toEqual([
      1,
      1,
      null,
    ]);
    const pricingTheme = report.body.stages[0].themes.find((t: { id: string }) => t.id === "theme-pricing");
    expect(pricingTheme).toMatchObject({ size: 8, response: { owner: "Morgan Reyes", status: "done" } });
    expect(pricingTheme.meanScore).toBeGreaterThan(0);
    const thread = (themeId: string) =>
      report.body.threads.find(
        (t: { stages: ({ themeId: string } | null)[] }) => t.stages[0]?.themeId === themeId,
      ).stages;
    expect(thread("theme-pricing")[1]).toMatchObject({ stage: "launchReview", themeId: "theme-pricing" });
    expect(thread("theme-pricing")[0].response).toMatchObject({ ...words, owner: "Morgan Reyes" });
    expect(thread("theme-hiring")[1]).toBeNull();
    expect(thread("theme-pricing")[2]).toBeNull();
    expect(report.body.links).toContainEqual(
      expect.objectContaining({
        fromThemeId: "theme-pricing",
        toThemeId: "theme-pricing",
        overridden: false,
      }),
    );

    const relinked = await h.call("PUT", `/api/cycles/${cycleId}/links`, {
      as: leader,
      body: {
        fromStage: "strategyInput",
        fromThemeId: "theme-hiring",
        toStage: "launchReview",
        toThemeId: "theme-pricing",
      },
    });
    expect(relinked.status).toBe(200);
    const relinkedThread = (themeId: string) =>
      relinked.body.threads.find(
        (t: { stages: ({ themeId: string } | null)[] }) => t.stages[0]?.themeId === themeId,
      ).stages;
    expect(relinkedThread("theme-hiring")[1]).toMatchObject({ themeId: "theme-pricing" });
    expect(relinkedThread("theme-pricing")[1]).toBeNull();
    expect(relinked.body.links).toContainEqual(
      expect.objectContaining({ fromThemeId: "theme-hiring", toThemeId: "theme-pricing", overridden: true }),
    );
    const again = await h.call("GET", `/api/cycles/${cycleId}/report`, { as: leader });
    expect(again.body.threads).toEqual(relinked.body.threads);

    const wrongStage = await h.call("PUT", `/api/cycles/${cycleId}/links`, {
      as: leader,
      body: {
        fromStage: "strategyInput",
        fromThemeId: "theme-hiring",
        toStage: "midyearCheck",
        toThemeId: null,
      },
    });
    expect(wrongStage.status).toBe(400);
    expect(wrongStage.body.errors.map((e: { path: string }) => e.path)).toEqual(["toStage"]);
    const unknown = await h.call("PUT", `/api/cycles/${cycleId}/links`, {
      as: leader,
      body: {
        fromStage: "strategyInput",
        fromThemeId: "theme-nope",
        toStage: "launchReview",
        toThemeId: null,
      },
    });
    expect(unknown.status).toBe(404);
  });

  it("audits cycle, response and link actions without thought ids", async () => {
    const page = await h.call("GET", "/api/audit", { as: admin });
    expect(page.status).toBe(200);
    const actions = page.body.entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(["cycle.create", "cycle.clone", "theme.respond", "cycle.link"]),
    );
    const respond = page.body.entries.find((e: { action: string }) => e.action === "theme.respond");
    expect(respond).toMatchObject({
      actorId: h.person(leader).id,
      target: `conversation:${stage1}`,
      details: { themeId: "theme-pricing" },
    });
    const thoughtIds: string[] = [];
    for (const id of [stage1, stage2]) {
      const report = await h.call("GET", `/api/conversations/${id}/report`, { as: leader });
      thoughtIds.push(...report.body.thoughts.map((t: { id: string }) => t.id));
    }
    expect(thoughtIds.length).toBe(44);
    const audit = (await h.scanAll()).filter((item) => item.pk === "AUDIT");
    expect(audit.length).toBeGreaterThanOrEqual(4);
    const text = JSON.stringify(audit);
    for (const id of thoughtIds) expect(text).not.toContain(id);
  });
});
