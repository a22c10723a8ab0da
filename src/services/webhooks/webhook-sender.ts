import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import type { LoggedEvent } from '../../domain/events';
import type { WebhookTransport } from '../ports/webhook-transport';

export interface WebhookSettings {
  secret?: string;
  /** Tries of an event the receiver fails on (see `failedOn`). */
  maxAttempts: number;
  /** The first retry waits this long; each next one twice as long… */
  firstRetryMs?: number;
  /** …up to this. */
  maxRetryMs?: number;
}

export const SIGNATURE_HEADER = 'x-expert-bridge-signature';

/** sha256=<hex HMAC of the exact body>, as the receiver recomputes it. */
export const signature = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

// The receiver is not there (or a proxy says so), or asks us to wait: nothing
// is wrong with the event, so it is tried until the receiver answers.
const unavailable = (status: number) => status === 429 || status === 502 || status === 503 || status === 504;
// The receiver failed on this event: worth a few more tries, not forever (it
// may fail on this one every time, and the URL's later events wait behind it).
const failedOn = (status: number) => status >= 500 || status === 408;

// A receiver away for long is logged once per event, at this many tries.
const LOG_AWAY_AT = 10;

/** How one event's delivery to one URL ended. */
export type DeliveryOutcome = 'delivered' | 'refused' | 'dropped' | 'stopped';
/** A delivery that ended for good: not one stopped with the service. */
export type SettledOutcome = Exclude<DeliveryOutcome, 'stopped'>;

/**
 * Posts one event to one URL: signed, retried with exponential backoff. A
 * receiver that cannot be reached (or answers 429, 502, 503, 504) is tried
 * until it answers; one that fails on the event (another 5xx, 408) up to
 * `maxAttempts` times, then the event is logged as dropped. A refusal
 * (another 4xx) is not retried.
 */
export class WebhookSender {
  /** Retries waiting for their turn, and how to wake each one up early. */
  private readonly waiting = new Map<NodeJS.Timeout, (goOn: boolean) => void>();
  private closed = false;

  constructor(
    private readonly settings: WebhookSettings,
    private readonly transport: WebhookTransport,
    private readonly log: Logger,
  ) {}

  async deliver(url: string, event: LoggedEvent, extra: Record<string, unknown> = {}): Promise<DeliveryOutcome> {
    const body = JSON.stringify({ id: event.id, type: event.type, at: event.at, data: event.data, ...extra });
    const headers: Record<string, string> = { 'x-expert-bridge-event': event.type, 'x-expert-bridge-delivery': event.id };
    if (this.settings.secret) headers[SIGNATURE_HEADER] = signature(this.settings.secret, body);
    const firstRetryMs = this.settings.firstRetryMs ?? 1000;
    const maxRetryMs = this.settings.maxRetryMs ?? 60_000;
    let failures = 0;
    for (let attempt = 1; ; attempt++) {
      if (this.closed) return 'stopped';
      let outcome: string;
      let away = true;
      try {
        const status = await this.transport.post(url, body, headers);
        if (status < 300) return 'delivered';
        away = unavailable(status);
        if (!away && !failedOn(status)) {
          this.log.warn({ url, status, event: event.id, type: event.type }, 'webhook refused; not retried');
          return 'refused';
        }
        outcome = `status ${status}`;
      } catch (err) {
        outcome = err instanceof Error ? err.message : String(err);
      }
      if (!away && ++failures >= this.settings.maxAttempts) {
        this.log.error({ url, outcome, attempts: attempt, event: event.id, type: event.type }, 'webhook dropped');
        return 'dropped';
      }
      if (away && attempt === LOG_AWAY_AT) {
        this.log.warn({ url, outcome, attempts: attempt, event: event.id, type: event.type }, 'webhook receiver unavailable; still trying');
      }
      if (!(await this.wait(Math.min(firstRetryMs * 2 ** (attempt - 1), maxRetryMs)))) return 'stopped';
    }
  }

  /** Ends the waits between retries at once: those deliveries resolve 'stopped'. Safe to call twice. */
  close(): void {
    this.closed = true;
    for (const [timer, wake] of this.waiting) {
      clearTimeout(timer);
      wake(false);
    }
    this.waiting.clear();
  }

  /** False when closed meanwhile. */
  private wait(ms: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(timer);
        resolve(true);
      }, ms);
      timer.unref();
      this.waiting.set(timer, resolve);
    });
  }
}
