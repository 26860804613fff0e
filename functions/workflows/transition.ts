import { audienceIncludes } from "../domain/conversation.js";
import type { ConversationState } from "../domain/lifecycle.js";
import { ConflictError } from "../errors.js";
import { carryLoopForward } from "../report/loop-context.js";
import type { StoredConversation } from "../repositories/conversations.js";
import { scheduleEvents } from "../scheduler/due.js";
import type { Services } from "../services.js";

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
    to === "sharing"
      ? (await s.directory.all()).filter((p) => p.active && audienceIncludes(current.audience, p.attributes))
          .length
      : current.invited;
  const moved = await s.conversations.transition(id, to, current.state, { invited });
  s.logger.info("conversation transition", { conversationId: id, from: current.state, to });

  await s.due.replaceSchedule(id, scheduleEvents(moved));
  if (to === "sharing") await s.due.queueNotice(id, "notify-invite");
  if (to === "published") {
    await s.due.queueNotice(id, "notify-published");
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
