/**
 * Follow-up on leadership's responses (issue 12): each commitment has a status people can watch.
 * Shared by the API's schemas and the web app (`$domain/responses`), so both spell the same set.
 */
export const responseStatuses = ["planned", "in-progress", "done", "not-doing"] as const;
export type ResponseStatus = (typeof responseStatuses)[number];

export const responseStatusLabels: Record<ResponseStatus, string> = {
  planned: "Planned",
  "in-progress": "In progress",
  done: "Done",
  "not-doing": "Not doing",
};

/** A due date is a calendar day (no time, no zone): "2027-03-31". */
export const dueDatePattern = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export const statusLabel = (status: string): string =>
  responseStatusLabels[status as ResponseStatus] ?? status;
