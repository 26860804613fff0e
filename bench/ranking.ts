/**
 * DESIGN §8 ranking bar: `npm run bench:ranking`.
 *
 * 1,000 thoughts with a known true quality, 1,000 raters with a bias and noise (the truth model is
 * described in bench/simulation.ts: about one star of noise per rating, true means spread by about
 * half a star). For 10 / 20 / 30 ratings per person it compares, averaged over seeds:
 *   - random assignment at the same budget, ranked by raw mean (the baseline), and by Bayesian score;
 *   - our distributor (pickBatch) ranked by Bayesian score, as the API does today;
 *   - the adaptive distributor (functions/domain/adaptive.ts) ranked by Bayesian score;
 *   - pickBatch and adaptive ranked by the rater-bias-adjusted Bayesian score, as the report ranks
 *     (functions/domain/rater-bias.ts), on the very same rounds as the rows above;
 *   - the adaptive distributor fed bias-adjusted moments too ("adjusted picker": its own rounds).
 * precision@20 and Kendall tau are against true quality; min and max ratings per thought are the
 * worst over seeds, as a multiple of the mean. A second table adds 20% late thoughts.
 *
 * The precision bar is read on one configuration fixed in advance (barVariant), not on the best
 * row of the run: picking the luckiest of five rows would overstate it.
 *
 * Ten seeds by default: precision@20 moves in steps of 0.05 and varies by about 0.1 between seeds,
 * so five seeds leave the ratio to the baseline uncertain by about ±0.06.
 * Options: --seeds=1,2,3 --floor=8 --share=0.7 --cap=3 --rule=lucb --raterStrength=8 --iterations=4 (tune on
 * seeds other than the reported ones); --quick: seeds 1–3, 20 ratings/person only, no late table;
 * --signal=0.6 --noise=1 change the truth model, to see how the ratio depends on signal-to-noise.
 */
import { performance } from "node:perf_hooks";
import type { AdaptivePolicy } from "../functions/domain/adaptive.js";
import { adjustedThoughtMoments, type RaterBiasOptions } from "../functions/domain/rater-bias.js";
import {
  conversationPrior,
  type Histogram,
  histogramMoments,
  momentsPrior,
  rankThoughts,
} from "../functions/domain/statistics.js";
import { kendallTau, precisionAtK } from "./metrics.js";
import { defaultTruth, type Method, type SimulationResult, simulate, type TruthModel } from "./simulation.js";

const THOUGHTS = 1000;
const RATERS = 1000;
const K = 20;

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=") as [string, string]));
const quick = args.has("quick");
const BUDGETS = quick ? [20] : [10, 20, 30];
const seeds = (args.get("seeds") ?? (quick ? "1,2,3" : "1,2,3,4,5,6,7,8,9,10")).split(",").map(Number);
const policy: Partial<AdaptivePolicy> = {
  ...(args.has("floor") && { floor: Number(args.get("floor")) }),
  ...(args.has("share") && { share: Number(args.get("share")) }),
  ...(args.has("cap") && { cap: Number(args.get("cap")) }),
  ...(args.has("rule") && { rule: args.get("rule") as AdaptivePolicy["rule"] }),
};

const truth: TruthModel = {
  ...defaultTruth,
  ...(args.has("signal") && { signal: Number(args.get("signal")) }),
  ...(args.has("noise") && { noiseSd: Number(args.get("noise")) }),
};

const biasOptions: RaterBiasOptions = {
  ...(args.has("raterStrength") && { raterStrength: Number(args.get("raterStrength")) }),
  ...(args.has("iterations") && { iterations: Number(args.get("iterations")) }),
};

type Ranking = "mean" | "bayes" | "adjusted";
interface Variant {
  readonly label: string;
  readonly method: Method;
  readonly ranking: Ranking;
  /** The adaptive picker sees bias-adjusted moments too. */
  readonly adjustedPicker?: boolean;
}
/**
 * Chosen on seeds 101–148: adaptive rounds vary a lot between seeds, and there the plain picker
 * with the adjusted ranking (0.771) did as well as the adjusted picker (0.760), for less work.
 */
const barVariant = "adaptive + bias-adjusted Bayesian";
const variants: Variant[] = [
  { label: "random + mean (baseline)", method: "random", ranking: "mean" },
  { label: "random + Bayesian", method: "random", ranking: "bayes" },
  { label: "pickBatch + Bayesian", method: "balanced", ranking: "bayes" },
  { label: "adaptive + Bayesian", method: "adaptive", ranking: "bayes" },
  { label: "pickBatch + bias-adjusted Bayesian", method: "balanced", ranking: "adjusted" },
  { label: "adaptive + bias-adjusted Bayesian", method: "adaptive", ranking: "adjusted" },
  {
    label: "adaptive (adjusted picker) + bias-adj.",
    method: "adaptive",
    ranking: "adjusted",
    adjustedPicker: true,
  },
];

/** Order (best first) and per-thought scores, as the report would publish them. */
function rank(result: SimulationResult, ranking: Ranking): { order: number[]; scores: number[] } {
  const thoughts = result.histograms.map((histogram, i) => ({
    id: String(i).padStart(6, "0"),
    histogram,
    i,
  }));
  const prior = conversationPrior(result.histograms);
  if (ranking === "adjusted") {
    const moments = adjustedThoughtMoments(result.ratings, biasOptions);
    const adjusted = thoughts.map((t) => ({ ...t, adjusted: moments.get(`t${t.i}`) }));
    const adjustedPrior = momentsPrior(adjusted.map((t) => t.adjusted ?? histogramMoments(t.histogram)));
    const ranked = rankThoughts(adjusted, adjustedPrior);
    const scores: number[] = [];
    for (const t of ranked) scores[t.i] = t.stats.score;
    return { order: ranked.map((t) => t.i), scores };
  }
  if (ranking === "bayes") {
    const ranked = rankThoughts(thoughts, prior);
    const scores: number[] = [];
    for (const t of ranked) scores[t.i] = t.stats.score;
    return { order: ranked.map((t) => t.i), scores };
  }
  const scores = result.histograms.map((h) => rawMean(h) ?? prior.mean);
  const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  return { order, scores };
}

function rawMean(h: Histogram): number | null {
  const n = h.reduce((s, x) => s + x, 0);
  return n === 0 ? null : h.reduce((s, x, i) => s + x * (i + 1), 0) / n;
}

interface Row {
  precision: number;
  tau: number;
  minRatio: number;
  maxRatio: number;
  lateRatio: number;
}

/** Random + mean and random + Bayesian rank the same simulated round: simulate it once. */
const rounds = new Map<string, SimulationResult>();
function round(variant: Variant, budget: number, seed: number, lateShare: number): SimulationResult {
  const { method } = variant;
  const biasAdjusted = method === "adaptive" && variant.adjustedPicker === true;
  const roundKey = `${method}/${biasAdjusted}/${budget}/${seed}/${lateShare}`;
  let result = rounds.get(roundKey);
  if (!result) {
    result = simulate({
      thoughts: THOUGHTS,
      raters: RATERS,
      budget,
      method,
      seed,
      lateShare,
      policy,
      truth,
      ...(biasAdjusted && { biasAdjusted: biasOptions }),
    });
    rounds.set(roundKey, result);
  }
  return result;
}

function evaluate(variant: Variant, budget: number, lateShare: number): Row {
  const rows = seeds.map((seed) => {
    const result = round(variant, budget, seed, lateShare);
    const { order, scores } = rank(result, variant.ranking);
    const mean = result.counts.reduce((s, c) => s + c, 0) / result.counts.length;
    const avg = (pick: (late: boolean) => boolean) => {
      const counts = result.counts.filter((_, i) => pick(result.late[i]!));
      return counts.reduce((s, c) => s + c, 0) / Math.max(1, counts.length);
    };
    return {
      precision: precisionAtK(order, result.quality, K),
      tau: kendallTau(scores, result.quality),
      minRatio: Math.min(...result.counts) / mean,
      maxRatio: Math.max(...result.counts) / mean,
      lateRatio: lateShare > 0 ? avg((late) => late) / avg((late) => !late) : 1,
    };
  });
  const average = (f: (r: Row) => number) => rows.reduce((s, r) => s + f(r), 0) / rows.length;
  return {
    precision: average((r) => r.precision),
    tau: average((r) => r.tau),
    minRatio: Math.min(...rows.map((r) => r.minRatio)),
    maxRatio: Math.max(...rows.map((r) => r.maxRatio)),
    lateRatio: average((r) => r.lateRatio),
  };
}

const started = performance.now();
const pad = (s: string | number, n: number) => String(s).padEnd(n);
const fix = (x: number, d = 3) => x.toFixed(d);
const width = Math.max(...variants.map((v) => v.label.length));
let atTwenty: { results: Map<Variant, Row>; baseline: number } | undefined;

console.log(
  `Ranking benchmark: ${THOUGHTS} thoughts, ${RATERS} raters, batches of 10, seeds ${seeds.join(",")}`,
);
console.log(
  `truth model: ${JSON.stringify(truth)}; adaptive policy overrides: ${JSON.stringify(policy)}; ` +
    `rater-bias overrides: ${JSON.stringify(biasOptions)}\n`,
);
console.log("| ratings/person | assignment + ranking | P@20 | ×random | Kendall tau | min×mean | max×mean |");
console.log("|---|---|---|---|---|---|---|");
for (const budget of BUDGETS) {
  let baseline = 0;
  const results = new Map<Variant, Row>();
  for (const variant of variants) {
    const row = evaluate(variant, budget, 0);
    results.set(variant, row);
    if (variant.method === "random" && variant.ranking === "mean") baseline = row.precision;
    const ratio = baseline > 0 ? row.precision / baseline : Number.NaN;
    console.log(
      `| ${budget} | ${pad(variant.label, width)} | ${fix(row.precision)} | ${fix(ratio, 2)}× | ${fix(row.tau)} | ${fix(row.minRatio, 2)} | ${fix(row.maxRatio, 2)} |`,
    );
  }
  if (budget === 20) atTwenty = { results, baseline };
}

if (!quick) {
  console.log(
    "\nLate thoughts: 20% of thoughts appear after half the raters have finished (20 ratings/person)\n",
  );
  console.log("| assignment + ranking | late ÷ other mean ratings | min×mean | max×mean | P@20 |");
  console.log("|---|---|---|---|---|");
  for (const variant of variants.filter((v) => v.ranking !== "mean")) {
    const row = evaluate(variant, 20, 0.2);
    console.log(
      `| ${pad(variant.label, width)} | ${fix(row.lateRatio, 2)} | ${fix(row.minRatio, 2)} | ${fix(row.maxRatio, 2)} | ${fix(row.precision)} |`,
    );
  }
}

console.log(`\n${((performance.now() - started) / 1000).toFixed(1)} s\n`);
const passed = atTwenty ? checkBars(atTwenty.results, atTwenty.baseline) : false;
if (!passed) process.exitCode = 1;

/**
 * The two §8 bars at 20 ratings/person, on the last line. Precision: barVariant against the
 * baseline. Fairness: every one of our distributors, worst over seeds, since any may be deployed.
 */
function checkBars(results: Map<Variant, Row>, baseline: number): boolean {
  const ours = [...results].filter(([v]) => v.method !== "random");
  const [, best] = ours.find(([v]) => v.label === barVariant)!;
  const ratio = best.precision / baseline;
  const precisionOk = ratio >= 1.3;
  const min = Math.min(...ours.map(([, r]) => r.minRatio));
  const max = Math.max(...ours.map(([, r]) => r.maxRatio));
  const fairOk = min >= 0.5 && max <= 3;
  console.log(
    `Bars at 20 ratings/person: precision@20 ${precisionOk ? "PASS" : "FAIL"} ${fix(ratio, 3)}× random ` +
      `(${barVariant} ${fix(best.precision)} vs ${fix(baseline)}; needs ≥ 1.3×); ` +
      `fairness ${fairOk ? "PASS" : "FAIL"} ${fix(min, 2)}×–${fix(max, 2)}× mean over our distributors (needs 0.5×–3×)`,
  );
  return precisionOk && fairOk;
}
