import type { Logger } from 'pino';
import type { LoggedEvent } from '../../domain/events';
import { type WebhookCursors, webhookUrlId } from '../../store/webhook-cursors';
import { BackgroundWork } from '../background-work';
import { OnePassAtATime } from '../one-pass-at-a-time';
import type { EventFeed } from '../ports/event-feed';
import type { DeliveryOutcome, SettledOutcome, WebhookSender } from './webhook-sender';

/** Adds to an event's webhook body what a CRM needs beyond the event (the case, for an offer). */
export type WebhookExtras = (event: LoggedEvent) => Promise<Record<string, unknown>>;

export interface WebhookDeliveryOptions {
  url: string;
  /** This instance: the name its lease on the URL goes by. */
  owner: string;
  /** A lease not renewed for this long passes to another instance. */
  leaseMs?: number;
  /** Events posted at once; the cursor moves when all of them are settled. */
  batch?: number;
  /** New events wake the delivery this much later, so a burst of them takes one pass. */
  wakeDelayMs?: number;
  /** Told of each event's delivery once it is settled (metrics). */
  onSettled?: (outcome: SettledOutcome) => void;
}

/**
 * Every event in the log, posted to one webhook URL, read from the log after
 * a cursor kept in Redis: an instance that stops (or a receiver that is down
 * for a while) loses nothing, as the next pass carries on from the cursor.
 * One instance at a time holds the URL's lease and posts; the others wait for
 * it to lapse. A batch is posted in parallel (each event with its retries) and
 * the cursor moves past it once every event is delivered, refused or dropped:
 * after a crash deliveries can repeat, but none is skipped. Receivers
 * de-duplicate on the delivery id.
 */
export class WebhookDelivery {
  private readonly urlId: string;
  private readonly passes = new OnePassAtATime(() => this.pass());
  private readonly background: BackgroundWork;
  private readonly leaseMs: number;
  private readonly batch: number;
  private readonly wakeDelayMs: number;
  private stopFeed?: () => void;
  private wakeTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly feed: EventFeed,
    private readonly cursors: WebhookCursors,
    private readonly sender: WebhookSender,
    private readonly extras: WebhookExtras,
    private readonly options: WebhookDeliveryOptions,
    private readonly log: Logger,
  ) {
    this.urlId = webhookUrlId(options.url);
    this.leaseMs = options.leaseMs ?? 15_000;
    this.batch = options.batch ?? 20;
    this.wakeDelayMs = options.wakeDelayMs ?? 100;
    this.background = new BackgroundWork(log);
  }

  /** Delivers what the log holds past the cursor now, and each new event as it comes. */
  start(): void {
    this.stopFeed = this.feed.onEvent(() => this.wakeSoon());
    this.wake();
  }

  /** A pass in the background; housekeeping calls it too, for events whose announcement was missed. */
  wake(): void {
    if (this.closed) return;
    this.background.run('webhook delivery', () => this.catchUp());
  }

  /** Resolves once a pass that started after the call has ended (with every retry it waited for). */
  catchUp(): Promise<void> {
    return this.passes.run();
  }

  /** Waits for deliveries under way (the sender's close() ends their retries), then gives the lease up. */
  async close(): Promise<void> {
    this.closed = true;
    this.stopFeed?.();
    clearTimeout(this.wakeTimer);
    await this.background.drain();
    await this.cursors.release(this.urlId, this.options.owner).catch((err: unknown) => {
      this.log.warn({ err, url: this.options.url }, 'could not give the webhook lease up; it lapses on its own');
    });
  }

  private wakeSoon(): void {
    if (this.wakeTimer || this.closed) return;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.wake();
    }, this.wakeDelayMs);
    this.wakeTimer.unref();
  }

  private async pass(): Promise<void> {
    const { owner } = this.options;
    if (this.closed || !(await this.cursors.lease(this.urlId, owner, this.leaseMs))) return;
    // Retries can outlast a lease: keep it while the pass runs.
    const renewal = setInterval(
      () => this.background.run('webhook lease renewal', () => this.cursors.lease(this.urlId, owner, this.leaseMs)),
      this.leaseMs / 3,
    );
    renewal.unref();
    try {
      let cursor = await this.cursors.cursor(this.urlId);
      for (;;) {
        const events = await this.feed.since(cursor, this.batch);
        if (events.length === 0) return;
        const outcomes = await Promise.all(events.map((event) => this.deliverOne(event)));
        // Stopped by a shutdown: the cursor stays, and whoever holds the lease next posts these again.
        if (outcomes.includes('stopped')) return;
        const last = (events[events.length - 1] as LoggedEvent).id;
        // False: the lease lapsed and another instance carries on.
        if (!(await this.cursors.advance(this.urlId, owner, cursor, last)) || this.closed) return;
        cursor = last;
      }
    } finally {
      clearInterval(renewal);
    }
  }

  private async deliverOne(event: LoggedEvent): Promise<DeliveryOutcome> {
    const extra = await this.extras(event).catch((err: unknown) => {
      this.log.warn({ err, event: event.id, type: event.type }, 'webhook extras unavailable; posting the bare event');
      return {};
    });
    const outcome = await this.sender.deliver(this.options.url, event, extra);
    if (outcome !== 'stopped') this.options.onSettled?.(outcome);
    return outcome;
  }
}
