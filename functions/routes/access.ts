import type { Caller } from "../auth/verify.js";
import { audienceIncludes, type Conversation } from "../domain/conversation.js";
import { can } from "../domain/person.js";
import { ForbiddenError, NotFoundError } from "../errors.js";
import type { Participation } from "../repositories/participation.js";
import type { Services } from "../services.js";

export const isFacilitator = (caller: Caller) =>
  caller.roles.some((r) => (can.facilitate as readonly string[]).includes(r));

/** Participants see a conversation once it has opened; drafts belong to facilitators. */
const visibleToParticipants = (state: Conversation["state"]) => state !== "draft" && state !== "scheduled";

export interface ParticipantContext {
  readonly conversation: Conversation & { invited: number };
  readonly participation: Participation | undefined;
  /** The caller's current directory attributes (used only to join, then the snapshot rules). */
  readonly attributes: () => Promise<Record<string, string>>;
}

/**
 * Loads a conversation for a participant: it must be open to participants and the caller must be
 * in its audience (judged on the snapshot once they have joined). Unknown and hidden conversations
 * look the same (404), so ids cannot be probed.
 */
export async function loadForParticipant(
  s: Services,
  caller: Caller,
  id: string,
): Promise<ParticipantContext> {
  const [conversation, participation] = await Promise.all([
    s.conversations.get(id),
    s.participation.find(id, caller.userId),
  ]);
  // Read from the directory by the authentication middleware, on this request.
  const attributes = async () => caller.person.attributes;
  if (!visibleToParticipants(conversation.state)) {
    if (isFacilitator(caller)) {
      return { conversation, participation, attributes };
    }
    throw new NotFoundError("No conversation has this id.");
  }
  if (!participation && !audienceIncludes(conversation.audience, await attributes())) {
    throw new ForbiddenError("This conversation is for another group of people.");
  }
  return { conversation, participation, attributes };
}
