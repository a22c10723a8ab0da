import type Redis from 'ioredis';
import type { Logger } from 'pino';
import type { Call } from '../domain/call';
import { callRecordSchema } from './call-record';
import { readStoredRecord } from './stored-record';

/**
 * Where a call queued now stands: arrival order, or with `front` (an agent
 * dropped it) before everyone waiting, the latest such call first. Known
 * without reading the queue, so the owner can hunt while the write is on its way.
 */
export const queueScore = (front: boolean, nowMs = Date.now()): number => (front ? -nowMs : nowMs);

/**
 * Live calls and the agent queue. A call's record is written by the instance
 * that owns it and removed when it ends, so nothing outlives a call; the
 * event log keeps its history. A record that cannot be read (a bug, a hand
 * edit) is named in the log and left where it is, for someone to look at; it
 * never hides the other calls.
 */
export class CallStore {
  private readonly callKey: (id: string) => string;
  private readonly liveKey: string;
  private readonly queueKey: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly log: Logger,
  ) {
    this.callKey = (id) => `${prefix}call:${id}`;
    this.liveKey = `${prefix}calls`;
    this.queueKey = `${prefix}queue`;
  }

  async save(call: Call): Promise<void> {
    await this.redis.multi().set(this.callKey(call.id), JSON.stringify(call)).sadd(this.liveKey, call.id).exec();
  }

  /** Throws, naming the key, for a record that cannot be read. */
  async get(id: string): Promise<Call | undefined> {
    const json = await this.redis.get(this.callKey(id));
    if (!json) return undefined;
    const read = readStoredRecord(callRecordSchema, json);
    if ('record' in read) return read.record;
    throw new Error(`the record of call "${id}" (${this.callKey(id)}) cannot be read: ${read.problem}`);
  }

  /** The live calls, oldest first, without those whose record cannot be read (logged). */
  async list(): Promise<Call[]> {
    const ids = await this.redis.smembers(this.liveKey);
    if (ids.length === 0) return [];
    const docs = await this.redis.mget(ids.map(this.callKey));
    const calls = docs.flatMap((json, i) => {
      if (!json) return [];
      const read = readStoredRecord(callRecordSchema, json);
      if ('record' in read) return [read.record];
      this.log.error({ callId: ids[i], key: this.callKey(ids[i]!), problem: read.problem }, 'call record cannot be read; left out');
      return [];
    });
    return calls.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async remove(id: string): Promise<void> {
    await this.redis.multi().del(this.callKey(id)).srem(this.liveKey, id).zrem(this.queueKey, id).exec();
  }

  /** Removes the record of a call whose owner is gone; true for the one caller that removed it. */
  async removeLost(id: string): Promise<boolean> {
    const replies = await this.redis.multi().srem(this.liveKey, id).del(this.callKey(id)).zrem(this.queueKey, id).exec();
    return replies?.[0]?.[1] === 1;
  }

  /** Writes the call's record and queues it at `score` (see queueScore), in one round trip. */
  async saveQueued(call: Call, score: number): Promise<void> {
    await this.redis
      .multi()
      .set(this.callKey(call.id), JSON.stringify(call))
      .sadd(this.liveKey, call.id)
      .zadd(this.queueKey, score, call.id)
      .exec();
  }

  async dequeue(id: string): Promise<void> {
    await this.redis.zrem(this.queueKey, id);
  }

  queueLength(): Promise<number> {
    return this.redis.zcard(this.queueKey);
  }

  /** Every queued call id, first in line first. */
  queued(): Promise<string[]> {
    return this.redis.zrange(this.queueKey, 0, -1);
  }
}
