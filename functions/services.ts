import type { LocalIssuer } from "./auth/local-issuer.js";
import type { VerifierOptions } from "./auth/verify.js";
import type { Logger } from "./lib/logger.js";
import { ConversationRepository } from "./repositories/conversations.js";
import type { Db } from "./repositories/db.js";
import { DirectoryRepository } from "./repositories/directory.js";
import { ParticipationRepository } from "./repositories/participation.js";
import { RatingRepository } from "./repositories/ratings.js";
import { ThoughtRepository } from "./repositories/thoughts.js";

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
}

export interface Services extends AppDeps {
  readonly conversations: ConversationRepository;
  readonly thoughts: ThoughtRepository;
  readonly ratings: RatingRepository;
  readonly participation: ParticipationRepository;
  readonly directory: DirectoryRepository;
}

export function createServices(deps: AppDeps): Services {
  return {
    ...deps,
    conversations: new ConversationRepository(deps.db),
    thoughts: new ThoughtRepository(deps.db),
    ratings: new RatingRepository(deps.db, deps.random),
    participation: new ParticipationRepository(deps.db),
    directory: new DirectoryRepository(deps.db),
  };
}
