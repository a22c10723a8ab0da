import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { z } from 'zod';
import { contactReasonsSchema, DEFAULT_CONTACT_REASONS, type ContactReason } from '../domain/contact-reason';

// Every setting the service reads, by its environment-variable name. A config
// file (CONFIG_FILE) may hold the same names; the environment wins.

const port = z.coerce.number().int().min(1).max(65535);
const seconds = z.coerce.number().int().min(1);
const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);
const optionalString = z.preprocess(emptyAsUndefined, z.string().min(1).optional());

const hostPort = (defaultPort: number) =>
  z.string().transform((entry, ctx) => {
    const match = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(entry.trim());
    const portNumber = match?.[2] === undefined ? defaultPort : Number(match[2]);
    if (!match?.[1] || !Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535) {
      ctx.addIssue({ code: 'custom', message: `"${entry}" is not host:port` });
      return z.NEVER;
    }
    return { host: match[1], port: portNumber };
  });

/** "203.0.113.7", "203.0.113.0/24", "2001:db8::/32". */
const addressOrSubnet = z.string().transform((entry, ctx) => {
  const [address = '', prefixText] = entry.split('/');
  const family = isIP(address);
  const prefix = prefixText === undefined ? undefined : Number(prefixText);
  const maxPrefix = family === 6 ? 128 : 32;
  if (family === 0 || (prefix !== undefined && !(/^\d{1,3}$/.test(prefixText ?? '') && prefix <= maxPrefix))) {
    ctx.addIssue({ code: 'custom', message: `"${entry}" is not an IP address or address/prefix` });
    return z.NEVER;
  }
  return prefix === undefined ? { address } : { address, prefix };
});

const flag = z.preprocess(
  (value) => (typeof value === 'string' ? ['true', '1', 'yes', 'on'].includes(value.trim().toLowerCase()) : value),
  z.boolean(),
);

const commaList = <T extends z.ZodTypeAny>(item: T) =>
  z.preprocess(
    (value) => (typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value),
    z.array(item),
  );

export const settingsSchema = z.object({
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: port.default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PUBLIC_BASE_URL: z.preprocess(emptyAsUndefined, z.url().optional()),

  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').default('redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]*$/).default('cc:'),

  DRACHTIO_HOST: optionalString,
  DRACHTIO_PORT: port.default(9022),
  DRACHTIO_SECRET: z.string().default('cymru'),

  FREESWITCH_SERVERS: commaList(hostPort(8021)).default([]),
  FREESWITCH_SECRET: z.string().default('ClueCon'),
  FREESWITCH_LISTEN_ADDRESS: optionalString,
  FREESWITCH_PROFILE: z.string().min(1).default('drachtio_mrf'),
  FREESWITCH_STANDBY_ENDPOINTS: z.coerce.number().int().min(0).max(100).default(4),

  AUTH_TOKENS_FILE: z.string({ error: 'is required: the file of API tokens and their roles' }).min(1),
  PEOPLE_FILE: optionalString,

  CLAIM_LEASE_SEC: seconds.max(3600).default(30),
  PRESENCE_HEARTBEAT_SEC: seconds.default(60),
  PRESENCE_OFFLINE_AFTER_SEC: seconds.default(600),
  WRAPUP_SEC: z.coerce.number().int().min(0).default(30),
  MAX_MISSED_OFFERS: seconds.default(3),

  SERVICE_NUMBERS: commaList(
    z.string().regex(/^[^:\s]+(:[a-z0-9][a-z0-9_-]*)?$/, 'number or number:skill').transform((entry) => {
      const [number, skill] = entry.split(':') as [string, string | undefined];
      return { number, skill };
    }),
  ).default([]),
  RING_TIMEOUT_SEC: seconds.max(300).default(20),
  // How often a desk phone (one that registers with us) that holds a call is asked (OPTIONS) whether it is still there; 0: never.
  HELD_PHONE_PROBE_SEC: z.coerce.number().int().min(0).max(3600).default(30),
  QUEUE_MAX_WAIT_SEC: seconds.default(300),
  // A FreeSWITCH sound; the default names a variable of our FreeSWITCH configuration. Empty: no message.
  QUEUE_TIMEOUT_MESSAGE: z.string().regex(/^\S*$/, 'a FreeSWITCH sound without spaces').default('${queue_timeout_message}'),
  QUEUE_TIMEOUT_MESSAGE_SEC: z.coerce.number().int().min(0).max(60).default(8),
  QUEUE_OVERFLOW_URI: z.preprocess(emptyAsUndefined, z.string().regex(/^sips?:.+@.+/, 'a sip: URI').optional()),
  AGENT_HANGUP_POLICY: z.enum(['requeue', 'end']).default('requeue'),
  PSTN_GATEWAY: optionalString,
  SIP_REALM: z.string().regex(/^[^"\\\s]+$/, 'a name without quotes, backslashes or spaces').default('expert-bridge'),
  // Trunks and SBCs whose P-Asserted-Identity names the caller (RFC 3325); from others it is ignored.
  SIP_TRUSTED_PEERS: commaList(addressOrSubnet).default([]),
  INSTANCE_ID: optionalString,

  ESCALATION_RING_TIMEOUT_SEC: seconds.max(300).default(20),
  ESCALATION_DEADLINE_SEC: seconds.max(3600).default(90),
  CASE_RETENTION_DAYS: seconds.max(3650).default(90),
  CASE_LINK_SECRET: z.preprocess(emptyAsUndefined, z.string().min(32, 'at least 32 characters: it signs links to cases').optional()),
  CASE_LINK_TTL_SEC: seconds.max(7 * 86_400).default(3600),
  MAX_ROOM_SIZE: z.coerce.number().int().min(3).max(100).default(8),
  CRM_WEBHOOK_URLS: commaList(z.url({ protocol: /^https?$/ })).default([]),
  WEBHOOK_SECRET: optionalString,
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),

  WRAPUP_REQUIRED: flag.default(false),
  WRAPUP_WINDOW_SEC: seconds.default(3600),
  CONTACT_REASONS: commaList(z.string()).pipe(contactReasonsSchema).default(DEFAULT_CONTACT_REASONS),
  REPEAT_CONTACT_DAYS: z.coerce.number().int().min(0).max(365).default(7),
  HISTORY_RETENTION_DAYS: seconds.max(3650).default(365),
  EVENTS_RETENTION_DAYS: seconds.max(3650).default(400),
  METRICS_TOKEN: optionalString,
});

export type Settings = z.output<typeof settingsSchema>;

export interface Config {
  http: { host: string; port: number; publicBaseUrl: string };
  logLevel: Settings['LOG_LEVEL'];
  redis: { url: string; keyPrefix: string };
  drachtio?: { host: string; port: number; secret: string };
  freeswitch: {
    servers: { host: string; port: number }[];
    secret: string;
    listenAddress?: string;
    profile: string;
    /** Ready-made endpoints kept per server for outbound dials. */
    standbyEndpoints: number;
  };
  authTokensFile: string;
  peopleFile?: string;
  calls: {
    /** Empty: every number we receive is a service number. */
    serviceNumbers: { number: string; skill?: string }[];
    ringTimeoutSec: number;
    heldPhoneProbeSec: number;
    queueMaxWaitSec: number;
    /** Played before the hang-up when the wait runs out and there is no overflow. */
    queueTimeoutMessage?: { sound: string; seconds: number };
    overflowUri?: string;
    agentHangupPolicy: 'requeue' | 'end';
    /** Host that turns tel: contacts into SIP (sip:+number@gateway). */
    pstnGateway?: string;
    sipRealm: string;
    /** Peers whose P-Asserted-Identity is believed: the caller's number comes from it. */
    trustedPeers: { address: string; prefix?: number }[];
  };
  instanceId: string;
  escalations: {
    ringTimeoutSec: number;
    deadlineSec: number;
    maxRoomSize: number;
    caseRetentionDays: number;
    /** Signs the case link in an expert's Call-Info, so a desk phone opens it without a token; unset: the API's URL. */
    caseLinks?: { secret: string; ttlSec: number };
  };
  webhooks: {
    urls: string[];
    /** Signs each body (HMAC-SHA256); unsigned when unset. */
    secret?: string;
    maxAttempts: number;
  };
  presence: {
    claimLeaseSec: number;
    heartbeatSec: number;
    offlineAfterSec: number;
    wrapUpSec: number;
    maxMissedOffers: number;
    /** The person stays in wrap-up until they post it (or its window closes). */
    wrapUpRequired: boolean;
  };
  contacts: {
    reasons: ContactReason[];
    /** A wrap-up is accepted until this long after the call ended. */
    wrapUpWindowSec: number;
    /** A contact on the same reason within this many days revokes the earlier first-contact resolution. */
    repeatContactDays: number;
    historyRetentionDays: number;
  };
  eventsRetentionDays: number;
  /** Empty: /metrics is public. */
  metricsToken?: string;
}

export function toConfig(s: Settings): Config {
  return {
    http: {
      host: s.HOST,
      port: s.PORT,
      publicBaseUrl: (s.PUBLIC_BASE_URL ?? `http://localhost:${s.PORT}`).replace(/\/$/, ''),
    },
    logLevel: s.LOG_LEVEL,
    redis: { url: s.REDIS_URL, keyPrefix: s.REDIS_KEY_PREFIX },
    drachtio: s.DRACHTIO_HOST
      ? { host: s.DRACHTIO_HOST, port: s.DRACHTIO_PORT, secret: s.DRACHTIO_SECRET }
      : undefined,
    freeswitch: {
      servers: s.FREESWITCH_SERVERS,
      secret: s.FREESWITCH_SECRET,
      listenAddress: s.FREESWITCH_LISTEN_ADDRESS,
      profile: s.FREESWITCH_PROFILE,
      standbyEndpoints: s.FREESWITCH_STANDBY_ENDPOINTS,
    },
    authTokensFile: s.AUTH_TOKENS_FILE,
    peopleFile: s.PEOPLE_FILE,
    calls: {
      serviceNumbers: s.SERVICE_NUMBERS,
      ringTimeoutSec: s.RING_TIMEOUT_SEC,
      heldPhoneProbeSec: s.HELD_PHONE_PROBE_SEC,
      queueMaxWaitSec: s.QUEUE_MAX_WAIT_SEC,
      queueTimeoutMessage: s.QUEUE_TIMEOUT_MESSAGE ? { sound: s.QUEUE_TIMEOUT_MESSAGE, seconds: s.QUEUE_TIMEOUT_MESSAGE_SEC } : undefined,
      overflowUri: s.QUEUE_OVERFLOW_URI,
      agentHangupPolicy: s.AGENT_HANGUP_POLICY,
      pstnGateway: s.PSTN_GATEWAY,
      sipRealm: s.SIP_REALM,
      trustedPeers: s.SIP_TRUSTED_PEERS,
    },
    instanceId: s.INSTANCE_ID ?? `${hostname()}-${process.pid}`,
    escalations: {
      ringTimeoutSec: s.ESCALATION_RING_TIMEOUT_SEC,
      deadlineSec: s.ESCALATION_DEADLINE_SEC,
      maxRoomSize: s.MAX_ROOM_SIZE,
      caseRetentionDays: s.CASE_RETENTION_DAYS,
      ...(s.CASE_LINK_SECRET ? { caseLinks: { secret: s.CASE_LINK_SECRET, ttlSec: s.CASE_LINK_TTL_SEC } } : {}),
    },
    webhooks: { urls: s.CRM_WEBHOOK_URLS, secret: s.WEBHOOK_SECRET, maxAttempts: s.WEBHOOK_MAX_ATTEMPTS },
    presence: {
      claimLeaseSec: s.CLAIM_LEASE_SEC,
      heartbeatSec: s.PRESENCE_HEARTBEAT_SEC,
      offlineAfterSec: s.PRESENCE_OFFLINE_AFTER_SEC,
      wrapUpSec: s.WRAPUP_SEC,
      maxMissedOffers: s.MAX_MISSED_OFFERS,
      wrapUpRequired: s.WRAPUP_REQUIRED,
    },
    contacts: {
      reasons: s.CONTACT_REASONS,
      wrapUpWindowSec: s.WRAPUP_WINDOW_SEC,
      repeatContactDays: s.REPEAT_CONTACT_DAYS,
      historyRetentionDays: s.HISTORY_RETENTION_DAYS,
    },
    eventsRetentionDays: s.EVENTS_RETENTION_DAYS,
    metricsToken: s.METRICS_TOKEN,
  };
}
