import { EventEmitter } from 'node:events';
import type Redis from 'ioredis';
import type { PresenceEvent } from '../domain/presence-event';
import type { PresenceState } from '../domain/presence';
import type { PresenceFeed } from '../services/ports/presence-feed';
import { keys } from './keys';

/** As lua/lib.lua publishes it: the numbers as Redis stores them, strings. */
interface WireEvent {
  personId: string;
  removed?: boolean;
  profileChanged?: boolean;
  state: PresenceState;
  reason: string;
  sinceMs: string;
  idleMs: string;
  activeClaims: string;
}

const toEvent = (w: WireEvent): PresenceEvent =>
  w.removed
    ? { personId: w.personId, removed: true }
    : {
        personId: w.personId,
        profileChanged: Boolean(w.profileChanged),
        presence: {
          state: w.state,
          reason: w.reason,
          since: new Date(Number(w.sinceMs)).toISOString(),
          idleSince: new Date(Number(w.idleMs)).toISOString(),
          activeClaims: Number(w.activeClaims),
        },
      };

/**
 * Every presence change in Redis, from any instance, as local events. Needs its
 * own connection: a subscribed Redis connection can do nothing else.
 */
export class RedisPresenceFeed implements PresenceFeed {
  private readonly emitter = new EventEmitter();
  private readonly channel: string;

  constructor(
    private readonly subscriber: Redis,
    prefix: string,
  ) {
    this.channel = keys(prefix).presenceChannel;
    this.emitter.setMaxListeners(0);
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      this.emitter.emit('change', toEvent(JSON.parse(message) as WireEvent));
    });
  }

  async start(): Promise<void> {
    await this.subscriber.subscribe(this.channel);
  }

  /** Returns the function that stops listening. */
  onChange(listener: (event: PresenceEvent) => void): () => void {
    this.emitter.on('change', listener);
    return () => this.emitter.off('change', listener);
  }
}
