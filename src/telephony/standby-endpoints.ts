import type { Logger } from 'pino';
import type { Endpoint } from './drachtio-api';
import { endpointFrom } from './endpoint-name';
import { errorText } from './errors';
import type { OpenedEndpoint } from './media-servers';
import { userOf } from './sip-uri';

/** Who a standby endpoint is until a dial names it. */
export const STANDBY_FROM = endpointFrom('standby');

export interface StandbyEndpointsOptions {
  /** Endpoints kept ready; 0 turns the pool off. */
  size: number;
  /** Wait before trying again after FreeSWITCH failed to make one. */
  retryMs: number;
  /**
   * An idle endpoint older than this is hung up and replaced, so no timer on
   * FreeSWITCH's side (session or media) ever finds one that was kept too long.
   */
  maxIdleMs: number;
  /**
   * Wait after a take before making the replacement: its making (FreeSWITCH's
   * 200 OK, ACK and event-socket setup) then does not land on the service while
   * the dial that took one places its INVITE.
   */
  refillDelayMs: number;
}

interface Idle {
  opened: OpenedEndpoint;
  timer: NodeJS.Timeout;
  onGone: () => void;
}

/**
 * Ready-made endpoints that offer media (3PCC), one media server's worth.
 * FreeSWITCH takes 10–30 ms to make one; an outbound dial that takes one from
 * here sends its INVITE to the phone at once, and the pool makes the next in
 * the background.
 */
export class StandbyEndpoints {
  private readonly idle: Idle[] = [];
  private creating = 0;
  private retryTimer?: NodeJS.Timeout;
  private refillTimer?: NodeJS.Timeout;
  private closed = false;
  /** Counts renewals: an endpoint whose making began before the last one is not kept. */
  private generation = 0;

  constructor(
    private readonly create: () => Promise<OpenedEndpoint>,
    /** Hangs an endpoint up and releases it; never throws. */
    private readonly discard: (opened: OpenedEndpoint) => Promise<void>,
    private readonly options: StandbyEndpointsOptions,
    private readonly log: Logger,
  ) {}

  get ready(): number {
    return this.idle.length;
  }

  start(): void {
    this.fill();
  }

  /** A ready endpoint, now the caller's to release; undefined when none is ready. */
  take(): OpenedEndpoint | undefined {
    const entry = this.idle.shift();
    if (!entry) return undefined;
    this.forget(entry);
    this.refillSoon();
    return entry.opened;
  }

  /**
   * Hangs up the idle endpoints and makes new ones: drachtio-server was lost,
   * and each endpoint's SIP dialog with FreeSWITCH went with it (the next
   * drachtio does not know them, so a dial could not offer their media).
   */
  renew(): void {
    this.generation += 1;
    const entries = this.idle.splice(0);
    for (const entry of entries) {
      this.forget(entry);
      void this.discard(entry.opened);
    }
    this.fill();
  }

  /** Hangs up the idle endpoints; makes no more. Safe to call twice. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.refillTimer);
    const entries = this.idle.splice(0);
    for (const entry of entries) this.forget(entry);
    await Promise.all(entries.map((entry) => this.discard(entry.opened)));
  }

  private refillSoon(): void {
    if (this.refillTimer) return;
    this.refillTimer = setTimeout(() => {
      this.refillTimer = undefined;
      this.fill();
    }, this.options.refillDelayMs);
    this.refillTimer.unref();
  }

  private fill(): void {
    if (this.closed || this.retryTimer) return;
    while (this.idle.length + this.creating < this.options.size) void this.createOne();
  }

  private async createOne(): Promise<void> {
    this.creating += 1;
    const generation = this.generation;
    let opened: OpenedEndpoint;
    try {
      opened = await this.create();
    } catch (err) {
      this.creating -= 1;
      this.log.warn({ err: errorText(err), retryInMs: this.options.retryMs }, 'could not make a standby endpoint');
      this.retryLater();
      return;
    }
    this.creating -= 1;
    if (this.closed || generation !== this.generation) {
      // Closed or renewed while FreeSWITCH was making it: nobody will take it.
      void this.discard(opened);
      this.fill();
      return;
    }
    this.keep(opened);
  }

  private keep(opened: OpenedEndpoint): void {
    const entry: Idle = {
      opened,
      timer: setTimeout(() => this.retire(entry, true), this.options.maxIdleMs),
      // FreeSWITCH hung it up while it waited (a restart, an operator's hupall).
      onGone: () => this.retire(entry, false),
    };
    entry.timer.unref();
    opened.endpoint.on('destroy', entry.onGone);
    this.idle.push(entry);
  }

  private retire(entry: Idle, hangUp: boolean): void {
    const at = this.idle.indexOf(entry);
    if (at < 0) return;
    this.idle.splice(at, 1);
    this.forget(entry);
    if (hangUp) void this.discard(entry.opened);
    else entry.opened.release();
    this.fill();
  }

  private forget(entry: Idle): void {
    clearTimeout(entry.timer);
    entry.opened.endpoint.off('destroy', entry.onGone);
  }

  private retryLater(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.fill();
    }, this.options.retryMs);
    this.retryTimer.unref();
  }
}

/**
 * Gives a standby endpoint the caller id its From header would have given it
 * (what `conference list` shows). Not awaited: FreeSWITCH runs a channel's
 * applications in order, so the name is set before the dial's join runs.
 */
export function nameStandbyEndpoint(endpoint: Endpoint, from: string | undefined, log: Logger): void {
  const user = from ? userOf(from) : undefined;
  if (!user) return;
  for (const field of ['caller_id_number', 'caller_id_name']) {
    endpoint.execute('set_profile_var', `${field}=${user}`).catch((err: unknown) => {
      log.debug({ err: errorText(err), endpoint: endpoint.uuid }, 'could not name a standby endpoint');
    });
  }
}
