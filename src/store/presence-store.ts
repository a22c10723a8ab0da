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

  /** A required wrap-up of this call is open until `deadlineMs` (the window's end). */
  async openWrapUp(id: string, callId: string, deadlineMs: number): Promise<void> {
    const key = this.k.wrapUpsOpen(id);
    await this.redis.multi().zadd(key, deadlineMs, callId).pexpireat(key, deadlineMs).exec();
  }

  /** Whether a required wrap-up of this person is still open. */
  async hasOpenWrapUp(id: string, nowMs: number): Promise<boolean> {
    return (await this.redis.zcount(this.k.wrapUpsOpen(id), `(${nowMs}`, '+inf')) > 0;
  }

  /** The timer ran out: true holds the person in wrap-up (something is still open). */
  async holdForWrapUp(id: string, nowMs: number): Promise<boolean> {
    return (await this.scripts.run('wrapup-hold', id, nowMs)) === 1;
  }

  /** People held in wrap-up past their timer. */
  heldInWrapUp(): Promise<string[]> {
    return this.redis.smembers(this.k.wrapUpsHeld);
  }

  /** Closes a wrap-up; true when that released a person the timer no longer holds. */
  async wrapUpPosted(id: string, callId: string, nowMs: number): Promise<boolean> {
    return (await this.scripts.run('wrapup-posted', id, callId, nowMs)) === 1;
  }

  /** Counts one more missed offer in a row; returns the count. */
  async countMissedOffer(id: string): Promise<number> {
    return this.redis.hincrby(this.k.missedOffers, id, 1);
  }

  async resetMissedOffers(id: string): Promise<void> {
    await this.redis.hdel(this.k.missedOffers, id);
  }
}
