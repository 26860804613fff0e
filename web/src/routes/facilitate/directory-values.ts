import type { InferResponseType } from "hono/client";
import { ApiProblem, api, call } from "$lib/api";

export type AudienceValues = InferResponseType<(typeof api.directory)["audience-values"]["$get"], 200>;

/**
 * The directory's attribute values to pick an audience from, with how many people have each
 * (facilitators and admins). A problem instead when they cannot be read: the form says so and
 * offers to try again, rather than asking people to type values.
 */
export async function loadDirectoryValues(): Promise<AudienceValues | ApiProblem> {
  try {
    return await call(api.directory["audience-values"].$get());
  } catch (error) {
    return ApiProblem.from(error);
  }
}
