import type { Conversation } from "../domain/conversation.js";
import type { ConversationState } from "../domain/lifecycle.js";

/**
 * What the scheduler will do for a conversation, and when. Timed transitions follow the schedule;
 * reminders go out a day before sharing and rating end (or at the start, for shorter windows);
 * notices (invitations, results) are queued by transitions to go out on the next run.
 */
export const scheduleEventNames = [
  "open",
  "rate",
  "close",
  "publish",
  "remind-share",
  "remind-rate",
] as const;
export const noticeEventNames = ["notify-invite", "notify-published"] as const;
export type ScheduleEvent = (typeof scheduleEventNames)[number];
export type NoticeEvent = (typeof noticeEventNames)[number];
export type DueEvent = ScheduleEvent | NoticeEvent;

export interface Due {
  readonly event: DueEvent;
  readonly dueAt: string;
}

/** The transition each timed event makes, from the state it expects. */
export const timedTransitions: Partial<Record<DueEvent, { from: ConversationState; to: ConversationState }>> =
  {
    open: { from: "scheduled", to: "sharing" },
    rate: { from: "sharing", to: "rating" },
    close: { from: "rating", to: "closed" },
    publish: { from: "closed", to: "published" },
  };

const dayMs = 24 * 60 * 60 * 1000;
const reminderAt = (startIso: string, endIso: string) =>
  new Date(Math.max(Date.parse(startIso), Date.parse(endIso) - dayMs)).toISOString();

const stillAhead: Record<ConversationState, readonly ScheduleEvent[]> = {
  draft: [],
  scheduled: ["open", "remind-share", "rate", "remind-rate", "close", "publish"],
  sharing: ["remind-share", "rate", "remind-rate", "close", "publish"],
  rating: ["remind-rate", "close", "publish"],
  closed: ["publish"],
  published: [],
  archived: [],
};

export function scheduleEvents(conversation: Pick<Conversation, "state" | "schedule">): Due[] {
  const s = conversation.schedule;
  if (!s) return [];
  const at: Record<ScheduleEvent, string | undefined> = {
    open: s.sharingAt,
    "remind-share": reminderAt(s.sharingAt, s.ratingAt),
    rate: s.ratingAt,
    "remind-rate": reminderAt(s.ratingAt, s.closingAt),
    close: s.closingAt,
    publish: s.publishingAt,
  };
  return stillAhead[conversation.state].flatMap((event) => {
    const dueAt = at[event];
    return dueAt ? [{ event, dueAt: new Date(dueAt).toISOString() }] : [];
  });
}
