import type Redis from 'ioredis';
import type { Logger } from 'pino';
import type { Escalation } from '../domain/escalation';
import { escalationRecordSchema } from './escalation-record';
import { LuaScripts } from './lua-scripts';
import { readStoredRecord } from './stored-record';

// How long a finished escalation stays readable, and how long an
// Idempotency-Key is remembered.
const KEEP_SEC = 7 * 24 * 60 * 60;
const IDEMPOTENCY_SEC = 24 * 60 * 60;

/**
 * Escalation records (written only by the instance that owns the call), the
 * escalations of each call, the one-active-escalation-per-call slot, and
 * Idempotency-Key memory. A record that cannot be read is named in the log
 * and left where it is; it never hides the call's other escalations.
 */
export class EscalationStore {
  private readonly escalationKey: (id: string) => string;
  private readonly ofCallKey: (callId: string) => string;
  private readonly slotKey: (callId: string) => string;
  private readonly idempotencyKey: (scope: string, key: string) => string;
  private readonly scripts: LuaScripts;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly log: Logger,
  ) {
    this.escalationKey = (id) => `${prefix}escalation:${id}`;
    this.ofCallKey = (callId) => `${prefix}call-escalations:${callId}`;
    // lua/escalation-slot-free.lua builds this name too.
    this.slotKey = (callId) => `${prefix}call:${callId}:escalation`;
    this.idempotencyKey = (scope, key) => `${prefix}idempotency:${scope}:${key}`;
    this.scripts = new LuaScripts(redis, prefix);
  }

  async save(escalation: Escalation): Promise<void> {
    const ofCall = this.ofCallKey(escalation.callId);
    await this.redis
      .multi()
      .set(this.escalationKey(escalation.id), JSON.stringify(escalation), 'EX', KEEP_SEC)
      .sadd(ofCall, escalation.id)
      .expire(ofCall, KEEP_SEC)
      .exec();
  }

  /** Every escalation of a call still kept, in no particular order, without those whose record cannot be read (logged). */
  async ofCall(callId: string): Promise<Escalation[]> {
    const ids = await this.redis.smembers(this.ofCallKey(callId));
    if (ids.length === 0) return [];
    const docs = await this.redis.mget(ids.map(this.escalationKey));
    return docs.flatMap((json, i) => {
      if (!json) return [];
      const read = readStoredRecord(escalationRecordSchema, json);
      if ('record' in read) return [read.record];
      const key = this.escalationKey(ids[i]!);
      this.log.error({ escalationId: ids[i], callId, key, problem: read.problem }, 'escalation record cannot be read; left out');
      return [];
    });
  }

  /** Throws, naming the key, for a record that cannot be read. */
  async get(id: string): Promise<Escalation | undefined> {
    const json = await this.redis.get(this.escalationKey(id));
    if (!json) return undefined;
    const read = readStoredRecord(escalationRecordSchema, json);
    if ('record' in read) return read.record;
    throw new Error(`the record of escalation "${id}" (${this.escalationKey(id)}) cannot be read: ${read.problem}`);
  }

  /** Takes the call's slot for this escalation; returns the escalation holding it when taken. */
  async takeSlot(callId: string, escalationId: string): Promise<string | undefined> {
    const key = this.slotKey(callId);
    if (await this.redis.set(key, escalationId, 'NX')) return undefined;
    return (await this.redis.get(key)) ?? undefined;
  }

  async freeSlot(callId: string, escalationId: string): Promise<void> {
    await this.scripts.run('escalation-slot-free', callId, escalationId);
  }

  /**
   * Remembers which escalation a request's Idempotency-Key made. Returns the
   * earlier escalation's id when the key was used before.
   */
  async rememberRequest(scope: string, key: string, escalationId: string): Promise<string | undefined> {
    const k = this.idempotencyKey(scope, key);
    if (await this.redis.set(k, escalationId, 'EX', IDEMPOTENCY_SEC, 'NX')) return undefined;
    return (await this.redis.get(k)) ?? undefined;
  }

  async forgetRequest(scope: string, key: string): Promise<void> {
    await this.redis.del(this.idempotencyKey(scope, key));
  }
}
