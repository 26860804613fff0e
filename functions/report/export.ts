import type { Report, ReportThought } from "./schema.js";

/** Exports of a full report (all thoughts). Pure formatters; the route streams nothing fancy. */
export type ExportFormat = "csv" | "json" | "md";

const csvCell = (value: string | number | null) => {
  const text = value === null ? "" : String(value);
  // Quote when needed, and defuse spreadsheet formulas (a cell starting with = + - @).
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

const round = (x: number | null, digits = 2) => (x === null ? null : Number(x.toFixed(digits)));

export function toCsv(report: Report): string {
  const themeTitle = new Map(report.themes.map((t) => [t.id, t.title]));
  const header = [
    "rank",
    "thought_id",
    "theme",
    "text",
    "ratings",
    "mean",
    "score",
    "ci_low",
    "ci_high",
    "agreement",
    "polarization",
    "stars_1",
    "stars_2",
    "stars_3",
    "stars_4",
    "stars_5",
  ];
  const rows = report.thoughts.map((t, i) =>
    [
      i + 1,
      t.id,
      t.themeId ? (themeTitle.get(t.themeId) ?? "") : "",
      t.text,
      t.stats.count,
      round(t.stats.mean),
      round(t.stats.score, 3),
      round(t.stats.ci.low),
      round(t.stats.ci.high),
      round(t.stats.agreement),
      round(t.stats.polarization),
      ...t.stats.histogram,
    ]
      .map(csvCell)
      .join(","),
  );
  return `${[header.join(","), ...rows].join("\r\n")}\r\n`;
}

const quote = (t: ReportThought) =>
  `> ${t.text.replace(/\n/g, "\n> ")}\n>\n> — ${t.stats.count} ratings, score ${t.stats.score.toFixed(2)}`;

export function toMarkdown(report: Report): string {
  const byId = new Map(report.thoughts.map((t) => [t.id, t]));
  const p = report.participation;
  const lines = [
    `# ${report.conversation.title}`,
    "",
    `*${report.conversation.prompt}*`,
    "",
    `Report version ${report.version}, computed ${report.generatedAt.slice(0, 10)}${report.approved ? ", approved by leadership" : " (draft, not yet approved)"}.`,
    "",
    "## Participation",
    "",
    `- ${p.participants} of ${p.invited} invited people took part (${Math.round(p.rate * 100)}%).`,
    `- ${p.thoughts} thoughts shared, ${p.ratings} ratings given.`,
    `- Ratings per thought: at least ${report.coverage.min}, median ${report.coverage.median}, at most ${report.coverage.max}.`,
    "",
    "## Themes",
    "",
  ];
  for (const theme of [...report.themes].sort((a, b) => b.stats.meanScore - a.stats.meanScore)) {
    lines.push(`### ${theme.title}`, "", theme.summary, "");
    lines.push(`${theme.size} thoughts · average score ${theme.stats.meanScore.toFixed(2)}`, "");
    for (const id of theme.topThoughtIds.slice(0, 3)) {
      const t = byId.get(id);
      if (t) lines.push(quote(t), "");
    }
  }
  lines.push("## Top thoughts", "");
  report.thoughts.slice(0, 20).forEach((t, i) => {
    lines.push(
      `${i + 1}. ${t.text.replace(/\n/g, " ")} — score ${t.stats.score.toFixed(2)} (${t.stats.count} ratings)`,
    );
  });
  if (report.notes.length > 0) lines.push("", "## Notes", "", ...report.notes.map((n) => `- ${n}`));
  lines.push(
    "",
    `*Anonymity: no group's numbers are shown for fewer than ${report.anonymityThreshold} people, nor its themes and quotes for fewer than ${report.textAnonymityThreshold ?? 10}, nor any group that could be worked out from others to be that small.*`,
    "",
  );
  return lines.join("\n");
}
