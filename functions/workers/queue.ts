import type { Logger } from "../lib/logger.js";

/** What a theme-run message carries: only ids, never content. */
export interface JobMessage {
  readonly jobId: string;
  readonly conversationId: string;
  /** Re-compute the newest report's themes with the facilitator's shaping, without the engine. */
  readonly reshape?: boolean;
}

/** Where jobs go: SQS in AWS, an in-process queue on the embedded default and in tests. */
export interface JobQueue {
  enqueue(message: JobMessage): Promise<void>;
}

/**
 * Runs jobs one at a time in this process, in order. `idle()` lets tests and the demo wait for
 * the queue to drain.
 */
export class InProcessQueue implements JobQueue {
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(
    private readonly run: (message: JobMessage) => Promise<void>,
    private readonly logger: Logger,
  ) {}

  async enqueue(message: JobMessage): Promise<void> {
    this.pending++;
    this.tail = this.tail.then(async () => {
      try {
        await this.run(message);
      } catch (error) {
        // The worker records failures on the job; this only keeps the queue alive.
        this.logger.error("job failed", { jobId: message.jobId, error: (error as Error).name });
      } finally {
        this.pending--;
      }
    });
  }

  get size(): number {
    return this.pending;
  }

  idle(): Promise<void> {
    return this.tail;
  }
}
