import { redirect } from "@sveltejs/kit";
import { session } from "$lib/session.svelte";
import type { LayoutLoad } from "./$types";

// A single-page app: everything renders in the browser, the server only hands out index.html.
export const ssr = false;
export const prerender = false;

/** Pages anyone may open: starting sign-in, its callback, the provider's login screen, the refusal. */
const isPublic = (path: string) =>
  path === "/signin" ||
  path === "/auth/callback" ||
  path === "/no-access" ||
  path.startsWith("/interaction/");

export const load: LayoutLoad = async ({ url }) => {
  if (isPublic(url.pathname)) return;
  if (session.notAdmitted) redirect(307, "/no-access");
  if (session.signedIn || session.hasTokens) return;
  const here = url.pathname + url.search;
  // A reload or a new tab: re-authorise silently against the provider session, if there is one.
  await session.restore(here).catch(() => false);
  redirect(307, here === "/" ? "/signin" : `/signin?next=${encodeURIComponent(here)}`);
};
