import type Redis from 'ioredis';
import type { ChainableCommander } from 'ioredis';
import type { Logger } from 'pino';
import { type ContactRecord, isWithheldCaller } from '../domain/contact';
import type { WrapUp } from '../domain/wrap-up';
import { ProjectionWrites, type ProjectionWrite } from './projection-writes';
import { readStoredRecord } from './stored-record';
import { wrapUpRecordSchema } from './wrap-up-record';

/** What one call event changes in its contact record. */
export type ContactChange =
  | { kind: 'offered'; caller: string; serviceNumber: string; skill?: string; at: string }
  | { kind: 'answered'; agentId: string; at: string }
  | { kind: 'escalated'; caseId: string; customerId?: string; at: string }
  | { kind: 'expert_joined'; expertId: string; at: string }
  | { kind: 'ended'; reason: string; at: string };

const SCALARS = ['caller', 'serviceNumber', 'skill', 'customerId', 'offeredAt', 'answeredAt', 'endedAt', 'endReason', 'repeatOf', 'repeatedBy'] as const;

/**
 * Contact records, one hash per call (scalars, `agent:<id>`, `expert:<id>`,
 * `case:<id>`, `wrapup:<personId>`), and each customer's contacts as a sorted set by time,
 * under the caller number and, once known, the customer id. Both expire after
 * the retention; a customer's can be erased at once. A wrap-up that cannot be
 * read is named in the log and left out of its contact; the contact and the
 * rest of the customer's history still show.
 */
export class ContactStore {
  private readonly writes: ProjectionWrites;
  private readonly ttlSec: number;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    retentionDays: number,
    private readonly log: Logger,
  ) {
    this.writes = new ProjectionWrites(redis, prefix);
    this.ttlSec = retentionDays * 86_400;
  }

  private contactKey = (callId: string) => `contact:${callId}`;
  private customerKey = (key: string) => `customer:${key}`;
  private readonly cursorKey = 'contact:cursor';

  async cursor(): Promise<string> {
    return (await this.redis.get(this.prefix + this.cursorKey)) ?? '0-0';
  }

  /** Records the events' changes up to `lastId`, in order, if the cursor is still `prevId`. */
  applyChanges(prevId: string, lastId: string, changes: readonly { callId: string; change: ContactChange }[]): Promise<boolean> {
    const writes: ProjectionWrite[] = [];
    const expiring = new Set<string>();
    for (const { callId, change } of changes) {
      const key = this.contactKey(callId);
      const hset = (field: string, value: string) => writes.push({ op: 'hset', key, field, value });
      const index = (customer: string) => {
        writes.push({ op: 'zadd', key: this.customerKey(customer), score: Date.parse(change.at), member: callId });
        expiring.add(this.customerKey(customer));
      };
      switch (change.kind) {
        case 'offered':
          hset('callId', callId);
          hset('caller', change.caller);
          hset('serviceNumber', change.serviceNumber);
          if (change.skill) hset('skill', change.skill);
          hset('offeredAt', change.at);
          if (!isWithheldCaller(change.caller)) index(change.caller);
          break;
        case 'answered':
          writes.push({ op: 'hsetnx', key, field: 'answeredAt', value: change.at });
          writes.push({ op: 'hsetnx', key, field: `agent:${change.agentId}`, value: change.at });
          break;
        case 'escalated':
          hset('escalated', '1');
          hset(`case:${change.caseId}`, change.at);
          if (change.customerId) {
            hset('customerId', change.customerId);
            index(change.customerId);
          }
          break;
        case 'expert_joined':
          writes.push({ op: 'hsetnx', key, field: `expert:${change.expertId}`, value: change.at });
          break;
        case 'ended':
          hset('endedAt', change.at);
          hset('endReason', change.reason);
          break;
      }
      expiring.add(key);
    }
    // Every record and index touched lives the retention from now: one EXPIRE each.
    for (const key of expiring) writes.push({ op: 'expire', key, ttl: this.ttlSec });
    return this.writes.apply(this.cursorKey, prevId, lastId, writes);
  }

  async get(callId: string): Promise<ContactRecord | undefined> {
    return decode(await this.redis.hgetall(this.prefix + this.contactKey(callId)), this.wrapUpOf(callId));
  }

  /** Adds the wrap-up unless this person has one on the call already; false: a duplicate. */
  async addWrapUp(callId: string, wrapUp: WrapUp): Promise<boolean> {
    return (await this.redis.hsetnx(this.prefix + this.contactKey(callId), `wrapup:${wrapUp.personId}`, JSON.stringify(wrapUp))) === 1;
  }

  /** Files the contact under the customer's id as well as the caller number. */
  async addCustomerId(contact: ContactRecord, customerId: string): Promise<void> {
    const key = this.prefix + this.customerKey(customerId);
    await this.redis
      .multi()
      .hset(this.prefix + this.contactKey(contact.callId), 'customerId', customerId)
      .zadd(key, Date.parse(contact.offeredAt), contact.callId)
      .expire(key, this.ttlSec)
      .exec();
  }

  /** `callId` repeats `earlierId` on the same reason. */
  async linkRepeat(callId: string, earlierId: string): Promise<void> {
    await this.redis
      .multi()
      .hset(this.prefix + this.contactKey(callId), 'repeatOf', earlierId)
      .hset(this.prefix + this.contactKey(earlierId), 'repeatedBy', callId)
      .exec();
  }

  /** The customer's contacts within the retention, newest first; none for a withheld number (not one customer). */
  async forCustomer(key: string, nowMs: number): Promise<ContactRecord[]> {
    if (isWithheldCaller(key)) return [];
    const index = this.prefix + this.customerKey(key);
    await this.redis.zremrangebyscore(index, '-inf', nowMs - this.ttlSec * 1000);
    const ids = await this.redis.zrevrange(index, 0, 999);
    const hashes = await this.eachContact(ids, (pipeline, contact) => pipeline.hgetall(contact));
    return hashes.flatMap((hash, i) => {
      const contact = decode(hash as Record<string, string>, this.wrapUpOf(ids[i]!));
      return contact ? [contact] : [];
    });
  }

  /** The cases escalated on the contacts filed under the key. */
  async casesOf(key: string): Promise<string[]> {
    const ids = await this.redis.zrange(this.prefix + this.customerKey(key), 0, -1);
    const fields = await this.eachContact(ids, (pipeline, contact) => pipeline.hkeys(contact));
    return fields.flatMap((names) => (names as string[]).flatMap((f) => (f.startsWith('case:') ? [f.slice('case:'.length)] : [])));
  }

  /** Erases every contact filed under the key, from every index it is in. Returns how many. */
  async eraseCustomer(key: string): Promise<number> {
    const index = this.prefix + this.customerKey(key);
    const ids = await this.redis.zrange(index, 0, -1);
    const keys = await this.eachContact(ids, (pipeline, contact) => pipeline.hmget(contact, 'caller', 'customerId'));
    const multi = this.redis.multi().del(index);
    ids.forEach((id, i) => {
      for (const other of keys[i] as (string | null)[]) if (other) multi.zrem(this.prefix + this.customerKey(other), id);
      multi.del(this.prefix + this.contactKey(id));
    });
    await multi.exec();
    return ids.length;
  }

  /** One read per contact, in one round trip; the replies in the order of the ids. */
  private async eachContact(ids: string[], read: (pipeline: ChainableCommander, contactKey: string) => void): Promise<unknown[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) read(pipeline, this.prefix + this.contactKey(id));
    return ((await pipeline.exec()) ?? []).map(([err, reply]) => {
      if (err) throw err;
      return reply;
    });
  }

  /** Reads the call's wrap-ups: one that cannot be read is named and left out. */
  private wrapUpOf(callId: string) {
    return (personId: string, json: string): WrapUp[] => {
      const read = readStoredRecord(wrapUpRecordSchema, json);
      if ('record' in read) return [read.record];
      const key = this.prefix + this.contactKey(callId);
      this.log.error({ callId, personId, key, field: `wrapup:${personId}`, problem: read.problem }, 'wrap-up cannot be read; left out');
      return [];
    };
  }
}

function decode(hash: Record<string, string>, readWrapUp: (personId: string, json: string) => WrapUp[]): ContactRecord | undefined {
  if (!hash.callId || !hash.offeredAt) return undefined;
  const scalars = Object.fromEntries(SCALARS.flatMap((f) => (hash[f] ? [[f, hash[f]]] : []))) as Partial<Record<(typeof SCALARS)[number], string>>;
  const withPrefix = (p: string) => Object.keys(hash).filter((f) => f.startsWith(p)).map((f) => f.slice(p.length));
  const byTime = (p: string) => withPrefix(p).sort((a, b) => (hash[p + a] ?? '').localeCompare(hash[p + b] ?? ''));
  return {
    ...scalars,
    callId: hash.callId,
    caller: hash.caller ?? '',
    serviceNumber: hash.serviceNumber ?? '',
    offeredAt: hash.offeredAt,
    agents: byTime('agent:'),
    experts: byTime('expert:'),
    escalated: hash.escalated === '1',
    wrapUps: withPrefix('wrapup:')
      .flatMap((id) => readWrapUp(id, hash[`wrapup:${id}`] as string))
      .sort((a, b) => a.at.localeCompare(b.at)),
  };
}
