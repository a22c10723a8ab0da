import pino from 'pino';
import { ConfigError, loadConfig } from './config/load';
import { rebuildReports } from './services/reports/report-rebuild';
import { RedisEventLog } from './store/event-log';
import { connectRedis } from './store/redis-connection';
import { ReportStore, contextTtlFor } from './store/report-store';

// `npm run reports:rebuild`: recomputes every report counter from the event
// log with the service's settings, beside the live counters, then switches
// the reports over. Safe while the service runs.

async function rebuild(): Promise<void> {
  const config = loadConfig({ AUTH_TOKENS_FILE: 'unused', ...process.env });
  const log = pino({ level: config.logLevel, base: { service: 'expert-bridge-reports-rebuild' } });
  const redis = connectRedis(config.redis.url, 'expert-bridge-reports-rebuild');
  try {
    const store = new ReportStore(redis, config.redis.keyPrefix, contextTtlFor(config.contacts), log);
    const started = Date.now();
    const { generation } = await rebuildReports(store, new RedisEventLog(redis, redis, config.redis.keyPrefix, log), log);
    log.info({ generation, ms: Date.now() - started }, 'reports rebuilt from the event log');
  } finally {
    await redis.quit();
  }
}

rebuild().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
