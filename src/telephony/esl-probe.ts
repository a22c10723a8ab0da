import net from 'node:net';

// A short event-socket session run before each Mrf.connect. fsmrf handles the
// failures it checks for badly: a refused or unauthorised connection leaves an
// ESL client behind that keeps retrying on its own, and a missing SIP profile
// is thrown from inside an event callback, which crashes the process (after a
// FreeSWITCH restart the event socket is up before the SIP profiles are).

export interface EslFrame {
  headers: Record<string, string>;
  body: string;
}

/** Splits an event-socket byte stream into frames: headers, a blank line, then Content-Length bytes of body. */
export class EslFrameReader {
  private buffer = Buffer.alloc(0);

  push(chunk: Buffer): EslFrame[] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const frames: EslFrame[] = [];
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end < 0) break;
      const headers: Record<string, string> = {};
      for (const line of this.buffer.subarray(0, end).toString('utf8').split('\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers['Content-Length'] ?? 0);
      if (this.buffer.length < end + 2 + length) break;
      frames.push({ headers, body: this.buffer.subarray(end + 2, end + 2 + length).toString('utf8') });
      this.buffer = this.buffer.subarray(end + 2 + length);
    }
    return frames;
  }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether `sofia status` lists the profile on an IPv4 SIP address and running, as fsmrf needs it. */
export function profileIsRunning(sofiaStatus: string, profile: string): boolean {
  const line = new RegExp(`^\\s*${escapeRegExp(profile)}\\s+profile\\s+sip:mod_sofia@(?:\\d{1,3}\\.){3}\\d{1,3}:\\d+\\s+RUNNING`, 'm');
  return line.test(sofiaStatus);
}

export interface ProbeOptions {
  host: string;
  port: number;
  secret: string;
  profile: string;
  timeoutMs: number;
}

export type ProbeResult = { ok: true } | { ok: false; reason: string };

/** Connects, authenticates, checks the SIP profile, and leaves. Never rejects. */
export function probeMediaServer(opts: ProbeOptions): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: opts.host, port: opts.port });
    socket.setNoDelay(true);
    const reader = new EslFrameReader();
    let step: 'auth' | 'auth-reply' | 'sofia-status' = 'auth';
    let settled = false;

    const finish = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!socket.destroyed) {
        socket.end('exit\n\n');
        setTimeout(() => socket.destroy(), 1000).unref();
      }
      resolve(result);
    };
    const timer = setTimeout(() => {
      finish({ ok: false, reason: `no event-socket answer within ${opts.timeoutMs} ms` });
      socket.destroy();
    }, opts.timeoutMs);

    socket.on('error', (err) => finish({ ok: false, reason: err.message }));
    socket.on('close', () => finish({ ok: false, reason: 'event socket closed the connection' }));
    socket.on('data', (chunk) => {
      for (const frame of reader.push(chunk)) {
        const type = frame.headers['Content-Type'];
        if (type === 'text/rude-rejection') return finish({ ok: false, reason: 'refused by the event-socket ACL' });
        if (step === 'auth' && type === 'auth/request') {
          step = 'auth-reply';
          socket.write(`auth ${opts.secret}\n\n`);
        } else if (step === 'auth-reply' && type === 'command/reply') {
          if (!frame.headers['Reply-Text']?.startsWith('+OK')) return finish({ ok: false, reason: 'event-socket password refused' });
          step = 'sofia-status';
          socket.write('api sofia status\n\n');
        } else if (step === 'sofia-status' && type === 'api/response') {
          return finish(
            profileIsRunning(frame.body, opts.profile)
              ? { ok: true }
              : { ok: false, reason: `SIP profile ${opts.profile} is not running` },
          );
        }
      }
    });
  });
}
