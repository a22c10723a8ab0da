import pino from 'pino';
import { composeApp, composeServices } from '../../src/compose';
import { toConfig, settingsSchema } from '../../src/config/schema';
import { TokenRegistry } from '../../src/http/auth';
import { connectRedis } from '../../src/store/redis-connection';
import type { Adapters } from '../../src/compose';
import { testRedis } from './test-redis';

export const TOKENS = {
  admin: 'admin-token-0000000000',
  supervisor: 'supervisor-token-00000',
  agentAna: 'agent-ana-token-000000',
  agentSam: 'agent-sam-token-000000',
  expertBo: 'expert-bo-token-000000',
  expertCy: 'expert-cy-token-000000',
} as const;

export const auth = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * The real app on a fresh key prefix of the suite's Redis, with settings
 * overridable. `connectionName`: its two connections are made as the service
 * makes them (connectRedis) under that name, for a test to find them in CLIENT LIST.
 */
export async function startTestApp(settings: Record<string, string> = {}, adapters: Adapters = {}, connectionName?: string) {
  const redis = testRedis();
  const config = toConfig(
    settingsSchema.parse({ AUTH_TOKENS_FILE: 'unused', REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.prefix, ...settings }),
  );
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const connect = () => (connectionName ? connectRedis(redis.url, connectionName) : redis.connect());
  const conn = { redis: connect(), subscriber: connect() };
  const services = await composeServices(config, conn, log, adapters);
  const tokens = new TokenRegistry([
    { token: TOKENS.admin, role: 'admin' },
    { token: TOKENS.supervisor, role: 'supervisor' },
    { token: TOKENS.agentAna, role: 'agent', personId: 'ana' },
    { token: TOKENS.agentSam, role: 'agent', personId: 'sam' },
    { token: TOKENS.expertBo, role: 'expert', personId: 'bo' },
    { token: TOKENS.expertCy, role: 'expert', personId: 'cy' },
  ]);
  const app = await composeApp(services, tokens, log);
  await app.ready();
  return {
    app,
    services,
    redis,
    config,
    async close() {
      await app.close();
      await services.close();
      if (connectionName) await Promise.all([conn.redis.quit(), conn.subscriber.quit()]);
      await redis.close();
    },
  };
}
