/**
 * Every item's key shapes in one place. Items of one conversation share its partition; a rater's
 * assignments live in their own partition, keyed by the rater's pseudonym (never the person).
 */
export const keys = {
  conversation: (id: string) => ({ pk: `CONV#${id}`, sk: "META" }),
  conversationList: (createdAt: string, id: string) => ({ gsi1pk: "CONVS", gsi1sk: `${createdAt}#${id}` }),
  thought: (conversationId: string, thoughtId: string) => ({
    pk: `CONV#${conversationId}`,
    sk: `THOUGHT#${thoughtId}`,
  }),
  thoughtsOf: (conversationId: string) => ({ pk: `CONV#${conversationId}`, skPrefix: "THOUGHT#" }),
  byAuthor: (authorKey: string, thoughtId: string) => ({
    gsi1pk: `AUTHOR#${authorKey}`,
    gsi1sk: `THOUGHT#${thoughtId}`,
  }),
  exposurePartition: (conversationId: string) => `CONV#${conversationId}`,
  /** Thoughts waiting for the next release round, sharded like the counters (rounds.ts). */
  roundWaiting: (conversationId: string, shard: number) => ({
    pk: `CONV#${conversationId}`,
    sk: `ROUND#W#${shard}`,
  }),
  /** The last boundary the scheduler decided and the counts taken at the last round. */
  roundState: (conversationId: string) => ({ pk: `CONV#${conversationId}`, sk: "ROUND#STATE" }),
  roundsOf: (conversationId: string) => ({ pk: `CONV#${conversationId}`, skPrefix: "ROUND#" }),
  participation: (conversationId: string, userId: string) => ({
    pk: `CONV#${conversationId}`,
    sk: `PART#${userId}`,
  }),
  counterShard: (conversationId: string, shard: number) => ({
    pk: `CONV#${conversationId}`,
    sk: `COUNT#${shard}`,
  }),
  assignment: (conversationId: string, raterKey: string, thoughtId: string) => ({
    pk: `RATER#${conversationId}#${raterKey}`,
    sk: `T#${thoughtId}`,
  }),
  assignmentsOf: (conversationId: string, raterKey: string) => `RATER#${conversationId}#${raterKey}`,
  /** All assignments of a conversation, for the report job (gsi1). */
  ratingsOf: (conversationId: string, thoughtId: string, raterKey: string) => ({
    gsi1pk: `RATINGS#${conversationId}`,
    gsi1sk: `${thoughtId}#${raterKey}`,
  }),
  person: (userId: string) => ({ pk: "DIR", sk: `USER#${userId}` }),
  /** The directory's names for screening thoughts, in chunks, and the version to read (names-index.ts). */
  nameIndexChunk: (chunk: number) => ({ pk: "NAMES", sk: `CHUNK#${String(chunk).padStart(3, "0")}` }),
  nameIndexVersion: () => ({ pk: "NAMES", sk: "VERSION" }),
  personByEmail: (email: string) => ({ gsi1pk: `EMAIL#${email.toLowerCase()}`, gsi1sk: "USER" }),
  /** An identity-provider account (OIDC issuer + subject) linked to a directory person. */
  identityLink: (issuer: string, subject: string) => ({ pk: `IDP#${issuer}#${subject}`, sk: "LINK" }),
  /** People whose identity-provider account must be brought in step with the directory. */
  identitySyncPartition: "IDPSYNC",
  identitySync: (email: string) => ({ pk: "IDPSYNC", sk: email.toLowerCase() }),
  idempotency: (recordKey: string) => ({ pk: `IDEM#${recordKey}`, sk: "IDEM" }),
  job: (id: string) => ({ pk: `JOB#${id}`, sk: "JOB" }),
  /** Scheduler work: timed transitions and reminders (T) and queued notices (N). */
  due: (conversationId: string, kind: "T" | "N", event: string) => ({
    pk: `CONV#${conversationId}`,
    sk: `DUE#${kind}#${event}`,
  }),
  review: (conversationId: string, thoughtId: string) => ({
    pk: `CONV#${conversationId}`,
    sk: `REVIEW#${thoughtId}`,
  }),
  /** One flag per person per thought, keyed by the flagger's pseudonym (never the person). */
  flag: (conversationId: string, thoughtId: string, flaggerKey: string) => ({
    pk: `CONV#${conversationId}`,
    sk: `FLAG#${thoughtId}#${flaggerKey}`,
  }),
  moderationLog: (conversationId: string, at: string, id: string) => ({
    pk: `CONV#${conversationId}`,
    sk: `MODLOG#${at}#${id}`,
  }),
  sent: (conversationId: string, action: string) => ({ pk: `CONV#${conversationId}`, sk: `SENT#${action}` }),
  /** A report version's items share a prefix: head, ranked-thought pages, segment views. */
  reportPrefix: (version: number) => `REPORT#v${String(version).padStart(6, "0")}#`,
  reportItem: (conversationId: string, version: number, part: string) => ({
    pk: `CONV#${conversationId}`,
    sk: `REPORT#v${String(version).padStart(6, "0")}#${part}`,
  }),
  /** What the adaptive distributor needs beyond the byExposure index (ranking-snapshot.ts). */
  rankingSnapshot: (conversationId: string) => ({ pk: `CONV#${conversationId}`, sk: "RANKING-SNAPSHOT" }),
  /** Where the scheduler's sweep of expired open assignments stopped (ratings.ts expireOpen). */
  assignmentSweep: (conversationId: string) => ({ pk: `CONV#${conversationId}`, sk: "ASSIGNMENT-SWEEP" }),
  themeEdits: (conversationId: string) => ({ pk: `CONV#${conversationId}`, sk: "THEME-EDITS" }),
  /** Leadership's responses to a conversation's themes: one item, one attribute per theme. */
  themeResponses: (conversationId: string) => ({ pk: `CONV#${conversationId}`, sk: "THEME-RESPONSES" }),
  cycle: (id: string) => ({ pk: `CYCLE#${id}`, sk: "META" }),
  cycleList: (createdAt: string, id: string) => ({ gsi1pk: "CYCLES", gsi1sk: `${createdAt}#${id}` }),
  /** Leaders' edits to a cycle's computed theme links. */
  cycleLinks: (id: string) => ({ pk: `CYCLE#${id}`, sk: "LINKS" }),
  organisationSettings: () => ({ pk: "SETTINGS", sk: "ORGANISATION" }),
  /** The audit log is one partition, newest last: admin actions are few. */
  auditPartition: "AUDIT",
  auditEntry: (at: string, id: string) => ({ pk: "AUDIT", sk: `${at}#${id}` }),
} as const;

/** Counter items are sharded so concurrent writers rarely touch the same item in a transaction. */
export const counterShards = 8;

export const today = (now = new Date()) => now.toISOString().slice(0, 10);
