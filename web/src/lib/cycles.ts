import type { InferResponseType } from "hono/client";
import type { api } from "./api";
import { formatDateTime } from "./conversations";

/** A cycle with its three stage conversations, as `GET /api/cycles/:id` returns it. */
export type CycleView = InferResponseType<(typeof api.cycles)[":id"]["$get"], 200>;
export type CycleStage = CycleView["stages"][number];
export type CycleSummary = InferResponseType<typeof api.cycles.$get, 200>["cycles"][number];
/** Themes of every stage, linked into threads (`GET /api/cycles/:id/report`). */
export type CycleReport = InferResponseType<(typeof api.cycles)[":id"]["report"]["$get"], 200>;
export type CycleReportStage = CycleReport["stages"][number];
export type StageTheme = CycleReportStage["themes"][number];
export type ThreadEntry = NonNullable<CycleReport["threads"][number]["stages"][number]>;
export type StageKey = CycleStage["stage"];

/** The stages in the order they run (functions/domain/cycle.ts; that module pulls in zod). */
export const stageKeys = [
  "strategyInput",
  "launchReview",
  "midyearCheck",
] as const satisfies readonly StageKey[];

export const stageLabels: Record<StageKey, string> = {
  strategyInput: "Strategy input",
  launchReview: "Launch review",
  midyearCheck: "Midyear check",
};

/** When each stage happens in the year, in plain words. */
export const stageWhen: Record<StageKey, string> = {
  strategyInput: "Before leadership writes the plan",
  launchReview: "When the strategy is launched",
  midyearCheck: "Halfway through the year",
};

const isoInstant = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/g;

/**
 * An API message in the reader's words: stage keys become stage names and ISO instants become
 * local dates ("must be after the strategyInput stage closes (2027-02-05T17:00:00.000Z)").
 */
export function plainMessage(message: string): string {
  let text = message.replace(isoInstant, (iso) => formatDateTime(iso));
  for (const key of stageKeys) text = text.replaceAll(key, stageLabels[key].toLowerCase());
  return text;
}

/** "3.8" for a mean score on the 1–5 scale; a dash when there are no ratings. */
export const formatMean = (score: number) => (Number.isFinite(score) && score > 0 ? score.toFixed(1) : "–");
