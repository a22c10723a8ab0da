import type Redis from 'ioredis';
import type { Case, CasePatch } from '../domain/case';
import { caseRecordSchema } from './case-record';
import { jsonOrText, problemOf } from './stored-record';

const DAY_SEC = 24 * 60 * 60;

/**
 * Cases outlive their call (the expert reads them after, reports and history
 * refer to them), so each is kept for the retention period from its last
 * change. A case is a hash of JSON fields and its readers a set, so a patch and
 * a new reader are single writes that never overwrite each other.
 */
export class CaseStore {
  private readonly caseKey: (id: string) => string;
  private readonly readersKey: (id: string) => string;
  private readonly ttlSec: number;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    retentionDays: number,
  ) {
    this.caseKey = (id) => `${prefix}case:${id}`;
    this.readersKey = (id) => `${prefix}case:${id}:readers`;
    this.ttlSec = retentionDays * DAY_SEC;
  }

  async create(record: Case): Promise<void> {
    const { readers, ...fields } = record;
    await this.write(record.id, fields, readers);
  }

  /** Throws, naming the key, for a case that cannot be read. */
  async get(id: string): Promise<Case | undefined> {
    const [[, hash], [, readers]] = (await this.redis.multi().hgetall(this.caseKey(id)).smembers(this.readersKey(id)).exec()) as [
      [null, Record<string, string>],
      [null, string[]],
    ];
    if (!hash.id) return undefined;
    const fields = Object.fromEntries(Object.entries(hash).map(([k, v]) => [k, jsonOrText(v)]));
    const checked = caseRecordSchema.safeParse({ ...fields, readers: readers.sort() });
    if (checked.success) return checked.data;
    throw new Error(`case "${id}" (${this.caseKey(id)}) cannot be read: ${problemOf(checked.error)}`);
  }

  /** Replaces the fields given; undefined when the case does not exist. */
  async patch(id: string, patch: CasePatch, at: string): Promise<Case | undefined> {
    if (!(await this.redis.exists(this.caseKey(id)))) return undefined;
    await this.write(id, { ...patch, updatedAt: at }, []);
    return this.get(id);
  }

  async addReader(id: string, personId: string): Promise<void> {
    await this.write(id, {}, [personId]);
  }

  /** Removes the cases at once (a customer's erasure), readers and all. */
  async erase(ids: readonly string[]): Promise<void> {
    if (ids.length) await this.redis.del(...ids.flatMap((id) => [this.caseKey(id), this.readersKey(id)]));
  }

  private async write(id: string, fields: Record<string, unknown>, readers: string[]): Promise<void> {
    const tx = this.redis.multi();
    const entries = Object.entries(fields).filter(([, v]) => v !== undefined);
    if (entries.length) tx.hset(this.caseKey(id), Object.fromEntries(entries.map(([k, v]) => [k, JSON.stringify(v)])));
    if (readers.length) tx.sadd(this.readersKey(id), ...readers);
    tx.expire(this.caseKey(id), this.ttlSec).expire(this.readersKey(id), this.ttlSec);
    await tx.exec();
  }
}
