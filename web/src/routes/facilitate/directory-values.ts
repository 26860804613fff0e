import { api, call } from "$lib/api";
import { valuesByAttribute } from "./form";

/**
 * Attribute values to pick an audience from. Only admins can read the directory (facilitators get
 * a 403 there); without it (null) the form lets people type values instead.
 */
export async function loadDirectoryValues(canRead: boolean): Promise<Record<string, string[]> | null> {
  if (!canRead) return null;
  try {
    return valuesByAttribute((await call(api.directory.$get())).people);
  } catch {
    return null;
  }
}
