import type { Conversation } from "../domain/conversation.js";
import { formatDeadline } from "../domain/deadline.js";
import type { MailMessage } from "./mailer.js";

/** Plain-language messages with the conversation link. They carry the question, never content. */
export interface MailContext {
  readonly appUrl: string;
  readonly organisation: string;
  /** The organisation's time zone (admin settings): deadlines are written in it. */
  readonly timeZone: string;
}

const link = (ctx: MailContext, conversation: Conversation) =>
  `${ctx.appUrl.replace(/\/$/, "")}/c/${conversation.id}`;
const closing = (ctx: MailContext) =>
  `\n\nYour name is never stored with what you write.\n— ${ctx.organisation} via Groundswell\n\nTo stop these emails, open Groundswell and turn off email in your profile.`;

const until = (ctx: MailContext, iso: string | undefined) =>
  iso ? ` until ${formatDeadline(iso, ctx.timeZone)}` : "";

const thoughts = (n: number) => `${n} ${n === 1 ? "thought" : "thoughts"}`;

export function invitation(ctx: MailContext, c: Conversation, to: string): MailMessage {
  return {
    to,
    kind: "invitation",
    conversationId: c.id,
    subject: `${c.title}: we want to hear from you`,
    text: `${c.prompt}\n\nShare your thoughts anonymously${until(ctx, c.schedule?.ratingAt)}, then rate a few of your colleagues' thoughts:\n${link(ctx, c)}${closing(ctx)}`,
  };
}

export function shareReminder(ctx: MailContext, c: Conversation, to: string): MailMessage {
  return {
    to,
    kind: "reminder",
    conversationId: c.id,
    subject: `Reminder: ${c.title} closes for new thoughts soon`,
    text: `There is still time to answer "${c.prompt}"${until(ctx, c.schedule?.ratingAt)}.\n\n${link(ctx, c)}${closing(ctx)}`,
  };
}

/**
 * `waiting`: thoughts this person can still rate (visible, not theirs, not rated or skipped yet);
 * the reminder asks for no more than that, and never for more than the target leaves.
 */
export function ratingReminder(
  ctx: MailContext,
  c: Conversation,
  to: string,
  progress: { rated: number; waiting: number },
): MailMessage {
  const { rated, waiting } = progress;
  const ask = Math.min(Math.max(0, c.settings.ratingTarget - rated), waiting);
  const done = rated > 0 ? `You have rated ${thoughts(rated)} so far. ` : "";
  return {
    to,
    kind: "reminder",
    conversationId: c.id,
    subject: `Reminder: ${thoughts(ask)} ${ask === 1 ? "is" : "are"} waiting for your rating`,
    text: `Rating ${c.title} is open${until(ctx, c.schedule?.closingAt)}. ${done}Rating ${ask} more would help the best ideas rise.\n\n${link(ctx, c)}${closing(ctx)}`,
  };
}

export function publishedNotice(ctx: MailContext, c: Conversation, to: string): MailMessage {
  return {
    to,
    kind: "published",
    conversationId: c.id,
    subject: `${c.title}: the results and leadership's response are out`,
    text: `Thank you for taking part. See what everyone said, what rose to the top, and what leadership will do about it:\n${link(ctx, c)}/results${closing(ctx)}`,
  };
}
