import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';

/** A connection to the suite's redis-server and a key prefix no other test uses. */
export function testRedis() {
  const url = process.env.TEST_REDIS_URL;
  if (!url) throw new Error('TEST_REDIS_URL is not set: integration tests run under the integration jest project');
  const prefix = `t:${randomUUID().slice(0, 8)}:`;
  const clients: Redis[] = [];
  const connect = () => {
    const client = new Redis(url, { maxRetriesPerRequest: 1 });
    clients.push(client);
    return client;
  };
  return {
    url,
    prefix,
    connect,
    /** Every key this test wrote. */
    async keys(): Promise<string[]> {
      const probe = clients[0] ?? connect();
      return (await probe.keys(`${prefix}*`)).sort();
    },
    async close() {
      await Promise.all(clients.map((c) => c.quit().catch(() => undefined)));
    },
  };
}
