import { api, call } from "$lib/api";
import type { CycleSummary } from "$lib/cycles";
import type { Page } from "$lib/paged-list.svelte";

/** One page of cycles, newest first. */
export async function fetchCycles(cursor: string | undefined): Promise<Page<CycleSummary>> {
  const page = await call(api.cycles.$get({ query: cursor ? { cursor } : {} }));
  return { items: page.cycles, nextCursor: page.nextCursor };
}
