import { startRedisServer } from './redis-server';

// Workers start after this and inherit the environment, so they find the URL.
// Several jest projects name this setup; the first starts the one server they share.
export default async function setup(): Promise<void> {
  const shared = globalThis as { __testRedis?: Awaited<ReturnType<typeof startRedisServer>> };
  if (shared.__testRedis) return;
  const server = await startRedisServer();
  process.env.TEST_REDIS_URL = server.url;
  shared.__testRedis = server;
}
