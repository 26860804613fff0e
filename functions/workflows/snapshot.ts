import { audienceIncludes, type Conversation, numberThreshold } from "../domain/conversation.js";
import { decideSnapshotCells, type SnapshotCells, snapshotOf } from "../domain/snapshot-cells.js";
import type { Services } from "../services.js";

/**
 * The conversation's snapshot cells (domain/snapshot-cells.ts): decided once, from the active
 * people of its audience, by the first join (one directory read per conversation, like the
 * invitations at opening), then read back by every later one.
 */
export async function snapshotCellsFor(s: Services, conversation: Conversation): Promise<SnapshotCells> {
  const stored = await s.participation.snapshotCells(conversation.id);
  if (stored) return stored;
  const audience = (await s.directory.all()).filter(
    (person) => person.active && audienceIncludes(conversation.audience, person.attributes),
  );
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
