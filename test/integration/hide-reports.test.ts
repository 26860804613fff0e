import { beforeAll, describe, expect, it } from "vitest";
import { excerpt } from "../../functions/domain/excerpt.js";
import type { ThemeEngine } from "../../functions/workers/theme-run.js";
import { createHarness, type Harness } from "../helpers/harness.js";
import {
  expectOk,
  facilitator,
  leader,
  readSurfaces,
  runThemes,
  seedModeratedConversation,
} from "../helpers/moderated-conversation.js";

/**
 * The attack (issue 12): a facilitator hides a thought after the report was computed, and the
 * moderation page says it is left out of the report. Before the fix every stored report, export
 * and theme summary kept quoting it; and superseded versions kept, in the table, the words a
 * redaction removed. Here an insider reads the table directly after each decision.
 */
let h: Harness;
let id: string;
/** Runs inside the next theme run's engine, after it read the thoughts (the race below). */
let duringRun: (() => Promise<void>) | undefined;
/** Like the offline engine, summaries quote their members' own words. */
const engine: ThemeEngine = {
  async computeThemes(items) {
    const hook = duringRun;
    duringRun = undefined;
    if (hook) await hook();
    const groups = new Map<string, typeof items>();
    for (const item of items) {
      const topic = /\[(\w+)\]/.exec(item.text)?.[1] ?? "general";
      groups.set(topic, [...(groups.get(topic) ?? []), item]);
    }
    return {
      engine: "test",
      themes: [...groups].map(([topic, members]) => ({
        id: `theme-${topic}`,
        title: `About ${topic}`,
        summary: `${members.length} thoughts about ${topic}. ${members.map((m) => `“${excerpt(m.text)}”`).join(" ")}`,
        keyPhrases: [topic],
        thoughtIds: members.map((m) => m.id),
      })),
    };
  },
};

const named = "[tools] Dev Patel blocks every request for new build tools.";
const edited = "[tools] A manager blocks every request for new build tools.";
const hurtful = "[pricing] The pricing team are clowns who should all be fired.";
const racing = "[hiring] Recruiters are useless idiots, every single one.";
let thoughtIds: Map<string, string>;

const decide = (thought: string, body: object) =>
  expectOk(
    h.call("POST", `/api/conversations/${id}/moderation/${thoughtIds.get(thought)}`, {
      as: facilitator,
      body,
    }),
  );

/** The conversation's partition as an operator reads it, item by item. */
async function partition() {
  return (await h.scanAll()).filter((item) => item.pk === `CONV#${id}`);
}
const versionsStored = async () =>
  [
    ...new Set(
      (await partition()).flatMap((item) => /^REPORT#v0*(\d+)#/.exec(String(item.sk))?.[1] ?? []).map(Number),
    ),
  ].sort();
const leaderReport = async () => expectOk(h.call("GET", `/api/conversations/${id}/report`, { as: leader }));

beforeAll(async () => {
  h = await createHarness({ themeEngine: engine });
  ({ id, thoughtIds } = await seedModeratedConversation(
    h,
    [named, hurtful, racing],
    (_text, r) => 1 + (r % 5),
  ));
  await runThemes(h, id);
  await runThemes(h, id);
}, 240_000);

describe("superseded report versions", () => {
  it("are deleted: only the newest and the approved version stay in the table", async () => {
    expect((await leaderReport()).version).toBe(3);
    expect(await versionsStored()).toEqual([1, 3]);
  });

  it("so after a redaction the removed name is nowhere in the conversation's partition", async () => {
    expect(JSON.stringify(await partition())).toContain("Dev Patel");
    expect((await decide(named, { action: "redact", text: edited })).outcome).toBe("done");
    for (const item of await partition())
      expect(JSON.stringify(item), String(item.sk)).not.toContain("Dev Patel");
    for (const [surface, text] of await readSurfaces(h, id)) expect(text, surface).not.toContain("Dev Patel");
    expect(
      (await leaderReport()).themes.find((t: { id: string }) => t.id === "theme-tools").summary,
    ).toContain(`“${edited}”`);
  });
});

describe("a thought hidden after the report was computed", () => {
  const thoughtId = () => thoughtIds.get(hurtful)!;
  let before: { thoughts: { id: string }[] };

  it("leaves every report, export, summary and stored report item, and its words only the thought", async () => {
    before = await leaderReport();
    for (const [surface, text] of await readSurfaces(h, id)) expect(text, surface).toContain("clowns");
    expect((await decide(hurtful, { action: "hide" })).outcome).toBe("done");

    for (const [surface, text] of await readSurfaces(h, id)) {
      expect(text, surface).not.toContain("clowns");
      if (surface.endsWith("report")) {
        expect(text, surface).not.toContain(thoughtId());
        expect(text, surface).toContain("Thought 3");
        expect(text, surface).toContain("left out of its lists and quotes");
      }
    }
    // The insider: the words stay only in the thought itself (so a restore can bring it back).
    const holding = (await partition()).filter((item) => JSON.stringify(item).includes("clowns"));
    expect(holding.map((item) => item.sk)).toEqual([`THOUGHT#${thoughtId()}`]);
    // The others keep their order: the ones below move up one place.
    const after = await leaderReport();
    expect(after.thoughts.map((t: { id: string }) => t.id)).toEqual(
      before.thoughts.map((t) => t.id).filter((t) => t !== thoughtId()),
    );
  });

  it("a repeated hide changes nothing", async () => {
    const stored = JSON.stringify(await partition());
    expect((await decide(hurtful, { action: "hide" })).outcome).toBe("unchanged");
    expect(await h.services.reports.withhold(id, [thoughtId()])).toBe(0);
    expect(JSON.stringify(await partition())).toBe(stored);
  });

  it("a restore brings it back where it was, with its numbers", async () => {
    const bulk = await expectOk(
      h.call("POST", `/api/conversations/${id}/moderation-decisions`, {
        as: facilitator,
        body: { action: "restore", thoughtIds: [thoughtId()] },
      }),
    );
    expect(bulk.results[0].outcome).toBe("done");
    const report = await leaderReport();
    expect(report.thoughts).toEqual(before.thoughts);
    expect(report.notes.join(" ")).not.toContain("left out of its lists");
    for (const surface of ["leader report", "participant report", "leader md", "participant csv"])
      expect((await readSurfaces(h, id)).get(surface), surface).toContain("clowns");
  });

  it("hidden while a theme run computes, it is not quoted by the run's version either", async () => {
    duringRun = async () => {
      await decide(racing, { action: "hide" });
    };
    await runThemes(h, id);
    expect(duringRun).toBeUndefined();
    expect((await leaderReport()).version).toBe(4);
    for (const [surface, text] of await readSurfaces(h, id))
      expect(text, surface).not.toContain("useless idiots");
    const holding = (await partition()).filter((item) => JSON.stringify(item).includes("useless idiots"));
    expect(holding.map((item) => item.sk)).toEqual([`THOUGHT#${thoughtIds.get(racing)}`]);
    expect(await versionsStored()).toEqual([1, 4]);
  });

  it("approving a newer version deletes the one approved before", async () => {
    await expectOk(
      h.call("POST", `/api/conversations/${id}/report/approve`, { as: leader, body: { version: 4 } }),
    );
    expect(await versionsStored()).toEqual([4]);
  });
});
