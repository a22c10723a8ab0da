import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import { sipHeader } from './sip-header';
import { audioKeys, type PhoneAudio, tonePcapDir } from './tone-pcap';

// Phones for the end-to-end suite, played by sipp with the scenarios in
// test/e2e/sipp. Each phone is one sipp process on free SIP and media ports
// chosen at run time, with its message trace, <log> lines and errors written to
// its own folder. Scenarios report what happened in <log> lines that start with
// "OUTCOME " (see each scenario's header).
//
// Environment: SIPP_BIN (default "sipp"), SIPP_SIP_PORTS and SIPP_MEDIA_PORTS
// ("from-to"; defaults 15000-15999 and 16000-16999), E2E_PHONE_IP (the address
// the phones bind to; default 127.0.0.1).

export const SCENARIO_DIR = path.resolve(__dirname, '../sipp');
/** Where sipp runs: one folder per audio (tonePcapDir), whose media/tone.pcap the scenarios play. */
const SIPP_WORK_DIR = path.resolve(__dirname, '../../../test-output/e2e');

export type Scenario =
  | 'customer-call'
  | 'customer-refresh'
  | 'phone-register'
  | 'phone-answer'
  | 'phone-buttons'
  | 'phone-renegotiate'
  | 'phone-hold-quiet'
  | 'phone-busy'
  | 'phone-decline'
  | 'phone-no-answer';

export interface SippPhoneOptions {
  /** A scenario of test/e2e/sipp, or a path to another scenario file. */
  scenario: Scenario | string;
  /** The folder for this phone's files (created; usually one per test). */
  outDir: string;
  /** File-name prefix in outDir; defaults to the scenario name. */
  name?: string;
  /** host:port to send the first request to (UAC scenarios: customer-call, customer-refresh, phone-register). */
  remote?: string;
  /** The Request-URI user of customer-call (sipp -s). */
  service?: string;
  /** Scenario keys (sipp -key): user, contact_port, expires … */
  keys?: Record<string, string | number>;
  /**
   * customer-call, customer-refresh: the caller (From user) of each call, in turn, given to sipp
   * as an injection file (-inf); one sipp plays many customers. Default "customer".
   */
  callers?: string[];
  /** customer-call: one more header line for every caller's INVITE ("Privacy: id" …). */
  callerHeader?: string;
  /** New calls a second (sipp -r) when one phone makes several (`calls`). */
  rate?: number;
  /** Digest credentials for phone-register (sipp -au / -ap). */
  auth?: { user: string; password: string };
  /**
   * The codec the phone offers (customer-call) or answers with (phone-answer),
   * and sends its audio in. Default: a customer offers PCMA/30, a desk phone
   * answers PCMU/20 (see PhoneAudio).
   */
  audio?: PhoneAudio;
  /** Length of each <pause/> (sipp -d): phone-answer's ringing time. */
  pauseMs?: number;
  /**
   * sipp -recv_timeout: how long a phone waits for the far end's BYE before it
   * hangs up itself (customer-call, phone-answer). Defaults to one hour.
   */
  hangUpAfterMs?: number;
  /** Exit after this many calls (sipp -m); phones otherwise run until stop(). */
  calls?: number;
  /** Quit with a failure after this many seconds in any case (sipp -timeout). */
  maxRunSec?: number;
  /** An explicit SIP port instead of a free one (e.g. one registered earlier). */
  sipPort?: number;
}

export interface SippExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SippMessage {
  direction: 'sent' | 'received';
  /** When sipp sent or received it (epoch ms, µs precision; sipp writes local time). */
  at: number;
  /** "INVITE sip:…" or "SIP/2.0 200 OK". */
  firstLine: string;
  text: string;
  /** The first value of a header (case-insensitive name), if present. */
  header(name: string): string | undefined;
}

const DEFAULT_HANG_UP_AFTER_MS = 3_600_000;
const LOCAL_IP = process.env.E2E_PHONE_IP || process.env.SIPP_IP || '127.0.0.1';

function range(env: string | undefined, fallback: [number, number]): [number, number] {
  const match = env ? /^(\d+)-(\d+)$/.exec(env) : null;
  return match ? [Number(match[1]), Number(match[2])] : fallback;
}

function udpPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, LOCAL_IP, () => socket.close(() => resolve(true)));
  });
}

/** A free UDP port (or `span` consecutive ones) in [from, to], starting at a random place. */
export async function freeUdpPort([from, to]: [number, number], span = 1, step = 1): Promise<number> {
  const slots = Math.floor((to - from + 1 - span) / step) + 1;
  const start = Math.floor(Math.random() * slots);
  for (let i = 0; i < slots; i += 1) {
    const port = from + ((start + i) % slots) * step;
    let free = true;
    for (let offset = 0; offset < span && free; offset += 1) free = await udpPortFree(port + offset);
    if (free) return port;
  }
  throw new Error(`no free UDP port in ${from}-${to}`);
}

/** Whether some process has the UDP port bound (Linux /proc; elsewhere assume so). */
function udpPortBound(port: number): boolean {
  const suffix = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const tables = ['/proc/net/udp', '/proc/net/udp6'].map(readIfExists).filter((text) => text !== '');
  if (tables.length === 0) return true;
  // Second column: local_address as HEXIP:HEXPORT.
  return tables.some((text) => text.split('\n').some((line) => line.trim().split(/\s+/)[1]?.endsWith(suffix)));
}

function readIfExists(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Settles with the promise's value, or `undefined` after ms; the timer never outlives it. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Parses sipp's -message_file: blocks after "----- <time>" lines, "… message sent/received …:", a blank line, the message. */
export function parseMessageTrace(trace: string): SippMessage[] {
  const messages: SippMessage[] = [];
  // split() with a capture group keeps each block's time stamp just before it.
  const parts = trace.split(/^-{20,} (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(\.\d+)?$/m);
  for (let i = 3; i < parts.length; i += 3) {
    const block = parts[i] ?? '';
    const at = new Date((parts[i - 2] ?? '').replace(' ', 'T')).getTime() + Number(parts[i - 1] ?? 0) * 1000;
    const match = /^\s*\S+ message (sent|received)[^\n]*:\n\n([\s\S]*)$/.exec(block);
    if (!match?.[2]) continue;
    const text = match[2].replace(/\n+$/, '\n');
    messages.push({
      direction: match[1] === 'sent' ? 'sent' : 'received',
      at,
      firstLine: text.slice(0, text.search(/\r?\n|$/)),
      text,
      header: (name: string) => sipHeader(text, name),
    });
  }
  return messages;
}

/** Every sipp still running, so none outlives the test process (a failed test may never call stop()). */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Stops every phone still running (for an afterAll). */
export async function stopAllPhones(): Promise<void> {
  await Promise.all([...running].map((child) => new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    if (!child.kill('SIGTERM')) resolve();
  })));
}

export class SippPhone {
  readonly exited: Promise<SippExit>;
  private exitInfo?: SippExit;

  private constructor(
    private readonly child: ChildProcess,
    readonly sipPort: number,
    readonly mediaPort: number,
    readonly files: { messages: string; logs: string; errors: string; output: string },
  ) {
    running.add(child);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        running.delete(child);
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
  }

  /** Starts sipp; resolves once it listens on its SIP port (or has already finished). */
  static async start(options: SippPhoneOptions): Promise<SippPhone> {
    for (let attempt = 1; ; attempt += 1) {
      const phone = await SippPhone.spawn(options);
      if (await phone.whenListening()) return phone;
      // Lost a race for a port to another process between our check and sipp's bind: try others.
      const lostPortRace = /Unable to bind/.test(readIfExists(phone.files.output));
      if (!lostPortRace || attempt >= 3 || options.sipPort) {
        await phone.stop();
        throw new Error(`sipp ${options.scenario} did not start: see ${phone.files.output}`);
      }
    }
  }

  private static async spawn(options: SippPhoneOptions): Promise<SippPhone> {
    const customer = options.scenario.startsWith('customer-');
    if (!options.remote && (customer || options.scenario === 'phone-register')) {
      throw new Error(`${options.scenario} sends the first request: give it a remote (drachtio's host:port)`);
    }
    const sipPort = options.sipPort ?? (await freeUdpPort(range(process.env.SIPP_SIP_PORTS, [15000, 15999])));
    // sipp uses the media port and the next ones (RTCP, the +2 video port).
    const mediaPort = await freeUdpPort(range(process.env.SIPP_MEDIA_PORTS, [16000, 16999]), 4, 4);
    fs.mkdirSync(options.outDir, { recursive: true });
    const scenarioFile = options.scenario.endsWith('.xml') ? options.scenario : path.join(SCENARIO_DIR, `${options.scenario}.xml`);
    // Absolute: sipp runs in its audio's folder.
    const prefix = path.resolve(options.outDir, options.name ?? path.basename(scenarioFile, '.xml'));
    const files = {
      messages: `${prefix}.messages.log`,
      logs: `${prefix}.outcomes.log`,
      errors: `${prefix}.errors.log`,
      output: `${prefix}.output.log`,
    };
    for (const file of Object.values(files)) fs.rmSync(file, { force: true });

    const args = [
      ...(options.remote ? [options.remote] : []),
      '-sf', scenarioFile,
      '-i', LOCAL_IP,
      '-p', String(sipPort),
      '-mi', LOCAL_IP,
      '-mp', String(mediaPort),
      '-nostdin',
      '-recv_timeout', String(options.hangUpAfterMs ?? DEFAULT_HANG_UP_AFTER_MS),
      '-trace_msg', '-message_file', files.messages,
      '-trace_logs', '-log_file', files.logs,
      '-trace_err', '-error_file', files.errors,
    ];
    if (options.service) args.push('-s', options.service);
    if (options.pauseMs !== undefined) args.push('-d', String(options.pauseMs));
    if (options.calls !== undefined) args.push('-m', String(options.calls));
    // -l too: sipp's own cap on open calls follows the scenario's pauses and would slow the rate.
    if (options.rate !== undefined) args.push('-r', String(options.rate), '-l', String(options.calls ?? 1000));
    if (customer) {
      const injection = `${prefix}.callers.csv`;
      fs.writeFileSync(injection, ['SEQUENTIAL', ...(options.callers ?? ['customer']).map((caller) => `${caller};${options.callerHeader ?? ''};`)].join('\n') + '\n');
      args.push('-inf', injection);
    }
    if (options.maxRunSec !== undefined) args.push('-timeout', String(options.maxRunSec), '-timeout_error');
    if (options.auth) args.push('-au', options.auth.user, '-ap', options.auth.password);
    // A keyword a scenario uses but nobody sets makes sipp refuse the scenario: give every key a default.
    const audio = options.audio ?? (customer ? 'PCMA/30' : 'PCMU/20');
    const keys: Record<string, string | number> = { user: 'phone', expires: 3600, contact_host: LOCAL_IP, contact_port: sipPort, transfer_to: 'colleague', offer: 'early', ...audioKeys(audio), ...options.keys };
    keys.contacts ??= `<sip:${keys.user}@${keys.contact_host}:${keys.contact_port};transport=UDP>`;
    for (const [key, value] of Object.entries(keys)) args.push('-key', key, String(value));

    const output = fs.openSync(files.output, 'w');
    fs.writeSync(output, `${process.env.SIPP_BIN ?? 'sipp'} ${args.join(' ')}\n\n`);
    const workDir = tonePcapDir(SIPP_WORK_DIR, audio);
    const child = spawn(process.env.SIPP_BIN ?? 'sipp', args, { cwd: workDir, stdio: ['ignore', output, output] });
    fs.closeSync(output);
    return new SippPhone(child, sipPort, mediaPort, files);
  }

  /** The phone's own SIP URI, for a dial request or a REGISTER contact. */
  uri(user: string): string {
    return `sip:${user}@${LOCAL_IP}:${this.sipPort}`;
  }

  /** Waits for sipp to exit; rejects (and stops it) after timeoutMs. */
  async waitForExit(timeoutMs: number): Promise<SippExit> {
    const result = await within(this.exited, timeoutMs);
    if (!result) {
      await this.stop();
      throw new Error(`sipp did not finish within ${timeoutMs} ms; see ${this.files.messages}`);
    }
    return result;
  }

  /** Ends sipp (SIGTERM, then SIGKILL); calls in progress are dropped, not hung up. */
  async stop(): Promise<SippExit> {
    if (this.exitInfo) return this.exitInfo;
    this.child.kill('SIGTERM');
    const result = await within(this.exited, 2000);
    if (result) return result;
    this.child.kill('SIGKILL');
    return this.exited;
  }

  /** The scenario's OUTCOME lines so far, without the prefix ("answered 1-123@127.0.0.1"). */
  outcomes(): string[] {
    return readIfExists(this.files.logs)
      .split('\n')
      .filter((line) => line.startsWith('OUTCOME '))
      .map((line) => line.slice('OUTCOME '.length).trim());
  }

  /** Polls the OUTCOME lines until one matches. */
  async waitForOutcome(pattern: RegExp, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.outcomes().find((line) => pattern.test(line));
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(`no outcome matching ${pattern} within ${timeoutMs} ms (have: ${this.outcomes().join('; ') || 'none'})`);
      }
      await sleep(25);
    }
  }

  /** Every SIP message sent and received so far. */
  messages(): SippMessage[] {
    return parseMessageTrace(readIfExists(this.files.messages));
  }

  /** The requests this phone received with that method (e.g. the INVITEs with their X- headers). */
  received(method: string): SippMessage[] {
    return this.messages().filter((message) => message.direction === 'received' && message.firstLine.startsWith(`${method} `));
  }

  /** True once sipp's SIP socket is bound, or sipp already ran to its end; false if it failed to start. */
  private async whenListening(): Promise<boolean> {
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline) {
      if (this.exitInfo) return !/Unable to bind/.test(readIfExists(this.files.output));
      // Binding a probe socket here could steal the port from sipp: read the kernel's table instead.
      if (udpPortBound(this.sipPort)) return true;
      await sleep(20);
    }
    return false;
  }
}
