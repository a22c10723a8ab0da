import type { EventPayloads, EventType, LoggedEvent } from '../../domain/events';
import type { EventFeed } from '../ports/event-feed';
import type { WebhookSender } from './webhook-sender';

/** Adds to an event's webhook body what a CRM needs beyond the event (the case, for an offer). */
export type WebhookExtras = (event: LoggedEvent) => Promise<Record<string, unknown>>;

/**
 * The event log, with every event this instance appends also posted to the
 * webhooks. Only the appending instance posts, so several instances never
 * deliver one event twice.
 */
export class WebhookedEventFeed implements EventFeed {
  constructor(
    private readonly inner: EventFeed,
    private readonly sender: WebhookSender,
    private readonly extras: WebhookExtras,
  ) {}

  async append<T extends EventType>(type: T, data: EventPayloads[T]): Promise<LoggedEvent<T>> {
    const event = await this.inner.append(type, data);
    if (this.sender.enabled) {
      void this.extras(event).then(
        (extra) => this.sender.send(event, extra),
        () => this.sender.send(event),
      );
    }
    return event;
  }

  since(afterId: string, count?: number): Promise<LoggedEvent[]> {
    return this.inner.since(afterId, count);
  }

  onEvent(listener: (event: LoggedEvent) => void): () => void {
    return this.inner.onEvent(listener);
  }
}
