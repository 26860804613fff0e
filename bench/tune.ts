/**
 * Tuning grid for the ranking (issue 13): `npx tsx bench/tune.ts --bench=sim|replay …`. Reads
 * ONLY tuning seeds by default (simulation 101–160, replays 1001–1050; the judged seeds are 1–100
 * and 1–200, see docs/ranking.md) and refuses judged seeds, so a configuration chosen here is judged
 * afresh by bench:ranking and bench:replay.
 *
 * Each --policy (JSON: AdaptivePolicy overrides, plus `snapshotEvery` for the simulation or
 * `snapshotShare` of the voters for the replays) plays its own rounds; each --ranking (JSON:
 * RankingOptions) re-ranks every round, so ranking variants cost no extra rounds. The baseline
 * (random assignment, plain mean for the simulation, plain Bayesian for the replays, as the two
 * benchmarks' bars) and the simulation's oracle are played once per seed.
 *
 * Prints per configuration: simulation, share of the oracle's gain over random at 20 ratings per
 * person with a 95% bootstrap interval; replays, ΔP@10 and ΔSpearman against random per bar cell
 * (8 and 10 ratings per person), the cells at or above random, and the mean over cells.
 */
import { parseArgs } from "node:util";
import type { AdaptivePolicy } from "../functions/domain/adaptive.js";
import { publishedRanking, type RankingOptions } from "../functions/domain/ranking.js";
import type { RatingInput } from "../functions/domain/rater-bias.js";
import type { Histogram } from "../functions/domain/statistics.js";
import { createRng } from "../functions/lib/random.js";
import {
  bootstrapDifference,
  bootstrapGainShare,
  gainShare,
  mean,
  precisionAtK,
  spearman,
} from "./metrics.js";
import { defaultPolisDir, denseBlock, loadPolis, polisFolders, replayWorld } from "./polis.js";
import { playRound, thoughtKey } from "./round.js";
import { simulate, simulateOracle } from "./simulation.js";

const { values: args } = parseArgs({
  options: {
    bench: { type: "string", default: "sim" },
    seeds: { type: "string" },
    policy: { type: "string", multiple: true },
    ranking: { type: "string", multiple: true },
    sizes: { type: "string", default: "40,60,80" },
    budgets: { type: "string", default: "8,10" },
  },
});

const numbers = (text: string) =>
  text.split(",").flatMap((part) => {
    const [from, to] = part.split("-").map(Number);
    return to === undefined ? [from!] : Array.from({ length: to - from! + 1 }, (_, i) => from! + i);
  });
const sim = args.bench === "sim";
const seeds = numbers(args.seeds ?? (sim ? "101-160" : "1001-1050"));
const judged = (seed: number) => (sim ? seed <= 100 : seed <= 200);
if (seeds.some(judged)) {
  console.error(
    "Judged seeds (simulation 1–100, replays 1–200) are for bench:ranking and bench:replay only.",
  );
  process.exit(2);
}
type PolicyConfig = Partial<AdaptivePolicy> & { snapshotEvery?: number; snapshotShare?: number };
const policies: PolicyConfig[] = (args.policy ?? ["{}"]).map((p) => JSON.parse(p));
const rankings: RankingOptions[] = (args.ranking ?? ["{}"]).map((r) => JSON.parse(r));
const label = (p: object) => JSON.stringify(p);
const fix = (x: number, d = 3) => x.toFixed(d);
const signed = (x: number, d = 3) => `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(d)}`;

function ranked(histograms: readonly Histogram[], ratings: readonly RatingInput[], options: RankingOptions) {
  const { ranked } = publishedRanking(
    histograms.map((histogram, i) => ({ id: thoughtKey(i), histogram, i })),
    ratings,
    options,
  );
  const scores: number[] = [];
  for (const t of ranked) scores[t.i] = t.stats.score;
  return { order: ranked.map((t) => t.i), scores };
}

function split({ snapshotEvery, snapshotShare, ...policy }: PolicyConfig) {
  return { policy, snapshotEvery, snapshotShare };
}

if (sim) tuneSimulation();
else tuneReplays();

function tuneSimulation() {
  const started = Date.now();
  const base: number[] = [];
  const oracle = rankings.map(() => [] as number[]);
  const ours = policies.map(() => rankings.map(() => [] as number[]));
  const spread = policies.map(() => ({ min: Number.POSITIVE_INFINITY, max: 0 }));
  for (const seed of seeds) {
    const common = { thoughts: 1000, raters: 1000, budget: 20, seed };
    const random = simulate({ ...common, method: "random" });
    const rawMeans = random.histograms.map((h) => {
      const n = h.reduce((s, x) => s + x, 0);
      return n === 0 ? 0 : h.reduce((s, x, i) => s + x * (i + 1), 0) / n;
    });
    const baseOrder = rawMeans.map((_, i) => i).sort((a, b) => rawMeans[b]! - rawMeans[a]! || a - b);
    base.push(precisionAtK(baseOrder, random.quality, 20));
    const o = simulateOracle({ ...common, band: 50, cap: 3 });
    for (const [j, r] of rankings.entries()) {
      oracle[j]!.push(precisionAtK(ranked(o.histograms, o.ratings, r).order, o.quality, 20));
    }
    policies.forEach((config, i) => {
      const { policy, snapshotEvery } = split(config);
      const result = simulate({ ...common, method: "adaptive", policy, snapshotEvery: snapshotEvery ?? 100 });
      const m = mean(result.counts);
      spread[i]!.min = Math.min(spread[i]!.min, Math.min(...result.counts) / m);
      spread[i]!.max = Math.max(spread[i]!.max, Math.max(...result.counts) / m);
      rankings.forEach((r, j) => {
        ours[i]![j]!.push(
          precisionAtK(ranked(result.histograms, result.ratings, r).order, result.quality, 20),
        );
      });
    });
    process.stderr.write(`seed ${seed} ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    // A reading every ten seeds, so a long grid can be read before it ends.
    if (base.length % 10 === 0 || base.length === seeds.length) summary(seeds.slice(0, base.length));
  }

  function summary(read: readonly number[]) {
    console.log(`Simulation tuning, seeds ${read[0]}–${read.at(-1)}; random + mean P@20 ${fix(mean(base))}`);
    console.log(
      "| policy | ranking | P@20 | oracle P@20 | share of oracle's gain [95%] | Δ vs first row [95%] | min–max × mean |",
    );
    console.log("|---|---|---|---|---|---|---|");
    const first = ours[0]![0]!;
    for (const [i, p] of policies.entries()) {
      for (const [j, r] of rankings.entries()) {
        const xs = ours[i]![j]!;
        const [low, high] = bootstrapGainShare(xs, base, oracle[j]!);
        const [dl, dh] = bootstrapDifference(xs, first);
        console.log(
          `| ${label(p)} | ${label(r)} | ${fix(mean(xs))} | ${fix(mean(oracle[j]!))} | ` +
            `${fix(100 * gainShare(xs, base, oracle[j]!), 1)}% [${fix(100 * low, 0)}, ${fix(100 * high, 0)}] | ` +
            `${signed(mean(xs) - mean(first))} [${signed(dl)}, ${signed(dh)}] | ${fix(spread[i]!.min, 2)}–${fix(spread[i]!.max, 2)} |`,
        );
      }
    }
    console.log(`${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  }
}

function tuneReplays() {
  const started = Date.now();
  const plain: RankingOptions = { raterBias: false };
  const budgets = numbers(args.budgets!);
  /** Per configuration, per cell: [ΔP@10, ΔSpearman] means. */
  const cells: { cell: string; deltas: { p10: number[]; rho: number[] }[][] }[] = [];
  for (const folder of polisFolders(defaultPolisDir())) {
    const conversation = loadPolis(folder);
    for (const size of numbers(args.sizes!)) {
      const block = denseBlock(conversation, size);
      const voters = Math.min(block.voters.length, 2 * size);
      if (block.comments.length < size || voters < 10) continue;
      const worlds = seeds.map((seed) => replayWorld(conversation, block, voters, seed));
      for (const budget of budgets) {
        const deltas = policies.map(() => rankings.map(() => ({ p10: [] as number[], rho: [] as number[] })));
        for (const w of worlds) {
          const round = { budget, rng: createRng(w.roundSeed), batchSize: 10, concurrency: 10 };
          const random = playRound(w.world, { ...round, method: "random" });
          const b = ranked(random.histograms, random.ratings, plain);
          const bp10 = precisionAtK(b.order, w.truth, 10);
          const brho = spearman(b.scores, w.truth);
          policies.forEach((config, i) => {
            const { policy, snapshotShare } = split(config);
            const result = playRound(w.world, {
              ...round,
              rng: createRng(w.roundSeed),
              method: "adaptive",
              policy,
              snapshotEvery: Math.max(1, Math.round(voters * (snapshotShare ?? 0.1))),
            });
            rankings.forEach((r, j) => {
              const o = ranked(result.histograms, result.ratings, r);
              deltas[i]![j]!.p10.push(precisionAtK(o.order, w.truth, 10) - bp10);
              deltas[i]![j]!.rho.push(spearman(o.scores, w.truth) - brho);
            });
          });
        }
        cells.push({ cell: `${conversation.name.replace("scoop-hivemind.", "")} ${size}/${budget}`, deltas });
        process.stderr.write(
          `${conversation.name} ${size} ${budget} ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
        );
      }
    }
  }
  console.log(
    `Replay tuning, seeds ${args.seeds ?? "1001-1050"}, budgets ${budgets.join(",")}: ours − random + Bayesian`,
  );
  console.log(
    `| policy | ranking | cells ≥ 0 (both) | mean ΔP@10 | mean ΔSpearman | worst ΔP@10 | worst ΔSpearman | ${cells.map((c) => c.cell).join(" | ")} |`,
  );
  console.log(`|---|---|---|---|---|---|---|${cells.map(() => "---|").join("")}`);
  for (const [i, p] of policies.entries()) {
    for (const [j, r] of rankings.entries()) {
      const d = cells.map((c) => ({ p10: mean(c.deltas[i]![j]!.p10), rho: mean(c.deltas[i]![j]!.rho) }));
      const ok = d.filter((x) => x.p10 >= 0 && x.rho >= 0).length;
      console.log(
        `| ${label(p)} | ${label(r)} | ${ok} of ${d.length} | ${signed(mean(d.map((x) => x.p10)))} | ${signed(mean(d.map((x) => x.rho)))} | ` +
          `${signed(Math.min(...d.map((x) => x.p10)))} | ${signed(Math.min(...d.map((x) => x.rho)))} | ` +
          `${d.map((x) => `${signed(x.p10, 2)}/${signed(x.rho, 3)}`).join(" | ")} |`,
      );
    }
  }
  console.log(`${((Date.now() - started) / 1000).toFixed(0)} s`);
}
