import type { InferResponseType } from "hono/client";
import { api, call } from "$lib/api";
import type { Page } from "$lib/paged-list.svelte";

export type Entry = InferResponseType<typeof api.audit.$get, 200>["entries"][number];

/** One page of the audit log, newest first. */
export async function fetchAudit(cursor: string | undefined): Promise<Page<Entry>> {
  const page = await call(api.audit.$get({ query: cursor ? { cursor } : {} }));
  return { items: page.entries, nextCursor: page.nextCursor };
}
