import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Redis from 'ioredis';
import pino from 'pino';
import { composeApp, composeServices } from '../../../src/compose';
import { settingsSchema, toConfig } from '../../../src/config/schema';
import { TokenRegistry } from '../../../src/http/auth';
import { DrachtioTelephony } from '../../../src/telephony';
import { type LiveStack, stackSettings } from './live-stack';

// The service under test: started in-process on the live stack (the real
// DrachtioTelephony, a Redis key prefix of its own), or the one at
// E2E_BASE_URL. Tests talk to it only over HTTP, so both work the same way.

/** Settings the scenarios rely on; docker-compose.test.yml gives the service the same. */
export const E2E_SETTINGS = {
  RING_TIMEOUT_SEC: '4',
  ESCALATION_RING_TIMEOUT_SEC: '6',
  WRAPUP_SEC: '1',
  CLAIM_LEASE_SEC: '30',
  MAX_MISSED_OFFERS: '3',
  QUEUE_MAX_WAIT_SEC: '120',
  // A phone that holds is asked every 5 s whether it is there (phone-hold-quiet answers; phone-buttons holds for less).
  HELD_PHONE_PROBE_SEC: '5',
  // The expert's Call-Info is then a page a desk phone opens without a token.
  CASE_LINK_SECRET: 'e2e-case-links-are-signed-with-this',
  // The phones play the carrier's trunk too: their P-Asserted-Identity is believed.
  SIP_TRUSTED_PEERS: process.env.E2E_PHONE_IP ?? '127.0.0.1',
};

export const E2E_TOKENS = {
  admin: process.env.E2E_ADMIN_TOKEN ?? 'e2e-admin-token-0000000000',
  supervisor: process.env.E2E_SUPERVISOR_TOKEN ?? 'e2e-supervisor-token-00000',
  /** The agent's own token: it may act only on calls that agent holds. */
  agent: process.env.E2E_AGENT_TOKEN ?? 'e2e-agent-token-0000000000',
};

/** The person the agent token belongs to; scenarios that act as the agent create them. */
export const E2E_AGENT_ID = process.env.E2E_AGENT_ID ?? 'e2e-agent';

export interface ApiReply<T> {
  status: number;
  /** The parsed JSON, typed as the caller expects it (these are tests: a wrong guess fails an assertion). */
  body: T;
}

export interface LiveService {
  baseUrl: string;
  /** Redis and its key prefix, when the service runs in-process (so its keys can be checked). */
  redis?: { client: Redis; prefix: string };
  call<T = Record<string, unknown>>(method: string, url: string, body?: unknown, token?: string): Promise<ApiReply<T>>;
  close(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 10_000;

function apiClient(baseUrl: string) {
  return async <T>(method: string, url: string, body?: unknown, token: string = E2E_TOKENS.admin): Promise<ApiReply<T>> => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed as T };
  };
}

/** Waits for /readyz to say drachtio and FreeSWITCH are both connected. */
async function waitReady(baseUrl: string): Promise<void> {
  const deadline = Date.now() + CONNECT_TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${baseUrl}/readyz`);
      last = await response.text();
      if (response.ok) return;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the service at ${baseUrl} is not ready after ${CONNECT_TIMEOUT_MS} ms: ${last}`);
}

/** Starts (or finds) the service; its log goes to logFile when in-process. */
export async function startLiveService(stack: LiveStack, logFile: string): Promise<LiveService> {
  if (stack.baseUrl) {
    await waitReady(stack.baseUrl);
    return { baseUrl: stack.baseUrl, call: apiClient(stack.baseUrl), close: async () => undefined };
  }
  const prefix = `e2e:${randomUUID().slice(0, 8)}:`;
  const config = toConfig(
    settingsSchema.parse({
      ...E2E_SETTINGS,
      AUTH_TOKENS_FILE: 'unused',
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'debug',
      ...stackSettings(stack, prefix),
      FREESWITCH_PROFILE: process.env.FREESWITCH_PROFILE ?? 'drachtio_mrf',
      PUBLIC_BASE_URL: 'http://e2e.invalid',
      INSTANCE_ID: `e2e-${process.pid}`,
    }),
  );
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const log = pino({ level: config.logLevel }, pino.destination({ dest: logFile, sync: true }));
  const redis = new Redis(config.redis.url, { maxRetriesPerRequest: 1 });
  const subscriber = new Redis(config.redis.url, { maxRetriesPerRequest: 1 });
  const telephony = new DrachtioTelephony(config, log);
  const services = await composeServices(config, { redis, subscriber }, log, { telephony });
  services.housekeeping.start();
  const tokens = new TokenRegistry([
    { token: E2E_TOKENS.admin, role: 'admin' },
    { token: E2E_TOKENS.supervisor, role: 'supervisor' },
    { token: E2E_TOKENS.agent, role: 'agent', personId: E2E_AGENT_ID },
  ]);
  const app = await composeApp(services, tokens, log);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const close = async () => {
    await app.close();
    await services.close();
    await telephony.close();
    // Everything this run wrote is under its own prefix.
    const keys = await redis.keys(`${prefix}*`).catch(() => []);
    if (keys.length > 0) await redis.del(...keys).catch(() => undefined);
    await Promise.allSettled([redis.quit(), subscriber.quit()]);
  };
  try {
    await waitReady(baseUrl);
  } catch (err) {
    await close();
    throw err;
  }
  return { baseUrl, redis: { client: redis, prefix }, call: apiClient(baseUrl), close };
}
