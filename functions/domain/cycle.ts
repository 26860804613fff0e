import * as z from "zod";
import { earliestYear, inInstantRange, latestYear } from "./bounds.js";
import { type Schedule, scheduleSchema } from "./conversation.js";
import { cycleText } from "./limits.js";
import type { TemplateId } from "./templates.js";

/** DESIGN §1: a cycle's three stages, in the order they run, and the template each starts from. */
export const stageKeys = ["strategyInput", "launchReview", "midyearCheck"] as const;
export type StageKey = (typeof stageKeys)[number];

export const stageTemplates = {
  strategyInput: "strategy-input",
  launchReview: "launch-review",
  midyearCheck: "midyear-check",
} as const satisfies Record<StageKey, TemplateId>;

export const cycleSchema = z.object({
  id: z.string(),
  name: z.string(),
  year: z.int().nullable(),
  /** Stage conversation ids in stage order; empty only while the cycle is being created. */
  stageIds: z.array(z.string()),
  /** The cycle this one was cloned from, if any. */
  clonedFrom: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Cycle = z.infer<typeof cycleSchema>;

export const cycleNameSchema = z
  .string()
  .trim()
  .min(cycleText.name.min, `a name needs at least ${cycleText.name.min} characters`)
  .max(cycleText.name.max);
const yearSchema = z.int().min(earliestYear).max(latestYear);

export type StageSchedules = Partial<Record<StageKey, Schedule | null | undefined>>;

/**
 * A stage opens only after the one before it has closed, so its people have seen (or will see)
 * the earlier findings. Unscheduled stages are skipped: the order is checked between the
 * scheduled ones.
 */
export function stageOrderIssues(schedules: StageSchedules): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  let previous: { key: StageKey; closingAt: string } | undefined;
  for (const key of stageKeys) {
    const schedule = schedules[key];
    if (!schedule) continue;
    if (previous && Date.parse(schedule.sharingAt) <= Date.parse(previous.closingAt)) {
      issues.push({
        path: ["stages", key, "sharingAt"],
        message: `must be after the ${previous.key} stage closes (${previous.closingAt})`,
      });
    }
    previous = { key, closingAt: schedule.closingAt };
  }
  return issues;
}

export const createCycleSchema = z
  .object({
    name: cycleNameSchema,
    year: yearSchema.optional(),
    stages: z
      .object({
        strategyInput: scheduleSchema.optional(),
        launchReview: scheduleSchema.optional(),
        midyearCheck: scheduleSchema.optional(),
      })
      .optional(),
  })
  .superRefine((body, ctx) => {
    for (const issue of stageOrderIssues(body.stages ?? {})) ctx.addIssue({ code: "custom", ...issue });
  });
export type CreateCycle = z.infer<typeof createCycleSchema>;

export const cloneCycleSchema = z.object({
  name: cycleNameSchema,
  shiftMonths: z.int().min(1).max(36).default(12),
});

const themeIdSchema = z.string().min(1).max(80);

export const linkOverrideSchema = z
  .object({
    fromStage: z.enum(stageKeys),
    fromThemeId: themeIdSchema,
    toStage: z.enum(stageKeys),
    /** Null unlinks the theme: it starts no thread into the next stage. */
    toThemeId: themeIdSchema.nullable(),
  })
  .refine((link) => stageKeys.indexOf(link.toStage) === stageKeys.indexOf(link.fromStage) + 1, {
    message: "links go from a stage to the stage right after it",
    path: ["toStage"],
  });
export type LinkOverride = z.infer<typeof linkOverrideSchema>;

/** A stage conversation's title carries the cycle's name, so lists stay readable across years. */
export const stageTitle = (cycleName: string, templateTitle: string) =>
  `${cycleName}: ${templateTitle}`.slice(0, 120);

/** A cloned stage keeps its own title, with the old cycle's name swapped for the new one. */
export function renamedStageTitle(title: string, oldName: string, newName: string): string {
  return title.startsWith(`${oldName}: `) ? stageTitle(newName, title.slice(oldName.length + 2)) : title;
}

function addMonthsUtc(ms: number, months: number): number {
  const date = new Date(ms);
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, lastDay));
  return date.getTime();
}

const shiftEach = (schedule: Schedule, move: (iso: string) => string): Schedule => ({
  sharingAt: move(schedule.sharingAt),
  ratingAt: move(schedule.ratingAt),
  closingAt: move(schedule.closingAt),
  ...(schedule.publishingAt && { publishingAt: move(schedule.publishingAt) }),
});

/**
 * A cloned cycle's schedules: every instant moves by whole calendar months, so "10 January"
 * stays "10 January". Should clamping at a month's end put two instants out of order, every
 * instant moves by the same amount instead, which keeps all gaps exactly.
 */
function shiftSchedules(schedules: readonly (Schedule | null)[], months: number): (Schedule | null)[] {
  const byCalendar = schedules.map((s) =>
    s ? shiftEach(s, (iso) => new Date(addMonthsUtc(Date.parse(iso), months)).toISOString()) : null,
  );
  const ordered =
    byCalendar.every((s) => !s || scheduleSchema.safeParse(s).success) &&
    stageOrderIssues(Object.fromEntries(stageKeys.map((key, i) => [key, byCalendar[i]]))).length === 0;
  if (ordered) return byCalendar;
  const earliest = Math.min(...schedules.flatMap((s) => (s ? [Date.parse(s.sharingAt)] : [])));
  const offset = addMonthsUtc(earliest, months) - earliest;
  return schedules.map((s) =>
    s ? shiftEach(s, (iso) => new Date(Date.parse(iso) + offset).toISOString()) : null,
  );
}

export type ShiftedCycle =
  | { readonly ok: true; readonly schedules: (Schedule | null)[]; readonly year: number | null }
  | { readonly ok: false; readonly message: string };

/**
 * A clone's schedules and year, `months` later, or why they cannot be: every shifted instant must
 * stay within what can be scheduled (domain/bounds.ts), so a clone is refused before it writes
 * anything rather than storing dates no reader accepts.
 */
export function shiftCycle(
  schedules: readonly (Schedule | null)[],
  year: number | null,
  months: number,
): ShiftedCycle {
  const shifted = shiftSchedules(schedules, months);
  const instants = shifted.flatMap((s) =>
    s ? [s.sharingAt, s.ratingAt, s.closingAt, ...(s.publishingAt ? [s.publishingAt] : [])] : [],
  );
  if (!instants.every((iso) => inInstantRange(Date.parse(iso)))) {
    return { ok: false, message: `moves a stage past the end of ${latestYear}; shift by fewer months` };
  }
  const nextYear = year === null ? null : year + Math.round(months / 12);
  if (nextYear !== null && nextYear > latestYear) {
    return { ok: false, message: `makes the cycle's year later than ${latestYear}` };
  }
  return { ok: true, schedules: shifted, year: nextYear };
}
