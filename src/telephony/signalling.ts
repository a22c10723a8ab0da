import type { Logger } from 'pino';
import type { ConnectionState } from '../services/ports/telephony';
import { setSignallingNoDelay, stopSignalling } from './drachtio-adapter';
import type { Srf } from './drachtio-api';

/** srf reconnects on its own (150 ms × 1.7 per attempt); this caps the wait between attempts. */
export const SIGNALLING_RETRY_MAX_MS = 5000;

/** The control connection to drachtio-server and its state. */
export class Signalling {
  private authenticated = false;
  private refused = false;
  private closed = false;
  private lastProblem?: string;
  private readonly log: Logger;

  constructor(
    private readonly srf: Srf,
    private readonly target: { host: string; port: number; secret: string },
    log: Logger,
    /** The connection dropped: the dialogs drachtio-server held may be gone with it. */
    private readonly onLost: () => void,
  ) {
    this.log = log.child({ drachtio: `${target.host}:${target.port}` });
  }

  start(): void {
    this.srf.on('connect', (err, hostport) => {
      if (err) {
        this.refused = true;
        this.problem(`drachtio refused us: ${err.message}`);
        return;
      }
      this.authenticated = true;
      this.refused = false;
      this.lastProblem = undefined;
      setSignallingNoDelay(this.srf);
      this.log.info({ sip: hostport }, 'connected to drachtio');
    });
    // Without an 'error' listener srf's emitter would throw on a refused connection.
    this.srf.on('error', (err) => this.problem(err.message));
    this.srf.on('close', () => {
      if (!this.authenticated) return;
      this.authenticated = false;
      this.log.warn('lost the drachtio connection; reconnecting');
      this.onLost();
    });
    this.srf.on('reconnecting', ({ delay, attempt }) => this.log.debug({ delay, attempt }, 'reconnecting to drachtio'));
    this.srf.connect({ ...this.target, reconnect: { retryMaxDelay: SIGNALLING_RETRY_MAX_MS } });
  }

  state(): ConnectionState {
    if (this.authenticated) return 'connected';
    if (this.closed || this.refused) return 'disconnected';
    return this.lastProblem ? 'disconnected' : 'connecting';
  }

  /** Why it is not connected, when known. */
  detail(): string | undefined {
    return this.authenticated ? undefined : this.lastProblem;
  }

  private problem(text: string): void {
    if (text !== this.lastProblem) this.log.warn({ problem: text }, 'drachtio not reachable');
    this.lastProblem = text;
  }

  close(): void {
    this.closed = true;
    this.authenticated = false;
    stopSignalling(this.srf);
  }
}
