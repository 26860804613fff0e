/**
 * Real Pol.is conversations for the replay benchmark (bench/replay.ts), in the shape of the
 * public openData exports: a folder per conversation with `comments.csv`
 * (`comment-id, author-id, moderated, comment-body`, …) and `votes.csv`
 * (`timestamp, comment-id, voter-id, vote`, vote 1 agree, 0 pass, −1 disagree).
 *
 * The replay protocol (../shared/benchmarks/README.md): a dense block is the N most-voted
 * comments and the voters who voted on at least 80% of them; agree → 5, pass → 3, disagree → 1
 * stars; a voter rates only what the system offers and skips the rare pair with no vote. Outside
 * a dense block the replay would be biased: the comments with few real votes are exactly the ones
 * an exposure-balancing distributor offers, so it would get far fewer answers than random does.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { shuffle } from "../functions/domain/distributor.js";
import { createRng, sampleIndices } from "../functions/lib/random.js";
import type { RoundWorld } from "./round.js";

export type Vote = -1 | 0 | 1;

export interface PolisComment {
  readonly id: string;
  readonly authorId: string;
  readonly text: string;
  /**
   * Pol.is's own group-informed consensus, when the export carries the column (newer openData
   * exports do; the older ones shared here do not).
   */
  readonly groupInformedConsensus?: number;
}

export interface PolisConversation {
  readonly name: string;
  /** Comments not moderated out (moderated ≠ −1). */
  readonly comments: readonly PolisComment[];
  /** Each voter's last vote per comment: comment id → voter id → vote. */
  readonly votes: ReadonlyMap<string, ReadonlyMap<string, Vote>>;
}

export const starsOfVote = (vote: Vote) => 3 + 2 * vote;

/** The shared data folder: ../shared/benchmarks/polis from the main checkout or a worktree of it. */
export function defaultPolisDir(): string {
  let at = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 6; up++) {
    const candidate = join(at, "shared", "benchmarks", "polis");
    if (existsSync(candidate)) return candidate;
    at = dirname(at);
  }
  throw new Error("No shared/benchmarks/polis folder above the repository: pass --dir.");
}

/** Every sub-folder holding comments.csv and votes.csv, by name. */
export function polisFolders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => join(dir, e.name))
    .filter((d) => existsSync(join(d, "comments.csv")) && existsSync(join(d, "votes.csv")))
    .sort();
}

export function loadPolis(folder: string): PolisConversation {
  const rows = (file: string) =>
    parse(readFileSync(join(folder, file)), { columns: true, skip_empty_lines: true }) as Record<
      string,
      string
    >[];
  const comments = rows("comments.csv")
    .filter((c) => c.moderated !== "-1")
    .map((c): PolisComment => {
      const gic = c["group-informed-consensus"];
      return {
        id: c["comment-id"]!,
        authorId: c["author-id"] ?? "",
        text: c["comment-body"] ?? "",
        ...(gic !== undefined && gic !== "" && { groupInformedConsensus: Number(gic) }),
      };
    });
  const shown = new Set(comments.map((c) => c.id));
  const latest = new Map<string, Map<string, { at: number; vote: Vote }>>();
  for (const v of rows("votes.csv")) {
    const comment = v["comment-id"]!;
    if (!shown.has(comment)) continue;
    const vote = Number(v.vote);
    if (vote !== -1 && vote !== 0 && vote !== 1) continue;
    const at = Number(v.timestamp);
    const byVoter = latest.get(comment) ?? new Map<string, { at: number; vote: Vote }>();
    latest.set(comment, byVoter);
    const previous = byVoter.get(v["voter-id"]!);
    // A voter may change their vote: the last one stands, as in Pol.is.
    if (!previous || previous.at <= at) byVoter.set(v["voter-id"]!, { at, vote: vote as Vote });
  }
  const votes = new Map(
    [...latest].map(([comment, byVoter]) => [comment, new Map([...byVoter].map(([u, x]) => [u, x.vote]))]),
  );
  return { name: resolve(folder).split(/[\\/]/).pop()!, comments, votes };
}

export interface DenseBlock {
  readonly conversation: string;
  /** The N most-voted comments (ties by id). */
  readonly comments: readonly PolisComment[];
  /** Voters who voted on at least `density` of them, by id. */
  readonly voters: readonly string[];
  /** Share of comment × voter pairs with a vote. */
  readonly fill: number;
}

export function denseBlock(conversation: PolisConversation, size: number, density = 0.8): DenseBlock {
  const votesOf = (c: PolisComment) => conversation.votes.get(c.id)?.size ?? 0;
  const comments = [...conversation.comments]
    .sort((a, b) => votesOf(b) - votesOf(a) || compareIds(a.id, b.id))
    .slice(0, size);
  const perVoter = new Map<string, number>();
  for (const c of comments) {
    for (const voter of conversation.votes.get(c.id)?.keys() ?? []) {
      perVoter.set(voter, (perVoter.get(voter) ?? 0) + 1);
    }
  }
  const voters = [...perVoter]
    .filter(([, n]) => n >= density * comments.length)
    .map(([voter]) => voter)
    .sort(compareIds);
  const filled = voters.reduce((s, v) => s + perVoter.get(v)!, 0);
  return {
    conversation: conversation.name,
    comments,
    voters,
    fill: voters.length > 0 ? filled / (voters.length * comments.length) : 0,
  };
}

export interface Replay {
  readonly world: RoundWorld;
  /** The comments in the world's numbering (thought i is comments[i]). */
  readonly comments: readonly PolisComment[];
  /** The voters in the world's numbering (rater i is voters[i]). */
  readonly voters: readonly string[];
  /** Per thought: the full-vote agree rate among these voters, the author's own vote left out. */
  readonly truth: readonly number[];
  /** A seed for the round's own random stream. */
  readonly roundSeed: number;
}

/**
 * One seed's people from a block: `voters` of its dense voters drawn at random, a random arrival
 * order, and a random numbering of the comments, so that no tie-break follows vote counts.
 * Methods replayed on the same seed meet the very same people.
 */
export function replayWorld(
  conversation: PolisConversation,
  block: DenseBlock,
  voters: number,
  seed: number,
): Replay {
  const rng = createRng(seed * 7919 + block.comments.length);
  const people = sampleIndices(block.voters.length, voters, rng).map((i) => block.voters[i]!);
  const comments = shuffle(block.comments, rng.next);
  const raterOf = new Map(people.map((id, i) => [id, i]));
  const voteOf = (comment: PolisComment, voter: string) => conversation.votes.get(comment.id)?.get(voter);
  const world: RoundWorld = {
    thoughts: comments.length,
    raters: people.length,
    authorOf: (t) => raterOf.get(comments[t]!.authorId),
    respond: (rater, thought) => {
      const vote = voteOf(comments[thought]!, people[rater]!);
      return vote === undefined ? "skip" : starsOfVote(vote);
    },
    order: shuffle([...people.keys()], rng.next),
  };
  const truth = comments.map((c) => {
    let agrees = 0;
    let votes = 0;
    for (const person of people) {
      const vote = person === c.authorId ? undefined : voteOf(c, person);
      if (vote === undefined) continue;
      votes++;
      if (vote === 1) agrees++;
    }
    return votes > 0 ? agrees / votes : 0;
  });
  return { world, comments, voters: people, truth, roundSeed: seed * 104729 + voters };
}

/** Numeric ids in numeric order. */
function compareIds(a: string, b: string): number {
  return Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0);
}
