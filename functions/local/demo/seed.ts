import type { StoredKey } from "../../db/query.js";
import { idempotencyRecordKey, personKeys } from "../../domain/author-key.js";
import type { Conversation } from "../../domain/conversation.js";
import type { ConversationState } from "../../domain/lifecycle.js";
import { queueReasons } from "../../domain/moderation.js";
import { loadPersonFinder } from "../../domain/person-finder.js";
import { initialStatus, screenThought } from "../../domain/screen.js";
import { namesSomeone, type PersonFinder } from "../../domain/screen-names.js";
import { ConflictError } from "../../errors.js";
import { createRng } from "../../lib/random.js";
import { requestHash } from "../../repositories/idempotency.js";
import type { Rater } from "../../repositories/ratings.js";
import type { Services } from "../../services.js";
import { releaseNow } from "../../workflows/release-round.js";
import { screenForSharing } from "../../workflows/screen-share.js";
import { snapshotFor } from "../../workflows/snapshot.js";
import { type DemoPerson, demoPeople } from "./company.js";
import {
  middlingVerdict,
  planRaters,
  type RatingHabits,
  type SimulatedThought,
  simulateRatings,
  type Verdict,
} from "./simulate.js";
import { type DemoThought, demoContext, demoThoughts, demoTitle } from "./thoughts.js";

export interface SeedOptions {
  /** Drives the simulation (authors, raters, stars); seeded by default so every demo looks alike. */
  readonly random?: () => number;
  /** Ratings each simulated employee aims for (the conversation's default target is 20). */
  readonly ratingsPerPerson?: number;
  /** Simulated people working at once: bounded so DynamoDB Local on two cores keeps up. */
  readonly concurrency?: number;
  /** A smaller company for tests: fewer thoughts and people, showcase thoughts kept first. */
  readonly limit?: { readonly thoughts?: number; readonly people?: number };
  readonly onProgress?: (fraction: number, message: string) => void;
}

export interface SeedResult {
  readonly conversationId: string;
  readonly thoughts: number;
  readonly ratings: number;
  readonly participants: number;
  /** False when the sample conversation was already there (and finished, if it was not yet). */
  readonly created: boolean;
}

/**
 * The creation request runs under a fixed pseudo-user and client key, so a second seed (or a
 * double click on the button) replays the first conversation instead of creating another.
 */
const seedUserId = "groundswell-demo-seed";
const seedClientKey = "northwind-sample-fy2027";
const conversationBody = { template: "strategy-input", title: demoTitle, context: demoContext } as const;

interface Participant {
  readonly person: DemoPerson;
  readonly userId: string;
  readonly attributes: Record<string, string>;
}

/**
 * Fills the store with a finished sample conversation: the demo company in the directory, one
 * strategy-input conversation, its thoughts shared and rated by simulated employees through the
 * same repositories the API uses, then closed. Every step is idempotent, so an interrupted seed
 * resumes where it stopped. Themes are not computed here.
 */
export async function seedDemo(services: Services, options: SeedOptions = {}): Promise<SeedResult> {
  // Seeded: the default demo is the same company story on every machine.
  const random = options.random ?? createRng(2027).next;
  const progress = options.onProgress ?? (() => {});
  const concurrency = options.concurrency ?? 8;
  const people = pickPeople(options.limit?.people);
  const thoughts = pickThoughts(await loadPersonFinder(), options.limit?.thoughts);

  progress(0, "Adding Northwind's people to the directory");
  const { participants, invited } = await ensureDirectory(services, people);

  const existing = await findDemoConversation(services);
  let conversation: Conversation = existing ?? (await createConversation(services, invited));
  const created = existing === undefined;

  if (conversation.state === "draft" || conversation.state === "scheduled") {
    conversation = await advance(services, conversation, "sharing");
  }
  if (conversation.state === "sharing") {
    await shareAll(services, conversation, participants, thoughts, random, concurrency, (done) =>
      progress(0.05 + 0.3 * (done / thoughts.length), `Sharing thoughts (${done}/${thoughts.length})`),
    );
    conversation = await advance(services, conversation, "rating");
    // Sharing's end cuts a release round, as transitionConversation does (DESIGN §3.7).
    await releaseNow(services, conversation, new Date());
  }
  if (conversation.state === "rating") {
    const texts = await thoughtsById(services, conversation.id, thoughts);
    const raters = planRaters(participants, options.ratingsPerPerson ?? 20, random);
    const goal = raters.reduce((sum, r) => sum + r.goal, 0);
    await rateAll(services, conversation.id, raters, texts, random, (done) => {
      if (done % 250 === 0)
        progress(0.35 + 0.5 * Math.min(1, done / goal), `Rating thoughts (${done}/${goal})`);
    });
    progress(0.9, "Saving the ratings");
    conversation = await advance(services, conversation, "closed");
  }
  if (conversation.state === "closed") {
    // Themes are computed the way closing always starts them: a theme-run job on the queue.
    progress(0.95, "Computing themes");
    const { job, created: started } = await services.jobs.startThemeRun(conversation.id);
    if (started) await services.queue.enqueue({ jobId: job.id, conversationId: conversation.id });
  }

  const counts = await services.conversations.counts(conversation.id, 0);
  progress(1, "Done");
  return {
    conversationId: conversation.id,
    thoughts: counts.thoughts,
    ratings: counts.ratings,
    participants: counts.participants,
    created,
  };
}

/** Round-robin over departments, so a limited run still has every department. */
function pickPeople(limit = demoPeople.length): DemoPerson[] {
  const byDepartment = groupBy(demoPeople, (p) => p.departmentCode);
  const picked: DemoPerson[] = [];
  for (let round = 0; picked.length < limit; round++) {
    const before = picked.length;
    for (const group of byDepartment.values()) {
      const person = group[round];
      if (person && picked.length < limit) picked.push(person);
    }
    if (picked.length === before) break;
  }
  return picked;
}

/** The showcase (contact details, names, polarizing) first, then an even sample of the rest. */
function pickThoughts(findPeople: PersonFinder, limit = demoThoughts.length): DemoThought[] {
  const showcase = (t: DemoThought) => {
    const screened = screenThought(t.text);
    return t.polarizing || screened.warnings.length > 0 || namesSomeone(screened.text, findPeople);
  };
  const first = demoThoughts.filter(showcase).slice(0, limit);
  const rest = demoThoughts.filter((t) => !showcase(t));
  const wanted = Math.min(rest.length, limit - first.length);
  const sampled = Array.from({ length: wanted }, (_, i) => rest[Math.floor((i * rest.length) / wanted)]!);
  return [...first, ...sampled];
}

async function ensureDirectory(services: Services, people: readonly DemoPerson[]) {
  const known = new Map((await services.directory.all()).map((p) => [p.email, p]));
  const missing = people.filter((p) => !known.has(p.email));
  for (const saved of await services.directory.putMany(
    missing.map(({ departmentCode: _code, outlook: _outlook, ...person }) => person),
  )) {
    known.set(saved.email, saved);
  }
  // The directory's attributes win: an admin may have edited a demo person since the last seed.
  const participants: Participant[] = people.map((person) => {
    const entry = known.get(person.email)!;
    return { person, userId: entry.id, attributes: entry.attributes };
  });
  // Audience is everyone, so "invited" counts the whole active directory, as the API would.
  const invited = [...known.values()].filter((p) => p.active).length;
  return { participants, invited };
}

async function findDemoConversation(services: Services): Promise<Conversation | undefined> {
  let startKey: StoredKey | undefined;
  do {
    const page = await services.conversations.list(startKey);
    const found = page.items.find((c) => c.title === demoTitle && c.template === "strategy-input");
    if (found) return found;
    startKey = page.lastKey;
  } while (startKey);
  return undefined;
}

async function createConversation(services: Services, invited: number): Promise<Conversation> {
  return services.conversations.createOnce({ ...conversationBody }, invited, {
    recordKey: idempotencyRecordKey(services.authorKeySecret, seedUserId, seedClientKey, "conversation"),
    requestHash: requestHash(conversationBody),
  });
}

/** A transition that tolerates a concurrent seed (or a facilitator) having moved it first. */
async function advance(services: Services, conversation: Conversation, to: ConversationState) {
  try {
    return await services.conversations.transition(conversation.id, to, conversation.state);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const current = await services.conversations.get(conversation.id);
    if (current.state === to) return current;
    throw error;
  }
}

async function shareAll(
  services: Services,
  conversation: Conversation,
  participants: readonly Participant[],
  thoughts: readonly DemoThought[],
  random: () => number,
  concurrency: number,
  onShared: (done: number) => void,
) {
  const authored = assignAuthors(participants, thoughts, conversation.settings.maxThoughtsPerPerson, random);
  let done = 0;
  await pool([...authored], concurrency, async ([author, own]) => {
    const { authorKey, participantKey } = personKeys(
      services.authorKeySecret,
      conversation.id,
      author.userId,
    );
    const joined = await services.participation.join(conversation.id, participantKey, () =>
      snapshotFor(services, conversation, author.attributes),
    );
    for (const { index, thought } of own) {
      const screened = await screenForSharing(services, screenThought(thought.text));
      await services.thoughts.share({
        conversationId: conversation.id,
        participantKey,
        text: screened.text,
        authorKey,
        attributes: joined.attributes,
        status: initialStatus(conversation.settings.moderation, screened),
        needsReview: screened.needsReview,
        reviewReasons: queueReasons(conversation.settings.moderation, screened),
        maxPerPerson: conversation.settings.maxThoughtsPerPerson,
        // One fixed key per sample thought, whoever writes it: a resumed seed replays it.
        idempotency: {
          recordKey: idempotencyRecordKey(
            services.authorKeySecret,
            seedUserId,
            `demo-thought-${index}`,
            `thought:${conversation.id}`,
          ),
          requestHash: requestHash(screened.text),
        },
      });
      onShared(++done);
    }
  });
}

/**
 * Each thought goes to someone in the department that would write it. About two in three people
 * share at all, and the load is spread so nobody hits the per-person cap.
 */
function assignAuthors(
  participants: readonly Participant[],
  thoughts: readonly DemoThought[],
  cap: number,
  random: () => number,
): Map<Participant, { index: number; thought: DemoThought }[]> {
  const sharers = participants.filter(() => random() < 0.7);
  const pool = sharers.length > 0 ? sharers : [...participants];
  const byDepartment = groupBy(pool, (p) => p.person.departmentCode);
  const authored = new Map<Participant, { index: number; thought: DemoThought }[]>();
  for (const [index, thought] of thoughts.entries()) {
    const candidates = (byDepartment.get(thought.department) ?? pool).filter(
      (p) => (authored.get(p)?.length ?? 0) < cap,
    );
    const open =
      candidates.length > 0 ? candidates : pool.filter((p) => (authored.get(p)?.length ?? 0) < cap);
    const fewest = Math.min(...open.map((p) => authored.get(p)?.length ?? 0));
    const least = open.filter((p) => (authored.get(p)?.length ?? 0) === fewest);
    const author = least[Math.floor(random() * least.length)]!;
    authored.set(author, [...(authored.get(author) ?? []), { index, thought }]);
  }
  return authored;
}

/** What the simulation knows about each stored thought, matched back by its stored text. */
async function thoughtsById(services: Services, conversationId: string, thoughts: readonly DemoThought[]) {
  const byText = new Map(thoughts.map((t) => [screenThought(t.text).text, t]));
  const found = new Map<string, DemoThought>();
  for await (const page of services.thoughts.all(conversationId)) {
    for (const stored of page) {
      found.set(stored.id, byText.get(stored.text) ?? { ...neutral, text: stored.text });
    }
  }
  return found;
}

const neutral: DemoThought = { text: "", department: "ST", theme: "noise", appeal: 3, polarizing: false };

/**
 * The simulated people rate through the distributor the API uses, run in memory (simulate.ts),
 * and the finished ratings are written in bulk.
 * Rating one by one through the API path costs a transaction each: minutes for a full demo on
 * two cores, where a newcomer should see a report within two minutes of the first start.
 */
async function rateAll(
  services: Services,
  conversationId: string,
  raters: readonly (Participant & RatingHabits)[],
  thoughts: ReadonlyMap<string, DemoThought>,
  random: () => number,
  onRated: (done: number) => void,
) {
  const stored: SimulatedThought[] = [];
  for await (const page of services.thoughts.all(conversationId)) {
    for (const t of page) {
      if (t.status !== "visible") continue;
      stored.push({
        id: t.id,
        authorKey: t.authorKey,
        exposure: t.exposure,
        content: thoughts.get(t.id) ?? neutral,
      });
    }
  }
  const joined: Rater[] = [];
  for (const simulated of raters) joined.push(await raterOf(services, conversationId, simulated));
  const verdicts = simulateRatings(
    raters.map((habits, i) => ({ ...habits, authorKey: joined[i]!.authorKey })),
    stored,
    random,
    onRated,
  );
  const entries: { rater: Rater; thoughtId: string; verdict: Verdict }[] = verdicts.map((v) => ({
    rater: joined[v.rater]!,
    thoughtId: v.thoughtId,
    verdict: v.verdict,
  }));
  // Skips can leave a thought unrated in a small run: a late rater takes each such thought.
  const ratedIds = new Set(entries.filter((e) => "stars" in e.verdict).map((e) => e.thoughtId));
  for (const { id: thoughtId, authorKey } of stored) {
    if (ratedIds.has(thoughtId)) continue;
    const late = raters.findIndex(
      (_, i) =>
        joined[i]!.authorKey !== authorKey &&
        !entries.some((e) => e.thoughtId === thoughtId && e.rater.raterKey === joined[i]!.raterKey),
    );
    if (late < 0) continue;
    entries.push({ rater: joined[late]!, thoughtId, verdict: middlingVerdict(raters[late]!, random) });
  }
  await services.ratings.importFinished(conversationId, entries);
}

/** Joins like the rating-batch route does; the rater carries the snapshot taken at joining. */
async function raterOf(services: Services, conversationId: string, p: Participant): Promise<Rater> {
  const keys = personKeys(services.authorKeySecret, conversationId, p.userId);
  const joined = await services.participation.join(conversationId, keys.participantKey, async () =>
    snapshotFor(services, await services.conversations.get(conversationId), p.attributes),
  );
  return { conversationId, attributes: joined.attributes, ...keys };
}

async function pool<T>(items: readonly T[], size: number, run: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(size, items.length)) }, worker));
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}
