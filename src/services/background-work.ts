import type { Logger } from 'pino';

/**
 * Work started from an event (a hang-up, a timer, a ringing phone) that nobody
 * awaits. Each task's failure is logged instead of becoming an unhandled
 * rejection, and `drain()` lets shutdown wait until none is left running, so
 * no task touches Redis after its connection closed.
 */
export class BackgroundWork {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly log: Logger) {}

  /** Starts the work now (its synchronous part runs before this returns). */
  run(what: string, work: () => Promise<unknown>): void {
    let started: Promise<unknown>;
    try {
      started = work();
    } catch (err) {
      started = Promise.reject(err);
    }
    const task = started
      .then(
        () => undefined,
        (err: unknown) => this.log.error({ err }, `${what} failed`),
      )
      .finally(() => this.running.delete(task));
    this.running.add(task);
  }

  /** Resolves when every task, including tasks started meanwhile, has settled. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }
}
