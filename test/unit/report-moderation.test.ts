import { describe, expect, it } from "vitest";
import {
  changePart,
  listedIn,
  quotedTexts,
  remainingTexts,
  shownHead,
  withheldIn,
} from "../../functions/db/items/report-moderation.js";
import type { ReportHead } from "../../functions/report/compute.js";

const original = "Ana Lima in payroll loses our expense forms.";
const edit = "Someone in payroll loses our expense forms.";
const other = "Publish the travel policy where people can find it.";
const entry = (id: string, text: string) => ({ id, text, themeId: "t1", stats: { count: 3 } });
const listed = (thoughtId: string, text: string) => ({ thoughtId, text, consensus: 0.5 });

const head = () => ({
  pk: "CONV#c",
  sk: "REPORT#v000001#A#HEAD",
  head: {
    notes: [],
    themes: [
      {
        id: "t1",
        summary: `2 thoughts about payroll. “${original}” “${other}”`,
        keyPhrases: ["ana Lima", "payroll", "travel policy"],
        topThoughtIds: ["a", "b"],
      },
    ],
    consensusIds: ["a", "b"],
    polarizingIds: ["b"],
    opinionGroups: { commonGround: [listed("a", original)], divisive: [listed("b", other)] },
  },
});
const page = () => ({
  pk: "CONV#c",
  sk: "REPORT#v000001#B#00000",
  thoughts: [entry("b", other), entry("a", original)],
});
const otherPage = () => ({
  pk: "CONV#c",
  sk: "REPORT#v000001#B#00001",
  thoughts: [entry("c", "More desks.")],
});
const parts = () => [head(), page(), otherPage()];

describe("moderation reaching a stored report part", () => {
  it("a redaction rewrites every quote and the summary's excerpt, and a repeat changes nothing", () => {
    const quoted = quotedTexts(parts(), ["a"]);
    const change = { kind: "redact", thoughtId: "a", text: edit } as const;
    const newHead = changePart(head(), change, quoted, remainingTexts(parts(), change))!;
    expect(JSON.stringify(newHead).toLowerCase()).not.toContain("ana lima");
    expect(JSON.stringify(newHead)).toContain(`“${edit}” “${other}”`);
    // A key phrase drawn only from the removed words goes; one the edit or others keep stays.
    expect((newHead.head as { themes: { keyPhrases: string[] }[] }).themes[0]!.keyPhrases).toEqual([
      "payroll",
      "travel policy",
    ]);
    const newPage = changePart(page(), change, quoted)!;
    expect((newPage.thoughts as { text: string }[]).map((t) => t.text)).toEqual([other, edit]);
    expect(changePart(newPage, change, quoted)).toBeUndefined();
    expect(changePart(otherPage(), change, quoted)).toBeUndefined();
  });

  it("a hide blanks the thought's words, drops its excerpt and lists it as withheld where it is named", () => {
    const quoted = quotedTexts(parts(), ["a"]);
    const change = { kind: "withhold", thoughtIds: listedIn(parts(), ["a", "never-listed"]) } as const;
    expect(change.thoughtIds).toEqual(["a"]);
    const newHead = changePart(head(), change, quoted, remainingTexts(parts(), change))!;
    const newPage = changePart(page(), change, quoted)!;
    for (const part of [newHead, newPage]) {
      expect(JSON.stringify(part).toLowerCase()).not.toContain("ana lima");
      expect(withheldIn(part)).toEqual(new Set(["a"]));
    }
    expect((newHead.head as { themes: { summary: string }[] }).themes[0]!.summary).toBe(
      `2 thoughts about payroll. “${other}”`,
    );
    // A page that does not name it is not written.
    expect(changePart(otherPage(), change, quoted)).toBeUndefined();
    expect(changePart(newPage, change, quoted)).toBeUndefined();

    const release = { kind: "release", thoughts: [{ id: "a", text: original }] } as const;
    const back = changePart(newPage, release, quotedTexts([newHead, newPage], ["a"]))!;
    expect(back).toEqual({ ...page(), withheld: undefined, thoughts: page().thoughts });
    expect(withheldIn(back).size).toBe(0);
  });

  it("readers leave a withheld thought out of every list of the head and say why", () => {
    const shown = shownHead(head().head as unknown as ReportHead, new Set(["a"]));
    expect(shown.themes[0]!.topThoughtIds).toEqual(["b"]);
    expect(shown.consensusIds).toEqual(["b"]);
    expect(shown.opinionGroups!.commonGround).toEqual([]);
    expect(shown.notes.join(" ")).toContain(
      "1 thought hidden by a moderator after this version was computed",
    );
  });
});
