import { beforeAll, describe, expect, it } from "vitest";
import type { ReportThought } from "../../functions/report/schema.js";
import type { ThemeEngine } from "../../functions/workers/theme-run.js";
import { createHarness, type Harness, taggedThemeEngine } from "../helpers/harness.js";
import {
  expectOk,
  facilitator,
  readSurfaces,
  runThemes,
  seedModeratedConversation,
} from "../helpers/moderated-conversation.js";

/**
 * The attack (issue 12): a moderator removes a name from a thought after the report was computed
 * and published. Before the fix every stored report kept quoting the name until the next theme
 * run. Here the name must be gone from every surface at once: the leaders' newest report, the
 * participants' published one, each segment view, every export, and the stored report items; and
 * a theme run that read the thoughts before a redaction must not bring the name back. (The
 * starter directory is too small for segment views and opinion lists, which need ten raters a
 * group: the last test rewrites a stored report that has them.)
 */
let h: Harness;
let id: string;
/** Runs inside the next theme run's engine, after it read the thoughts (the race below). */
let duringRun: (() => Promise<void>) | undefined;
const engine: ThemeEngine = {
  async computeThemes(items, options) {
    const hook = duringRun;
    duringRun = undefined;
    if (hook) await hook();
    return taggedThemeEngine.computeThemes(items, options);
  },
};

const named = "[tools] Dev Patel blocks every request for new build tools.";
const edited = "[tools] A manager blocks every request for new build tools.";
const secondNamed = "[hiring] Priya Raman turns down every internal candidate.";
const secondEdited = "[hiring] Someone in charge turns down every internal candidate.";
let thoughtIds: Map<string, string>;

/** Every surface a reader has (readSurfaces), and the stored report items as an operator reads them. */
async function surfaces(): Promise<Map<string, string>> {
  const read = await readSurfaces(h, id);
  const stored = (await h.scanAll()).filter(
    (item) => item.pk === `CONV#${id}` && String(item.sk).startsWith("REPORT#"),
  );
  read.set("stored report items", JSON.stringify(stored));
  return read;
}

beforeAll(async () => {
  h = await createHarness({ themeEngine: engine });
  ({ id, thoughtIds } = await seedModeratedConversation(h, [named, secondNamed], (text, r) =>
    text.startsWith("[pricing]") ? 5 : text.startsWith("[hiring]") ? 3 : 2 + (r % 3),
  ));
  await runThemes(h, id);
}, 240_000);

describe("a redaction after the report was computed", () => {
  it("removes the name from every report, export, segment view and stored report item at once", async () => {
    const before = await surfaces();
    // The attack works on the unfixed code: the name is quoted everywhere now.
    expect(before.get("leader report")).toContain("Dev Patel");
    expect(before.get("participant report")).toContain("Dev Patel");
    expect(JSON.parse(before.get("leader report")!).version).toBe(2);
    expect(JSON.parse(before.get("participant report")!).version).toBe(1);

    const thoughtId = thoughtIds.get(named)!;
    const redacted = await expectOk(
      h.call("POST", `/api/conversations/${id}/moderation/${thoughtId}`, {
        as: facilitator,
        body: { action: "redact", text: edited },
      }),
    );
    expect(redacted.outcome).toBe("done");

    const after = await surfaces();
    for (const [surface, text] of after) {
      expect(text, surface).not.toContain("Dev Patel");
      // Other thoughts' quotes are untouched.
      if (surface.endsWith("report")) expect(text, surface).toContain("Thought 3");
    }
    for (const surface of ["leader report", "participant report", "leader csv", "participant md"])
      expect(after.get(surface), surface).toContain("A manager blocks every request");
    // The thought keeps its place and its numbers: only its words changed.
    const quoted = (surface: Map<string, string>) =>
      JSON.parse(surface.get("leader report")!).thoughts.find((t: { id: string }) => t.id === thoughtId);
    expect({ ...quoted(after), text: "" }).toEqual({ ...quoted(before), text: "" });
  });

  it("rewrites nothing twice: a repeated redaction is unchanged and writes no report part", async () => {
    const thoughtId = thoughtIds.get(named)!;
    const stored = JSON.stringify(await surfaces());
    const again = await expectOk(
      h.call("POST", `/api/conversations/${id}/moderation/${thoughtId}`, {
        as: facilitator,
        body: { action: "redact", text: edited },
      }),
    );
    expect(again.outcome).toBe("unchanged");
    expect(await h.services.reports.rewriteQuotes(id, thoughtId, edited)).toBe(0);
    expect(JSON.stringify(await surfaces())).toBe(stored);
  });

  it("a theme run that read the thoughts before a redaction does not bring the name back", async () => {
    const thoughtId = thoughtIds.get(secondNamed)!;
    // The moderator redacts while the run is between its read of the thoughts and its save.
    duringRun = async () => {
      await expectOk(
        h.call("POST", `/api/conversations/${id}/moderation/${thoughtId}`, {
          as: facilitator,
          body: { action: "redact", text: secondEdited },
        }),
      );
    };
    await runThemes(h, id);
    expect(duringRun).toBeUndefined();
    const after = await surfaces();
    expect(JSON.parse(after.get("leader report")!).version).toBe(3);
    for (const [surface, text] of after) expect(text, surface).not.toContain("Priya Raman");
    expect(after.get("leader report")).toContain("Someone in charge turns down");
  });
});

describe("rewriting a stored report's quotes", () => {
  it("reaches pages, segment views and the common-ground and divisive lists, and only that thought", async () => {
    const { head, thoughts } = await h.services.reports.read(id, 3);
    const other = await h.openConversation("draft");
    const [target, neighbour] = thoughts as [ReportThought, ReportThought];
    const original = "Ana Lima in payroll loses our expense forms.";
    const quoted = { ...target, text: original };
    const entry = (t: ReportThought) => ({
      thoughtId: t.id,
      text: t.text,
      consensus: 0.5,
      division: 0.2,
      groups: [],
    });
    await h.services.reports.save(other, {
      head: {
        ...head,
        version: 1,
        opinionGroups: {
          state: "shown",
          groups: [],
          separation: null,
          comparable: 2,
          commonGround: [entry(neighbour), entry(quoted)],
          divisive: [entry(quoted)],
        },
      },
      ranked: [neighbour, quoted],
      segmentViews: [
        {
          key: "department:Sales",
          themes: head.themes,
          hiddenThemeIds: [],
          thoughts: [quoted, neighbour],
          hiddenThoughts: 0,
        },
      ],
      raters: [],
    });
    const text = "Someone in payroll loses our expense forms.";
    expect(await h.services.reports.rewriteQuotes(other, target.id, text)).toBe(3);
    const read = await h.services.reports.read(other, 1);
    const view = await h.services.reports.segmentView(other, 1, "department:Sales");
    expect(read.thoughts.map((t) => t.text)).toEqual([neighbour.text, text]);
    expect(view?.thoughts.map((t) => t.text)).toEqual([text, neighbour.text]);
    expect(read.head.opinionGroups?.commonGround.map((t) => t.text)).toEqual([neighbour.text, text]);
    expect(read.head.opinionGroups?.divisive.map((t) => t.text)).toEqual([text]);
    expect(JSON.stringify(await h.scanAll())).not.toContain("Ana Lima");
    // Again: nothing left to rewrite.
    expect(await h.services.reports.rewriteQuotes(other, target.id, text)).toBe(0);
  });
});
