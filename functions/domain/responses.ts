/**
 * Follow-up on leadership's responses (issue 12): each commitment has an owner from the
 * directory, an optional due date and a status people can watch. Shared by the API's schemas and
 * the web app (`$domain/responses`), so both spell the same set.
 */
export const responseStatuses = ["open", "in-progress", "done"] as const;
export type ResponseStatus = (typeof responseStatuses)[number];

export const responseStatusLabels: Record<ResponseStatus, string> = {
  open: "Open",
  "in-progress": "In progress",
  done: "Done",
};

/** Characters in a response's two texts (after trimming), and in a search for its owner. */
export const responseText = {
  heard: { min: 2, max: 2000 },
  willDo: { min: 2, max: 2000 },
  ownerQuery: { max: 120 },
} as const;

/** A due date is a calendar day (no time, no zone): "2027-03-31". */
export const dueDatePattern = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** True for a real calendar day in the pattern (not 2027-02-30). */
export function isDueDate(value: string): boolean {
  if (!dueDatePattern.test(value)) return false;
  const day = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === value;
}

export const statusLabel = (status: string): string =>
  responseStatusLabels[status as ResponseStatus] ?? status;

/** Status changes are allowed while the results are out (published), not only before. */
export const statusEditableStates = ["closed", "published"] as const;
