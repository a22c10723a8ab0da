import { EventEmitter } from 'node:events';
import type Redis from 'ioredis';
import type { EventPayloads, EventType, LoggedEvent } from '../domain/events';
import type { EventFeed } from '../services/ports/event-feed';
import { LuaScripts } from './lua-scripts';

const MAX_LENGTH = 1_000_000;

/**
 * The event log: a Redis stream (replayable from any id) plus a pub/sub
 * channel that tells every instance's live streams at once.
 */
export class RedisEventLog implements EventFeed {
  private readonly streamKey: string;
  private readonly channel: string;
  private readonly emitter = new EventEmitter();
  private readonly scripts: LuaScripts;

  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    prefix: string,
  ) {
    this.streamKey = `${prefix}events`;
    this.channel = `${prefix}events-live`;
    this.scripts = new LuaScripts(redis, prefix);
    this.emitter.setMaxListeners(0);
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.emitter.emit('event', JSON.parse(message) as LoggedEvent);
    });
  }

  async start(): Promise<void> {
    await this.subscriber.subscribe(this.channel);
  }

  async append<T extends EventType>(type: T, data: EventPayloads[T]): Promise<LoggedEvent<T>> {
    const at = new Date().toISOString();
    const json = JSON.stringify(data);
    // One round trip (stream and live channel together): appends sit on the call paths.
    const id = (await this.scripts.run('event-append', MAX_LENGTH, type, at, json)) as string;
    return { id, type, at, data };
  }

  /** Events after `afterId` (exclusive), oldest first. */
  async since(afterId: string, count = 1000): Promise<LoggedEvent[]> {
    const entries = await this.redis.xrange(this.streamKey, `(${afterId}`, '+', 'COUNT', count);
    return entries.map(([id, fields]) => {
      const f = Object.fromEntries(Array.from({ length: fields.length / 2 }, (_, i) => [fields[2 * i], fields[2 * i + 1]]));
      return { id, type: f.type as EventType, at: f.at as string, data: JSON.parse(f.data as string) } as LoggedEvent;
    });
  }

  /** Retention: drops events logged before `beforeMs` (whole stream nodes, so a few may stay a little longer). */
  async trimBefore(beforeMs: number): Promise<void> {
    await this.redis.xtrim(this.streamKey, 'MINID', '~', beforeMs);
  }

  onEvent(listener: (event: LoggedEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
