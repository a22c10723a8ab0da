import type { EventPayloads, EventType, LoggedEvent } from '../../domain/events';
import type { EventFeed } from '../ports/event-feed';
import type { ServiceMetrics } from './service-metrics';

/** The event log, with every event this instance appends counted in the metrics. */
export class ObservedEventFeed implements EventFeed {
  constructor(
    private readonly feed: EventFeed,
    private readonly metrics: ServiceMetrics,
  ) {}

  async append<T extends EventType>(type: T, data: EventPayloads[T]): Promise<LoggedEvent<T>> {
    const event = await this.feed.append(type, data);
    this.metrics.observe(event);
    return event;
  }

  since(afterId: string, count?: number): Promise<LoggedEvent[]> {
    return this.feed.since(afterId, count);
  }

  onEvent(listener: (event: LoggedEvent) => void): () => void {
    return this.feed.onEvent(listener);
  }
}
