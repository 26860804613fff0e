/**
 * The join attack an operator with the table can make, performed on the table's items
 * (docs/anonymity.md, "Joins in the table"). `npm run audit:anonymity` reads the items
 * (functions/cli/audit-anonymity.ts) and prints what this finds.
 *
 * Deliberately tolerant: it reads raw items, old shapes included (a participation record that
 * still holds a userId, a whole snapshot), because an audit must measure the table as it is, not
 * as the code would write it today. Every join below is one an operator can make without the
 * server secret (the secret makes author keys computable; it lives outside the table):
 *
 * - **directory**: people of the conversation's audience whose directory attributes give the
 *   stored snapshot — through the conversation's stored cells when it has them (the operator can
 *   replay the recoding), else every person whose attributes agree with each stored one;
 * - **participation**: where participation records name a person (userId), a thought's author
 *   must be one of them, with the same snapshot, a thought count equal to the number of thoughts
 *   under the thought's author key, and a join day no later than the thought's day; a rater the
 *   same with their rating and skip counts and their first assignment day.
 */
import { audienceIncludes } from "../domain/conversation.js";
import { cellCount, type SnapshotCells, snapshotOf } from "../domain/snapshot-cells.js";
import type { Contributor } from "../report/segments.js";
import { type LogAudit, logLines } from "./log-audit.js";
import {
  auditReport,
  type ReleasedFamilyAudit,
  reportReleasesSchema,
  type StoredRating,
  storedSettingsSchema,
} from "./report-audit.js";

type Raw = Record<string, unknown>;
type Attributes = Record<string, string>;

export interface AuditPerson {
  readonly id: string;
  /** For the log audit: a line naming the email names the person. */
  readonly email?: string;
  readonly attributes: Attributes;
}

export interface ConversationItems {
  readonly id: string;
  readonly title: string;
  /** The conversation item (audience, settings). */
  readonly meta: Raw;
  /** Every other item of the conversation's partition (thoughts, participation, reviews, …). */
  readonly items: readonly Raw[];
  /** The conversation's assignments (rater partitions, read through the ratings index). */
  readonly assignments: readonly Raw[];
  readonly cells?: SnapshotCells;
}

export interface TableItems {
  readonly people: readonly AuditPerson[];
  readonly conversations: readonly ConversationItems[];
  /** Items outside conversation partitions that may hold a thought id (idempotency records). */
  readonly others: readonly Raw[];
}

export type Precision = "day" | "hour" | "minute" | "second" | "millisecond";
const precisionRank: Record<Precision, number> = { day: 0, hour: 1, minute: 2, second: 3, millisecond: 4 };

export interface TimestampFinding {
  readonly item: string;
  readonly attribute: string;
  readonly precision: Precision;
  readonly count: number;
}

export interface ConversationAudit {
  readonly id: string;
  readonly title: string;
  readonly k: number;
  readonly audience: number;
  readonly cells?: number;
  readonly participationNamesPeople: boolean;
  readonly thoughts: { count: number; fewest: number | null; underK: number };
  readonly ratings: { count: number; fewest: number | null; underK: number };
  readonly timestamps: TimestampFinding[];
  /** The finest of `timestamps`. */
  readonly finest: Precision | null;
  /** The newest stored report's released families, checked by the release rule (report-audit.ts). */
  readonly report?: { readonly version: number; readonly families: ReleasedFamilyAudit[] };
  /**
   * Open assignments joined through their window id to the quarter hour they were given in
   * (assignment-windows.ts): transient, gone when they are rated, skipped or expire. Closed
   * assignments still carrying a window are counted in `timestamps` instead (and fail).
   */
  readonly openWindowJoins: number;
}

export interface TableAudit {
  readonly conversations: ConversationAudit[];
  /** Timestamps of items outside conversations that sit next to a thought id. */
  readonly others: TimestampFinding[];
  readonly fewest: number | null;
  readonly underK: number;
  readonly finest: Precision | null;
  /** The smallest group any released report combination describes, over every report. */
  readonly smallestReleased: number | null;
  /** The logs read beside the table, if any were given (log-audit.ts). */
  readonly logs?: LogAudit;
  readonly passed: boolean;
}

const str = (value: unknown) => (typeof value === "string" ? value : undefined);
const num = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : 0);
const record = (value: unknown): Attributes =>
  value && typeof value === "object" && !Array.isArray(value)
    ? Object.fromEntries(
        Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
      )
    : {};
const sameRecord = (a: Attributes, b: Attributes) => {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((key) => Object.hasOwn(b, key) && b[key] === a[key]);
};
const agrees = (attributes: Attributes, snapshot: Attributes) =>
  Object.entries(snapshot).every(
    ([name, value]) => Object.hasOwn(attributes, name) && attributes[name] === value,
  );
const kOf = (meta: Raw) => {
  const settings = meta.settings && typeof meta.settings === "object" ? (meta.settings as Raw) : {};
  return Math.max(5, num(settings.anonymityThreshold) || 5);
};
const sk = (item: Raw) => str(item.sk) ?? "";

/** The item type an operator sees, from the shape of its sort key. */
export function itemType(item: Raw): string {
  const sort = sk(item);
  if (sort === "IDEM") return "idempotency record";
  if (str(item.pk)?.startsWith("RATER#")) return "assignment";
  const prefix = sort.split("#")[0] ?? sort;
  const names: Record<string, string> = {
    THOUGHT: "thought",
    PART: "participation",
    REVIEW: "review entry",
    FLAG: "flag",
    MODLOG: "moderation log entry",
    DUE: "due item",
    COUNTER: "counter",
    META: "conversation",
  };
  return names[prefix] ?? prefix.toLowerCase();
}

const isoDay = /^\d{4}-\d{2}-\d{2}$/;
const isoTime = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:Z|[+-]\d{2}:?\d{2})?$/;
const isoInside = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/;

/** How finely a stored value tells a time, if it is one. */
export function precisionOf(attribute: string, value: unknown): Precision | undefined {
  if (typeof value === "number") {
    // Epoch seconds (TTL) or milliseconds, by name: only attributes that hold times.
    if (!/(at|time|expires|ttl|day)$/i.test(attribute)) return undefined;
    const seconds = value > 1e11 ? value / 1000 : value;
    if (value > 1e11 && value % 1000 !== 0) return "millisecond";
    if (seconds % 86400 === 0) return "day";
    if (seconds % 3600 === 0) return "hour";
    if (seconds % 60 === 0) return "minute";
    return "second";
  }
  if (typeof value !== "string") return undefined;
  if (isoDay.test(value)) return "day";
  const match = isoTime.exec(value) ?? isoTime.exec(isoInside.exec(value)?.[0] ?? "");
  if (!match) return undefined;
  const [, , hour, minute, second = "00", fraction = ""] = match;
  if (/[1-9]/.test(fraction)) return "millisecond";
  if (second !== "00") return "second";
  if (minute !== "00") return "minute";
  if (hour !== "00") return "hour";
  return "day";
}

function timestampsOf(items: readonly Raw[], near: (item: Raw) => boolean): TimestampFinding[] {
  const found = new Map<string, TimestampFinding>();
  for (const item of items) {
    if (!near(item)) continue;
    const type = itemType(item);
    for (const [attribute, value] of Object.entries(item)) {
      const precision = precisionOf(attribute, value);
      if (!precision) continue;
      const key = `${type}\u0000${attribute}`;
      const seen = found.get(key);
      if (!seen || precisionRank[precision] > precisionRank[seen.precision]) {
        found.set(key, { item: type, attribute, precision, count: (seen?.count ?? 0) + 1 });
      } else found.set(key, { ...seen, count: seen.count + 1 });
    }
  }
  return [...found.values()];
}

interface Participant {
  readonly userId: string;
  readonly attributes?: Attributes;
  readonly joinedDay?: string;
  readonly thoughtCount: number;
  readonly ratingCount: number;
  readonly skipCount: number;
}

/** Narrows by a count where the table allows it; a count no one matches is ignored, not fatal. */
const byCount = (people: Participant[], matches: (p: Participant) => boolean) => {
  const narrowed = people.filter(matches);
  return narrowed.length > 0 ? narrowed : people;
};

/** Every join on one conversation's stored items (the CLI's per-conversation block, the report's card). */
export function auditConversation(c: ConversationItems, people: readonly AuditPerson[]): ConversationAudit {
  const k = kOf(c.meta);
  const audienceValue = c.meta.audience as Parameters<typeof audienceIncludes>[0] | undefined;
  const audience = people.filter((p) =>
    audienceValue ? audienceIncludes(audienceValue, p.attributes) : true,
  );
  const inCell = c.cells
    ? (person: AuditPerson, snapshot: Attributes) =>
        sameRecord(snapshotOf(c.cells!, person.attributes), snapshot)
    : (person: AuditPerson, snapshot: Attributes) => agrees(person.attributes, snapshot);
  const fromDirectory = (snapshot: Attributes) => audience.filter((p) => inCell(p, snapshot)).length;

  const participants: Participant[] = c.items.flatMap((item) => {
    const userId = str(item.userId);
    if (itemType(item) !== "participation" || !userId) return [];
    return [
      {
        userId,
        ...(item.attributes !== undefined && { attributes: record(item.attributes) }),
        ...(str(item.joinedDay) && { joinedDay: str(item.joinedDay) }),
        thoughtCount: num(item.thoughtCount),
        ratingCount: num(item.ratingCount),
        skipCount: num(item.skipCount),
      },
    ];
  });
  const named = participants.length > 0;
  const sameSnapshot = (p: Participant, snapshot: Attributes) =>
    !p.attributes || sameRecord(p.attributes, snapshot);

  const thoughts = c.items.filter((item) => itemType(item) === "thought");
  const perAuthor = new Map<string, number>();
  for (const t of thoughts)
    perAuthor.set(str(t.authorKey) ?? "", (perAuthor.get(str(t.authorKey) ?? "") ?? 0) + 1);
  const thoughtCandidates = thoughts.map((t) => {
    const snapshot = record(t.attributes);
    if (!named) return fromDirectory(snapshot);
    const day = str(t.createdDay);
    let set = participants.filter(
      (p) => p.thoughtCount > 0 && sameSnapshot(p, snapshot) && (!day || !p.joinedDay || p.joinedDay <= day),
    );
    set = byCount(set, (p) => p.thoughtCount === perAuthor.get(str(t.authorKey) ?? ""));
    return set.length;
  });

  const given = c.assignments.filter((a) => a.status === "rated" || a.status === "skipped");
  const perRater = new Map<string, { rated: number; skipped: number; firstDay?: string }>();
  for (const a of c.assignments) {
    const key = str(a.raterKey) ?? "";
    const r = perRater.get(key) ?? { rated: 0, skipped: 0 };
    if (a.status === "rated") r.rated++;
    if (a.status === "skipped") r.skipped++;
    const day = str(a.assignedDay);
    if (day && (!r.firstDay || day < r.firstDay)) r.firstDay = day;
    perRater.set(key, r);
  }
  const ratingCandidates = given.map((a) => {
    const snapshot = record(a.attributes);
    if (!named) return fromDirectory(snapshot);
    const r = perRater.get(str(a.raterKey) ?? "")!;
    let set = participants.filter(
      (p) =>
        p.ratingCount + p.skipCount > 0 &&
        sameSnapshot(p, snapshot) &&
        (!r.firstDay || !p.joinedDay || p.joinedDay <= r.firstDay),
    );
    set = byCount(set, (p) => p.ratingCount === r.rated && p.skipCount === r.skipped);
    return set.length;
  });

  const thoughtIds = new Set(thoughts.map((t) => str(t.id)).filter((id): id is string => !!id));
  const nearThought = (item: Raw) =>
    ["thought", "participation", "assignment"].includes(itemType(item)) ||
    (typeof item.thoughtId === "string" && thoughtIds.has(item.thoughtId)) ||
    sk(item)
      .split("#")
      .some((part) => thoughtIds.has(part));

  // The join through an assignment's window id: the window item keeps the quarter hour.
  const windowStarts = new Map(
    c.items
      .filter((item) => sk(item).startsWith("ASSIGNMENT-WINDOW#"))
      .map((item) => [sk(item).slice("ASSIGNMENT-WINDOW#".length), item.startsAt] as const),
  );
  const joined = c.assignments.filter((a) => windowStarts.has(str(a.openWindow) ?? ""));
  const closedJoined = joined.filter((a) => a.status !== "assigned");
  const windowJoins: TimestampFinding[] = closedJoined.length
    ? [
        {
          item: "assignment (closed)",
          attribute: "openWindow→window.startsAt",
          precision: precisionOf("startsAt", windowStarts.get(str(closedJoined[0]!.openWindow)!)) ?? "minute",
          count: closedJoined.length,
        },
      ]
    : [];

  const summary = (counts: number[]) => ({
    count: counts.length,
    fewest: counts.length ? Math.min(...counts) : null,
    underK: counts.filter((n) => n < k).length,
  });
  const timestamps = [...timestampsOf([...c.items, ...c.assignments], nearThought), ...windowJoins];
  const report = storedReport(c, thoughts);
  return {
    id: c.id,
    title: c.title,
    k,
    audience: audience.length,
    ...(c.cells && { cells: cellCount(c.cells) }),
    participationNamesPeople: named,
    thoughts: summary(thoughtCandidates),
    ratings: summary(ratingCandidates),
    timestamps,
    finest: finestOf(timestamps.map((t) => t.precision)),
    ...(report && { report }),
    openWindowJoins: joined.length - closedJoined.length,
  };
}

const finestOf = (precisions: readonly Precision[]): Precision | null =>
  precisions.length ? precisions.reduce((a, b) => (precisionRank[b] > precisionRank[a] ? b : a)) : null;

const headKey = /^REPORT#v(\d+)#A#HEAD$/;

/**
 * The newest stored report of the conversation and the populations its rule counted, rebuilt
 * from the stored items: raters of visible thoughts with their snapshots (opinion groups are
 * recomputed by report-audit.ts) and the participation records.
 */
function storedReport(c: ConversationItems, thoughts: readonly Raw[]) {
  const heads = c.items
    .map((item) => ({ item, version: Number(headKey.exec(sk(item))?.[1] ?? Number.NaN) }))
    .filter((h) => Number.isFinite(h.version))
    .sort((a, b) => b.version - a.version);
  const newest = heads[0];
  const releases = reportReleasesSchema.safeParse(newest?.item.head);
  if (!newest || !releases.success) return undefined;
  const visible = new Set(thoughts.filter((t) => t.status === "visible").map((t) => str(t.id)));
  const ratings: StoredRating[] = c.assignments.flatMap((a) =>
    a.status === "rated" && typeof a.stars === "number" && visible.has(str(a.thoughtId))
      ? [
          {
            thoughtId: str(a.thoughtId) ?? "",
            raterKey: str(a.raterKey) ?? "",
            stars: a.stars,
            attributes: record(a.attributes),
          },
        ]
      : [],
  );
  const participants: Contributor[] = c.items
    .filter((item) => itemType(item) === "participation")
    .map((item) => ({
      key: str(item.participantKey) ?? str(item.userId) ?? sk(item),
      attributes: record(item.attributes),
    }));
  const settings = storedSettingsSchema.safeParse(c.meta.settings ?? {});
  return {
    version: newest.version,
    families: auditReport({
      report: releases.data,
      ratings,
      participants,
      settings: { ...(settings.data ?? {}), anonymityThreshold: kOf(c.meta) },
    }),
  };
}

/** Performs every join on the table's items and sums up what an operator could narrow down. */
export function auditTable(table: TableItems, logs?: LogAudit): TableAudit {
  const conversations = table.conversations.map((c) => auditConversation(c, table.people));
  const thoughtIds = new Set(
    table.conversations.flatMap((c) =>
      c.items.filter((item) => itemType(item) === "thought").map((item) => str(item.id) ?? ""),
    ),
  );
  const others = timestampsOf(table.others, (item) => thoughtIds.has(str(item.resultId) ?? ""));
  const fewestOf = conversations
    .flatMap((c) => [c.thoughts.fewest, c.ratings.fewest])
    .filter((n) => n !== null);
  const finest = finestOf([...conversations.flatMap((c) => c.timestamps), ...others].map((t) => t.precision));
  const underK = conversations.reduce((sum, c) => sum + c.thoughts.underK + c.ratings.underK, 0);
  const families = conversations.flatMap((c) =>
    c.report ? c.report.families.map((f) => ({ f, k: c.k })) : [],
  );
  const releasedSizes = families.map(({ f }) => f.smallest).filter((n): n is number => n !== null);
  const releasedPass = families.every(
    ({ f, k }) => f.underK === null && !f.undecided && (f.smallest === null || f.smallest >= k),
  );
  return {
    conversations,
    others,
    fewest: fewestOf.length ? Math.min(...(fewestOf as number[])) : null,
    underK,
    finest,
    smallestReleased: releasedSizes.length ? Math.min(...releasedSizes) : null,
    ...(logs && { logs }),
    passed: underK === 0 && (finest === null || finest === "day") && releasedPass && (logs?.passed ?? true),
  };
}

const familyNames: Record<ReleasedFamilyAudit["family"], string> = {
  segments: "rater segments (directory and opinion groups)",
  participation: "participation by group",
};

/** The audit as the lines `npm run audit:anonymity` prints. */
export function auditLines(audit: TableAudit): string[] {
  const lines: string[] = [];
  const fewest = (n: number | null) => (n === null ? "none stored" : String(n));
  const stamps = (found: TimestampFinding[]) =>
    found.length
      ? found
          .sort(
            (a, b) => precisionRank[b.precision] - precisionRank[a.precision] || a.item.localeCompare(b.item),
          )
          .map((t) => `${t.item}.${t.attribute} ${t.precision}`)
          .join(", ")
      : "none";
  for (const c of audit.conversations) {
    lines.push(
      `conversation ${c.id} "${c.title}": audience ${c.audience}, k ${c.k}, ` +
        (c.cells !== undefined
          ? `snapshots generalised into ${c.cells} cells`
          : "snapshots not generalised") +
        (c.participationNamesPeople ? ", participation names people" : ", participation is pseudonymous"),
    );
    lines.push(
      `  thoughts ${c.thoughts.count}: fewest candidate authors ${fewest(c.thoughts.fewest)}; ${c.thoughts.underK} with fewer than ${c.k}`,
    );
    lines.push(
      `  ratings ${c.ratings.count}: fewest candidate raters ${fewest(c.ratings.fewest)}; ${c.ratings.underK} with fewer than ${c.k}`,
    );
    lines.push(`  timestamps near a thought id: ${stamps(c.timestamps)}`);
    lines.push(
      `  open assignments joinable to the quarter hour they were given in, until they close: ${c.openWindowJoins}`,
    );
    if (!c.report) lines.push("  report: none stored");
    for (const f of c.report?.families ?? []) {
      lines.push(
        `  report v${c.report!.version}, ${familyNames[f.family]}: ${f.released} released of ${f.population} people; ` +
          `smallest group a ±1 combination of up to 4 describes ${fewest(f.smallest)}; ` +
          (f.undecided
            ? "exact check undecided"
            : f.underK === null
              ? `exact check: none under ${c.k}`
              : `exact check: a combination describes ${f.underK}`),
      );
    }
  }
  lines.push(`idempotency records naming a thought: ${stamps(audit.others)}`);
  lines.push(...logLines(audit.logs));
  lines.push(
    `overall: ${audit.conversations.length} conversations, fewest candidates ${fewest(audit.fewest)}, ` +
      `${audit.underK} items under k, finest timestamp near a thought ${audit.finest ?? "none"}, ` +
      `smallest released combination ${fewest(audit.smallestReleased)} — ` +
      (audit.passed ? "PASS" : "FAIL"),
  );
  return lines;
}
