import type { StoredConversation } from "../db/items/conversations.js";
import { type Audience, audienceIncludes } from "../domain/conversation.js";
import type { ConversationState } from "../domain/lifecycle.js";
import { ConflictError, NotFoundError } from "../errors.js";
import { carryLoopForward } from "../report/loop-context.js";
import { scheduleEvents } from "../scheduler/due.js";
import type { Services } from "../services.js";
import { releaseNow } from "./release-round.js";
import { decideAndSaveCells } from "./snapshot.js";

const audienceText = (audience: Audience) =>
  audience.kind === "everyone"
    ? "everyone"
    : Object.entries(audience.segments)
        .map(([name, values]) => `${name}: ${values.join(" or ")}`)
        .join("; ");

/**
 * Every state change goes through here, whether a facilitator clicks or the scheduler's clock
 * fires: the conditional transition itself, then what follows from it (afterTransition).
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
  const audience =
    to === "sharing" || to === "scheduled"
      ? (await s.directory.all()).filter((p) => p.active && audienceIncludes(current.audience, p.attributes))
      : undefined;
  const invited = audience ? audience.length : current.invited;
  // A typo ("Salse") would open to "0 of 0 invited": a person opening or scheduling it hears why.
  // The scheduler's clock (options.expected) still opens what a person scheduled.
  if (invited === 0 && (to === "sharing" || to === "scheduled") && !options.expected) {
    throw new ConflictError(
      `No one in the directory matches this conversation's audience (${audienceText(current.audience)}), so nobody would be invited. Pick groups people are in, or choose everyone.`,
    );
  }
  const moved = await s.conversations.transition(id, to, current.state, { invited });
  s.logger.info("conversation transition", { conversationId: id, from: current.state, to });

  if (to === "sharing" && audience) {
    // The snapshot cells come from the audience as it opens (workflows/snapshot.ts), so a join
    // reads one item. Should this fail, the first join decides them.
    await decideAndSaveCells(s, current, audience).catch((error: Error) =>
      s.logger.error("snapshot cells failed", { conversationId: id, error: error.name }),
    );
  }

  if (current.state === "sharing") {
    // Sharing's end cuts a round: no thought waits into rating (DESIGN §3.7). Should it fail, the
    // scheduler's rounds take the thoughts within the hour.
    await releaseNow(s, { id, invited }, new Date()).catch((error: Error) =>
      s.logger.error("release round failed", { conversationId: id, error: error.name }),
    );
  }
  await afterTransition(s, moved);
  return { ...current, ...moved, invited };
}

/**
 * What follows from the state `conversation` has just entered: the next stage's schedule, the
 * notices it sends (invitations on opening, results on publishing), the loop carried into the
 * next stage on publishing, and the theme run at close. Written after the state, so a process
 * that dies in between leaves them out. Safe to repeat, and so the scheduler repeats it when it
 * finds a due transition already made (scheduler/run.ts, test/integration/killed-jobs.test.ts):
 * the schedule is replaced, notices are sent once (due.once), the loop section is replaced in
 * place, and the closing's theme run starts only if none has started since the close.
 */
export async function afterTransition(s: Services, conversation: StoredConversation): Promise<void> {
  await s.due.replaceSchedule(conversation.id, scheduleEvents(conversation));
  if (conversation.state === "sharing") await s.due.queueNotice(conversation.id, "notify-invite");
  if (conversation.state === "published") {
    await s.due.queueNotice(conversation.id, "notify-published");
    // What leadership heard and will do becomes part of the next stage's context.
    await carryLoopForward(s, conversation.id);
  }
  // Closing computes the report at once, so leaders find it ready.
  if (conversation.state === "closed" && !(await themeRunSinceClose(s, conversation))) {
    const { job, created } = await s.jobs.startThemeRun(conversation.id);
    if (created) await s.queue.enqueue({ jobId: job.id, conversationId: conversation.id });
  }
}

/**
 * Whether a theme run has started since the conversation entered its state: a run going now, or
 * the last one created after the state change. A repeated close then adds no report version.
 * (A last job already expired, a month after it finished, is older than any recent close.)
 */
async function themeRunSinceClose(s: Services, conversation: StoredConversation): Promise<boolean> {
  if (conversation.activeJobId) return true;
  if (!conversation.lastJobId) return false;
  try {
    const last = await s.jobs.get(conversation.lastJobId);
    return last.createdAt >= conversation.stateChangedAt;
  } catch (error) {
    if (error instanceof NotFoundError) return false;
    throw error;
  }
}
