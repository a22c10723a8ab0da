import type { Logger } from 'pino';
import type { InboundCall, Leg } from '../services/ports/telephony';
import type { Dialog, SipRequest, SipResponse, Srf } from './drachtio-api';
import { DeadlineError, withDeadline } from './deadline';
import { modifyEndpoint } from './endpoint-modify';
import { endpointFrom } from './endpoint-name';
import { CallNotPendingError, errorText, MediaOperationError } from './errors';
import { DEFAULT_LEG_TIMINGS, type LegTimings, SipLeg, withoutHeldProbe } from './leg';
import { refuseMediaChangesUntilLeg } from './media-change-guard';
import type { MediaChannels, OpenedEndpoint } from './media-servers';
import { answerTimerHeaders } from './session-timer';
import { userOf } from './sip-uri';
import { endDialog, endEndpoint } from './teardown';

type Phase = 'pending' | 'answering' | 'answered' | 'rejected' | 'cancelled';

/** How long the caller has to ACK our 200 OK: srf retransmits it until then (RFC 3261's 64·T1). */
export const ACK_WAIT_MS = 32_000;

/**
 * A customer's INVITE until we answer or reject it. Answering is fsmrf's
 * connectCaller done in its two steps (endpoint with the caller's offer, then
 * 200 OK with the endpoint's answer) so that a CANCEL arriving in between frees
 * the endpoint: connectCaller leaves it behind when its 200 OK cannot be sent.
 * An INVITE without an offer (late offer, as some PBXs' trunks send) gets
 * FreeSWITCH's offer in the 200 OK, and the endpoint the caller's answer from
 * the ACK.
 */
export class SipInboundCall implements InboundCall {
  readonly sipCallId: string;
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
    /** Who is calling (caller-identity.ts). */
    readonly from: string,
    private readonly chooseMedia: () => MediaChannels,
    private readonly srf: Pick<Srf, 'createUAS'>,
    log: Logger,
    private readonly timings: LegTimings = DEFAULT_LEG_TIMINGS,
    private readonly ackWaitMs = ACK_WAIT_MS,
  ) {
    this.sipCallId = req.get('Call-ID') ?? req.callId;
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
    const media = this.media ?? this.chooseMedia();
    this.phase = 'answering';
    const offer = this.req.body;

    let opened: OpenedEndpoint;
    try {
      // The endpoint is named for who calls, as the call is: `conference list` shows the asserted number, not the presented one.
      const from = { From: endpointFrom(this.from) };
      opened = await media.openEndpoint(offer ? { remoteSdp: offer, headers: from } : { headers: from });
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
      dialog = await this.srf.createUAS(this.req, this.res, { localSdp: opened.endpoint.local.sdp, headers: { ...headers, ...answerTimerHeaders(this.req) } });
    } catch (err) {
      await this.discard(opened);
      if (this.wasCancelled()) throw new CallNotPendingError(this.sipCallId, 'cancelled');
      this.phase = 'rejected';
      throw new MediaOperationError('answering the call', errorText(err));
    }
    if (!offer) await this.takeAnswer(dialog, opened);
    this.phase = 'answered';
    // A customer who holds is not asked whether they are there (held-phone-probe.ts): their
    // carrier's border answers an OPTIONS in the dialog for them, and not every one answers it
    // well. One gone while holding leaves the agent in the room, who can end the call.
    const leg = new SipLeg(opened.endpoint, dialog, media.name, opened.release, this.log, withoutHeldProbe(this.timings));
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

  /**
   * A late offer's answer, from the caller's ACK, to the endpoint: it has no
   * media until then. With no answer, or none FreeSWITCH takes, the call is
   * hung up (it was answered: a BYE, not a rejection). A caller who hangs up
   * meanwhile, before a leg listens for it, has given up like a CANCEL.
   */
  private async takeAnswer(dialog: Dialog, opened: OpenedEndpoint): Promise<void> {
    let hungUp = false;
    const ackOrBye = new Promise<SipRequest | undefined>((resolve) => {
      dialog.once('ack', resolve);
      dialog.on('destroy', () => {
        hungUp = true;
        resolve(undefined);
      });
    });
    try {
      const ack = await withDeadline(ackOrBye, this.ackWaitMs, () => new DeadlineError('the ACK of our 200 OK', this.ackWaitMs));
      if (ack && !ack.body) throw new MediaOperationError('answering a late offer', 'the ACK carries no SDP answer');
      if (ack) {
        // The leg that follows the caller's media changes does not listen yet.
        const stopRefusing = refuseMediaChangesUntilLeg(dialog);
        await modifyEndpoint(opened.endpoint, ack.body, this.timings.modifyMs).finally(stopRefusing);
      }
    } catch (err) {
      if (!hungUp) {
        this.phase = 'rejected';
        await Promise.all([endDialog(dialog, this.timings.teardownMs, this.log), this.discard(opened)]);
        throw err instanceof MediaOperationError ? err : new MediaOperationError('answering a late offer', errorText(err));
      }
    }
    if (hungUp) {
      this.cancelled('the caller hung up before the call was connected');
      await this.discard(opened);
      throw new CallNotPendingError(this.sipCallId, 'cancelled');
    }
  }

  /** A method, not a field check, because the CANCEL changes the phase while answer() awaits. */
  private wasCancelled(): boolean {
    return this.phase === 'cancelled';
  }

  private cancelled(how = 'caller cancelled before the answer'): void {
    if (this.phase === 'answered' || this.phase === 'rejected') return;
    this.phase = 'cancelled';
    this.log.info(how);
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
