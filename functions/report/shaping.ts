import type { ThemeInput } from "./cards.js";

/**
 * Theme shaping (issue 12): a facilitator merges two themes, splits thoughts off into a new
 * theme, or moves a thought to another theme. Every operation is stored as where thoughts go —
 * `moves: thoughtId → themeId` — plus the themes made by hand, so it is replayed after every
 * theme run, like title edits: the engine may re-cluster, the facilitator's word stands.
 * Pure: the job applies it (workers/theme-run.ts), the tests call it directly.
 */
export interface ThemeShaping {
  /** Where each moved thought goes: a theme of the report, or one made by hand (`made`). */
  readonly moves: Readonly<Record<string, string>>;
  /** Themes made by hand (a split): their title and summary, by id. */
  readonly made: Readonly<Record<string, { readonly title: string; readonly summary: string }>>;
}

export const noShaping: ThemeShaping = { moves: {}, made: {} };

/** A stored shaping stays well inside one DynamoDB item (400 KB). */
export const maxMoves = 4000;

export type ShapeOperation =
  | { readonly op: "merge"; readonly from: string; readonly into: string }
  | { readonly op: "move"; readonly thoughtIds: readonly string[]; readonly into: string }
  | {
      readonly op: "split";
      readonly thoughtIds: readonly string[];
      readonly title: string;
      /** The new theme's id (the route makes it). */
      readonly id: string;
    };

/** Why an operation cannot apply to the current report, in words for the person who asked. */
export class ShapeError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

/**
 * The shaping after one more operation, checked against the report it is made on (its themes
 * and which theme each thought is in now).
 */
export function addOperation(
  shaping: ThemeShaping,
  operation: ShapeOperation,
  current: { themes: readonly { id: string; title: string }[]; themeOf: ReadonlyMap<string, string | null> },
): ThemeShaping {
  const titleOf = new Map(current.themes.map((t) => [t.id, t.title]));
  const moves: Record<string, string> = { ...shaping.moves };
  const made: Record<string, { title: string; summary: string }> = { ...shaping.made };
  const known = (thoughtIds: readonly string[]) => {
    const unknown = thoughtIds.find((id) => !current.themeOf.has(id));
    if (unknown !== undefined) throw new ShapeError("A thought to move is not in this report.", "thoughtIds");
  };
  switch (operation.op) {
    case "merge": {
      if (!titleOf.has(operation.from)) throw new ShapeError("No theme has this id in the report.", "from");
      if (!titleOf.has(operation.into)) throw new ShapeError("No theme has this id in the report.", "into");
      if (operation.from === operation.into)
        throw new ShapeError("A theme cannot merge into itself.", "into");
      for (const [thoughtId, themeId] of current.themeOf) {
        if (themeId === operation.from) moves[thoughtId] = operation.into;
      }
      // Moves made earlier into the merged theme follow it.
      for (const [thoughtId, target] of Object.entries(moves)) {
        if (target === operation.from) moves[thoughtId] = operation.into;
      }
      delete made[operation.from];
      break;
    }
    case "move": {
      if (!titleOf.has(operation.into)) throw new ShapeError("No theme has this id in the report.", "into");
      known(operation.thoughtIds);
      for (const id of operation.thoughtIds) moves[id] = operation.into;
      break;
    }
    case "split": {
      known(operation.thoughtIds);
      const sources = [...new Set(operation.thoughtIds.map((id) => current.themeOf.get(id)))];
      const from = sources.length === 1 && sources[0] ? titleOf.get(sources[0]) : undefined;
      made[operation.id] = {
        title: operation.title,
        summary: from ? `Split off “${from}” by a facilitator.` : "Put together by a facilitator.",
      };
      for (const id of operation.thoughtIds) moves[id] = operation.id;
      break;
    }
  }
  // Themes made by hand that nothing is moved into any more are gone.
  const targets = new Set(Object.values(moves));
  for (const id of Object.keys(made)) if (!targets.has(id)) delete made[id];
  if (Object.keys(moves).length > maxMoves) {
    throw new ShapeError(
      `At most ${maxMoves} thoughts can be moved by hand in one conversation; re-run the themes with another number of themes instead.`,
      "thoughtIds",
    );
  }
  return { moves, made };
}

/**
 * The engine's themes, with ids carried over from the previous version and the shaping applied.
 * Moved thoughts are left out when ids are matched, so a merged theme does not hand its id to
 * the cluster it was merged away from, and the theme it went into keeps its own.
 */
export function shapeThemes(
  themes: readonly ThemeInput[],
  previous: ReadonlyMap<string, string>,
  shaping: ThemeShaping,
  carry: (themes: readonly ThemeInput[], previous: ReadonlyMap<string, string>) => ThemeInput[],
): ThemeInput[] {
  const moved = (id: string) => Object.hasOwn(shaping.moves, id);
  const unmovedPrevious = new Map([...previous].filter(([thoughtId]) => !moved(thoughtId)));
  const carried = carry(
    themes.map((t) => ({ ...t, thoughtIds: t.thoughtIds.filter((id) => !moved(id)) })),
    unmovedPrevious,
  );
  return applyShaping(
    themes.map((t, i) => ({ ...t, id: carried[i]!.id })),
    shaping,
  );
}

/**
 * Moves each moved thought to its theme: one of `themes`, or one made by hand. A move whose
 * theme is gone (a re-run no longer finds it) leaves the thought where the engine put it.
 * Themes left empty are dropped; themes made by hand come last, in the order they were made.
 */
export function applyShaping(themes: readonly ThemeInput[], shaping: ThemeShaping): ThemeInput[] {
  const ids = new Set(themes.map((t) => t.id));
  const made = Object.entries(shaping.made).filter(([id]) => !ids.has(id));
  const available = new Set([...ids, ...made.map(([id]) => id)]);
  const into = new Map<string, string[]>();
  const leaving = new Set<string>();
  for (const [thoughtId, themeId] of Object.entries(shaping.moves)) {
    if (!available.has(themeId)) continue;
    leaving.add(thoughtId);
    into.set(themeId, [...(into.get(themeId) ?? []), thoughtId]);
  }
  const shaped: ThemeInput[] = [
    ...themes,
    ...made.map(([id, m]) => ({ id, title: m.title, summary: m.summary, keyPhrases: [], thoughtIds: [] })),
  ].map((theme) => ({
    ...theme,
    thoughtIds: [...theme.thoughtIds.filter((id) => !leaving.has(id)), ...(into.get(theme.id) ?? [])],
  }));
  return shaped.filter((t) => t.thoughtIds.length > 0);
}

export const shapingNotePrefix = "A facilitator shaped these themes by hand";

/** One line for the report's notes, or none when nothing was shaped. */
export function shapingNote(shaping: ThemeShaping): string | undefined {
  const moved = Object.keys(shaping.moves).length;
  if (moved === 0) return undefined;
  const made = Object.keys(shaping.made).length;
  return `${shapingNotePrefix}: ${moved} ${moved === 1 ? "thought" : "thoughts"} moved${
    made > 0 ? `, ${made} ${made === 1 ? "theme" : "themes"} made by splitting` : ""
  }.`;
}
