import pino from 'pino';
import { ConfigError, loadConfig, readStructuredFile } from './config/load';
import { loadTokens } from './config/tokens';
import { composeApp, composeServices } from './compose';
import { AppError } from './domain/errors';
import { TokenRegistry } from './http/auth';
import { connectRedis } from './store/redis-connection';
import { DrachtioTelephony } from './telephony';

// Composition root: load config, connect, wire, listen, shut down.

async function main(): Promise<void> {
  const config = loadConfig();
  const tokens = new TokenRegistry(loadTokens(config.authTokensFile));
  const log = pino({ level: config.logLevel, base: { service: 'expert-bridge' } });

  const redis = connectRedis(config.redis.url, 'expert-bridge');
  const subscriber = connectRedis(config.redis.url, 'expert-bridge-feed');
  redis.on('error', (err) => log.warn({ err: err.message }, 'redis connection problem'));
  subscriber.on('error', (err) => log.warn({ err: err.message }, 'redis subscriber connection problem'));

  // Without DRACHTIO_HOST the service runs as an API for presence and claims only.
  const telephony = config.drachtio ? new DrachtioTelephony(config, log) : undefined;
  const services = await composeServices(config, { redis, subscriber }, log, { telephony });
  if (config.peopleFile) {
    const count = await services.directory.importPeople(config.peopleFile, readStructuredFile(config.peopleFile));
    log.info({ count, file: config.peopleFile }, 'directory imported');
  }
  services.housekeeping.start();

  const app = await composeApp(services, tokens, log);
  await app.listen({ host: config.http.host, port: config.http.port });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    await app.close();
    await services.close();
    await telephony?.close();
    await Promise.allSettled([redis.quit(), subscriber.quit()]);
    clearTimeout(force);
    log.info('stopped');
    // All is closed; a handle still open (a leaked socket) must not keep the process up.
    setTimeout(() => {
      log.warn('something still held the process open after shutdown; exiting');
      process.exit(0);
    }, 1000).unref();
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  // Config and seed problems are for the operator: readable lines, no stack.
  if (err instanceof ConfigError) console.error(err.message);
  else if (err instanceof AppError) console.error([err.message, ...[err.details ?? []].flat().map(String)].join('\n  - '));
  else console.error(err);
  process.exit(1);
});
