import type { Logger } from 'pino';
import type { InboundCall, Leg } from '../services/ports/telephony';
import type { Dialog, SipRequest, SipResponse, Srf } from './drachtio-api';
import { CallNotPendingError, errorText, MediaOperationError } from './errors';
import { DEFAULT_LEG_TIMINGS, type LegTimings, SipLeg } from './leg';
import type { MediaChannels, OpenedEndpoint } from './media-servers';
import { userOf } from './sip-uri';
import { endEndpoint } from './teardown';

type Phase = 'pending' | 'answering' | 'answered' | 'rejected' | 'cancelled';

/**
 * A customer's INVITE until we answer or reject it. Answering is fsmrf's
 * connectCaller done in its two steps (endpoint with the caller's offer, then
 * 200 OK with the endpoint's answer) so that a CANCEL arriving in between frees
 * the endpoint: connectCaller leaves it behind when its 200 OK cannot be sent.
 */
export class SipInboundCall implements InboundCall {
  readonly sipCallId: string;
  readonly from: string;
  readonly to: string;
  /** The media server chosen when the INVITE arrived; answer() uses it. */
  readonly mediaServer?: string;
  private readonly media?: MediaChannels;
  private phase: Phase = 'pending';
  private readonly cancelListeners: (() => void)[] = [];
  private readonly log: Logger;

  constructor(
    private readonly req: SipRequest,
    private readonly res: SipResponse,
    private readonly chooseMedia: () => MediaChannels,
    private readonly srf: Pick<Srf, 'createUAS'>,
    log: Logger,
    private readonly timings: LegTimings = DEFAULT_LEG_TIMINGS,
  ) {
    this.sipCallId = req.get('Call-ID') ?? req.callId;
    this.from = userOf(req.getParsedHeader('From').uri) ?? 'anonymous';
    this.to = userOf(req.uri) ?? '';
    this.log = log.child({ sipCallId: this.sipCallId });
    // Chosen now, so the call's other legs can be started on it while we answer.
    try {
      this.media = chooseMedia();
      this.mediaServer = this.media.name;
    } catch {
      // None connected: answer() asks again and fails with the reason.
    }
    req.on('cancel', () => this.cancelled());
  }

  onCancelled(listener: () => void): void {
    if (this.phase === 'cancelled') queueMicrotask(() => this.notify(listener));
    else this.cancelListeners.push(listener);
  }

  async answer(headers: Record<string, string> = {}): Promise<Leg> {
    if (this.phase !== 'pending') throw new CallNotPendingError(this.sipCallId, this.phase);
    if (!this.req.body) throw new MediaOperationError('answering', 'the INVITE carries no SDP offer (late offer is not supported)');
    const media = this.media ?? this.chooseMedia();
    this.phase = 'answering';

    let opened: OpenedEndpoint;
    try {
      const caller = this.req.getParsedHeader('From');
      opened = await media.openEndpoint({ remoteSdp: this.req.body, headers: { From: `<${caller.uri}>` } });
    } catch (err) {
      if (this.phase === 'answering') this.phase = 'pending';
      throw err;
    }
    if (this.wasCancelled()) {
      await this.discard(opened);
      throw new CallNotPendingError(this.sipCallId, 'cancelled');
    }

    let dialog: Dialog;
    try {
      dialog = await this.srf.createUAS(this.req, this.res, { localSdp: opened.endpoint.local.sdp, headers });
    } catch (err) {
      await this.discard(opened);
      if (this.wasCancelled()) throw new CallNotPendingError(this.sipCallId, 'cancelled');
      this.phase = 'rejected';
      throw new MediaOperationError('answering the call', errorText(err));
    }
    this.phase = 'answered';
    const leg = new SipLeg(opened.endpoint, dialog, media.name, opened.release, this.log, this.timings);
    this.log.info({ legId: leg.id, mediaServer: media.name }, 'inbound call answered');
    return leg;
  }

  async reject(status: number, reason?: string): Promise<void> {
    if (this.phase === 'cancelled' || this.phase === 'rejected') return;
    if (this.phase !== 'pending') throw new CallNotPendingError(this.sipCallId, this.phase);
    this.phase = 'rejected';
    try {
      if (reason) this.res.send(status, reason);
      else this.res.send(status);
    } catch (err) {
      // srf throws on a status it does not know; the caller still must not hear silence.
      this.log.warn({ status, err: errorText(err) }, 'rejecting with that status failed; sending 500');
      this.res.send(500);
    }
  }

  /** A method, not a field check, because the CANCEL changes the phase while answer() awaits. */
  private wasCancelled(): boolean {
    return this.phase === 'cancelled';
  }

  private cancelled(): void {
    if (this.phase === 'answered' || this.phase === 'rejected') return;
    this.phase = 'cancelled';
    this.log.info('caller cancelled before the answer');
    for (const listener of this.cancelListeners.splice(0)) this.notify(listener);
  }

  private async discard(opened: OpenedEndpoint): Promise<void> {
    await endEndpoint(opened.endpoint, this.timings.teardownMs, this.log);
    opened.release();
  }

  private notify(listener: () => void): void {
    try {
      listener();
    } catch (err) {
      this.log.error({ err }, 'a cancel listener threw');
    }
  }
}
