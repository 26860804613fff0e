import type { LocalIssuer } from "./auth/local-issuer.js";
import type { VerifierOptions } from "./auth/verify.js";
import type { Logger } from "./lib/logger.js";
import { ConversationRepository } from "./repositories/conversations.js";
import type { Db } from "./repositories/db.js";
import { DirectoryRepository } from "./repositories/directory.js";
import { JobRepository } from "./repositories/jobs.js";
import { ParticipationRepository } from "./repositories/participation.js";
import { RatingRepository } from "./repositories/ratings.js";
import { ReportRepository } from "./repositories/reports.js";
import { ThoughtRepository } from "./repositories/thoughts.js";
import { InProcessQueue, type JobQueue } from "./workers/queue.js";
import { runThemeJob, type ThemeEngine } from "./workers/theme-run.js";

/** What the Hono app is built from. Both adapters (Lambda, Node server) and tests inject these. */
export interface AppDeps {
  readonly db: Db;
  readonly verifier: VerifierOptions;
  /** HMAC secret for author and rater keys (Secrets Manager in AWS, the data folder locally). */
  readonly authorKeySecret: string;
  /** Present only on the embedded default: enables the sign-in page's dev login. */
  readonly localIssuer?: LocalIssuer;
  readonly logger: Logger;
  readonly random?: () => number;
  /** Groups thoughts into themes: the offline engine, or OpenAI when a key is configured. */
  readonly themeEngine: ThemeEngine;
  /** Where theme runs go; an in-process queue running the same worker when omitted. */
  readonly queue?: JobQueue;
}

export interface Services extends AppDeps {
  readonly conversations: ConversationRepository;
  readonly thoughts: ThoughtRepository;
  readonly ratings: RatingRepository;
  readonly participation: ParticipationRepository;
  readonly directory: DirectoryRepository;
  readonly jobs: JobRepository;
  readonly reports: ReportRepository;
  readonly queue: JobQueue;
}

export function createServices(deps: AppDeps): Services {
  const services: Services = {
    ...deps,
    conversations: new ConversationRepository(deps.db),
    thoughts: new ThoughtRepository(deps.db),
    ratings: new RatingRepository(deps.db, deps.random),
    participation: new ParticipationRepository(deps.db),
    directory: new DirectoryRepository(deps.db),
    jobs: new JobRepository(deps.db),
    reports: new ReportRepository(deps.db),
    queue: deps.queue ?? new InProcessQueue((message) => runThemeJob(services, message), deps.logger),
  };
  return services;
}
