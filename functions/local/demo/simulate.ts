import {
  buildContenderSnapshot,
  type ContenderSnapshot,
  pickWithSnapshot,
} from "../../domain/contender-snapshot.js";
import { type DemoPerson, departmentOutlook } from "./company.js";
import { type DemoThought, themeBias } from "./thoughts.js";

/**
 * How the sample conversation's simulated people rate, in memory and free of storage, so the
 * seed (seed.ts) and the tests that check what the sample shows run the very same simulation.
 */

export type Stars = 1 | 2 | 3 | 4 | 5;
export type Verdict = { readonly stars: Stars } | { readonly skip: true };

export interface RatingHabits {
  /** How many ratings this person gives before stopping. */
  readonly goal: number;
  /** Some people rate everything generously, some harshly. */
  readonly leniency: number;
  readonly skipRate: number;
}

/** About one in twelve never rates and one in seven stops early, as in a real conversation. */
export function planRaters<P extends { readonly person: DemoPerson }>(
  participants: readonly P[],
  target: number,
  random: () => number,
): (P & RatingHabits)[] {
  const raters: (P & RatingHabits)[] = [];
  for (const participant of participants) {
    const roll = random();
    if (roll < 0.08) continue;
    const goal = roll < 0.22 ? Math.max(1, Math.round(target * (0.4 + 0.4 * random()))) : target;
    const leniency = gaussian(random) * 0.4;
    const skipRate = random() < 0.3 ? 0.08 : 0.02;
    raters.push({ ...participant, goal, leniency, skipRate });
  }
  return raters;
}

export interface SimulatedThought {
  readonly id: string;
  readonly authorKey: string;
  /** Ratings it already has (a resumed seed starts from the stored counts). */
  readonly exposure: number;
  readonly content: DemoThought;
}

/**
 * Ratings landed between two recomputations of the contender snapshot: the scheduler recomputes
 * it every minute, and a busy conversation of this size lands about a hundred ratings a minute.
 */
const SNAPSHOT_EVERY = 100;

/**
 * Each rater in turn asks for batches of ten the way the rating-batch route does
 * (`pickWithSnapshot`: least exposed, never their own, never twice; once every thought has its
 * floor of ratings, some slots go to the thoughts near the top-list line, from a snapshot a
 * minute old), and rates or skips each thought until their goal. Returns every verdict, with the
 * index of the rater who gave it.
 */
export function simulateRatings(
  raters: readonly (RatingHabits & { readonly person: DemoPerson; readonly authorKey: string })[],
  thoughts: readonly SimulatedThought[],
  random: () => number,
  onRated: (done: number) => void = () => {},
): { rater: number; thoughtId: string; verdict: Verdict }[] {
  // One mutable candidate per thought, as the exposure entries the route reads. The picker hands
  // back copies of contenders, so the chosen are looked up by id.
  const candidates = thoughts.map((t) => ({
    ...t,
    histogram: [0, 0, 0, 0, 0] as [number, number, number, number, number],
  }));
  const byId = new Map(candidates.map((c) => [c.id, c]));
  const verdicts: { rater: number; thoughtId: string; verdict: Verdict }[] = [];
  let snapshot: ContenderSnapshot | undefined;
  let snapshotAt = Number.NEGATIVE_INFINITY;
  let done = 0;
  for (const [index, simulated] of raters.entries()) {
    const seen = new Set<string>();
    let rated = 0;
    while (rated < simulated.goal) {
      if (done - snapshotAt >= SNAPSHOT_EVERY) {
        // Copies: a stored snapshot does not change as ratings land.
        snapshot = buildContenderSnapshot(candidates.map((c) => ({ ...c, histogram: [...c.histogram] })));
        snapshotAt = done;
      }
      const { chosen } = pickWithSnapshot({
        snapshot,
        page: candidates,
        pageMinRatings: Math.min(...candidates.map((c) => c.histogram.reduce((sum, x) => sum + x, 0))),
        seen,
        authorKey: simulated.authorKey,
        size: 10,
        random,
      });
      if (chosen.length === 0) break;
      for (const { id } of chosen) {
        if (rated >= simulated.goal) break;
        seen.add(id);
        const candidate = byId.get(id)!;
        const verdict = decide(candidate.content, simulated, random);
        verdicts.push({ rater: index, thoughtId: id, verdict });
        if ("stars" in verdict) {
          candidate.exposure++;
          candidate.histogram[verdict.stars - 1]!++;
          rated++;
          onRated(++done);
        }
      }
    }
  }
  return verdicts;
}

/**
 * Stars from the thought's appeal, the rater's department bias on its theme, whether the thought
 * comes from the rater's side (frontline or office, company.ts) and personal leniency, plus noise.
 * Polarizing thoughts split into camps along the same line, the department tilting the odds. The
 * side is what gives the sample its opinion groups: a lasting view that shows across many
 * thoughts, as people's views do, where a department's bias moves only one theme at a time.
 */
export function decide(
  thought: DemoThought,
  rater: { readonly person: DemoPerson; readonly leniency: number; readonly skipRate: number },
  random: () => number,
): Verdict {
  const skipRate = rater.skipRate + (thought.appeal <= 1 ? 0.4 : 0);
  if (random() < skipRate) return { skip: true };
  const bias = themeBias[thought.theme][rater.person.departmentCode] ?? 0;
  const side = departmentOutlook(thought.department) === rater.person.outlook ? 1 : -1;
  if (thought.polarizing) {
    const high = clamp(0.5 + 0.3 * side + 0.2 * bias + 0.15 * rater.leniency, 0.1, 0.9);
    if (random() < high) return { stars: random() < 0.6 ? 4 : 5 };
    return { stars: random() < 0.5 ? 1 : 2 };
  }
  return {
    stars: toStars(thought.appeal + bias + sideTilt * side + rater.leniency + gaussian(random) * 0.8),
  };
}

/** A middling verdict, for a thought a late rater takes because skips left it unrated. */
export function middlingVerdict(rater: { readonly leniency: number }, random: () => number): Verdict {
  return { stars: toStars(3 + rater.leniency + gaussian(random)) };
}

/**
 * About two thirds of a star up for a thought from one's own side, as much down for the other's:
 * strong enough that the report finds the two sides as opinion groups on every install (the
 * rater keys, and so the clustering's reading order, differ per install), mild enough that the
 * best thoughts of either side still rank near the top.
 */
const sideTilt = 0.65;

const toStars = (x: number) => clamp(Math.round(x), 1, 5) as Stars;
const clamp = (x: number, low: number, high: number) => Math.min(high, Math.max(low, x));

function gaussian(random: () => number): number {
  const u = Math.max(random(), Number.EPSILON);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
