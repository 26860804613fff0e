/**
 * DESIGN §8 ranking bar on real votes: `npm run bench:replay`.
 *
 * Replays dense blocks of real Pol.is conversations (bench/polis.ts; ../shared/benchmarks/README.md
 * describes the protocol) through the domain code a conversation runs: the distributor and the
 * adaptive picker fed from the scheduler's contender snapshot (bench/round.ts), then the published
 * ranking (functions/domain/ranking.ts, as report/compute.ts ranks). Beside it, uniform random
 * assignment with the plain Bayesian average at the same budget, on the very same people.
 *
 * Per seed: V voters drawn from the block's dense voters (V = min(dense voters, 2 × comments), so
 * that 8 ratings each give about 16 per comment, as 20 each do in a company), a random arrival
 * order, a random numbering of the comments (so no tie-break follows vote counts). The truth is
 * the block's full-vote agree rate among those V voters (an author's own vote left out: the system
 * never asks them). Each voter rates what the system offers; a pair with no vote is a skip.
 *
 * Figures: precision@10 and @20 (ties in the truth share the boundary places), Spearman and Kendall
 * of the published score against the truth, ratings per thought (fewest, most; worst over seeds)
 * and, per block and budget, the mean difference ours − random with a paired bootstrap 95% interval.
 * The bar (issue 13): at 8–10 ratings per person, ours ≥ random in precision@10 and Spearman.
 *
 * Options: --dir=DIR (folders of comments.csv + votes.csv; default ../shared/benchmarks/polis)
 * --seeds=1-200 (or 1,2,3) --sizes=40,60,80 --budgets=8,10,15 --quick (seeds 1–5, size 40, budgets 8
 * and 10) --rows=all (diagnostic rows too) --no-consensus (skip the Pol.is consensus check). Tuning overrides for the "ours" rows: --floor --share
 * --topK --topShare --z --cap --relativeFloor --prior=C --raterStrength=N --opinion=λ|off --no-bias.
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import type { AdaptivePolicy } from "../functions/domain/adaptive.js";
import { thoughtConsensus } from "../functions/domain/consensus.js";
import { opinionGroups } from "../functions/domain/opinion-groups.js";
import { publishedRanking, type RankingOptions } from "../functions/domain/ranking.js";
import type { RatingInput } from "../functions/domain/rater-bias.js";
import { DEFAULT_PRIOR_STRENGTH } from "../functions/domain/statistics.js";
import { createRng } from "../functions/lib/random.js";
import { bootstrapDifference, bootstrapMean, kendallTau, mean, precisionAtK, spearman } from "./metrics.js";
import { defaultPolisDir, denseBlock, loadPolis, polisFolders, type Replay, replayWorld } from "./polis.js";
import { type PolisReference, polisReference } from "./polis-consensus.js";
import { type Method, playRound, type RoundWorld, raterKey, thoughtKey } from "./round.js";

const { values: args } = parseArgs({
  options: {
    dir: { type: "string" },
    seeds: { type: "string" },
    sizes: { type: "string" },
    budgets: { type: "string" },
    quick: { type: "boolean", default: false },
    rows: { type: "string", default: "bar" },
    floor: { type: "string" },
    relativeFloor: { type: "string" },
    share: { type: "string" },
    topK: { type: "string" },
    topShare: { type: "string" },
    z: { type: "string" },
    cap: { type: "string" },
    prior: { type: "string" },
    raterStrength: { type: "string" },
    opinion: { type: "string" },
    "no-bias": { type: "boolean", default: false },
    "no-consensus": { type: "boolean", default: false },
  },
});

const numbers = (text: string) =>
  text.split(",").flatMap((part) => {
    const [from, to] = part.split("-").map(Number);
    return to === undefined ? [from!] : Array.from({ length: to - from! + 1 }, (_, i) => from! + i);
  });
const quick = args.quick === true;
/**
 * Judged seeds (docs/ranking.md, "How it is measured"): 1–50 were fixed before the first judged
 * reading; 1–200 were named as the larger set before 51–200 were first read, since at 50 seeds a
 * Spearman interval (±0.007) is wider than the differences the bar is about. Tune on 1001 on.
 */
const judgedSeeds = quick ? "1-5" : "1-200";
const seeds = numbers(args.seeds ?? judgedSeeds);
const sizes = numbers(args.sizes ?? (quick ? "40" : "40,60,80"));
const budgets = numbers(args.budgets ?? (quick ? "8,10" : "8,10,15"));
/** The bar's budgets (issue 13): 8–10 ratings per person. */
const barBudgets = new Set([8, 9, 10]);
const CONCURRENCY = 10;
/** The anonymity threshold for numbers (DESIGN §3.4): every opinion group holds at least this many. */
const K = 5;
const checkConsensus = args["no-consensus"] !== true;
const BATCH = 10;

const policy: Partial<AdaptivePolicy> = {
  ...(args.floor !== undefined && { floor: Number(args.floor) }),
  ...(args.relativeFloor !== undefined && { relativeFloor: Number(args.relativeFloor) }),
  ...(args.share !== undefined && { share: Number(args.share) }),
  ...(args.topK !== undefined && { topK: Number(args.topK) }),
  ...(args.topShare !== undefined && { topShare: Number(args.topShare) }),
  ...(args.z !== undefined && { z: Number(args.z) }),
  ...(args.cap !== undefined && { cap: Number(args.cap) }),
};
const raterBias = {
  ...(args.raterStrength !== undefined && { raterStrength: Number(args.raterStrength) }),
  ...(args.opinion !== undefined && {
    opinionStrength: args.opinion === "off" ? (false as const) : Number(args.opinion),
  }),
};
const deployedRanking: RankingOptions = {
  ...(args.prior !== undefined && { priorStrength: Number(args.prior) }),
  ...(args["no-bias"] ? { raterBias: false } : Object.keys(raterBias).length > 0 && { raterBias }),
};

interface Variant {
  readonly label: string;
  readonly method: Method;
  /** The API's path: the adaptive picker fed from the scheduler's snapshot. */
  readonly viaSnapshot?: boolean;
  readonly ranking: RankingOptions;
}
/** DESIGN §5's plain Bayesian average: raw stars, C = 5. */
const plain: RankingOptions = { raterBias: false, priorStrength: DEFAULT_PRIOR_STRENGTH };
const baseline: Variant = { label: "random + Bayesian", method: "random", ranking: plain };
const ours: Variant = {
  label: "ours (API path)",
  method: "adaptive",
  viaSnapshot: true,
  ranking: deployedRanking,
};
const diagnostic: Variant[] = [
  { label: "random + ours' ranking", method: "random", ranking: deployedRanking },
  { label: "pickBatch + Bayesian", method: "balanced", ranking: plain },
  { label: "pickBatch + ours' ranking", method: "balanced", ranking: deployedRanking },
  { label: "adaptive + Bayesian", method: "adaptive", viaSnapshot: true, ranking: plain },
];
const variants = args.rows === "all" ? [baseline, ...diagnostic, ours] : [baseline, ours];

interface Reading {
  readonly p10: number;
  readonly p20: number;
  readonly spearman: number;
  readonly kendall: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
}

function read(variant: Variant, world: RoundWorld, truth: readonly number[], budget: number, seed: number) {
  const round = playRound(world, {
    budget,
    method: variant.method,
    rng: createRng(seed),
    batchSize: BATCH,
    concurrency: CONCURRENCY,
    policy,
    // The scheduler refreshes the snapshot every minute; a busy hour brings about a tenth of the
    // people's ratings a minute (bench:ranking's 100 a minute for 1,000 people).
    ...(variant.viaSnapshot && { snapshotEvery: Math.max(1, Math.round(world.raters / 10)) }),
  });
  const { ranked } = publishedRanking(
    round.histograms.map((histogram, i) => ({ id: thoughtKey(i), histogram, i })),
    round.ratings,
    variant.ranking,
  );
  const order = ranked.map((t) => t.i);
  const scores: number[] = [];
  for (const t of ranked) scores[t.i] = t.stats.score;
  const counts = round.counts;
  const meanCount = mean(counts);
  const reading: Reading = {
    p10: precisionAtK(order, truth, 10),
    p20: precisionAtK(order, truth, 20),
    spearman: spearman(scores, truth),
    kendall: kendallTau(scores, truth),
    min: Math.min(...counts),
    max: Math.max(...counts),
    mean: meanCount,
  };
  return { reading, round };
}

/**
 * Our group-informed consensus (opinion-groups.ts + consensus.ts, k = 5 as in a conversation)
 * against Pol.is's, as Spearman over the block's comments. Undefined when no groups were found.
 */
function consensusAgreement(
  ratings: readonly RatingInput[],
  replay: Replay,
  reference: PolisReference,
): { rho: number; groups: number } | undefined {
  const found = opinionGroups(ratings, { minGroupSize: K });
  if (!("groupOf" in found)) return undefined;
  const ours = new Map(
    thoughtConsensus(
      ratings,
      found.groupOf,
      found.groups.map((g) => g.id),
      K,
    ).map((t) => [t.thoughtId, t.consensus]),
  );
  const pairs = replay.comments
    .map((c, t) => [ours.get(thoughtKey(t)), reference.consensus.get(c.id)] as const)
    .filter((p): p is readonly [number, number] => p[0] !== undefined && p[1] !== undefined);
  return {
    rho: spearman(
      pairs.map((p) => p[0]),
      pairs.map((p) => p[1]),
    ),
    groups: found.groups.length,
  };
}

/** Every vote of the replay's voters on the block, as ratings: our method with nothing missing. */
function allBlockRatings(replay: Replay): RatingInput[] {
  const ratings: RatingInput[] = [];
  const still = createRng(1);
  for (let t = 0; t < replay.world.thoughts; t++) {
    for (let r = 0; r < replay.world.raters; r++) {
      if (replay.world.authorOf(t) === r) continue;
      const stars = replay.world.respond(r, t, still);
      if (stars !== "skip") ratings.push({ thoughtId: thoughtKey(t), raterKey: raterKey(r), stars });
    }
  }
  return ratings;
}

function consensusRow(
  name: string,
  size: number,
  voters: number,
  budget: number,
  replayed: readonly ({ rho: number; groups: number } | undefined)[],
  full: readonly ({ rho: number; groups: number } | undefined)[],
  reference: PolisReference,
): string {
  const summary = (xs: readonly ({ rho: number; groups: number } | undefined)[]) => {
    const found = xs.filter((x) => x !== undefined);
    if (found.length === 0) return "no groups";
    const rhos = found.map((x) => x.rho);
    const [low, high] = bootstrapMean(rhos);
    return `${fix(mean(rhos))} [${fix(low)}, ${fix(high)}]`;
  };
  const groups = replayed.filter((x) => x !== undefined).map((x) => x.groups);
  const groupCounts = [...new Set(groups)].sort().join("/") || "–";
  const referenceGroups = reference.source === "export" ? "(export)" : String(reference.groups);
  return (
    `| ${name} | ${size} × ${voters} | ${budget} | ${referenceGroups} | ${groupCounts} (${groups.length} of ${replayed.length}) | ` +
    `${summary(replayed)} | ${summary(full)} |`
  );
}

const fix = (x: number, d = 3) => x.toFixed(d);
const signed = (x: number, d = 3) => `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(d)}`;
const interval = ([low, high]: [number, number], d = 3) => `[${signed(low, d)}, ${signed(high, d)}]`;

const started = performance.now();
const dir = args.dir ?? defaultPolisDir();
const folders = polisFolders(dir);
if (folders.length === 0) {
  console.error(`No conversation folders (comments.csv + votes.csv) in ${dir}`);
  process.exit(2);
}
console.log(`Replay benchmark: ${folders.length} conversations from ${dir}`);
console.log(
  `seeds ${args.seeds ?? judgedSeeds}, blocks of ${sizes.join(", ")} comments, ${budgets.join(", ")} ratings/person, ` +
    `batches of ${BATCH}, ${CONCURRENCY} raters at a time; overrides: policy ${JSON.stringify(policy)}, ranking ${JSON.stringify(deployedRanking)}\n`,
);

interface Verdict {
  readonly cell: string;
  readonly p10: number;
  readonly spearman: number;
  readonly p10Interval: [number, number];
  readonly spearmanInterval: [number, number];
}
const verdicts: Verdict[] = [];
console.log(
  "| set | block | ratings/person | ratings/thought | assignment + ranking | P@10 | P@20 | Spearman | Kendall | fewest–most ratings |",
);
console.log("|---|---|---|---|---|---|---|---|---|---|");
const differences: string[] = [];
const consensusRows: string[] = [];
for (const folder of folders) {
  const conversation = loadPolis(folder);
  const reference = checkConsensus ? polisReference(conversation) : undefined;
  for (const size of sizes) {
    const block = denseBlock(conversation, size);
    const voters = Math.min(block.voters.length, 2 * size);
    if (block.comments.length < size || voters < 10) {
      console.log(
        `| ${conversation.name} | ${size} comments: only ${block.comments.length} comments, ${block.voters.length} dense voters, skipped | | | | | | | | |`,
      );
      continue;
    }
    const worlds = seeds.map((seed) => replayWorld(conversation, block, voters, seed));
    const full = checkConsensus
      ? worlds.map((w) => consensusAgreement(allBlockRatings(w), w, reference!))
      : [];
    for (const budget of budgets) {
      const readings = new Map<Variant, Reading[]>();
      for (const variant of variants) {
        const played = worlds.map((w) => read(variant, w.world, w.truth, budget, w.roundSeed));
        readings.set(
          variant,
          played.map((p) => p.reading),
        );
        if (variant === ours && checkConsensus) {
          const replayed = played.map((p, i) => consensusAgreement(p.round.ratings, worlds[i]!, reference!));
          consensusRows.push(
            consensusRow(conversation.name, size, voters, budget, replayed, full, reference!),
          );
        }
      }
      const blockLabel = `${size} × ${voters} (fill ${fix(block.fill, 2)})`;
      for (const variant of variants) {
        const rs = readings.get(variant)!;
        const perThought = mean(rs.map((r) => r.mean));
        console.log(
          `| ${conversation.name} | ${blockLabel} | ${budget} | ${fix(perThought, 1)} | ${variant.label} | ` +
            `${fix(mean(rs.map((r) => r.p10)))} | ${fix(mean(rs.map((r) => r.p20)))} | ` +
            `${fix(mean(rs.map((r) => r.spearman)))} | ${fix(mean(rs.map((r) => r.kendall)))} | ` +
            `${Math.min(...rs.map((r) => r.min))}–${Math.max(...rs.map((r) => r.max))} ` +
            `(${fix(Math.min(...rs.map((r) => r.min / r.mean)), 2)}×–${fix(Math.max(...rs.map((r) => r.max / r.mean)), 2)}×) |`,
        );
      }
      const a = readings.get(ours)!;
      const b = readings.get(baseline)!;
      const column = (rs: Reading[], f: (r: Reading) => number) => rs.map(f);
      const diff = (f: (r: Reading) => number) => {
        const x = column(a, f);
        const y = column(b, f);
        return { mean: mean(x) - mean(y), interval: bootstrapDifference(x, y) };
      };
      const p10 = diff((r) => r.p10);
      const p20 = diff((r) => r.p20);
      const rho = diff((r) => r.spearman);
      const tau = diff((r) => r.kendall);
      const cell = `${conversation.name}, ${size} comments, ${budget}/person`;
      differences.push(
        `| ${cell} | ${signed(p10.mean)} ${interval(p10.interval)} | ${signed(p20.mean)} ${interval(p20.interval)} | ` +
          `${signed(rho.mean)} ${interval(rho.interval)} | ${signed(tau.mean)} ${interval(tau.interval)} |`,
      );
      if (barBudgets.has(budget)) {
        verdicts.push({
          cell,
          p10: p10.mean,
          spearman: rho.mean,
          p10Interval: p10.interval,
          spearmanInterval: rho.interval,
        });
      }
    }
  }
}

console.log(`\nOurs − random + Bayesian, mean over seeds [paired bootstrap 95% interval]:\n`);
console.log("| set, block, budget | ΔP@10 | ΔP@20 | ΔSpearman | ΔKendall |");
console.log("|---|---|---|---|---|");
for (const line of differences) console.log(line);

if (checkConsensus) {
  console.log(
    "\nGroup-informed consensus, ours against Pol.is's (Spearman over the block's comments; Pol.is's from every vote " +
      "of the conversation, recomputed with its published method where comments.csv lacks the column):\n",
  );
  console.log(
    "| set | block | ratings/person | Pol.is groups | our groups (seeds with groups) | ours from the replayed ratings | ours from every block vote |",
  );
  console.log("|---|---|---|---|---|---|---|");
  for (const line of consensusRows) console.log(line);
}

const failing = verdicts.filter((v) => v.p10 < 0 || v.spearman < 0);
const clearLosses = verdicts.filter((v) => v.p10Interval[1] < 0 || v.spearmanInterval[1] < 0);
console.log(
  `\n${quick ? "Indicative only (quick mode). " : ""}Bar at 8–10 ratings/person (ours ≥ random in precision@10 and Spearman): ` +
    `${failing.length === 0 ? "PASS" : "FAIL"}: at least random's on ${verdicts.length - failing.length} of ${verdicts.length} cells` +
    `${failing.length > 0 ? `; below random: ${failing.map((v) => v.cell).join("; ")}` : ""}` +
    `${clearLosses.length > 0 ? `; of which clearly (interval below 0): ${clearLosses.map((v) => v.cell).join("; ")}` : ""}`,
);
console.log(`\n${((performance.now() - started) / 1000).toFixed(1)} s`);
if (failing.length > 0) process.exitCode = 1;
