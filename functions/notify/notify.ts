import { personKeys } from "../domain/author-key.js";
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

/** The mail context with the organisation's name and time zone from the admin settings. */
async function mailContext(s: Services): Promise<MailContext> {
  const settings = await s.settings.get();
  return {
    appUrl: s.mail.appUrl,
    organisation: settings.organisationName || s.mail.organisation,
    timeZone: settings.timeZone,
  };
}

/** Visible thoughts: what raters are given (a reminder job, not a request path). */
async function visibleThoughts(s: Services, conversationId: string): Promise<number> {
  let visible = 0;
  for await (const page of s.thoughts.all(conversationId)) {
    visible += page.filter((t) => t.status === "visible").length;
  }
  return visible;
}

/**
 * Fans the messages out through the mail queue: in AWS the worker sends them paced under SES's
 * rate and retries failures; on the embedded default they go straight to the data folder.
 */
function sendAll(s: Services, messages: readonly MailMessage[]): Promise<number> {
  return s.mail.queue.enqueue(messages);
}

export async function sendInvitations(s: Services, conversation: Conversation): Promise<number> {
  const [people, ctx] = await Promise.all([recipients(s, conversation), mailContext(s)]);
  return sendAll(
    s,
    people.map((p) => invitation(ctx, conversation, p.email)),
  );
}

export async function sendPublishedNotices(s: Services, conversation: Conversation): Promise<number> {
  const [people, ctx] = await Promise.all([recipients(s, conversation), mailContext(s)]);
  return sendAll(
    s,
    people.map((p) => publishedNotice(ctx, conversation, p.email)),
  );
}

/**
 * Reminders go only to people who still have something to do: no thought yet (while sharing),
 * or fewer ratings than the target and thoughts left that they could rate (their own, and those
 * they rated or skipped, are not given to them). Chosen from counts, never content.
 */
export async function sendReminders(
  s: Services,
  conversation: Conversation,
  kind: "share" | "rate",
): Promise<number> {
  const [people, participation, ctx, visible] = await Promise.all([
    recipients(s, conversation),
    s.participation.all(conversation.id),
    mailContext(s),
    kind === "rate" ? visibleThoughts(s, conversation.id) : 0,
  ]);
  // Participation is kept by pseudonym (author-key.ts): the scheduler, holding the secret, finds
  // each person's own; the table alone cannot.
  const progress = new Map(participation.map((p) => [p.participantKey, p]));
  const messages = people.flatMap((person) => {
    const mine = progress.get(personKeys(s.authorKeySecret, conversation.id, person.id).participantKey);
    if (kind === "share")
      return (mine?.thoughtCount ?? 0) === 0 ? [shareReminder(ctx, conversation, person.email)] : [];
    const rated = mine?.ratingCount ?? 0;
    const waiting = Math.max(0, visible - (mine?.thoughtCount ?? 0) - rated - (mine?.skipCount ?? 0));
    return rated < conversation.settings.ratingTarget && waiting > 0
      ? [ratingReminder(ctx, conversation, person.email, { rated, waiting })]
      : [];
  });
  return sendAll(s, messages);
}

/**
 * The live view's one-click reminder (issue 12): everyone invited who has not taken part yet —
 * no participation at all — and nobody else; the share reminder while sharing, the rating one
 * while rating. Returns how many were queued: the route does not pass it on while sharing (a
 * live figure between rounds would time who joined since the last one, DESIGN §3.7).
 */
export async function remindNotYet(s: Services, conversation: Conversation): Promise<number> {
  const rating = conversation.state === "rating";
  const [people, participation, ctx, visible] = await Promise.all([
    recipients(s, conversation),
    s.participation.all(conversation.id),
    mailContext(s),
    rating ? visibleThoughts(s, conversation.id) : 0,
  ]);
  if (rating && visible === 0) return 0;
  // Participation is kept by pseudonym: the key of each invited person tells who joined.
  const joined = new Set(participation.map((p) => p.participantKey));
  const messages = people
    .filter((person) => !joined.has(personKeys(s.authorKeySecret, conversation.id, person.id).participantKey))
    .map((person) =>
      rating
        ? ratingReminder(ctx, conversation, person.email, { rated: 0, waiting: visible })
        : shareReminder(ctx, conversation, person.email),
    );
  return sendAll(s, messages);
}
