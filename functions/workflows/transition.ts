import type { StoredConversation } from "../db/items/conversations.js";
import { type Audience, audienceIncludes } from "../domain/conversation.js";
import type { ConversationState } from "../domain/lifecycle.js";
import { ConflictError } from "../errors.js";
import { carryLoopForward } from "../report/loop-context.js";
import { scheduleEvents } from "../scheduler/due.js";
import type { Services } from "../services.js";
import { releaseNow } from "./release-round.js";

const audienceText = (audience: Audience) =>
  audience.kind === "everyone"
    ? "everyone"
    : Object.entries(audience.segments)
        .map(([name, values]) => `${name}: ${values.join(" or ")}`)
        .join("; ");

/**
 * Every state change goes through here, whether a facilitator clicks or the scheduler's clock
 * fires: the conditional transition itself, then what follows from it (invitations, the theme
 * run at close, results notices, the scheduler's next events).
 */
export async function transitionConversation(
  s: Services,
  id: string,
  to: ConversationState,
  options: { expected?: ConversationState } = {},
): Promise<StoredConversation> {
  const current = await s.conversations.get(id);
  if (options.expected && current.state !== options.expected) {
    throw new ConflictError(`The conversation is ${current.state}, not ${options.expected}.`);
  }
  if (
    to === "published" &&
    (!current.reportVersion || current.approvedReportVersion !== current.reportVersion)
  ) {
    throw new ConflictError(
      "A leader must review and approve the newest report before results are published.",
    );
  }
  if (to === "scheduled" && !current.schedule) {
    throw new ConflictError("Set a schedule (sharing, rating and closing times) before scheduling.");
  }
  // Opening counts who is invited now: the directory may have changed since the draft.
  const invited =
    to === "sharing" || to === "scheduled"
      ? (await s.directory.all()).filter((p) => p.active && audienceIncludes(current.audience, p.attributes))
          .length
      : current.invited;
  // A typo ("Salse") would open to "0 of 0 invited": a person opening or scheduling it hears why.
  // The scheduler's clock (options.expected) still opens what a person scheduled.
  if (invited === 0 && (to === "sharing" || to === "scheduled") && !options.expected) {
    throw new ConflictError(
      `No one in the directory matches this conversation's audience (${audienceText(current.audience)}), so nobody would be invited. Check the spelling against the directory, or choose everyone.`,
    );
  }
  const moved = await s.conversations.transition(id, to, current.state, { invited });
  s.logger.info("conversation transition", { conversationId: id, from: current.state, to });

  if (current.state === "sharing") {
    // Sharing's end cuts a round: no thought waits into rating (DESIGN §3.7). Should it fail, the
    // scheduler's rounds take the thoughts within the hour.
    await releaseNow(s, { id, invited }, new Date()).catch((error: Error) =>
      s.logger.error("release round failed", { conversationId: id, error: error.name }),
    );
  }
  await scheduleAndNotices(s, moved);
  if (to === "published") {
    // What leadership heard and will do becomes part of the next stage's context.
    await carryLoopForward(s, id);
  }
  if (to === "closed") {
    // Closing computes the report at once, so leaders find it ready.
    const { job, created } = await s.jobs.startThemeRun(id);
    if (created) await s.queue.enqueue({ jobId: job.id, conversationId: id });
  }
  return { ...current, ...moved, invited };
}

/**
 * The next stage's schedule and the notices a state sends (invitations on opening, results on
 * publishing): written after the state, so a process that dies in between leaves them out. Safe
 * to repeat — the schedule is replaced, notices are sent once (due.once) — and so the scheduler
 * repeats it when it finds a due transition already made (scheduler/run.ts).
 */
export async function scheduleAndNotices(
  s: Services,
  conversation: Parameters<typeof scheduleEvents>[0] & {
    readonly id: string;
    readonly state: ConversationState;
  },
): Promise<void> {
  await s.due.replaceSchedule(conversation.id, scheduleEvents(conversation));
  if (conversation.state === "sharing") await s.due.queueNotice(conversation.id, "notify-invite");
  if (conversation.state === "published") await s.due.queueNotice(conversation.id, "notify-published");
}
