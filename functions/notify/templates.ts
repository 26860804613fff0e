import type { Conversation } from "../domain/conversation.js";
import type { MailMessage } from "./mailer.js";

/** Plain-language messages with the conversation link. They carry the question, never content. */
export interface MailContext {
  readonly appUrl: string;
  readonly organisation: string;
}

const link = (ctx: MailContext, conversation: Conversation) =>
  `${ctx.appUrl.replace(/\/$/, "")}/c/${conversation.id}`;
const closing = (ctx: MailContext) =>
  `\n\nYour name is never stored with what you write.\n— ${ctx.organisation} via Groundswell\n\nTo stop these emails, open Groundswell and turn off email in your profile.`;

const until = (iso: string | undefined) =>
  iso ? ` until ${new Date(iso).toUTCString().replace(/:\d\d GMT$/, " UTC")}` : "";

export function invitation(ctx: MailContext, c: Conversation, to: string): MailMessage {
  return {
    to,
    kind: "invitation",
    conversationId: c.id,
    subject: `${c.title}: we want to hear from you`,
    text: `${c.prompt}\n\nShare your thoughts anonymously${until(c.schedule?.ratingAt)}, then rate a few of your colleagues' thoughts:\n${link(ctx, c)}${closing(ctx)}`,
  };
}

export function shareReminder(ctx: MailContext, c: Conversation, to: string): MailMessage {
  return {
    to,
    kind: "reminder",
    conversationId: c.id,
    subject: `Reminder: ${c.title} closes for new thoughts soon`,
    text: `There is still time to answer "${c.prompt}"${until(c.schedule?.ratingAt)}.\n\n${link(ctx, c)}${closing(ctx)}`,
  };
}

export function ratingReminder(ctx: MailContext, c: Conversation, to: string, rated: number): MailMessage {
  const left = Math.max(0, c.settings.ratingTarget - rated);
  return {
    to,
    kind: "reminder",
    conversationId: c.id,
    subject: `Reminder: ${left} thoughts are waiting for your rating`,
    text: `Rating ${c.title} is open${until(c.schedule?.closingAt)}. You have rated ${rated} of ${c.settings.ratingTarget}; each rating helps the best ideas rise.\n\n${link(ctx, c)}${closing(ctx)}`,
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
