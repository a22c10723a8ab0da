import type { Logger } from 'pino';
import type { Config } from '../config/schema';
import type { ConnectionState, MediaServerStatus } from '../services/ports/telephony';
import { tuneMediaSockets } from './drachtio-adapter';
import type { CreateEndpointOptions, Endpoint, MediaServer, Mrf } from './drachtio-api';
import { DeadlineError, withDeadline } from './deadline';
import { endpointFailure, errorText, MediaOperationError, MediaUnavailableError } from './errors';
import { EndpointsInUse } from './endpoints-in-use';
import { probeMediaServer } from './esl-probe';
import { LoadCounter, leastLoaded, parseSessionCount } from './media-load';
import { nameStandbyEndpoint, STANDBY_FROM, StandbyEndpoints } from './standby-endpoints';
import { endEndpoint } from './teardown';

export interface MediaServerTimings {
  probeMs: number;
  connectMs: number;
  retryMinMs: number;
  retryMaxMs: number;
  sampleEveryMs: number;
  apiMs: number;
  createEndpointMs: number;
  /** Hanging up an endpoint nobody took. */
  hangupMs: number;
  standbyRetryMs: number;
  standbyMaxIdleMs: number;
  standbyRefillDelayMs: number;
}

export const DEFAULT_MEDIA_TIMINGS: MediaServerTimings = {
  probeMs: 2000,
  // fsmrf gives up after 1 s itself when the server does not get ready.
  connectMs: 5000,
  retryMinMs: 500,
  retryMaxMs: 10_000,
  sampleEveryMs: 5000,
  apiMs: 3000,
  // fsmrf waits 4 s for FreeSWITCH's outbound event-socket connection.
  createEndpointMs: 6000,
  hangupMs: 3000,
  standbyRetryMs: 2000,
  standbyMaxIdleMs: 10 * 60_000,
  standbyRefillDelayMs: 25,
};

/** An endpoint and the release of the channel it holds in the load count. */
export interface OpenedEndpoint {
  endpoint: Endpoint;
  /** Call once the endpoint is gone; safe to call twice. */
  release: () => void;
}

/** What legs and dials need from the media server a room lives on. */
export interface MediaChannels {
  readonly name: string;
  openEndpoint(opts: CreateEndpointOptions): Promise<OpenedEndpoint>;
  /** A FreeSWITCH API command; the reply text (check it for +OK). */
  api(command: string): Promise<string>;
}

type FreeswitchConfig = Config['freeswitch'];

/** One configured FreeSWITCH: its connection, reconnection and load. */
export class MediaServerLink implements MediaChannels {
  readonly name: string;
  private state: ConnectionState = 'connecting';
  private ms?: MediaServer;
  private standby?: StandbyEndpoints;
  private readonly channels = new LoadCounter();
  private readonly inUse = new EndpointsInUse((opened) => this.discard(opened));
  private retryDelayMs: number;
  private retryTimer?: NodeJS.Timeout;
  private sampleTimer?: NodeJS.Timeout;
  private sampling = false;
  private closed = false;
  private lastProblem?: string;
  private readonly log: Logger;

  constructor(
    private readonly mrf: Mrf,
    private readonly target: { host: string; port: number },
    private readonly config: FreeswitchConfig,
    log: Logger,
    private readonly timings: MediaServerTimings = DEFAULT_MEDIA_TIMINGS,
  ) {
    this.name = `${target.host}:${target.port}`;
    this.log = log.child({ mediaServer: this.name });
    this.retryDelayMs = timings.retryMinMs;
  }

  get connected(): boolean {
    return this.state === 'connected';
  }

  get load(): number {
    return this.channels.value;
  }

  status(): MediaServerStatus & { detail?: string } {
    const status: MediaServerStatus & { detail?: string } = { name: this.name, state: this.state, load: this.load };
    if (this.state !== 'connected' && this.lastProblem) status.detail = this.lastProblem;
    return status;
  }

  start(): void {
    void this.connect();
  }

  /** A new endpoint; one that makes an offer comes ready-made from the standby ones when it can. */
  async openEndpoint(opts: CreateEndpointOptions): Promise<OpenedEndpoint> {
    const ms = this.server();
    const standby = opts.remoteSdp ? undefined : this.standby?.take();
    if (!standby) return this.inUse.track(await this.createEndpoint(ms, opts));
    nameStandbyEndpoint(standby.endpoint, opts.headers?.From, this.log);
    return this.inUse.track(standby);
  }

  renewStandbyEndpoints(): void {
    this.standby?.renew();
  }

  private async createEndpoint(ms: MediaServer, opts: CreateEndpointOptions): Promise<OpenedEndpoint> {
    const release = this.channels.opened();
    const creating = ms.createEndpoint(opts);
    try {
      const endpoint = await withDeadline(
        creating,
        this.timings.createEndpointMs,
        () => new DeadlineError('createEndpoint', this.timings.createEndpointMs),
      );
      return { endpoint, release };
    } catch (err) {
      // An endpoint that arrives after we gave up must not stay behind.
      creating.then((late) => late.destroy().catch(() => undefined).finally(release), release);
      throw endpointFailure(err, Boolean(opts.remoteSdp));
    }
  }

  private async discard(opened: OpenedEndpoint): Promise<void> {
    await endEndpoint(opened.endpoint, this.timings.hangupMs, this.log);
    opened.release();
  }

  async api(command: string): Promise<string> {
    const ms = this.server();
    return withDeadline(ms.api(command), this.timings.apiMs, () => new MediaOperationError(command, 'no reply in time'));
  }

  /** Hangs up the standby endpoints and any still in use, then disconnects. */
  async close(): Promise<void> {
    this.closed = true;
    this.state = 'disconnected';
    clearTimeout(this.retryTimer);
    clearInterval(this.sampleTimer);
    await this.standby?.close();
    const left = await this.inUse.close();
    if (left > 0) this.log.warn({ endpoints: left }, 'hung up endpoints still in use at shutdown');
    this.dropServer();
  }

  private server(): MediaServer {
    if (this.state !== 'connected' || !this.ms) throw new MediaUnavailableError(this.name);
    return this.ms;
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    this.state = 'connecting';
    const probe = await probeMediaServer({
      host: this.target.host,
      port: this.target.port,
      secret: this.config.secret,
      profile: this.config.profile,
      timeoutMs: this.timings.probeMs,
    });
    if (this.closed) return;
    if (!probe.ok) return this.failed(probe.reason);

    const connecting = this.mrf.connect({
      address: this.target.host,
      port: this.target.port,
      secret: this.config.secret,
      profile: this.config.profile,
      ...(this.config.listenAddress ? { listenAddress: this.config.listenAddress } : {}),
    });
    let ms: MediaServer;
    try {
      ms = await withDeadline(connecting, this.timings.connectMs, () => new DeadlineError('Mrf.connect', this.timings.connectMs));
    } catch (err) {
      connecting.then((late) => late.disconnect(), () => undefined);
      return this.failed(errorText(err));
    }
    if (this.closed) return ms.disconnect();

    tuneMediaSockets(ms);
    ms.on('end', () => this.lost(ms));
    ms.on('error', (err) => this.log.warn({ err: errorText(err) }, 'media server connection error'));
    this.ms = ms;
    this.state = 'connected';
    this.lastProblem = undefined;
    this.retryDelayMs = this.timings.retryMinMs;
    this.log.info('media server connected');
    this.standby = new StandbyEndpoints(
      () => this.createEndpoint(ms, { headers: { From: STANDBY_FROM } }),
      (opened) => this.discard(opened),
      {
        size: this.config.standbyEndpoints,
        retryMs: this.timings.standbyRetryMs,
        maxIdleMs: this.timings.standbyMaxIdleMs,
        refillDelayMs: this.timings.standbyRefillDelayMs,
      },
      this.log,
    );
    this.standby.start();
    void this.sample();
    this.sampleTimer = setInterval(() => void this.sample(), this.timings.sampleEveryMs);
    this.sampleTimer.unref();
  }

  private failed(problem: string): void {
    if (this.closed) return;
    this.state = 'disconnected';
    if (problem !== this.lastProblem) this.log.warn({ problem, retryInMs: this.retryDelayMs }, 'media server not reachable');
    this.lastProblem = problem;
    this.scheduleRetry();
  }

  private lost(ms: MediaServer): void {
    if (ms !== this.ms) return;
    this.log.warn('lost the media server connection; reconnecting');
    clearInterval(this.sampleTimer);
    // Its channels are most likely gone with it; the first sample after reconnecting tells.
    this.channels.sample(0);
    // Called from inside fsmrf's 'end' handler: disconnecting now also stops the
    // ESL client's own endless retry loop, which would revive a stale object.
    this.dropServer();
    this.failed('event socket closed');
  }

  private dropServer(): void {
    // Standby endpoints of a lost server went with it; close() hung them up first.
    void this.standby?.close();
    this.standby = undefined;
    const ms = this.ms;
    this.ms = undefined;
    if (!ms) return;
    try {
      ms.disconnect();
    } catch (err) {
      this.log.debug({ err: errorText(err) }, 'disconnecting a dead media server');
    }
  }

  private scheduleRetry(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), this.retryDelayMs);
    this.retryTimer.unref();
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, this.timings.retryMaxMs);
  }

  private async sample(): Promise<void> {
    if (this.sampling || !this.connected) return;
    this.sampling = true;
    try {
      const count = parseSessionCount(await this.api('status'));
      if (count !== undefined) this.channels.sample(count);
    } catch (err) {
      this.log.debug({ err: errorText(err) }, 'could not sample the media server load');
    } finally {
      this.sampling = false;
    }
  }
}

/** All configured media servers; new rooms go to the least loaded connected one. */
export class MediaServerPool {
  private readonly links: MediaServerLink[];

  constructor(mrf: Mrf, config: FreeswitchConfig, log: Logger, timings?: MediaServerTimings) {
    this.links = config.servers.map((server) => new MediaServerLink(mrf, server, config, log, timings));
  }

  start(): void {
    for (const link of this.links) link.start();
  }

  /** The least loaded connected server, for a new room. */
  leastLoaded(): MediaServerLink {
    const link = leastLoaded(this.links);
    if (!link) throw new MediaUnavailableError();
    return link;
  }

  /** The named server (the one a room lives on), connected or not. */
  byName(name: string): MediaServerLink {
    const link = this.links.find((candidate) => candidate.name === name);
    if (!link) throw new MediaUnavailableError(name);
    return link;
  }

  statuses(): (MediaServerStatus & { detail?: string })[] {
    return this.links.map((link) => link.status());
  }

  /** drachtio-server was lost: the standby endpoints' SIP dialogs went with it. */
  renewStandbyEndpoints(): void {
    for (const link of this.links) link.renewStandbyEndpoints();
  }

  async close(): Promise<void> {
    await Promise.all(this.links.map((link) => link.close()));
  }
}
