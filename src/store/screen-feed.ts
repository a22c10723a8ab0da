import { EventEmitter } from 'node:events';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import { SCREEN_MESSAGE_KINDS, type ScreenFeed, type ScreenMessage } from '../services/ports/screen-feed';
import { jsonOrText, problemOf } from './stored-record';

/** Checked: a message read wrong here would surface inside the Redis client's reader. */
const screenMessage = z.object({ kind: z.enum(SCREEN_MESSAGE_KINDS), data: z.unknown() });

/**
 * Screen messages over one pattern subscription: a message for a person
 * reaches their stream on any instance. Nothing is kept: a screen that is
 * not open misses it (the case stays readable through the API).
 */
export class RedisScreenFeed implements ScreenFeed {
  private readonly emitter = new EventEmitter();
  private readonly pattern: string;
  private readonly channelPrefix: string;

  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    prefix: string,
    private readonly log: Logger,
  ) {
    this.channelPrefix = `${prefix}screen:`;
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

  subscribe(personId: string, listener: (message: ScreenMessage) => void): () => void {
    this.emitter.on(personId, listener);
    return () => this.emitter.off(personId, listener);
  }
}
