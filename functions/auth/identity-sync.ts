import type { Services } from "../services.js";

/** Cognito's admin API has per-second quotas; a few calls at a time stays well inside them. */
const concurrency = 4;
/** Per scheduler run (every minute): a 1,000-person first import is done in about five runs. */
export const syncPerRun = 200;

export interface SyncRun {
  readonly synced: number;
  readonly failed: number;
}

/**
 * Brings identity-provider accounts in step with the directory for the people the import queued:
 * active people are invited or re-enabled, deactivated people disabled and signed out everywhere.
 * The directory is read at this moment, so it decides, not the queued hint. A failure leaves the
 * hint for the next run. Runs from the scheduler, and right after an import for its first few.
 */
export async function syncIdentities(s: Services, limit = syncPerRun): Promise<SyncRun> {
  if (s.identityDirectory.name === "none") return { synced: 0, failed: 0 };
  const pending = await s.identitySync.pending(limit);
  let synced = 0;
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < pending.length) {
      const item = pending[next++]!;
      try {
        const person = await s.directory.findByEmail(item.email);
        if (person?.active) await s.identityDirectory.ensureUser(person.email, person.name);
        else if (person) await s.identityDirectory.disableUser(person.email);
        await s.identitySync.done(item);
        synced++;
      } catch (error) {
        failed++;
        // The error's name only: the line must not name the person.
        s.logger.warn("identity sync failed; retried on the next run", { error: (error as Error).name });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, pending.length) }, worker));
  if (synced + failed > 0)
    s.logger.info("identity sync", { provider: s.identityDirectory.name, synced, failed });
  return { synced, failed };
}
