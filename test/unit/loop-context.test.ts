import { describe, expect, it } from "vitest";
import {
  type LoopInput,
  loopEnd,
  loopStart,
  renderLoopSection,
  withLoopSection,
  withoutLoopSection,
} from "../../functions/report/loop-context.js";

const input: LoopInput = {
  stageTitle: "FY2027: Strategy input",
  participants: 24,
  thoughts: 31,
  themes: [
    {
      title: "Pricing is too complex",
      summary: "Customers struggle with our tiers.",
      response: { heard: "Tiers confuse customers.", willDo: "Cut to three tiers by Q2.", owner: "CFO" },
    },
    { title: "Hiring is slow", summary: "Roles stay open for months." },
  ],
};

describe("loop context", () => {
  it("renders themes in order with responses, between markers", () => {
    const section = renderLoopSection(input)!;
    expect(section.startsWith(loopStart)).toBe(true);
    expect(section.endsWith(loopEnd)).toBe(true);
    expect(section).toContain("## What you told us, and what we are doing");
    expect(section).toContain("24 people shared 31 thoughts");
    expect(section.indexOf("Pricing is too complex")).toBeLessThan(section.indexOf("Hiring is slow"));
    expect(section).toContain("**What we will do:** Cut to three tiers by Q2.");
    expect(section).toContain("**Owner:** CFO");
    expect(section).toContain("has not responded to this theme yet");
  });

  it("carries the owner's due date and the status into the next stage", () => {
    const section = renderLoopSection({
      ...input,
      themes: [
        {
          title: "Pricing is too complex",
          summary: "Customers struggle with our tiers.",
          response: {
            heard: "Tiers.",
            willDo: "Three tiers.",
            owner: "Morgan Reyes",
            dueDate: "2027-06-30",
            status: "in-progress",
          },
        },
      ],
    })!;
    expect(section).toContain("**Owner:** Morgan Reyes · due 2027-06-30 · in progress");
  });

  it("appends to the facilitator's text, then replaces itself instead of stacking", () => {
    const first = withLoopSection("Our plan: grow.", renderLoopSection(input)!);
    expect(first.startsWith("Our plan: grow.\n\n<!--")).toBe(true);
    const changed = renderLoopSection({ ...input, participants: 30 })!;
    const second = withLoopSection(`${first}\n\nMore notes.`, changed);
    expect(second.split(loopStart)).toHaveLength(2);
    expect(second).toContain("30 people");
    expect(second).not.toContain("24 people");
    expect(second.startsWith("Our plan: grow.")).toBe(true);
    expect(second.endsWith("More notes.")).toBe(true);
    expect(withoutLoopSection(second)).toBe("Our plan: grow.\n\nMore notes.");
  });

  it("keeps dollar signs literally and strips markers from inserted text", () => {
    const tricky = renderLoopSection({
      ...input,
      themes: [
        {
          title: "Budget <!-- hidden -->",
          summary: "x",
          response: { heard: "A $1M gap", willDo: "Close it, see $& and $1", owner: "CFO -->" },
        },
      ],
    })!;
    expect(tricky.split(loopEnd)).toHaveLength(2);
    const replaced = withLoopSection(withLoopSection("", renderLoopSection(input)!), tricky);
    expect(replaced).toContain("Close it, see $& and $1");
    expect(replaced).toContain("A $1M gap");
  });

  it("fits the budget by leaving themes out with a pointer, or gives up when nothing fits", () => {
    const many: LoopInput = {
      ...input,
      themes: Array.from({ length: 40 }, (_, i) => ({ title: `Theme ${i}`, summary: "s".repeat(400) })),
    };
    const section = renderLoopSection(many, 3000)!;
    expect(section.length).toBeLessThanOrEqual(3000);
    expect(section).toMatch(/…and \d+ more themes in the published results/);
    expect(renderLoopSection(many, 100)).toBeUndefined();
  });
});
