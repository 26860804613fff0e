import * as z from "zod";

/**
 * The live view of a running conversation (issue 12): what leaders and facilitators see while it
 * collects thoughts and ratings. The scheduler takes a snapshot (workflows/live-view.ts) at each
 * release round while sharing — so, like the counts, it moves only when thoughts join the pool
 * together (DESIGN §3.7) — and each quarter hour while rating. A request reads one item.
 */

const count = z.int().min(0);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** One released group: people invited (directory) and people who took part (snapshots). */
export const liveGroupSchema = z.object({
  attribute: z.string().min(1).max(64),
  value: z.string().min(1).max(200),
  invited: count,
  participants: count,
});
export type LiveGroup = z.infer<typeof liveGroupSchema>;

export const liveSnapshotSchema = z.object({
  /** When it was taken: the release round while sharing, the quarter hour while rating. */
  at: z.iso.datetime(),
  /** The quarter hour (since the epoch) it was taken in: at most one snapshot per quarter hour. */
  boundary: z.int(),
  invited: count,
  participants: count,
  /** People who joined each day (UTC), oldest first: a day is the finest time a view shows. */
  byDay: z.array(z.object({ day, joined: count })).max(400),
  /** Groups the release rule lets out (report/participation-segments.ts), largest first. */
  groups: z.array(liveGroupSchema).max(1000),
  /** Groups held back by the release rule: counted, never named. */
  hiddenGroups: count,
});
export type LiveSnapshot = z.infer<typeof liveSnapshotSchema>;

/** How many top thoughts a live view shows while rating. */
export const emergingLimit = 5;

/** One manual reminder per conversation per block of this many hours (UTC: 00, 06, 12, 18). */
export const reminderBlockHours = 6;

/** The reminder block `now` falls in, and when the next one starts. */
export function reminderBlock(now: Date): { block: number; nextAt: Date } {
  const ms = reminderBlockHours * 3_600_000;
  const block = Math.floor(now.getTime() / ms);
  return { block, nextAt: new Date((block + 1) * ms) };
}

/** People still to take part: never below zero (people join and leave the audience). */
export const notYet = (group: { invited: number; participants: number }) =>
  Math.max(0, group.invited - group.participants);
