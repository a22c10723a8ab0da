import type Redis from 'ioredis';

/**
 * Which service instances are running: each renews a heartbeat key that
 * lapses on its own, so an instance that crashed is known gone a lease later.
 */
export class InstanceStore {
  private readonly key: (id: string) => string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = (id) => `${prefix}instance:${id}`;
  }

  async beat(id: string, ttlSec: number): Promise<void> {
    await this.redis.set(this.key(id), String(Date.now()), 'EX', ttlSec);
  }

  /** Those of `ids` whose heartbeat has not lapsed. */
  async alive(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const beats = await this.redis.mget(ids.map(this.key));
    return new Set(ids.filter((_, i) => beats[i] !== null));
  }
}
