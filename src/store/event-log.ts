import { EventEmitter } from 'node:events';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import type { EventPayloads, EventType, LoggedEvent } from '../domain/events';
import type { EventFeed } from '../services/ports/event-feed';
import { readLoggedEvent, streamEntry } from './logged-event';
import { LuaScripts } from './lua-scripts';
import { jsonOrText } from './stored-record';

const MAX_LENGTH = 1_000_000;

/** Unreadable entries named in the log, so a reader that keeps meeting one (the newest) names it once. */
const NAMED_LIMIT = 1000;

/**
 * The event log: a Redis stream (replayable from any id) plus a pub/sub
 * channel that tells every instance's live streams at once. An entry or a
 * message that cannot be read (logged-event.ts) is named in the log and
 * passed over; the entry stays in the stream for someone to look at.
 */
export class RedisEventLog implements EventFeed {
  private readonly streamKey: string;
  private readonly channel: string;
  private readonly emitter = new EventEmitter();
  private readonly scripts: LuaScripts;
  private readonly named = new Set<string>();

  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    prefix: string,
    private readonly log: Logger,
  ) {
    this.streamKey = `${prefix}events`;
    this.channel = `${prefix}events-live`;
    this.scripts = new LuaScripts(redis, prefix);
    this.emitter.setMaxListeners(0);
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      // Thrown here, a bad message would surface inside the Redis client's reader.
      const read = readLoggedEvent(jsonOrText(message));
      if ('event' in read) this.emitter.emit('event', read.event);
      else this.log.warn({ message: message.slice(0, 200), problem: read.problem }, 'live event cannot be read; ignored');
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

  /**
   * Up to `count` events after `afterId` (exclusive), oldest first; entries
   * that cannot be read are passed over, so a reader's cursor moves past them
   * with the next event it applies.
   */
  async since(afterId: string, count = 1000): Promise<LoggedEvent[]> {
    const events: LoggedEvent[] = [];
    let after = afterId;
    for (;;) {
      const wanted = count - events.length;
      const entries = await this.redis.xrange(this.streamKey, `(${after}`, '+', 'COUNT', wanted);
      for (const [id, fields] of entries) {
        const read = readLoggedEvent(streamEntry(id, fields));
        if ('event' in read) events.push(read.event);
        else this.nameUnreadable(id, read.problem);
      }
      if (entries.length < wanted || events.length === count) return events;
      after = entries[entries.length - 1]![0];
    }
  }

  private nameUnreadable(id: string, problem: string): void {
    if (this.named.has(id)) return;
    if (this.named.size >= NAMED_LIMIT) this.named.clear();
    this.named.add(id);
    this.log.error({ eventId: id, key: this.streamKey, problem }, 'event cannot be read; passed over');
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
