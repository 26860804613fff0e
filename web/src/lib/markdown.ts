import MarkdownIt from "markdown-it";
import { withoutLoopMarkers } from "./loop-context";

/** Context documents: no raw HTML, links open in a new tab without access to this page. */
const md = new MarkdownIt({ html: false, linkify: true, typographer: true });

const renderToken: NonNullable<typeof md.renderer.rules.link_open> = (tokens, idx, options, _env, self) =>
  self.renderToken(tokens, idx, options);
const linkOpen = md.renderer.rules.link_open ?? renderToken;
const linkClose = md.renderer.rules.link_close ?? renderToken;

md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx]!;
  token.attrSet("target", "_blank");
  token.attrSet("rel", "noopener noreferrer nofollow");
  return linkOpen(tokens, idx, options, env, self);
};
md.renderer.rules.link_close = (tokens, idx, options, env, self) =>
  `<span class="sr-only"> (opens in a new tab)</span>${linkClose(tokens, idx, options, env, self)}`;

/**
 * Renders markdown to safe HTML. Headings are renumbered to start at `firstLevel` without gaps,
 * so a context document's `# Title` fits under the page's own headings.
 */
export function renderMarkdown(source: string, firstLevel = 2): string {
  // The loop section's HTML comment markers are for the server; here they would show as text.
  const tokens = md.parse(withoutLoopMarkers(source), {});
  const used = [
    ...new Set(tokens.filter((t) => t.type === "heading_open").map((t) => Number(t.tag.slice(1)))),
  ].sort();
  const level = new Map(used.map((n, i) => [n, Math.min(6, firstLevel + i)]));
  for (const t of tokens) {
    if (t.type === "heading_open" || t.type === "heading_close")
      t.tag = `h${level.get(Number(t.tag.slice(1)))}`;
  }
  return md.renderer.render(tokens, md.options, {});
}
