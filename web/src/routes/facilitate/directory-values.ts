import type { InferResponseType } from "hono/client";
import { ApiProblem, api, call } from "$lib/api";

export type AudienceValues = InferResponseType<(typeof api.directory)["audience-values"]["$get"], 200>;

/** What a page's load invalidates to read the directory's values again (the form's retry). */
export const directoryDependency = "facilitate:directory";

/**
 * The last values read, kept a minute: the manage page's load runs again every 10 s for the live
 * counts, and the directory only changes with an import. A problem is never kept.
 */
let kept: { values: AudienceValues; at: number } | null = null;
const keepFor = 60_000;

/**
 * The directory's attribute values to pick an audience from, with how many people have each
 * (facilitators and admins). A problem instead when they cannot be read: the form says so and
 * offers to try again, rather than asking people to type values.
 */
export async function loadDirectoryValues(): Promise<AudienceValues | ApiProblem> {
  if (kept && Date.now() - kept.at < keepFor) return kept.values;
  try {
    const values = await call(api.directory["audience-values"].$get());
    kept = { values, at: Date.now() };
    return values;
  } catch (error) {
    return ApiProblem.from(error);
  }
}
