import type { Caller } from "../auth/verify.js";
import type { Participation } from "../db/items/participation.js";
import { type PersonKeys, personKeys } from "../domain/author-key.js";
import { audienceIncludes, type Conversation } from "../domain/conversation.js";
import { visibleToParticipants } from "../domain/lifecycle.js";
import { can } from "../domain/person.js";
import { ForbiddenError, NotFoundError } from "../errors.js";
import type { Services } from "../services.js";
import { snapshotFor } from "../workflows/snapshot.js";

const holds = (caller: Caller, roles: readonly string[]) => caller.roles.some((r) => roles.includes(r));

export const isFacilitator = (caller: Caller) => holds(caller, can.facilitate);

/** Staff (facilitators, leaders, admins) act on every conversation whatever its audience (DESIGN §2). */
export const isStaff = (caller: Caller) => holds(caller, can.lead);

export interface ParticipantContext {
  readonly conversation: Conversation & { invited: number };
  readonly participation: Participation | undefined;
  /** The caller's pseudonyms in this conversation (author, rater, participant). */
  readonly keys: PersonKeys;
  /** Whether the caller may take part: they joined, or the audience includes them today. */
  readonly inAudience: () => Promise<boolean>;
  /**
   * Joins the conversation, storing the caller's current directory attributes generalised to its
   * cells (the snapshot their thoughts and ratings keep); once joined, the participation this
   * request already read, without reading it again.
   */
  readonly join: () => Promise<Participation>;
}

async function load(s: Services, caller: Caller, id: string): Promise<ParticipantContext> {
  const keys = personKeys(s.authorKeySecret, id, caller.userId);
  const [conversation, participation] = await Promise.all([
    s.conversations.get(id),
    s.participation.find(id, keys.participantKey),
  ]);
  // Read from the directory by the authentication middleware, on this request.
  const { attributes } = caller.person;
  const snapshot = () => snapshotFor(s, conversation, attributes);
  const inAudience = async () =>
    participation !== undefined || audienceIncludes(conversation.audience, attributes);
  const join = async () => participation ?? s.participation.join(id, keys.participantKey, snapshot);
  return { conversation, participation, keys, inAudience, join };
}

/**
 * Loads a conversation for someone taking part (sharing, rating, flagging, their own thoughts):
 * it must be open to participants and the caller must be in its audience (judged on the snapshot
 * once they have joined). Unknown and hidden conversations look the same (404), so ids cannot be
 * probed. Staff roles do not widen taking part: a leader outside a Sales-only audience follows
 * the conversation (loadForViewer) but does not add thoughts or ratings to it.
 */
export async function loadForParticipant(
  s: Services,
  caller: Caller,
  id: string,
): Promise<ParticipantContext> {
  const context = await load(s, caller, id);
  if (!visibleToParticipants(context.conversation.state)) {
    if (isFacilitator(caller)) return context;
    throw new NotFoundError("No conversation has this id.");
  }
  if (!(await context.inAudience())) {
    throw new ForbiddenError("This conversation is for another group of people.");
  }
  return context;
}

/**
 * Loads a conversation for reading it: staff read every conversation whatever its audience
 * (facilitators drafts too); everyone else as for taking part.
 */
export async function loadForViewer(s: Services, caller: Caller, id: string): Promise<ParticipantContext> {
  if (!isStaff(caller)) return loadForParticipant(s, caller, id);
  const context = await load(s, caller, id);
  if (!visibleToParticipants(context.conversation.state) && !isFacilitator(caller)) {
    throw new NotFoundError("No conversation has this id.");
  }
  return context;
}
