import type Redis from 'ioredis';
import type { Logger } from 'pino';
import type { CallTally, DayIncrement } from '../domain/reports/tally';
import type { DayCounters } from '../domain/reports/report-table';
import { ProjectionWrites, type ProjectionWrite } from './projection-writes';
import { reportContextSchema } from './report-context';
import { readStoredRecord } from './stored-record';

// Report counters: one hash per UTC day of counters (see domain/reports/
// report-fields.ts), plus a short-lived context per call. Everything lives
// under a generation, so a rebuild fills a new one beside the live one and
// then switches over in one step. A context that cannot be read is named in
// the log and taken as none: that call's later events go uncounted (as a call
// whose offer was trimmed from the log), and the others' are counted.

/** A call's context outlives the call by the longest any later event of it may come. */
export interface ReportStoreOptions {
  contextTtlSec: number;
}

/** The longest a later event of a call may come: its wrap-up, or a repeat contact (and two days' slack). */
export const contextTtlFor = (contacts: { repeatContactDays: number; wrapUpWindowSec: number }): ReportStoreOptions => ({
  contextTtlSec: (contacts.repeatContactDays + 2) * 86_400 + contacts.wrapUpWindowSec,
});

export class ReportStore {
  private readonly writes: ProjectionWrites;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly options: ReportStoreOptions,
    private readonly log: Logger,
  ) {
    this.writes = new ProjectionWrites(redis, prefix);
  }

  private genKey = (gen: string, rest: string) => `report:${gen}:${rest}`;

  async currentGeneration(): Promise<string> {
    return (await this.redis.get(`${this.prefix}report:gen`)) ?? '1';
  }

  /** A fresh generation nobody reads yet, for a rebuild. */
  async newGeneration(): Promise<string> {
    const current = Number(await this.currentGeneration());
    const next = await this.redis.incr(`${this.prefix}report:gen-seq`);
    return String(Math.max(next, current + 1));
  }

  async cursor(gen: string): Promise<string> {
    return (await this.redis.get(this.prefix + this.genKey(gen, 'cursor'))) ?? '0-0';
  }

  /** The cursor and the contexts of the given calls, read at one instant. */
  async snapshot(gen: string, callIds: readonly string[]): Promise<{ cursor: string; contexts: (CallTally | undefined)[] }> {
    const multi = this.redis.multi().get(this.prefix + this.genKey(gen, 'cursor'));
    for (const id of callIds) multi.get(this.prefix + this.genKey(gen, `ctx:${id}`));
    const replies = (await multi.exec()) ?? [];
    const values = replies.map(([err, value]) => {
      if (err) throw err;
      return value as string | null;
    });
    return {
      cursor: values[0] ?? '0-0',
      contexts: values.slice(1).map((json, i) => (json ? this.context(gen, callIds[i]!, json) : undefined)),
    };
  }

  private context(gen: string, callId: string, json: string): CallTally | undefined {
    const read = readStoredRecord(reportContextSchema, json);
    if ('record' in read) return read.record;
    const key = this.prefix + this.genKey(gen, `ctx:${callId}`);
    this.log.error({ callId, key, problem: read.problem }, 'report context cannot be read; its call is not counted further');
    return undefined;
  }

  /**
   * Writes the tallies of the events up to `lastId` (increments of the same
   * counter summed) and the contexts they changed, if the cursor is still `prevId`.
   */
  apply(gen: string, prevId: string, lastId: string, increments: readonly DayIncrement[], contexts: ReadonlyMap<string, CallTally>) {
    const sums = new Map<string, ProjectionWrite & { op: 'hincrby' }>();
    for (const i of increments) {
      const key = this.genKey(gen, `day:${i.day}`);
      const sum = sums.get(`${key} ${i.field}`);
      if (sum) sum.by += i.by;
      else sums.set(`${key} ${i.field}`, { op: 'hincrby', key, field: i.field, by: i.by });
    }
    const ttl = this.options.contextTtlSec;
    const writes: ProjectionWrite[] = [...sums.values()];
    for (const [id, context] of contexts) writes.push({ op: 'set', key: this.genKey(gen, `ctx:${id}`), value: JSON.stringify(context), ttl });
    return this.writes.apply(this.genKey(gen, 'cursor'), prevId, lastId, writes);
  }

  /** The counters of each day from `from` to `to` (inclusive, YYYY-MM-DD), every day present. */
  async days(from: string, to: string): Promise<DayCounters[]> {
    const gen = await this.currentGeneration();
    const days: string[] = [];
    for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
      days.push(new Date(t).toISOString().slice(0, 10));
    }
    const pipeline = this.redis.pipeline();
    for (const day of days) pipeline.hgetall(this.prefix + this.genKey(gen, `day:${day}`));
    const replies = (await pipeline.exec()) ?? [];
    return days.map((day, i) => {
      const [err, hash] = replies[i] ?? [];
      if (err) throw err;
      return { day, fields: Object.fromEntries(Object.entries(hash as Record<string, string>).map(([f, v]) => [f, Number(v)])) };
    });
  }

  /** Makes `gen` the one reports read, and removes every other generation's keys. */
  async switchTo(gen: string): Promise<void> {
    await this.redis.set(`${this.prefix}report:gen`, gen);
    let cursor = '0';
    do {
      const [next, found] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}report:*`, 'COUNT', 1000);
      cursor = next;
      const stale = found.filter((k) => {
        const g = k.slice(`${this.prefix}report:`.length).split(':')[0] ?? '';
        return /^\d+$/.test(g) && g !== gen;
      });
      if (stale.length) await this.redis.unlink(...stale);
    } while (cursor !== '0');
  }
}
