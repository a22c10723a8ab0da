import { existsSync } from 'node:fs';
import { buildWeb } from '../../scripts/build-web';
import startRedis from './redis-global-setup';
import { CHROMIUM } from './browser';

// The browser tests need a redis-server, the console bundle and a Chromium.
export default async function setup(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  await startRedis();
  await buildWeb();
}
