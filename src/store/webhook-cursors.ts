import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import { LuaScripts } from './lua-scripts';

/** A URL's keys are named by a hash of it: URLs may hold characters a key name should not (and secrets in a query). */
export const webhookUrlId = (url: string) => createHash('sha256').update(url).digest('hex').slice(0, 16);

/**
 * Where each webhook URL's deliveries stand in the event log, and which
 * instance delivers them (lua/webhook-lease.lua, lua/webhook-advance.lua).
 * Kept in Redis, so a restart or another instance carries on from there.
 */
export class WebhookCursors {
  private readonly scripts: LuaScripts;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.scripts = new LuaScripts(redis, prefix);
  }

  /** Takes or renews the lease; false while another instance holds it. */
  async lease(urlId: string, owner: string, leaseMs: number): Promise<boolean> {
    return (await this.scripts.run('webhook-lease', urlId, owner, Math.max(1, Math.round(leaseMs)))) === 1;
  }

  /** Gives the lease up, if this owner holds it, so another instance can take over at once. */
  async release(urlId: string, owner: string): Promise<void> {
    await this.scripts.run('webhook-lease', urlId, owner, 0);
  }

  /** The id of the last event delivered (or given up on); '0-0' before the first lease. */
  async cursor(urlId: string): Promise<string> {
    // lua/webhook-lease.lua builds this name too.
    return (await this.redis.get(`${this.prefix}webhook:${urlId}:cursor`)) ?? '0-0';
  }

  /** False: the lease or the cursor changed since `prevId` was read, so this owner stops. */
  async advance(urlId: string, owner: string, prevId: string, lastId: string): Promise<boolean> {
    return (await this.scripts.run('webhook-advance', urlId, owner, prevId, lastId)) === 1;
  }
}
