import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freeTcpPort } from '../../support/free-tcp-port';
import { E2E_SETTINGS } from './live-service';
import { type LiveStack, stackSettings } from './live-stack';

// The service as a process of its own on the live stack: for a scenario that
// kills an instance, and for bench:live, whose figures must be the service's
// own (RSS, CPU time).

export interface ServiceProcessOptions {
  /** The Redis key prefix: another instance's, to share its calls and people. */
  prefix: string;
  instanceId: string;
  /** The admin token it accepts. */
  adminToken: string;
  /** Its log, and its token file beside it. */
  logFile: string;
  /** What it runs: the built service (dist/main.js) or the sources through tsx (src/main.ts). */
  entry: 'dist' | 'src';
  nodeArgs?: string[];
  /** Settings over the e2e suite's. */
  settings?: Record<string, string>;
}

export interface ServiceProcess {
  child: ChildProcess;
  baseUrl: string;
}

const ROOT = path.resolve(__dirname, '../../..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts it and waits until /readyz says drachtio and FreeSWITCH are connected. */
export async function startServiceProcess(stack: LiveStack, options: ServiceProcessOptions): Promise<ServiceProcess> {
  const port = await freeTcpPort();
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const tokens = `${options.logFile}.tokens.json`;
  fs.writeFileSync(tokens, JSON.stringify([{ token: options.adminToken, role: 'admin' }]));
  const log = fs.openSync(options.logFile, 'w');
  const entry = options.entry === 'dist' ? [path.join(ROOT, 'dist/main.js')] : ['--import', 'tsx', path.join(ROOT, 'src/main.ts')];
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...entry], {
    cwd: ROOT,
    stdio: ['ignore', log, log],
    env: {
      ...process.env,
      ...E2E_SETTINGS,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      AUTH_TOKENS_FILE: tokens,
      ...stackSettings(stack, options.prefix),
      INSTANCE_ID: options.instanceId,
      ...options.settings,
    },
  });
  fs.closeSync(log);
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i += 1) {
    if (child.exitCode !== null) throw new Error(`the service exited (${child.exitCode}); see ${options.logFile}`);
    if (await fetch(`${baseUrl}/readyz`).then((r) => r.ok, () => false)) return { child, baseUrl };
    await sleep(100);
  }
  child.kill();
  throw new Error(`the service was not ready in 30 s; see ${options.logFile}`);
}
