import { EventEmitter } from 'node:events';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { PresenceEvent } from '../domain/presence-event';
import { PRESENCE_STATES } from '../domain/presence';
import type { PresenceFeed } from '../services/ports/presence-feed';
import { keys } from './keys';
import { jsonOrText, problemOf } from './stored-record';

/**
 * As lua/lib.lua publishes it (the times as Redis stores them, strings), or
 * a newer version's, during an upgrade: checked, since a message read wrong
 * here would surface inside the Redis client's reader.
 */
const wireEvent = z.discriminatedUnion('removed', [
  z.looseObject({ personId: z.string().min(1), removed: z.literal(true) }),
  z.looseObject({
    personId: z.string().min(1),
    removed: z.literal(false).optional(),
    profileChanged: z.boolean().optional(),
    state: z.enum(PRESENCE_STATES),
    reason: z.string(),
    sinceMs: z.coerce.number().int().nonnegative(),
    idleMs: z.coerce.number().int().nonnegative(),
    activeClaims: z.coerce.number().int().nonnegative(),
  }),
]);

const toEvent = (w: z.infer<typeof wireEvent>): PresenceEvent =>
  w.removed
    ? { personId: w.personId, removed: true }
    : {
        personId: w.personId,
        profileChanged: Boolean(w.profileChanged),
        presence: {
          state: w.state,
          reason: w.reason,
          since: new Date(w.sinceMs).toISOString(),
          idleSince: new Date(w.idleMs).toISOString(),
          activeClaims: w.activeClaims,
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
    private readonly log: Logger,
  ) {
    this.channel = keys(prefix).presenceChannel;
    this.emitter.setMaxListeners(0);
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      const checked = wireEvent.safeParse(jsonOrText(message));
      if (checked.success) this.emitter.emit('change', toEvent(checked.data));
      else this.log.warn({ message: message.slice(0, 200), problem: problemOf(checked.error) }, 'presence change cannot be read; ignored');
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
