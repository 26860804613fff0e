import type { ThemeInputItem, ThemeReport } from "./schema.js";

const LISTED_IDS = 40;

/** A readable report: one section per theme with its key phrases, summary (quoting representatives) and ids. */
export function renderThemeReportMarkdown(report: ThemeReport, items: readonly ThemeInputItem[]): string {
  const assigned = report.themes.reduce((sum, theme) => sum + theme.size, 0);
  const lines: string[] = [
    "# Themes",
    "",
    `${report.themes.length} themes covering ${assigned} of ${items.length} thoughts (${report.engine} engine).`,
    "",
  ];
  report.themes.forEach((theme, index) => {
    lines.push(`## ${index + 1}. ${theme.title}`, "");
    lines.push(`${theme.size} ${theme.size === 1 ? "thought" : "thoughts"} · id \`${theme.id}\``, "");
    if (theme.keyPhrases.length > 0) lines.push(`**Key phrases:** ${theme.keyPhrases.join(", ")}`, "");
    lines.push(theme.summary, "");
    // The summary already quotes the representatives; here they are named so they can be looked up.
    if (theme.representativeIds.length > 0)
      lines.push(`**Representative thoughts:** ${theme.representativeIds.join(", ")}`, "");
    const shown = theme.thoughtIds.slice(0, LISTED_IDS).join(", ");
    const more = theme.thoughtIds.length - LISTED_IDS;
    lines.push(`**Thoughts:** ${shown}${more > 0 ? ` and ${more} more` : ""}`, "");
  });
  if (report.unassigned?.length) lines.push("## Not in any theme", "", report.unassigned.join(", "), "");
  if (report.notes?.length) lines.push("## Notes", "", ...report.notes.map((note) => `- ${note}`), "");
  return `${lines.join("\n").trimEnd()}\n`;
}
