import { ConflictError } from "../errors.js";

/** DESIGN §1: one state machine for every conversation. */
export const conversationStates = [
  "draft",
  "scheduled",
  "sharing",
  "rating",
  "closed",
  "published",
  "archived",
] as const;
export type ConversationState = (typeof conversationStates)[number];

const nextStates: Record<ConversationState, readonly ConversationState[]> = {
  draft: ["scheduled", "sharing"],
  // A scheduled conversation can be opened early or taken back to draft for edits.
  scheduled: ["draft", "sharing"],
  sharing: ["rating"],
  rating: ["closed"],
  closed: ["published"],
  published: ["archived"],
  archived: [],
};

export function allowedTransitions(from: ConversationState): readonly ConversationState[] {
  return nextStates[from];
}

export function assertTransition(from: ConversationState, to: ConversationState): void {
  if (from === to) throw new ConflictError(`The conversation is already ${to}.`, { state: from });
  if (!nextStates[from].includes(to)) {
    throw new ConflictError(`A conversation cannot move from ${from} to ${to}.`, {
      state: from,
      allowed: nextStates[from],
    });
  }
}

export const acceptsThoughts = (state: ConversationState) => state === "sharing";
export const acceptsRatings = (state: ConversationState) => state === "sharing" || state === "rating";
/** Settings and audience shape who takes part, so they freeze once sharing starts. */
export const settingsEditable = (state: ConversationState) => state === "draft" || state === "scheduled";
export const textEditable = (state: ConversationState) =>
  state === "draft" || state === "scheduled" || state === "sharing" || state === "rating";
/** Themes can be computed once rating has started (there are ratings to rank), until archived. */
export const themesComputable = (state: ConversationState) =>
  state === "rating" || state === "closed" || state === "published";
/** Themes are shaped (merge, split, move) while the report is prepared: never after publishing. */
export const themesShapeable = (state: ConversationState) => state === "rating" || state === "closed";
/** The results are out: participants read them, and the report's wording is final. */
export const resultsPublished = (state: ConversationState) => state === "published" || state === "archived";
/** Participants see a conversation once it has opened; before, it belongs to facilitators. */
export const visibleToParticipants = (state: ConversationState) => state !== "draft" && state !== "scheduled";
/** From rating on a conversation has a report: computed while themes are computable, kept once archived. */
export const hasReport = (state: ConversationState) => themesComputable(state) || state === "archived";
/** Leadership writes responses to the themes after closing and before publishing. */
export const responsesWritable = (state: ConversationState) => state === "closed";
/** Responses exist from closing on: written while closed, then published with the results. */
export const hasResponses = (state: ConversationState) => responsesWritable(state) || resultsPublished(state);
