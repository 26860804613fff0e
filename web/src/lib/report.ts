import type { InferResponseType } from "hono/client";
import { ApiProblem, type api, call } from "./api";
import { attributeLabel } from "./conversations";

/** The report as the API returns it (functions/report/schema.ts): ranked thoughts, themes, segments. */
export type Report = InferResponseType<(typeof api.conversations)[":id"]["report"]["$get"], 200>;
export type ReportTheme = Report["themes"][number];
export type ReportThought = Report["thoughts"][number];
export type ThoughtStats = ReportThought["stats"];
export type Segment = NonNullable<Report["segments"]>[number];
export type HeatmapCell = NonNullable<Report["heatmap"]>[number];
export type ThemeResponse = NonNullable<Report["responses"]>[number];
export type Job = InferResponseType<(typeof api.jobs)[":id"]["$get"], 200>;
export type Histogram = readonly number[];

/** Scores are on the 1–5 star scale; one decimal is as precise as ratings can honestly be. */
export const formatScore = (score: number | null | undefined) =>
  score === null || score === undefined || Number.isNaN(score) ? "–" : score.toFixed(1);

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "likely between 3.2 and 4.1": the confidence interval in words. */
export const ciText = (ci: { low: number; high: number }) =>
  `likely between ${formatScore(ci.low)} and ${formatScore(ci.high)}`;

export const percentOf = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 100) : 0);

/** The one sentence every hidden group or cell shows (DESIGN §3.4; functions/report/segments.ts). */
export const hiddenToProtect = (k: number) =>
  `Hidden to protect anonymity: fewer than ${k} people, or it could be worked out from other groups.`;

/** "department:Sales" → "Department: Sales". */
export function segmentLabel(key: string): string {
  const at = key.indexOf(":");
  if (at < 0) return key;
  return `${attributeLabel(key.slice(0, at))}: ${key.slice(at + 1)}`;
}

const attributeOrder = ["department", "location", "tenureBand", "level"];
const orderOf = (attribute: string) => {
  const i = attributeOrder.indexOf(attribute);
  return i < 0 ? attributeOrder.length : i;
};

/**
 * Segments grouped by attribute (department, location, tenure, then the rest), each group's
 * values in alphabetical order; with `releasedFirst`, the groups that can be shown come first.
 */
export function segmentGroups(
  segments: readonly Segment[],
  releasedFirst = false,
): { attribute: string; segments: Segment[] }[] {
  const groups = new Map<string, Segment[]>();
  for (const s of segments) groups.set(s.attribute, [...(groups.get(s.attribute) ?? []), s]);
  return [...groups]
    .sort(([a], [b]) => orderOf(a) - orderOf(b) || a.localeCompare(b))
    .map(([attribute, list]) => ({
      attribute,
      segments: [...list].sort(
        (a, b) =>
          (releasedFirst ? Number(b.released) - Number(a.released) : 0) || a.value.localeCompare(b.value),
      ),
    }));
}

/** Colours of the five star levels: warm for low, grey for the middle, teal for high. */
export const starColours = ["#a8412d", "#e09b72", "#b9bdb8", "#6fb0a6", "#1d5c63"] as const;
export const starLabels = ["1 star", "2 stars", "3 stars", "4 stars", "5 stars"] as const;

/** "1 star 10%, 2 stars 5%, …": a histogram read aloud. */
export function describeHistogram(histogram: Histogram, unit: "percent" | "count" = "percent"): string {
  const total = histogram.reduce((a, b) => a + b, 0);
  if (total === 0) return "No ratings yet";
  return histogram
    .map((n, i) => `${starLabels[i]}: ${unit === "percent" ? `${percentOf(n, total)}%` : n}`)
    .join(", ");
}

/** Saves a report export (CSV, JSON or Markdown) through a Blob link: the download carries the token. */
export async function downloadExport(
  request: Promise<Response>,
  fallbackName: string,
): Promise<{ name: string; bytes: number }> {
  let response: Response;
  try {
    response = await request;
  } catch {
    throw new ApiProblem(
      0,
      "No connection",
      "Groundswell could not be reached. Check your connection, then try again.",
    );
  }
  // `call` turns a problem answer into an ApiProblem (and signs out on 401).
  if (!response.ok) await call(Promise.resolve(response) as never);
  const blob = await response.blob();
  const disposition = response.headers.get("content-disposition") ?? "";
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return { name, bytes: blob.size };
}
