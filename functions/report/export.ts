import {
  type ExecutiveSummary,
  executiveSummary,
  healthyParticipation,
  type RatedFigures,
} from "../domain/executive-summary.js";
import {
  commonGroundExplanation,
  commonGroundTag,
  divisiveExplanation,
  divisiveTag,
  notComparable,
  opinionAbsence,
  opinionExplanation,
  themesExplanation,
  themesHeading,
  themesSummary,
} from "../domain/opinion-wording.js";
import { statusLabel } from "../domain/responses.js";
import type { Report, ReportThought } from "./schema.js";

/** Exports of a full report (all thoughts). Pure formatters; the route streams nothing fancy. */
export type ExportFormat = "csv" | "json" | "md" | "slides";

const csvCell = (value: string | number | null) => {
  const text = value === null ? "" : String(value);
  // Quote when needed, and defuse spreadsheet formulas (a cell starting with = + - @).
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

const round = (x: number | null, digits = 2) => (x === null ? null : Number(x.toFixed(digits)));

export function toCsv(report: Report): string {
  const themeTitle = new Map(report.themes.map((t) => [t.id, t.title]));
  // Opinion-group columns only when the report shows groups (leadership's export, groups released);
  // a thought whose group numbers are withheld leaves them empty.
  const groups = report.opinionGroups?.state === "shown" ? report.opinionGroups.groups : [];
  // The same measures for the thought's theme (its ratings pooled), when every group's cell of the
  // theme is released: single thoughts often have too few raters per group to be compared.
  const themeOpinion = new Map(
    (report.opinionGroups?.state === "shown" ? (report.opinionGroups.themes?.entries ?? []) : []).map((t) => [
      t.themeId,
      t,
    ]),
  );
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
    ...(groups.length > 0 ? ["group_consensus", "group_division"] : []),
    ...groups.flatMap((g) => [`group_${g.id}_raters`, `group_${g.id}_share_4_5`]),
    ...(groups.length > 0
      ? ["theme_group_consensus", "theme_group_division", "theme_common_ground", "theme_divisive"]
      : []),
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
      ...(groups.length > 0
        ? [round(t.opinion?.consensus ?? null, 3), round(t.opinion?.division ?? null, 3)]
        : []),
      ...groups.flatMap((g) => {
        const share = t.opinion?.groups.find((x) => x.groupId === g.id);
        return [share?.raters ?? null, round(share?.share ?? null, 3)];
      }),
      ...(groups.length > 0 ? themeColumns(t.themeId ? themeOpinion.get(t.themeId) : undefined) : []),
    ]
      .map(csvCell)
      .join(","),
  );
  return `${[header.join(","), ...rows].join("\r\n")}\r\n`;
}

type ThemeOpinion = NonNullable<NonNullable<Report["opinionGroups"]>["themes"]>["entries"][number];

/** A theme whose group cells are withheld (or a thought without a theme) leaves them empty. */
function themeColumns(theme: ThemeOpinion | undefined): (string | number | null)[] {
  if (!theme) return [null, null, null, null];
  return [
    round(theme.consensus, 3),
    round(theme.division, 3),
    theme.commonGround ? "yes" : "no",
    theme.divisive ? "yes" : "no",
  ];
}

const quote = (t: ReportThought) =>
  `> ${t.text.replace(/\n/g, "\n> ")}\n>\n> — ${t.stats.count} ratings, average ${t.stats.mean === null ? "–" : t.stats.mean.toFixed(1)}, ranking score ${t.stats.score.toFixed(2)}`;

const percent = (share: number) => `${Math.round(share * 100)}%`;
const band = `${percent(healthyParticipation.low)}–${percent(healthyParticipation.high)}`;
const verdict = (summary: ExecutiveSummary) =>
  `${summary.participation.verdict === "healthy" ? "within" : summary.participation.verdict} the ${band} that survey tools treat as healthy`;
const figures = (f: RatedFigures) =>
  f.average === null
    ? "not rated yet"
    : `average ${f.average.toFixed(1)} of 5${f.interval ? ` (95%: ${f.interval.low.toFixed(1)}–${f.interval.high.toFixed(1)})` : ""}, ${f.ratings} ratings, ${percent(f.favourable)} gave 4–5 stars`;
const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();
const owner = (c: ExecutiveSummary["commitments"][number]) =>
  [`Owner: ${c.owner}`, c.dueDate && `due ${c.dueDate}`, c.status && statusLabel(c.status)]
    .filter(Boolean)
    .join(" · ");

function summaryMarkdown(summary: ExecutiveSummary): string[] {
  const p = summary.participation;
  const lines = [
    "## Executive summary",
    "",
    `**We asked:** ${oneLine(summary.question)}`,
    "",
    `**Participation:** ${p.participants} of ${p.invited} invited took part (${percent(p.rate)}), ${verdict(summary)}. ${p.thoughts} thoughts, ${p.ratings} ratings.`,
  ];
  if (p.rates && p.rates.groups.length > 0) {
    lines.push(
      "",
      `Took part, by group: ${p.rates.groups.map((g) => `${oneLine(g.value)} ${g.participants} of ${g.invited} (${percent(g.rate)})`).join(" · ")}` +
        (p.rates.hidden > 0 ? ` (${p.rates.hidden} groups not shown to protect anonymity).` : "."),
    );
  } else if (p.byGroup.length > 0) {
    lines.push(
      "",
      `People who rated, by group: ${p.byGroup.map((g) => `${g.value} ${g.raters}`).join(" · ")}` +
        (p.hiddenGroups > 0 ? ` (${p.hiddenGroups} smaller groups not shown).` : "."),
    );
  }
  lines.push("", `### The ${summary.themes.length} themes that matter most`, "");
  summary.themes.forEach((theme, i) => {
    lines.push(`${i + 1}. **${oneLine(theme.title)}**: ${theme.thoughts} thoughts, ${figures(theme)}.`);
    if (theme.quote) lines.push(`   > “${oneLine(theme.quote)}”`);
  });
  lines.push("", "### Where people agree", "");
  for (const t of summary.consensus) lines.push(`- “${oneLine(t.text)}” (${figures(t)})`);
  if (summary.consensus.length === 0) lines.push("- No thought has enough ratings to show agreement yet.");
  lines.push("", "### Where opinion divides", "");
  for (const t of summary.divisive) lines.push(`- “${oneLine(t.text)}” (${figures(t)})`);
  if (summary.divisive.length === 0) lines.push("- No thought divided opinion clearly.");
  lines.push("", "### What leadership has committed to", "");
  for (const c of summary.commitments) {
    lines.push(`- **${oneLine(c.themeTitle)}**: ${oneLine(c.willDo)} (${owner(c)})`);
  }
  if (summary.commitments.length === 0) lines.push("- Leadership has not responded to any theme yet.");
  if (summary.unanswered.length > 0 && summary.commitments.length > 0)
    lines.push("", `Not answered yet: ${summary.unanswered.map(oneLine).join(", ")}.`);
  lines.push("");
  return lines;
}

export function toMarkdown(report: Report): string {
  const byId = new Map(report.thoughts.map((t) => [t.id, t]));
  const responseOf = new Map((report.responses ?? []).map((r) => [r.themeId, r]));
  const summary = executiveSummary(report);
  const p = report.participation;
  const lines = [
    `# ${report.conversation.title}`,
    "",
    `*${report.conversation.prompt}*`,
    "",
    `Report version ${report.version}, computed ${report.generatedAt.slice(0, 10)}${report.approved ? ", approved by leadership" : " (draft, not yet approved)"}.`,
    "",
    ...summaryMarkdown(summary),
    "## Participation",
    "",
    `- ${p.participants} of ${p.invited} invited people took part (${Math.round(p.rate * 100)}%).`,
    `- ${p.thoughts} thoughts in the report, ${p.ratings} ratings on them${p.shared && (p.shared.thoughts !== p.thoughts || p.shared.ratings !== p.ratings) ? ` (${p.shared.thoughts} shared, ${p.shared.ratings} given in all)` : ""}.`,
    `- Ratings per thought: at least ${report.coverage.min}, median ${report.coverage.median}, at most ${report.coverage.max}.`,
    "",
    "## Themes",
    "",
    "*Ranking score: each thought's average pulled toward the conversation's until enough people rate it, and corrected for generous or strict raters. It orders the themes; the average is the plain mean of the stars given.*",
    "",
  ];
  for (const theme of [...report.themes].sort((a, b) => b.stats.meanScore - a.stats.meanScore)) {
    lines.push(`### ${theme.title}`, "", theme.summary, "");
    const mean = theme.stats.mean === null ? "–" : theme.stats.mean.toFixed(2);
    lines.push(
      `${theme.size} thoughts · ${theme.stats.count} ratings · average ${mean} · ranking score ${theme.stats.meanScore.toFixed(2)}`,
      "",
    );
    for (const id of theme.topThoughtIds.slice(0, 3)) {
      const t = byId.get(id);
      if (t) lines.push(quote(t), "");
    }
    const response = responseOf.get(theme.id);
    if (response) {
      lines.push(
        `**What we heard:** ${oneLine(response.heard)}`,
        "",
        `**What we will do:** ${oneLine(response.willDo)}`,
        "",
        `*${owner({ ...response, themeTitle: theme.title })}*`,
        "",
      );
    }
  }
  lines.push("## Top thoughts", "");
  report.thoughts.slice(0, 20).forEach((t, i) => {
    lines.push(
      `${i + 1}. ${t.text.replace(/\n/g, " ")} — ranking score ${t.stats.score.toFixed(2)} (${t.stats.count} ratings)`,
    );
  });
  lines.push(...opinionMarkdown(report));
  if (report.notes.length > 0) lines.push("", "## Notes", "", ...report.notes.map((n) => `- ${n}`));
  lines.push(
    "",
    `*Anonymity: no group's numbers are shown for fewer than ${report.anonymityThreshold} people, nor its themes and quotes for fewer than ${report.textAnonymityThreshold ?? 10}, nor any group that could be worked out from others to be that small.*`,
    "",
  );
  return lines.join("\n");
}

const html = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

/**
 * A slide deck a leader can put in front of a board: one self-contained HTML file (no script,
 * no outside resource) with a 16:9 page per slide. Opened in a browser it scrolls slide by
 * slide; printed (or saved as PDF) each slide is a page. Title, summary, then one theme per
 * slide with its numbers, quotes and leadership's response, then the commitments.
 */
export function toSlides(report: Report): string {
  const summary = executiveSummary(report);
  const byId = new Map(report.thoughts.map((t) => [t.id, t]));
  const responseOf = new Map((report.responses ?? []).map((r) => [r.themeId, r]));
  const p = summary.participation;
  const slide = (body: string, kind = "") => `<section class="slide ${kind}">${body}</section>`;
  const themes = [...report.themes].sort((a, b) => b.stats.meanScore - a.stats.meanScore);
  const slides = [
    slide(
      `<p class="eyebrow">Board briefing</p><h1>${html(summary.title)}</h1><p class="question">“${html(oneLine(summary.question))}”</p>` +
        `<p class="big">${percent(p.rate)}</p><p>${p.participants} of ${p.invited} invited took part, ${html(verdict(summary))}.<br>${p.thoughts} thoughts · ${p.ratings} ratings</p>`,
      "title",
    ),
    slide(
      `<h2>The ${summary.themes.length} themes that matter most</h2><ol class="top">${summary.themes
        .map(
          (t) =>
            `<li><strong>${html(t.title)}</strong><span>${html(`${t.thoughts} thoughts · ${figures(t)}`)}</span></li>`,
        )
        .join("")}</ol>`,
    ),
    ...themes.map((theme, i) => {
      const figuresOf = executiveSummary({ ...report, themes: [theme] }).themes[0]!;
      const quotes = theme.topThoughtIds
        .slice(0, 2)
        .map((id) => byId.get(id))
        .filter((t) => t !== undefined)
        .map((t) => `<blockquote>“${html(oneLine(t.text))}”</blockquote>`)
        .join("");
      const response = responseOf.get(theme.id);
      const answer = response
        ? `<div class="response"><p><strong>What we will do:</strong> ${html(oneLine(response.willDo))}</p><p class="muted">${html(owner({ ...response, themeTitle: theme.title }))}</p></div>`
        : `<p class="muted">Leadership has not responded to this theme yet.</p>`;
      return slide(
        `<p class="eyebrow">Theme ${i + 1} of ${themes.length}</p><h2>${html(theme.title)}</h2>` +
          `<p class="facts">${html(`${theme.size} thoughts · ${figures(figuresOf)}`)}</p>${quotes}${answer}`,
      );
    }),
    slide(
      `<h2>Where people agree, and where they divide</h2><div class="two"><div><h3>Agree</h3>${summary.consensus
        .map((t) => `<blockquote>“${html(oneLine(t.text))}”</blockquote>`)
        .join("")}</div><div><h3>Divide</h3>${summary.divisive
        .map((t) => `<blockquote>“${html(oneLine(t.text))}”</blockquote>`)
        .join("")}</div></div>`,
    ),
    slide(
      `<h2>What leadership has committed to</h2>${
        summary.commitments.length === 0
          ? "<p>Leadership has not responded to any theme yet.</p>"
          : `<ul class="commitments">${summary.commitments
              .map(
                (c) =>
                  `<li><strong>${html(c.themeTitle)}:</strong> ${html(oneLine(c.willDo))}<br><span class="muted">${html(owner(c))}</span></li>`,
              )
              .join("")}</ul>`
      }<p class="muted small">Groups under ${report.anonymityThreshold} people are never shown. Report version ${report.version}${report.approved ? ", approved" : ", draft"}.</p>`,
    ),
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(summary.title)} · board briefing</title>
<style>
@page { size: 13.333in 7.5in; margin: 0; }
* { box-sizing: border-box; }
body { margin: 0; background: #e9ece8; font: 20px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2324; }
.slide { width: 13.333in; height: 7.5in; margin: 0.3in auto; padding: 0.6in 0.8in; background: #fff; overflow: hidden; break-after: page; display: flex; flex-direction: column; gap: 0.15in; box-shadow: 0 2px 8px rgb(0 0 0 / 15%); }
@media print { body { background: #fff; } .slide { margin: 0; box-shadow: none; } }
@media screen and (max-width: 13.5in) { .slide { width: 100%; height: auto; aspect-ratio: 16 / 9; margin: 0 0 12px; padding: 4vw 5vw; font-size: clamp(12px, 1.6vw, 20px); } }
h1 { font-size: 2.2em; margin: 0; } h2 { font-size: 1.7em; margin: 0; color: #143f44; } h3 { margin: 0 0 0.1in; }
.eyebrow { text-transform: uppercase; letter-spacing: 0.08em; font-size: 0.7em; color: #1d5c63; margin: 0; font-weight: 700; }
.question { font-size: 1.2em; font-weight: 600; margin: 0; }
.big { font-size: 3em; font-weight: 700; color: #143f44; margin: 0.1in 0 0; }
.facts, .muted { color: #4a5355; } .small { font-size: 0.7em; }
blockquote { margin: 0; padding-left: 0.2in; border-left: 4px solid #cfe3e0; font-size: 0.9em; }
.top { display: grid; gap: 0.12in; margin: 0; } .top span { display: block; color: #4a5355; font-size: 0.8em; }
.response { background: #f2f6f5; padding: 0.15in 0.2in; border-radius: 6px; } .response p { margin: 0; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 0.4in; } .two blockquote { margin-bottom: 0.12in; }
.commitments { display: grid; gap: 0.1in; margin: 0; }
</style></head><body>
${slides.join("\n")}
</body></html>
`;
}

/** Plain-language opinion-group section: who agrees with whom, without naming anyone. */
function opinionMarkdown(report: Report): string[] {
  const section = report.opinionGroups;
  if (!section) return [];
  const lines = ["", "## Opinion groups", ""];
  if (section.state !== "shown") return [...lines, opinionAbsence[section.state]];
  const sizes = section.groups.map((g) => `group ${g.id}: ${g.raters} people`).join(", ");
  lines.push(`Raters fall into ${section.groups.length} groups (${sizes}). ${opinionExplanation}`);
  const themes = section.themes && section.themes.comparable > 0 ? section.themes : undefined;
  const list = (
    title: string,
    intro: string,
    entries: { text: string; groups: { groupId: string; share: number }[] }[],
    empty: string,
  ) => {
    lines.push("", `### ${title}`, "", intro, "");
    if (entries.length === 0) lines.push(empty);
    for (const [i, t] of entries.entries()) {
      const text = t.text.replace(/\n/g, " ");
      const shares = t.groups.map((g) => `${g.groupId} ${Math.round(g.share * 100)}%`).join(", ");
      lines.push(`${i + 1}. ${text} — 4–5★ by group: ${shares}`);
    }
  };
  if (section.comparable === 0) {
    lines.push("", notComparable(report.anonymityThreshold, themes !== undefined));
  } else {
    list(
      "Common ground",
      commonGroundExplanation,
      section.commonGround,
      "No thought is rated highly by every group.",
    );
    list(
      "Where groups differ",
      divisiveExplanation,
      section.divisive,
      "No thought divides the groups clearly.",
    );
  }
  if (themes) {
    lines.push("", `### ${themesHeading}`, "", themesExplanation, "", themesSummary(themes.entries), "");
    for (const [i, t] of themes.entries.entries()) {
      const tags = [t.commonGround && commonGroundTag, t.divisive && divisiveTag].filter(Boolean);
      const shares = t.groups.map((g) => `${g.groupId} ${Math.round(g.share * 100)}%`).join(", ");
      lines.push(
        `${i + 1}. ${t.title}${tags.length > 0 ? ` (${tags.join(", ")})` : ""} — 4–5★ by group: ${shares}`,
      );
    }
  }
  return lines;
}
