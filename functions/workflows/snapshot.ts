import { audienceIncludes, type Conversation, numberThreshold } from "../domain/conversation.js";
import { decideSnapshotCells, type SnapshotCells, snapshotOf } from "../domain/snapshot-cells.js";
import type { Services } from "../services.js";

/**
 * The conversation's snapshot cells (domain/snapshot-cells.ts): decided once, from the active
 * people of its audience, when it opens for sharing (with the directory read that counts the
 * invited, workflows/transition.ts), then read back by every join: one GetItem. Should opening
 * not have stored them (it failed, or the conversation opened before cells existed), the first
 * join decides them with one directory read.
 */
export async function snapshotCellsFor(s: Services, conversation: Conversation): Promise<SnapshotCells> {
  const stored = await s.participation.snapshotCells(conversation.id);
  if (stored) return stored;
  const audience = (await s.directory.all()).filter(
    (person) => person.active && audienceIncludes(conversation.audience, person.attributes),
  );
  return decideAndSaveCells(s, conversation, audience);
}

/** Decides the cells from the given audience and stores them; a concurrent decision wins. */
export function decideAndSaveCells(
  s: Services,
  conversation: Pick<Conversation, "id" | "settings">,
  audience: readonly { readonly attributes: Readonly<Record<string, string>> }[],
): Promise<SnapshotCells> {
  const cells = decideSnapshotCells(
    audience.map((person) => person.attributes),
    numberThreshold(conversation.settings),
  );
  return s.participation.saveSnapshotCells(conversation.id, cells);
}

/** What a joining person's thoughts and ratings store: their attributes, generalised. */
export async function snapshotFor(
  s: Services,
  conversation: Conversation,
  attributes: Readonly<Record<string, string>>,
): Promise<Record<string, string>> {
  return snapshotOf(await snapshotCellsFor(s, conversation), attributes);
}
