import { audienceIncludes, type Conversation } from "../domain/conversation.js";
import type { Person } from "../domain/person.js";
import type { Services } from "../services.js";
import type { MailMessage } from "./mailer.js";
import { invitation, type MailContext, publishedNotice, ratingReminder, shareReminder } from "./templates.js";

/** Active people in the conversation's audience who have not opted out of email. */
async function recipients(s: Services, conversation: Conversation): Promise<Person[]> {
  return (await s.directory.all()).filter(
    (p) => p.active && !p.emailOptOut && audienceIncludes(conversation.audience, p.attributes),
  );
}

/** The mail context with the organisation's name from the admin settings. */
async function mailContext(s: Services): Promise<MailContext> {
  const settings = await s.settings.get();
  return { appUrl: s.mail.appUrl, organisation: settings.organisationName || s.mail.organisation };
}

/**
 * Fans the messages out through the mail queue: in AWS the worker sends them paced under SES's
 * rate and retries failures; on the embedded default they go straight to the data folder.
 */
function sendAll(s: Services, messages: readonly MailMessage[]): Promise<number> {
  return s.mail.queue.enqueue(messages);
}

export async function sendInvitations(s: Services, conversation: Conversation): Promise<number> {
  const people = await recipients(s, conversation);
  return sendAll(
    s,
    people.map((p) => invitation(s.mail, conversation, p.email)),
  );
}

export async function sendPublishedNotices(s: Services, conversation: Conversation): Promise<number> {
  const people = await recipients(s, conversation);
  return sendAll(
    s,
    people.map((p) => publishedNotice(s.mail, conversation, p.email)),
  );
}

/**
 * Reminders go only to people who still have something to do: no thought yet (while sharing),
 * or fewer ratings than the target. They are chosen from participation counts, never content.
 */
export async function sendReminders(
  s: Services,
  conversation: Conversation,
  kind: "share" | "rate",
): Promise<number> {
  const [people, participation, ctx] = await Promise.all([
    recipients(s, conversation),
    s.participation.all(conversation.id),
    mailContext(s),
  ]);
  const progress = new Map(participation.map((p) => [p.userId, p]));
  const messages = people.flatMap((person) => {
    const mine = progress.get(person.id);
    if (kind === "share")
      return (mine?.thoughtCount ?? 0) === 0 ? [shareReminder(ctx, conversation, person.email)] : [];
    const rated = mine?.ratingCount ?? 0;
    return rated < conversation.settings.ratingTarget
      ? [ratingReminder(ctx, conversation, person.email, rated)]
      : [];
  });
  return sendAll(s, messages);
}
