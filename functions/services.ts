import type { IdentityDirectory } from "./auth/identity-directory.js";
import type { LocalIssuer } from "./auth/local-issuer.js";
import type { PersonMatcher } from "./auth/match.js";
import type { VerifierOptions } from "./auth/verify.js";
import { createCoreServices } from "./core-services.js";
import type { Db } from "./db/client.js";
import type { CursorCodec } from "./db/cursor.js";
import type { AdmissionGate } from "./lib/admission.js";
import type { Logger } from "./lib/logger.js";
import type { ContentScreen } from "./moderation/openai-moderation.js";
import type { MailQueue } from "./notify/mail-queue.js";
import type { Mailer } from "./notify/mailer.js";
import type { MailContext } from "./notify/templates.js";
import { AuditRepository } from "./repositories/audit.js";
import { ConversationRepository } from "./repositories/conversations.js";
import { CycleRepository, ThemeResponseRepository } from "./repositories/cycles.js";
import type { DirectoryRepository } from "./repositories/directory.js";
import { DueRepository } from "./repositories/due.js";
import { IdentitySyncRepository } from "./repositories/identity-sync.js";
import { JobRepository } from "./repositories/jobs.js";
import { LiveSnapshotRepository } from "./repositories/live.js";
import { ModerationRepository } from "./repositories/moderation.js";
import { NamesIndexRepository } from "./repositories/names-index.js";
import { ParticipationRepository } from "./repositories/participation.js";
import { RankingSnapshotRepository } from "./repositories/ranking-snapshot.js";
import { RatingRepository } from "./repositories/ratings.js";
import { ReportRepository } from "./repositories/reports.js";
import { RoundRepository } from "./repositories/rounds.js";
import { SettingsRepository } from "./repositories/settings.js";
import { ThemeShapingRepository } from "./repositories/theme-shaping.js";
import { ThoughtRepository } from "./repositories/thoughts.js";
import type { JobQueue } from "./workers/queue.js";
import type { ThemeEngine } from "./workers/theme-run.js";

/** What the Hono app is built from. Both adapters (Lambda, Node server) and tests inject these. */
export interface AppDeps {
  readonly db: Db;
  readonly verifier: VerifierOptions;
  /** HMAC secret for author and rater keys (Secrets Manager in AWS, the data folder locally). */
  readonly authorKeySecret: string;
  /** Present only on the embedded default: enables the dev login that scripts and tests use. */
  readonly localIssuer?: LocalIssuer;
  /** The identity provider's accounts, kept in step by the directory import (Cognito in AWS). */
  readonly identityDirectory?: IdentityDirectory;
  readonly logger: Logger;
  /** Bounds requests in flight and queued (embedded default); in AWS, API Gateway and Lambda do. */
  readonly admission?: AdmissionGate;
  readonly random?: () => number;
  /** How long a batch's unrated thoughts count as exposure (default 2 h, ratings.ts). */
  readonly openAssignmentLifetimeMs?: number;
  /** Groups thoughts into themes: the offline engine, or OpenAI when a key is configured. */
  readonly themeEngine: ThemeEngine;
  /**
   * Where theme runs go: SQS in AWS, or `inProcessThemeRuns` (workers/theme-run.ts), which runs
   * them in this process with these services. Given, never defaulted here: a default would pull
   * the report computation into every bundle that builds services, the API's among them.
   */
  readonly queue: JobQueue | ((services: Services) => JobQueue);
  /** Outgoing mail: files in the data folder locally, memory in tests (AWS sends from the mail worker). */
  readonly mailer?: Mailer;
  /** Where notices are queued: SQS in AWS; by default straight to `mailer`. */
  readonly mailQueue?: MailQueue;
  /** The web app's address, for links in messages. */
  readonly appUrl?: string;
  /** The OpenAI moderation endpoint, when a key is configured (DESIGN §3.5). */
  readonly contentScreen?: ContentScreen;
  /** Loads the sample company (embedded default only; see routes/demo.ts). */
  readonly seedDemo?: (
    services: Services,
    options: { onProgress?: (fraction: number, message: string) => void },
  ) => Promise<{ conversationId: string }>;
}

/**
 * What every request needs before its route runs: sign-in (the directory, to find the person),
 * cursors and mail. The API Lambda builds only these at a cold start and adds the repositories
 * with the first request that runs a route (api/lazy-app.ts), so their code and item schemas
 * are not in its init (core-services.ts imports no other repository).
 */
export interface CoreServices extends AppDeps {
  readonly directory: DirectoryRepository;
  /** Finds the directory person behind a verified sign-in, on every request. */
  readonly people: PersonMatcher;
  readonly identityDirectory: IdentityDirectory;
  /** Signs list cursors to the route and caller that asked (db/cursor.ts). */
  readonly cursors: CursorCodec;
  readonly mail: Omit<MailContext, "timeZone"> & { readonly mailer: Mailer; readonly queue: MailQueue };
}

export interface Services extends CoreServices {
  readonly queue: JobQueue;
  readonly conversations: ConversationRepository;
  readonly thoughts: ThoughtRepository;
  readonly ratings: RatingRepository;
  readonly rankingSnapshots: RankingSnapshotRepository;
  readonly participation: ParticipationRepository;
  readonly identitySync: IdentitySyncRepository;
  /** The directory's names, for screening thoughts; server-side only (DESIGN §3.5). */
  readonly names: NamesIndexRepository;
  /** Release rounds: thoughts waiting to join the rating pool, and the counts shown while sharing. */
  readonly rounds: RoundRepository;
  /** The live view's snapshot, taken by the scheduler at release rounds (workflows/live-view.ts). */
  readonly live: LiveSnapshotRepository;
  readonly jobs: JobRepository;
  readonly reports: ReportRepository;
  readonly due: DueRepository;
  readonly moderation: ModerationRepository;
  readonly cycles: CycleRepository;
  readonly themeResponses: ThemeResponseRepository;
  readonly themeShaping: ThemeShapingRepository;
  readonly settings: SettingsRepository;
  /** Admin and facilitator actions; `audit.record` never takes a thought id (DESIGN §3.1). */
  readonly audit: AuditRepository;
}

export function createServices(deps: AppDeps): Services {
  return withRepositories(createCoreServices(deps));
}

/** The services of `core` with every repository, on the same table and logger. */
export function withRepositories(core: CoreServices): Services {
  const { db } = core;
  const given = core.queue;
  let queue: JobQueue | undefined;
  const services: Services = {
    ...core,
    conversations: new ConversationRepository(db),
    thoughts: new ThoughtRepository(db),
    ratings: new RatingRepository(db, core.random),
    rankingSnapshots: new RankingSnapshotRepository(db),
    participation: new ParticipationRepository(db),
    identitySync: new IdentitySyncRepository(db),
    names: new NamesIndexRepository(db),
    rounds: new RoundRepository(db, core.random),
    live: new LiveSnapshotRepository(db),
    jobs: new JobRepository(db),
    reports: new ReportRepository(db),
    // Built on first use: an in-process queue runs jobs with the finished services.
    get queue() {
      queue ??= typeof given === "function" ? given(services) : given;
      return queue;
    },
    due: new DueRepository(db),
    moderation: new ModerationRepository(db),
    cycles: new CycleRepository(db),
    themeResponses: new ThemeResponseRepository(db),
    themeShaping: new ThemeShapingRepository(db),
    settings: new SettingsRepository(db),
    audit: new AuditRepository(db),
  };
  return services;
}
