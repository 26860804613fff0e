/**
 * The next stage's context holds leadership's "what you told us" section between HTML comment
 * markers (functions/report/loop-context.ts). Context markdown renders without raw HTML, so the
 * markers would show as text: take them out before rendering.
 */
const markers = /^[ \t]*<!-- groundswell:loop:(?:start|end) -->[ \t]*$/gm;

export const loopStartMarker = "<!-- groundswell:loop:start -->";

export const hasLoopSection = (context: string) => context.includes(loopStartMarker);

export function withoutLoopMarkers(context: string): string {
  return context
    .replace(markers, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
