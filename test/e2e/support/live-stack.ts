import net from 'node:net';

// Where the live stack is, from the environment: the service's own variables
// (REDIS_URL, DRACHTIO_*, FREESWITCH_*) plus E2E_SIP_TARGET (drachtio's SIP
// address, where phones send) and E2E_PHONE_IP (where the sipp phones bind).
// E2E_BASE_URL names a running service instead of starting one in-process.

export interface HostPort {
  host: string;
  port: number;
}

export interface LiveStack {
  redisUrl: string;
  drachtio: HostPort & { secret: string };
  freeswitch: HostPort & { secret: string };
  sipTarget: HostPort;
  phoneIp: string;
  /** A running service to test instead of one started in-process. */
  baseUrl?: string;
}

function hostPort(text: string, defaultPort: number): HostPort {
  const match = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(text.trim());
  if (!match?.[1]) throw new Error(`"${text}" is not host:port`);
  return { host: match[1], port: match[2] ? Number(match[2]) : defaultPort };
}

export function liveStackFromEnv(env: NodeJS.ProcessEnv = process.env): LiveStack {
  const fs = (env.FREESWITCH_SERVERS ?? '127.0.0.1:8021').split(',')[0] ?? '127.0.0.1:8021';
  const stack: LiveStack = {
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    drachtio: {
      ...hostPort(`${env.DRACHTIO_HOST || '127.0.0.1'}:${env.DRACHTIO_PORT || '9022'}`, 9022),
      secret: env.DRACHTIO_SECRET ?? 'cymru',
    },
    freeswitch: { ...hostPort(fs, 8021), secret: env.FREESWITCH_SECRET ?? 'ClueCon' },
    sipTarget: hostPort(env.E2E_SIP_TARGET ?? '127.0.0.1:5060', 5060),
    phoneIp: env.E2E_PHONE_IP || '127.0.0.1',
  };
  if (env.E2E_BASE_URL) stack.baseUrl = env.E2E_BASE_URL.replace(/\/$/, '');
  return stack;
}

/** Resolves with undefined when something accepts a TCP connection there, else with why not. */
export function tcpProblem({ host, port }: HostPort, timeoutMs = 1000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (problem: string | undefined) => {
      socket.destroy();
      resolve(problem);
    };
    socket.setTimeout(timeoutMs, () => done('timed out'));
    socket.once('connect', () => done(undefined));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED' ? 'refused' : (err.code ?? err.message)));
  });
}

function redisHostPort(url: string): HostPort {
  const parsed = new URL(url);
  return { host: parsed.hostname || '127.0.0.1', port: parsed.port ? Number(parsed.port) : 6379 };
}

/**
 * TCP-connects to each part of the stack. Returns undefined when all answer,
 * else one line that says what was tried ("drachtio 127.0.0.1:9022 refused, …").
 * drachtio's SIP address is checked over TCP (it listens on udp and tcp).
 */
export async function unreachableParts(stack: LiveStack): Promise<string | undefined> {
  const parts: [string, HostPort][] = [
    ['drachtio', stack.drachtio],
    ['freeswitch ESL', stack.freeswitch],
    ['redis', redisHostPort(stack.redisUrl)],
    ['SIP target', stack.sipTarget],
  ];
  if (stack.baseUrl) {
    const url = new URL(stack.baseUrl);
    parts.push(['service', { host: url.hostname, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)) }]);
  }
  const problems = await Promise.all(parts.map(async ([name, at]) => {
    const problem = await tcpProblem(at);
    return problem && `${name} ${at.host}:${at.port} ${problem}`;
  }));
  const failed = problems.filter(Boolean);
  return failed.length > 0 ? failed.join(', ') : undefined;
}

/** The service's settings for this stack, under its own key prefix. */
export function stackSettings(stack: LiveStack, prefix: string): Record<string, string> {
  return {
    REDIS_URL: stack.redisUrl,
    REDIS_KEY_PREFIX: prefix,
    DRACHTIO_HOST: stack.drachtio.host,
    DRACHTIO_PORT: String(stack.drachtio.port),
    DRACHTIO_SECRET: stack.drachtio.secret,
    FREESWITCH_SERVERS: `${stack.freeswitch.host}:${stack.freeswitch.port}`,
    FREESWITCH_SECRET: stack.freeswitch.secret,
    // FreeSWITCH connects back here for every endpoint; loopback unless told otherwise.
    FREESWITCH_LISTEN_ADDRESS: process.env.FREESWITCH_LISTEN_ADDRESS ?? '127.0.0.1',
  };
}
