import { redirect } from "@sveltejs/kit";
import { session } from "$lib/session.svelte";
import type { LayoutLoad } from "./$types";

// A single-page app: everything renders in the browser, the server only hands out index.html.
export const ssr = false;
export const prerender = false;

const publicPaths = new Set(["/signin"]);

export const load: LayoutLoad = ({ url }) => {
  if (!session.signedIn && !publicPaths.has(url.pathname)) {
    const next = url.pathname === "/" ? "" : `?next=${encodeURIComponent(url.pathname + url.search)}`;
    redirect(307, `/signin${next}`);
  }
};
