import type { PresenceEvent } from '../../domain/presence-event';

/** Every presence change across all instances; returns the unsubscribe function. */
export interface PresenceFeed {
  onChange(listener: (event: PresenceEvent) => void): () => void;
}
