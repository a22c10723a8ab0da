import type Redis from 'ioredis';
import type { PresenceState } from '../domain/presence';
import { type Keys, keys } from './keys';
import { LuaScripts } from './lua-scripts';

export type CompareAndSetResult = { ok: true } | { ok: false; missing: true } | { ok: false; current: PresenceState };

/** Presence writes and the console heartbeats. Reads come with PeopleStore. */
export class PresenceStore {
  private readonly scripts: LuaScripts;
  private readonly k: Keys;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.scripts = new LuaScripts(redis, prefix);
    this.k = keys(prefix);
  }

  /** Moves a person to `state` only if they are still in `expected`. */
  async compareAndSet(id: string, expected: PresenceState, state: PresenceState, reason: string): Promise<CompareAndSetResult> {
    const [outcome, current] = (await this.scripts.run('presence-set', id, expected, state, reason)) as string[];
    if (outcome === 'ok') return { ok: true };
    if (outcome === 'missing') return { ok: false, missing: true };
    return { ok: false, current: current as PresenceState };
  }

  async recordHeartbeat(id: string, atMs: number): Promise<void> {
    await this.redis.zadd(this.k.heartbeats, atMs, id);
  }

  /** People whose last heartbeat is older than `beforeMs`, oldest first. */
  async silentSince(beforeMs: number, limit = 500): Promise<{ personId: string; lastMs: number }[]> {
    const flat = await this.redis.zrangebyscore(this.k.heartbeats, '-inf', beforeMs, 'WITHSCORES', 'LIMIT', 0, limit);
    const out: { personId: string; lastMs: number }[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) out.push({ personId: flat[i] as string, lastMs: Number(flat[i + 1]) });
    return out;
  }

  async forgetHeartbeat(id: string): Promise<void> {
    await this.redis.zrem(this.k.heartbeats, id);
  }

  /** Wrap-up ends at `atMs`; kept in Redis so a restart does not strand anyone in wrap-up. */
  async scheduleWrapUpEnd(id: string, atMs: number): Promise<void> {
    await this.redis.zadd(this.k.wrapUps, atMs, id);
  }

  /** Takes the wrap-ups due by `nowMs`; each is handed to exactly one caller. */
  async takeDueWrapUps(nowMs: number): Promise<string[]> {
    const due = await this.redis.zrangebyscore(this.k.wrapUps, '-inf', nowMs, 'LIMIT', 0, 500);
    const taken: string[] = [];
    for (const id of due) if ((await this.redis.zrem(this.k.wrapUps, id)) === 1) taken.push(id);
    return taken;
  }

  /** Counts one more missed offer in a row; returns the count. */
  async countMissedOffer(id: string): Promise<number> {
    return this.redis.hincrby(this.k.missedOffers, id, 1);
  }

  async resetMissedOffers(id: string): Promise<void> {
    await this.redis.hdel(this.k.missedOffers, id);
  }
}
