import net from 'node:net';
import type { HostPort } from './live-stack';

// A minimal inbound event-socket client: enough to ask FreeSWITCH what really
// happened (`conference <room> list`, `show channels`) independently of the
// service's own connection.

interface Reply {
  headers: Record<string, string>;
  body: string;
}

export class EslClient {
  private buffer = '';
  private readonly waiting: { resolve: (reply: Reply) => void; reject: (err: Error) => void }[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private readonly eventListeners: ((event: Record<string, string>) => void)[] = [];

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.parse();
    });
    socket.on('close', () => {
      for (const waiter of this.waiting.splice(0)) waiter.reject(new Error('ESL connection closed'));
    });
  }

  static async connect(at: HostPort & { secret: string }, timeoutMs = 3000): Promise<EslClient> {
    const socket = net.connect({ host: at.host, port: at.port });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`ESL ${at.host}:${at.port}: no answer in ${timeoutMs} ms`)));
    const client = new EslClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('connect', () => resolve());
    });
    await client.next(); // auth/request
    const auth = await client.send(`auth ${at.secret}`);
    if (!auth.headers['Reply-Text']?.startsWith('+OK')) {
      socket.destroy();
      throw new Error(`ESL ${at.host}:${at.port} refused the password: ${auth.headers['Reply-Text'] ?? 'no reply'}`);
    }
    socket.setTimeout(0);
    return client;
  }

  /** An API command; resolves with FreeSWITCH's reply text (may be "-ERR …"). */
  api(command: string): Promise<string> {
    const run = this.queue.then(() => this.send(`api ${command}`)).then((reply) => reply.body);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** A background API command; its result comes as a BACKGROUND_JOB event (Job-Command-Arg: the arguments). */
  bgapi(command: string): Promise<void> {
    const run = this.queue.then(() => this.send(`bgapi ${command}`)).then(() => undefined);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Subscribes to events ("CUSTOM conference::maintenance"); each arrives as
   * its headers. With `only`, FreeSWITCH sends just the events whose header
   * has that value (an event-socket filter), and writes no others for us.
   */
  async onEvents(names: string, listener: (event: Record<string, string>) => void, only?: { header: string; value: string }): Promise<void> {
    this.eventListeners.push(listener);
    if (only) await this.expectOk(`filter ${only.header} ${only.value}`);
    await this.expectOk(`event plain ${names}`);
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
  }

  private async expectOk(command: string): Promise<void> {
    const reply = await this.send(command);
    if (!reply.headers['Reply-Text']?.startsWith('+OK')) throw new Error(`ESL refused "${command}": ${reply.headers['Reply-Text']}`);
  }

  private send(command: string): Promise<Reply> {
    const reply = this.next();
    this.socket.write(`${command}\n\n`);
    return reply;
  }

  private next(): Promise<Reply> {
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private parse(): void {
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end < 0) return;
      const headers = parseHeaders(this.buffer.slice(0, end));
      const length = Number(headers['Content-Length'] ?? 0);
      if (this.buffer.length < end + 2 + length) return;
      const body = this.buffer.slice(end + 2, end + 2 + length);
      this.buffer = this.buffer.slice(end + 2 + length);
      // Inbound connections without "events" get only replies; skip anything else.
      if (headers['Content-Type'] === 'text/disconnect-notice') continue;
      if (headers['Content-Type'] === 'text/event-plain') {
        const event = parseHeaders(body);
        for (const listener of this.eventListeners) listener(event);
        continue;
      }
      this.waiting.shift()?.resolve({ headers, body });
    }
  }
}

function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon)] = decodeURIComponent(line.slice(colon + 1).trim());
  }
  return headers;
}

/** One member line of `conference <room> list`. */
export interface ConferenceMember {
  memberId: string;
  /** The channel's uuid: the service's leg id. */
  uuid: string;
  callerIdNumber: string;
  flags: string[];
}

/**
 * Parses `conference <room> list` (fields separated by ";": id, register
 * string, uuid, caller id name, caller id number, flags, …). An absent room
 * answers "-ERR Conference … not found": no members.
 */
export function parseConferenceList(text: string): ConferenceMember[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^\d+;/.test(line))
    .map((line) => {
      const fields = line.split(';');
      return {
        memberId: fields[0] ?? '',
        uuid: fields[2] ?? '',
        callerIdNumber: fields[4] ?? '',
        flags: (fields[5] ?? '').split('|').filter(Boolean),
      };
    });
}
