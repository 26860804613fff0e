import { excerpt } from "../../domain/excerpt.js";
import type { ReportHead } from "../../report/compute.js";
import type { ReportTheme, ReportThought } from "../../report/schema.js";
import type { RawItem } from "../item.js";

/**
 * Moderation reaching reports already computed (issue 12, docs/anonymity.md "Moderation and
 * reports already computed"): a redaction rewrites a thought's quotes, a hide withholds the thought
 * (its id is listed in the part's `withheld`, its quotes are blanked, readers drop it), a restore
 * releases it with its text. These work on the raw stored parts (head, page, segment view), so a
 * part another version of the code wrote is still found and nothing it holds is dropped.
 */
export type QuoteChange =
  | { readonly kind: "redact"; readonly thoughtId: string; readonly text: string }
  | { readonly kind: "withhold"; readonly thoughtIds: readonly string[] }
  | {
      readonly kind: "release";
      readonly thoughts: readonly { readonly id: string; readonly text: string }[];
    };

/** Lists of a part whose entries quote a thought: the pages' and views' ranked thoughts, the opinion lists. */
const quoteLists: readonly { path: readonly string[]; idField: "id" | "thoughtId" }[] = [
  { path: ["thoughts"], idField: "id" },
  { path: ["view", "thoughts"], idField: "id" },
  { path: ["head", "opinionGroups", "commonGround"], idField: "thoughtId" },
  { path: ["head", "opinionGroups", "divisive"], idField: "thoughtId" },
];
/** Lists of themes: their summaries may quote a thought (the offline engine's extractive summary). */
const themeLists: readonly (readonly string[])[] = [
  ["head", "themes"],
  ["view", "themes"],
];

type Entry = Record<string, unknown>;

const entriesAt = (item: unknown, path: readonly string[]): Entry[] => {
  let at: unknown = item;
  for (const name of path)
    at = at && typeof at === "object" ? (at as Record<string, unknown>)[name] : undefined;
  return Array.isArray(at) ? at.filter((e): e is Entry => e !== null && typeof e === "object") : [];
};

const quotesOf = (part: RawItem) =>
  quoteLists.flatMap(({ path, idField }) =>
    entriesAt(part, path).map((entry) => ({ entry, id: entry[idField] })),
  );

/** The ids a stored part withholds. */
export const withheldIn = (part: { readonly withheld?: unknown }): ReadonlySet<string> =>
  new Set(Array.isArray(part.withheld) ? part.withheld.filter((id) => typeof id === "string") : []);

/**
 * The texts a version's parts quote for these thoughts (blanked quotes aside): what its theme
 * summaries may have excerpted.
 */
export function quotedTexts(parts: readonly RawItem[], ids: readonly string[]): Map<string, Set<string>> {
  const wanted = new Set(ids);
  const texts = new Map<string, Set<string>>();
  for (const part of parts)
    for (const { entry, id } of quotesOf(part))
      if (typeof id === "string" && wanted.has(id) && typeof entry.text === "string" && entry.text !== "") {
        const known = texts.get(id) ?? new Set<string>();
        known.add(entry.text);
        texts.set(id, known);
      }
  return texts;
}

/** Of these thoughts, those a version lists (a thought never in it, held or hidden before, is not withheld). */
export function listedIn(parts: readonly RawItem[], ids: readonly string[]): string[] {
  const listed = new Set(parts.flatMap((part) => quotesOf(part).map(({ id }) => id)));
  return ids.filter((id) => listed.has(id));
}

/**
 * The part with the change made, or undefined when it has nothing to change (so a repeated
 * decision writes nothing). `quoted` is quotedTexts of the part's version.
 */
/**
 * The texts (lowercased) a version still quotes once the change is made: a key phrase found only
 * in removed words goes with them.
 */
export function remainingTexts(parts: readonly RawItem[], change: QuoteChange): string[] {
  const gone = new Set(
    change.kind === "withhold" ? change.thoughtIds : change.kind === "redact" ? [change.thoughtId] : [],
  );
  const texts = parts.flatMap((part) =>
    quotesOf(part).flatMap(({ entry, id }) =>
      typeof entry.text === "string" && !gone.has(String(id)) ? [entry.text.toLowerCase()] : [],
    ),
  );
  return change.kind === "redact" ? [...texts, change.text.toLowerCase()] : texts;
}

export function changePart(
  part: RawItem,
  change: QuoteChange,
  quoted: ReadonlyMap<string, ReadonlySet<string>>,
  remaining: readonly string[] = [],
): RawItem | undefined {
  const next = structuredClone(part);
  const withheld = new Set(withheldIn(next));
  const texts = new Map<string, string>();
  if (change.kind === "redact") texts.set(change.thoughtId, change.text);
  // The head always lists what its version withholds (its note counts them); a page or view only
  // what it names, so a hide writes only the parts that quote or list the thought.
  const names = (id: string) => "head" in part || JSON.stringify(part).includes(JSON.stringify(id));
  if (change.kind === "withhold") for (const id of change.thoughtIds) if (names(id)) withheld.add(id);
  if (change.kind === "release")
    for (const { id, text } of change.thoughts) {
      withheld.delete(id);
      texts.set(id, text);
    }
  for (const { entry, id } of quotesOf(next)) {
    if (typeof id !== "string") continue;
    // A withheld thought's words are not kept in the report, only its place and numbers.
    if (withheld.has(id)) entry.text = "";
    else if (texts.has(id)) entry.text = texts.get(id);
  }
  for (const path of themeLists)
    for (const theme of entriesAt(next, path)) {
      if (typeof theme.summary !== "string") continue;
      let summary: string = theme.summary;
      for (const [id, olds] of quoted)
        for (const old of olds) {
          const quote = `“${excerpt(old)}”`;
          const text = texts.get(id);
          if (withheld.has(id)) summary = summary.split(` ${quote}`).join("").split(quote).join("");
          else if (text !== undefined) summary = summary.split(quote).join(`“${excerpt(text)}”`);
        }
      theme.summary = summary;
      if (change.kind === "release" || !Array.isArray(theme.keyPhrases)) continue;
      const removed = [...quoted.values()].flatMap((olds) => [...olds].map((o) => o.toLowerCase()));
      theme.keyPhrases = theme.keyPhrases.filter((phrase) => {
        const p = String(phrase).toLowerCase();
        return !removed.some((o) => o.includes(p)) || remaining.some((t) => t.includes(p));
      });
    }
  if (withheld.size > 0) next.withheld = [...withheld].sort();
  else delete next.withheld;
  return JSON.stringify(next) === JSON.stringify(part) ? undefined : next;
}

/** A page's or view's ranked thoughts as readers get them: without the withheld. */
export const shownThoughts = (thoughts: readonly ReportThought[], withheld: ReadonlySet<string>) =>
  withheld.size === 0 ? [...thoughts] : thoughts.filter((t) => !withheld.has(t.id));

/** Themes as readers get them: their quotes name no withheld thought. */
export const shownThemes = (themes: readonly ReportTheme[], withheld: ReadonlySet<string>) =>
  withheld.size === 0
    ? [...themes]
    : themes.map((t) => ({ ...t, topThoughtIds: t.topThoughtIds.filter((id) => !withheld.has(id)) }));

/**
 * A head as readers get it: no list names a withheld thought, and a note says what the numbers
 * still count (they were computed with it; only a new theme run leaves it out of them).
 */
export function shownHead(head: ReportHead, withheld: ReadonlySet<string>): ReportHead {
  if (withheld.size === 0) return head;
  const keep = (id: string) => !withheld.has(id);
  const groups = head.opinionGroups;
  const n = withheld.size;
  return {
    ...head,
    notes: [
      ...head.notes,
      `${n === 1 ? "1 thought" : `${n} thoughts`} hidden by a moderator after this version was computed ${n === 1 ? "is" : "are"} left out of its lists and quotes. Theme sizes, scores and participation figures still count ${n === 1 ? "its" : "their"} ratings until themes are run again.`,
    ],
    themes: shownThemes(head.themes, withheld),
    consensusIds: head.consensusIds.filter(keep),
    polarizingIds: head.polarizingIds.filter(keep),
    ...(groups && {
      opinionGroups: {
        ...groups,
        commonGround: groups.commonGround.filter((e) => keep(e.thoughtId)),
        divisive: groups.divisive.filter((e) => keep(e.thoughtId)),
      },
    }),
  };
}
