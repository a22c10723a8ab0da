import { EventEmitter } from 'node:events';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import { SCREEN_MESSAGE_KINDS, type ScreenFeed, type ScreenMessage } from '../services/ports/screen-feed';
import { jsonOrText, problemOf } from './stored-record';

/** Checked: a message read wrong here would surface inside the Redis client's reader. */
const screenMessage = z.object({ kind: z.enum(SCREEN_MESSAGE_KINDS), data: z.unknown() });

/** How long a person's last offered escalation is kept: longer than any phone rings (whether it still does is checked on reading). */
const OFFER_KEPT_SEC = 600;

/**
 * Screen messages over one pattern subscription: a message for a person
 * reaches their screens open at the time, on any instance. Which escalation
 * was last offered to each person is kept, so that a screen that opens while
 * their phone rings can be shown the offer.
 */
export class RedisScreenFeed implements ScreenFeed {
  private readonly emitter = new EventEmitter();
  private readonly pattern: string;
  private readonly channelPrefix: string;

  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly keyPrefix: string,
    private readonly log: Logger,
  ) {
    this.channelPrefix = `${keyPrefix}screen:`;
    this.pattern = `${this.channelPrefix}*`;
    this.emitter.setMaxListeners(0);
    subscriber.on('pmessage', (pattern: string, channel: string, message: string) => {
      if (pattern !== this.pattern) return;
      const checked = screenMessage.safeParse(jsonOrText(message));
      if (checked.success) this.emitter.emit(channel.slice(this.channelPrefix.length), checked.data);
      else this.log.warn({ channel, message: message.slice(0, 200), problem: problemOf(checked.error) }, 'screen message cannot be read; ignored');
    });
  }

  async start(): Promise<void> {
    await this.subscriber.psubscribe(this.pattern);
  }

  async push(personId: string, message: ScreenMessage): Promise<void> {
    await this.redis.publish(this.channelPrefix + personId, JSON.stringify(message));
  }

  async pushOffer(personId: string, escalationId: string, message: ScreenMessage): Promise<void> {
    // One round trip: the offer goes out on the ringing path.
    await this.redis
      .multi()
      .set(this.offerKey(personId), escalationId, 'EX', OFFER_KEPT_SEC)
      .publish(this.channelPrefix + personId, JSON.stringify(message))
      .exec();
  }

  async offeredEscalation(personId: string): Promise<string | undefined> {
    return (await this.redis.get(this.offerKey(personId))) ?? undefined;
  }

  private offerKey(personId: string): string {
    return `${this.keyPrefix}screen-offer:${personId}`;
  }

  subscribe(personId: string, listener: (message: ScreenMessage) => void): () => void {
    this.emitter.on(personId, listener);
    return () => this.emitter.off(personId, listener);
  }
}
