import type { Logger } from 'pino';
import type { LoggedEvent } from '../../domain/events';
import { BackgroundWork } from '../background-work';
import { OnePassAtATime } from '../one-pass-at-a-time';
import type { EventFeed } from '../ports/event-feed';

/** Something kept up to date from the event log, in log order. */
export interface Projection {
  readonly name: string;
  /** The id of the last event applied ('0-0' before the first). */
  cursor(): Promise<string>;
  /**
   * Applies the events (the next ones in the log after `prevId`, in order) all
   * together, if the cursor is still `prevId`; false: another instance moved it.
   */
  apply(prevId: string, events: readonly LoggedEvent[]): Promise<boolean>;
}

/**
 * Feeds a projection from the log: woken by new events and by housekeeping
 * (a missed pub/sub message is picked up then), reading from the stored cursor
 * so a restart resumes where it stopped. Every instance may run one; the
 * cursor check makes each event apply once, and the loser re-reads.
 *
 * New events wake it a second later, not at once: a busy call centre logs
 * many events a second, and one pass over all of them costs the calls far
 * less than a pass each (each pass reads the cursor and the log, and writes).
 * Readers call catchUp() first, so they never see it behind.
 * A pass applies up to `batch` events in one step: one read and one write to
 * Redis for all of them, short enough not to hold up the claims queued behind.
 */
export class ProjectionRunner {
  private readonly passes = new OnePassAtATime(() => this.pass());
  private stop?: () => void;
  private wakeTimer?: NodeJS.Timeout;
  private readonly background: BackgroundWork;

  constructor(
    private readonly projection: Projection,
    private readonly feed: EventFeed,
    private readonly log: Logger,
    private readonly batch = 100,
    private readonly wakeDelayMs = 1000,
  ) {
    this.background = new BackgroundWork(log);
  }

  start(): void {
    this.stop = this.feed.onEvent(() => this.wakeSoon());
  }

  private wakeSoon(): void {
    if (this.wakeTimer) return;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.background.run(`${this.projection.name} projection`, () => this.catchUp());
    }, this.wakeDelayMs);
    this.wakeTimer.unref();
  }

  /** Resolves once every event logged before the call has been applied. */
  catchUp(): Promise<void> {
    return this.passes.run();
  }

  async close(): Promise<void> {
    this.stop?.();
    clearTimeout(this.wakeTimer);
    await this.background.drain();
  }

  private async pass(): Promise<void> {
    for (;;) {
      const prev = await this.projection.cursor();
      const events = await this.feed.since(prev, this.batch);
      if (events.length === 0) return;
      if (!(await this.projection.apply(prev, events))) {
        this.log.debug({ projection: this.projection.name, at: prev }, 'another instance moved the cursor; re-reading');
        continue;
      }
      // Less than a batch was everything logged when we read; later events wake us again.
      if (events.length < this.batch) return;
    }
  }
}
