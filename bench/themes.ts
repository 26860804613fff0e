/**
 * Theme engine benchmark (DESIGN §8): NMI/ARI against the 20 StackOverflow tags at the true k and at the
 * automatically chosen k, plus a 10,000-thought synthetic run for the performance bar. Each run happens in
 * its own process so that seconds and peak memory (RSS) belong to that run alone. "seconds" is wall time
 * of the engine call; "CPU s" is its CPU time, which stays meaningful on a busy machine.
 *
 *   npm run bench:themes [-- --limit N] [--data FILE]
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createRng, sampleIndices } from "../functions/lib/random.js";
import { computeThemes } from "../functions/themes/engine.js";
import { adjustedRandIndex, normalizedMutualInformation } from "../functions/themes/metrics.js";
import { syntheticThoughts } from "../functions/themes/synthetic-corpus.js";

// shared/ sits beside the repository (a clone) or beside the worktrees' folder (/work/wt/NAME).
const DEFAULT_DATA =
  ["../../shared/benchmarks/stackoverflow.tsv", "../../../shared/benchmarks/stackoverflow.tsv"]
    .map((path) => fileURLToPath(new URL(path, import.meta.url)))
    .find((path) => existsSync(path)) ??
  fileURLToPath(new URL("../../shared/benchmarks/stackoverflow.tsv", import.meta.url));
const REFERENCE = { nmi: 0.718, ari: 0.358, k: 20 };
const AUTO_K_RANGE = [8, 40] as const;

type RunName = "stackoverflow-true-k" | "stackoverflow-auto-k" | "synthetic-10k";

interface RunResult {
  run: RunName;
  documents: number;
  requestedK: number | "auto";
  themes: number;
  nmi: number;
  ari: number;
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
}

interface Labelled {
  id: string;
  text: string;
  label: string;
}

function loadStackOverflow(file: string, limit: number | undefined): Labelled[] {
  const rows = readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.includes("\t"))
    .map((line, index) => {
      const [label, ...text] = line.split("\t");
      return { id: String(index + 1), text: text.join(" "), label: label! };
    });
  if (!limit || limit >= rows.length) return rows;
  return sampleIndices(rows.length, limit, createRng(7))
    .sort((a, b) => a - b)
    .map((index) => rows[index]!);
}

function execute(run: RunName, data: string, limit: number | undefined): RunResult {
  const items: Labelled[] =
    run === "synthetic-10k"
      ? syntheticThoughts(10_000, 8).map((t) => ({ id: t.id, text: t.text, label: t.topic }))
      : loadStackOverflow(data, limit);
  const requestedK = run === "stackoverflow-true-k" ? REFERENCE.k : undefined;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const report = computeThemes(items, requestedK ? { k: requestedK } : {});
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const themeOf = new Map<string, string>();
  for (const theme of report.themes) for (const id of theme.thoughtIds) themeOf.set(id, theme.id);
  const truth = items.map((item) => item.label);
  const predicted = items.map((item) => themeOf.get(item.id) ?? "(unassigned)");
  return {
    run,
    documents: items.length,
    requestedK: requestedK ?? "auto",
    themes: report.themes.length,
    nmi: normalizedMutualInformation(truth, predicted),
    ari: adjustedRandIndex(truth, predicted),
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

function runInChild(run: RunName, data: string, limit: number | undefined): RunResult {
  const args = ["--import", "tsx", fileURLToPath(import.meta.url), "--child", run, "--data", data];
  if (limit) args.push("--limit", String(limit));
  const child = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 20 });
  const last = child.stdout.trim().split("\n").at(-1) ?? "";
  if (child.status !== 0 || !last.startsWith("{")) {
    throw new Error(
      `${run} failed (exit ${child.status}): ${child.stderr.trim().split("\n").slice(-3).join(" ")}`,
    );
  }
  return JSON.parse(last) as RunResult;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ")} |`;
  return [
    line(rows[0]!),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...rows.slice(1).map(line),
  ].join("\n");
}

function main() {
  const { values } = parseArgs({
    options: { limit: { type: "string" }, data: { type: "string" }, child: { type: "string" } },
    strict: true,
  });
  const limit = values.limit ? Number(values.limit) : undefined;
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    console.error(`bench:themes: --limit must be a positive integer, got "${values.limit}"`);
    process.exit(2);
  }
  const data = values.data ?? DEFAULT_DATA;
  if (values.child) {
    console.log(JSON.stringify(execute(values.child as RunName, data, limit)));
    return;
  }
  const runs: RunName[] = ["stackoverflow-true-k", "stackoverflow-auto-k", "synthetic-10k"];
  const results = runs.map((run) => runInChild(run, data, limit));
  const rows = [
    ["run", "docs", "k asked", "themes", "NMI", "ARI", "seconds", "CPU s", "peak RSS MB"],
    [
      "scikit-learn TF-IDF+LSA(100)+k-means (reference)",
      "20000",
      "20",
      "20",
      "0.718",
      "0.358",
      "-",
      "-",
      "-",
    ],
    ...results.map((r) => [
      r.run,
      String(r.documents),
      String(r.requestedK),
      String(r.themes),
      r.nmi.toFixed(3),
      r.ari.toFixed(3),
      r.seconds.toFixed(1),
      r.cpuSeconds.toFixed(1),
      r.peakRssMb.toFixed(0),
    ]),
  ];
  console.log(table(rows));
  const [trueK, autoK] = results;
  const checks = [
    `NMI at true k ${trueK!.nmi.toFixed(3)} vs reference ${REFERENCE.nmi}: ${trueK!.nmi > REFERENCE.nmi ? "beats it" : "DOES NOT beat it"}`,
    `automatic k = ${autoK!.themes} (expected ${AUTO_K_RANGE[0]}–${AUTO_K_RANGE[1]}): ${autoK!.themes >= AUTO_K_RANGE[0] && autoK!.themes <= AUTO_K_RANGE[1] ? "ok" : "OUT OF RANGE"}`,
  ];
  if (limit)
    console.log(`\n--limit ${limit}: a quick run on a sample; the bars below apply to the full data set.`);
  console.log(`\n${checks.join("\n")}`);
  const failed =
    !limit &&
    (trueK!.nmi <= REFERENCE.nmi || autoK!.themes < AUTO_K_RANGE[0] || autoK!.themes > AUTO_K_RANGE[1]);
  if (failed) process.exitCode = 1;
}

main();
