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
 * Applies a projection's writes for a run of events together with moving its
 * cursor to the last, only if the cursor is still at the event before the run
 * (lua/projection-apply.lua).
 */
export class ProjectionWrites {
  private readonly scripts: LuaScripts;

  constructor(redis: Redis, prefix: string) {
    this.scripts = new LuaScripts(redis, prefix);
  }

  /** False: the cursor has moved since `prevId`; read it again and carry on from there. */
  async apply(cursorKey: string, prevId: string, lastId: string, writes: readonly ProjectionWrite[]): Promise<boolean> {
    return (await this.scripts.run('projection-apply', cursorKey, prevId, lastId, JSON.stringify(writes))) === 'applied';
  }
}
