import { statusLabel } from "../domain/responses.js";
import { ConflictError } from "../errors.js";
import type { LogFields } from "../lib/logger.js";
import type { Services } from "../services.js";

/**
 * Closing the loop (DESIGN §1): what people said in one stage, and what leadership is doing about
 * it, becomes a section of the next stage's context. The section sits between markers, so a later
 * publish replaces it instead of stacking a second copy.
 */
export const loopStart = "<!-- groundswell:loop:start -->";
export const loopEnd = "<!-- groundswell:loop:end -->";

/** A conversation's context is at most this long (the create and edit routes' limit). */
export const contextMaxLength = 20_000;

export interface LoopTheme {
  readonly title: string;
  readonly summary: string;
  readonly response?: {
    readonly heard: string;
    readonly willDo: string;
    readonly owner: string;
    readonly dueDate?: string;
    readonly status?: string;
  };
}

export interface LoopInput {
  /** The published stage's title. */
  readonly stageTitle: string;
  readonly participants: number;
  readonly thoughts: number;
  /** Best rated first. */
  readonly themes: readonly LoopTheme[];
}

/** Text from leaders or the theme engine must not close the section early or hide in a comment. */
const clean = (text: string) => text.replace(/<!--|-->/g, "").trim();
const oneLine = (text: string) => clean(text).replace(/\s+/g, " ");

function themeBlock(theme: LoopTheme, position: number): string {
  const lines = [`### ${position}. ${oneLine(theme.title)}`, "", clean(theme.summary), ""];
  if (theme.response) {
    lines.push(
      `**What we heard:** ${clean(theme.response.heard)}`,
      "",
      `**What we will do:** ${clean(theme.response.willDo)}`,
      "",
      `**Owner:** ${[
        oneLine(theme.response.owner),
        theme.response.dueDate && `due ${theme.response.dueDate}`,
        theme.response.status && statusLabel(theme.response.status).toLowerCase(),
      ]
        .filter(Boolean)
        .join(" · ")}`,
      "",
    );
  } else {
    lines.push("*Leadership has not responded to this theme yet.*", "");
  }
  return lines.join("\n");
}

/**
 * The section, markers included, at most `maxLength` characters: themes that do not fit are
 * left out with a pointer to the full results. Undefined when not even the heading fits.
 */
export function renderLoopSection(input: LoopInput, maxLength = contextMaxLength): string | undefined {
  const title = oneLine(input.stageTitle);
  const head = [
    loopStart,
    "## What you told us, and what we are doing",
    "",
    `In “${title}”, ${input.participants} people shared ${input.thoughts} thoughts. ` +
      (input.themes.length > 0
        ? "These are the themes, best rated first, with leadership's response to each."
        : "No themes were published."),
    "",
    "",
  ].join("\n");
  const more = (n: number) =>
    `*…and ${n} more ${n === 1 ? "theme" : "themes"} in the published results of “${title}”.*\n\n`;
  let body = "";
  let included = 0;
  for (const [i, theme] of input.themes.entries()) {
    const block = `${themeBlock(theme, i + 1)}\n`;
    const rest = input.themes.length - i - 1;
    const tail = rest > 0 ? more(rest).length : 0;
    if (head.length + body.length + block.length + tail + loopEnd.length > maxLength) break;
    body += block;
    included++;
  }
  const omitted = input.themes.length - included;
  const section = `${head}${body}${omitted > 0 ? more(omitted) : ""}${loopEnd}`;
  return section.length <= maxLength ? section : undefined;
}

// The markers hold no regular-expression metacharacters, so they go in as they are.
const sectionPattern = new RegExp(`\\n*${loopStart}[\\s\\S]*?${loopEnd}\\n*`);

/** The context without its loop section (a cloned cycle starts without last year's). */
export function withoutLoopSection(context: string): string {
  return context.replace(sectionPattern, "\n\n").trim();
}

/** The context with `section` in place of an earlier one, or appended after the facilitator's text. */
export function withLoopSection(context: string, section: string): string {
  // A function replacer: leaders' text may hold "$&" or "$1", which a replacement string would expand.
  if (sectionPattern.test(context)) return context.replace(sectionPattern, () => `\n\n${section}\n\n`).trim();
  const own = context.trim();
  return own ? `${own}\n\n${section}` : section;
}

/** Stages whose participants have not finished reading the context: it may still change. */
const contextOpen = new Set(["draft", "scheduled", "sharing"]);
const attempts = 3;

/**
 * After a stage is published: puts its approved themes and leadership's responses into the next
 * stage's context. Never throws: results are published either way, and a skipped or failed
 * carry is logged (a facilitator can still edit the next stage's context by hand).
 */
export async function carryLoopForward(s: Services, conversationId: string): Promise<"updated" | "skipped"> {
  try {
    return await carry(s, conversationId);
  } catch (error) {
    s.logger.warn("loop not carried forward", { conversationId, error: (error as Error).name });
    return "skipped";
  }
}

async function carry(s: Services, conversationId: string): Promise<"updated" | "skipped"> {
  const skip = (reason: string, fields: LogFields = {}) => {
    s.logger.info("loop not carried forward", { conversationId, reason, ...fields });
    return "skipped" as const;
  };
  const published = await s.conversations.get(conversationId);
  const version = published.approvedReportVersion;
  if (!published.cycleId) return skip("not in a cycle");
  if (!version) return skip("no approved report");
  const { stageIds } = await s.cycles.get(published.cycleId);
  const position = stageIds.indexOf(conversationId);
  const nextId = position < 0 ? undefined : stageIds[position + 1];
  if (!nextId) return skip("no next stage");

  const [{ head }, edits, responses] = await Promise.all([
    s.reports.read(conversationId, version),
    s.reports.edits(conversationId),
    s.themeResponses.all(conversationId),
  ]);
  const responseOf = new Map(responses.map((r) => [r.themeId, r]));
  const themes = [...head.themes]
    .sort((a, b) => b.stats.meanScore - a.stats.meanScore)
    .map((theme) => ({
      title: edits[theme.id]?.title ?? theme.title,
      summary: edits[theme.id]?.summary ?? theme.summary,
      response: responseOf.get(theme.id),
    }));

  for (let attempt = 1; ; attempt++) {
    const next = await s.conversations.get(nextId);
    if (!contextOpen.has(next.state))
      return skip("next stage already past sharing", { nextId, state: next.state });
    // Room left beside the facilitator's own text (and the blank lines around the section).
    const room = contextMaxLength - withoutLoopSection(next.context).length - 4;
    const section = renderLoopSection(
      {
        stageTitle: published.title,
        participants: head.participation.participants,
        thoughts: head.participation.thoughts,
        themes,
      },
      room,
    );
    if (!section) return skip("no room left in the next stage's context", { nextId });
    const context = withLoopSection(next.context, section);
    if (context === next.context) return "updated";
    try {
      await s.conversations.update(nextId, { context }, undefined);
      s.logger.info("loop carried forward", { conversationId, nextId, themes: themes.length });
      return "updated";
    } catch (error) {
      // A facilitator saved the next stage meanwhile: read it again and retry.
      if (!(error instanceof ConflictError) || attempt >= attempts) throw error;
    }
  }
}
