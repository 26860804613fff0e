import { justInTimeAdmission } from "./auth/identity-directory.js";
import { PersonMatcher } from "./auth/match.js";
import type { Db } from "./db/client.js";
import { createCursorCodec } from "./db/cursor.js";
import { InlineMailQueue } from "./notify/mail-queue.js";
import { MemoryMailer } from "./notify/mailer.js";
import { DirectoryRepository } from "./repositories/directory.js";
import type { AppDeps, CoreServices } from "./services.js";

/**
 * The services every request needs (services.ts, CoreServices). A module of its own, importing
 * the directory's repository and no other, so that the API Lambda's cold start loads none of the
 * rest; `createServices` (services.ts) adds them for everything else.
 */
export function createCoreServices(deps: AppDeps): CoreServices {
  const mailer = deps.mailer ?? new MemoryMailer();
  // Repositories report the stored items their list reads leave out to the app's logger.
  const db: Db = { logger: deps.logger, ...deps.db };
  const directory = new DirectoryRepository(db);
  return {
    ...deps,
    db,
    directory,
    people: new PersonMatcher(directory, deps.logger),
    identityDirectory: deps.identityDirectory ?? justInTimeAdmission,
    cursors: createCursorCodec(deps.authorKeySecret),
    mail: {
      mailer,
      queue: deps.mailQueue ?? new InlineMailQueue(mailer, deps.logger),
      appUrl: deps.appUrl ?? "http://localhost:3000",
      organisation: "Your organisation",
    },
  };
}
