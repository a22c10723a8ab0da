import type Redis from 'ioredis';
import { LuaScripts } from './lua-scripts';

/** One write of a projection step; keys are without the prefix. */
export type ProjectionWrite =
  | { op: 'hincrby'; key: string; field: string; by: number }
  | { op: 'hset' | 'hsetnx'; key: string; field: string; value: string }
  | { op: 'set'; key: string; value: string; ttl: number }
  | { op: 'zadd'; key: string; score: number; member: string }
  | { op: 'expire'; key: string; ttl: number };

/**
 * Applies a projection's writes for one event together with moving its
 * cursor, only if the cursor is still at the event before (lua/projection-apply.lua).
 */
export class ProjectionWrites {
  private readonly scripts: LuaScripts;

  constructor(redis: Redis, prefix: string) {
    this.scripts = new LuaScripts(redis, prefix);
  }

  /** False: the cursor has moved since `prevId`; read it again and carry on from there. */
  async apply(cursorKey: string, prevId: string, eventId: string, writes: readonly ProjectionWrite[]): Promise<boolean> {
    return (await this.scripts.run('projection-apply', cursorKey, prevId, eventId, JSON.stringify(writes))) === 'applied';
  }
}
