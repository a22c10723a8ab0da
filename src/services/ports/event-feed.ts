import type { EventPayloads, EventType, LoggedEvent } from '../../domain/events';

/** The event log as services and streams use it. */
export interface EventFeed {
  append<T extends EventType>(type: T, data: EventPayloads[T]): Promise<LoggedEvent<T>>;
  since(afterId: string, count?: number): Promise<LoggedEvent[]>;
  onEvent(listener: (event: LoggedEvent) => void): () => void;
}
