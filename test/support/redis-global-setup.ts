import { startRedisServer } from './redis-server';

// Workers start after this and inherit the environment, so they find the URL.
export default async function setup(): Promise<void> {
  const server = await startRedisServer();
  process.env.TEST_REDIS_URL = server.url;
  (globalThis as { __testRedis?: typeof server }).__testRedis = server;
}
