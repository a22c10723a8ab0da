import pino from 'pino';
import { composeApp, composeServices } from '../../src/compose';
import { toConfig, settingsSchema } from '../../src/config/schema';
import { TokenRegistry } from '../../src/http/auth';
import type { Telephony } from '../../src/services/ports/telephony';
import { testRedis } from './test-redis';

export const TOKENS = {
  admin: 'admin-token-0000000000',
  supervisor: 'supervisor-token-00000',
  agentAna: 'agent-ana-token-000000',
  expertBo: 'expert-bo-token-000000',
  expertCy: 'expert-cy-token-000000',
} as const;

export const auth = (token: string) => ({ authorization: `Bearer ${token}` });

/** The real app on a fresh key prefix of the suite's Redis, with settings overridable. */
export async function startTestApp(settings: Record<string, string> = {}, telephony?: Telephony) {
  const redis = testRedis();
  const config = toConfig(
    settingsSchema.parse({ AUTH_TOKENS_FILE: 'unused', REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.prefix, ...settings }),
  );
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const services = await composeServices(config, { redis: redis.connect(), subscriber: redis.connect() }, log, telephony);
  const tokens = new TokenRegistry([
    { token: TOKENS.admin, role: 'admin' },
    { token: TOKENS.supervisor, role: 'supervisor' },
    { token: TOKENS.agentAna, role: 'agent', personId: 'ana' },
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
      await services.engine?.close();
      await services.housekeeping.stop();
      for (const projection of services.projections) await projection.close();
      await redis.close();
    },
  };
}
