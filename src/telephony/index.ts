import type { BlockList } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from '../config/schema';
import type { LegHandles } from '../domain/call';
import type { DependencyHealth } from '../services/ports/health';
import type {
  ConnectionState,
  DialRequest,
  InboundCall,
  MediaServerStatus,
  MemberControl,
  OutboundDial,
  RegistrarHandlers,
  Telephony,
} from '../services/ports/telephony';
import { callerOf, trustedPeerList } from './caller-identity';
import { createMrf, createSrf, registrarMiddleware } from './drachtio-adapter';
import type { SipRequest, SipResponse } from './drachtio-api';
import { errorText } from './errors';
import { type BranchUri, ForkedDial } from './forked-dial';
import { mediaHealth } from './health';
import { SipInboundCall } from './inbound-call';
import { DEFAULT_MEDIA_TIMINGS, type MediaChannels, MediaServerPool, type MediaServerTimings } from './media-servers';
import { controlMember, DEFAULT_HOLD_MUSIC, playToMember } from './member-control';
import { cancelLostInvite, hangUpLostLeg } from './lost-leg';
import { DEFAULT_DIAL_TIMINGS, type DialTimings, failedDial, SipOutboundDial } from './outbound-dial';
import { answerOptions } from './options-ping';
import { bindingsQuery, defaultExpires, registrarHandler } from './registrar';
import { Signalling } from './signalling';
import { unsupportedExtensions } from './sip-extensions';
import { methodNotAllowed, noSuchDialog, refuseSubscription } from './unserved-requests';

export interface TelephonyOptions {
  /** Played to a held member instead of the room (a FreeSWITCH sound: local_stream://…, a file path). */
  holdMusic: string;
  media: MediaServerTimings;
  dial: DialTimings;
}

export const DEFAULT_TELEPHONY_OPTIONS: TelephonyOptions = {
  holdMusic: DEFAULT_HOLD_MUSIC,
  media: DEFAULT_MEDIA_TIMINGS,
  dial: DEFAULT_DIAL_TIMINGS,
};

/** The Telephony port on drachtio-server (signalling) and FreeSWITCH through drachtio-fsmrf (media). */
export class DrachtioTelephony implements Telephony {
  private readonly srf = createSrf();
  private readonly signalling: Signalling;
  private readonly media: MediaServerPool;
  private inboundHandler?: (call: InboundCall) => void;
  private registrarServed = false;
  private readonly log: Logger;
  private readonly sipRealm: string;
  private readonly trustedPeers: BlockList;

  private readonly options: TelephonyOptions;

  constructor(config: Config, log: Logger, options: Partial<TelephonyOptions> = {}) {
    const given = { ...DEFAULT_TELEPHONY_OPTIONS, ...options };
    const heldProbe = { ...given.dial.heldProbe, everyMs: config.calls.heldPhoneProbeSec * 1000 };
    this.options = { ...given, dial: { ...given.dial, heldProbe } };
    if (!config.drachtio) throw new Error('telephony needs DRACHTIO_HOST: drachtio is not configured');
    this.log = log.child({ component: 'telephony' });
    this.sipRealm = config.calls.sipRealm;
    this.trustedPeers = trustedPeerList(config.calls.trustedPeers);
    this.media = new MediaServerPool(createMrf(this.srf), config.freeswitch, this.log, this.options.media);
    this.signalling = new Signalling(this.srf, config.drachtio, this.log, () => this.media.renewStandbyEndpoints());
    this.srf.invite((req, res) => this.invite(req, res));
    this.srf.options(answerOptions(() => this.inboundHandler !== undefined && this.freeswitch().state === 'connected'));
    this.srf.subscribe(refuseSubscription);
    this.srf.notify(noSuchDialog);
    this.srf.info(noSuchDialog);
    this.srf.publish(methodNotAllowed);
    this.srf.message(methodNotAllowed);
    this.signalling.start();
    this.media.start();
  }

  onInboundCall(handler: (call: InboundCall) => void): void {
    this.inboundHandler = handler;
  }

  dial(request: DialRequest): OutboundDial {
    let media: MediaChannels;
    try {
      media = this.media.byName(request.mediaServer);
    } catch (err) {
      return failedDial({ outcome: 'failed', reason: errorText(err) });
    }
    const { uri } = request;
    const branch = (to: BranchUri) => new SipOutboundDial({ ...request, uri: to }, media, this.srf, this.log, this.options.dial);
    return typeof uri === 'string' ? branch(uri) : new ForkedDial(uri, branch);
  }

  async controlMember(mediaServer: string, room: string, memberId: string, control: MemberControl): Promise<void> {
    await controlMember(this.media.byName(mediaServer), room, memberId, control, this.options.holdMusic);
  }

  async playToMember(mediaServer: string, room: string, memberId: string, sound: string): Promise<void> {
    await playToMember(this.media.byName(mediaServer), room, memberId, sound);
  }

  async hangUpLost(mediaServer: string, handles: LegHandles): Promise<void> {
    let media: MediaChannels | undefined;
    try {
      media = this.media.byName(mediaServer);
    } catch {
      // No longer configured: the phone still gets its BYE.
    }
    await hangUpLostLeg(this.srf, media, handles, this.options.dial.teardownMs, this.log);
  }

  async cancelLost(inviteIds: readonly string[]): Promise<void> {
    await Promise.all(inviteIds.map((id) => cancelLostInvite(this.srf, id, this.options.dial.teardownMs, this.log)));
  }

  serveRegistrar(handlers: RegistrarHandlers): void {
    // srf keeps every middleware it is given: a second chain would never run.
    if (this.registrarServed) throw new Error('serveRegistrar may be called once');
    this.registrarServed = true;
    const log = this.log.child({ registrar: true });
    this.srf.use('register', [
      defaultExpires,
      ...registrarMiddleware(
        { realm: this.sipRealm, passwordFor: (user) => handlers.passwordFor(user), failedLogins: handlers.failedLogins, log },
        bindingsQuery(handlers, log),
      ),
      registrarHandler(handlers, log),
    ]);
  }

  signallingState(): ConnectionState {
    return this.signalling.state();
  }

  mediaServers(): (MediaServerStatus & { detail?: string })[] {
    return this.media.statuses();
  }

  /** drachtio's connection as the health report shows it. */
  drachtio(): DependencyHealth {
    const health: DependencyHealth = { configured: true, state: this.signalling.state() };
    const detail = this.signalling.detail();
    if (detail) health.detail = detail;
    return health;
  }

  /** The media servers as one dependency: connected while any of them is. */
  freeswitch(): DependencyHealth {
    return mediaHealth(this.media.statuses());
  }

  async close(): Promise<void> {
    // Standby endpoints are hung up over SIP: before drachtio goes.
    await this.media.close();
    this.signalling.close();
  }

  private invite(req: SipRequest, res: SipResponse): void {
    const handler = this.inboundHandler;
    if (!handler) {
      res.send(503, 'Not Ready');
      return;
    }
    const unsupported = unsupportedExtensions(req);
    if (unsupported.length > 0) {
      this.log.info({ unsupported }, 'refused an INVITE requiring extensions we lack');
      res.send(420, 'Bad Extension', { headers: { Unsupported: unsupported.join(', ') } });
      return;
    }
    let call: SipInboundCall;
    try {
      call = new SipInboundCall(req, res, callerOf(req, this.trustedPeers), () => this.media.leastLoaded(), this.srf, this.log, this.options.dial);
    } catch (err) {
      this.log.warn({ err: errorText(err) }, 'unreadable INVITE');
      res.send(400);
      return;
    }
    try {
      handler(call);
    } catch (err) {
      this.log.error({ err, sipCallId: call.sipCallId }, 'the inbound-call handler threw');
      void call.reject(500).catch(() => undefined);
    }
  }
}

/**
 * The port, plus drachtio() and freeswitch() for the health report (compose.ts's
 * TelephonyHealth). Config has no hold-music setting yet: pass one in options.
 */
export function createTelephony(config: Config, log: Logger, options?: Partial<TelephonyOptions>): DrachtioTelephony {
  return new DrachtioTelephony(config, log, options);
}
