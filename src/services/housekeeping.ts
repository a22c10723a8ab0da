import type { Logger } from 'pino';

/**
 * Runs periodic chores (lapsed leases, missed heartbeats) on every instance.
 * Each chore is an atomic, idempotent script, so instances need no leader.
 */
export class Housekeeping {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly chores: { name: string; run: () => Promise<unknown> }[],
    private readonly log: Logger,
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.runOnce().finally(() => (this.running = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  async runOnce(): Promise<void> {
    for (const chore of this.chores) {
      try {
        await chore.run();
      } catch (err) {
        this.log.warn({ err, chore: chore.name }, 'housekeeping chore failed; retrying next round');
      }
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
