import Redis from 'ioredis';
import type { DependencyHealth } from '../services/ports/health';

export type RedisClient = Redis;

/**
 * One connection per purpose (commands, subscriber). Reconnects forever with a
 * capped backoff; a command issued while disconnected waits while two more
 * reconnection attempts fail (200 and 400 ms apart) and then fails, so an
 * HTTP request gets a clear 503 rather than hanging.
 */
export function connectRedis(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: name,
    enableOfflineQueue: true,
    maxRetriesPerRequest: 2,
    retryStrategy: (attempt) => Math.min(attempt * 200, 5000),
  });
}

/**
 * Calls `listener` each time the connection is ready again after it was lost
 * (not on the first connect). A subscriber is subscribed again as it becomes
 * ready (ioredis re-sends its subscriptions), but what was published while it
 * was away never reaches it: Redis keeps no pub/sub message.
 */
export function onReconnected(redis: Redis, listener: () => void): () => void {
  let lost = false;
  const onLost = () => (lost = true);
  const onReady = () => {
    if (!lost) return;
    lost = false;
    listener();
  };
  redis.on('close', onLost).on('ready', onReady);
  return () => {
    redis.off('close', onLost).off('ready', onReady);
  };
}

export function redisState(redis: Redis): 'connected' | 'connecting' | 'disconnected' {
  if (redis.status === 'ready') return 'connected';
  if (redis.status === 'end' || redis.status === 'close') return 'disconnected';
  return 'connecting';
}

/** A live round trip, bounded so /readyz answers even when Redis hangs. */
export async function probeRedis(redis: Redis, timeoutMs = 1000): Promise<DependencyHealth> {
  if (redis.status !== 'ready') return { configured: true, state: redisState(redis) };
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.ping(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('no reply to PING')), timeoutMs))),
    ]);
    return { configured: true, state: 'connected' };
  } catch (err) {
    return { configured: true, state: 'disconnected', detail: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
