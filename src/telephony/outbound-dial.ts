import type { Logger } from 'pino';
import type { DialFailed, DialRequest, DialResult, OutboundDial } from '../services/ports/telephony';
import type { Dialog, SipRequest, SipResponse, Srf, UacOptions } from './drachtio-api';
import { modifyEndpoint } from './endpoint-modify';
import { endpointFrom, endpointFromHeader } from './endpoint-name';
import { errorText } from './errors';
import type { BranchUri } from './forked-dial';
import { DEFAULT_LEG_TIMINGS, type LegTimings, SipLeg, withoutHeldProbe } from './leg';
import { refuseMediaChangesUntilLeg } from './media-change-guard';
import type { MediaChannels, OpenedEndpoint } from './media-servers';
import { dialFailureOf, type LocalCancel } from './sip-failure';
import { endDialog, endEndpoint } from './teardown';

export interface DialTimings extends LegTimings {
  /** How long a phone may take to answer our CANCEL (487) before we stop waiting. */
  cancelGraceMs: number;
}

export const DEFAULT_DIAL_TIMINGS: DialTimings = { ...DEFAULT_LEG_TIMINGS, cancelGraceMs: 4000 };

/** A dial to one phone: its URI, or the look-up of it (no URI fails the dial as 'unavailable'). */
export type BranchRequest = Omit<DialRequest, 'uri'> & { uri: BranchUri };

/** The From naming a dial's endpoint: its member, known before the URI, else the URI's user. */
function memberFromHeader(request: BranchRequest): string {
  if (request.memberName) return endpointFrom(request.memberName);
  return typeof request.uri === 'string' ? endpointFromHeader(request.uri) : endpointFrom('dial');
}

/** A dial that could not even start (e.g. its media server is unknown). */
export function failedDial(failure: DialFailed): OutboundDial {
  return {
    result: Promise.resolve({ failed: failure }),
    onRinging: () => undefined,
    onPhoneRinging: () => undefined,
    pendingInvites: () => [],
    cancel: () => undefined,
  };
}

/**
 * One outbound third-party-call-control leg: a FreeSWITCH endpoint makes the
 * offer, the INVITE to the phone carries it, the phone's answer goes back to
 * the endpoint. The races, and how each is settled:
 *
 * - cancel() or the ring timer before any 18x: we ask for the CANCEL at once
 *   (drachtio's SIP stack holds it until a provisional response, which may be
 *   a 100 Trying that srf never shows us, and sends nothing if none comes) and
 *   give up locally at once; a 200 OK that still comes is BYE'd (drachtio-server
 *   ACKs and BYEs it itself, having seen our CANCEL).
 * - cancel() or the ring timer after an 18x: CANCEL; the result settles on the
 *   487 (or after cancelGraceMs if the phone never sends one).
 * - a 200 OK that crosses our CANCEL, or a cancel() while we give the endpoint
 *   the answer: the leg is torn down (BYE + endpoint hangup), never handed out.
 * - cancel() after the answer: hangs the leg up.
 */
export class SipOutboundDial implements OutboundDial {
  readonly result: Promise<DialResult>;
  private resolveResult!: (result: DialResult) => void;
  private settled = false;
  private readonly ringingListeners: (() => void)[] = [];
  private ringing = false;
  private provisionalSeen = false;
  private invite?: SipRequest;
  private cancelledBy?: LocalCancel;
  private cancelSent = false;
  /** The 200 OK is in; the endpoint is taking the answer. */
  private answering = false;
  private leg?: SipLeg;
  private readonly ringTimer: NodeJS.Timeout;
  private graceTimer?: NodeJS.Timeout;
  private readonly log: Logger;

  constructor(
    private readonly request: BranchRequest,
    private readonly media: MediaChannels,
    private readonly srf: Pick<Srf, 'createUAC'>,
    log: Logger,
    private readonly timings: DialTimings = DEFAULT_DIAL_TIMINGS,
  ) {
    this.log = log.child({ ...(typeof request.uri === 'string' ? { dialUri: request.uri } : {}), mediaServer: media.name });
    this.result = new Promise((resolve) => (this.resolveResult = resolve));
    this.ringTimer = setTimeout(() => this.giveUp('no_answer'), request.ringTimeoutSec * 1000);
    this.ringTimer.unref();
    void this.place().catch((err: unknown) => {
      this.log.error({ err }, 'outbound dial failed unexpectedly');
      this.settle({ failed: { outcome: 'failed', reason: errorText(err) } });
    });
  }

  onRinging(listener: () => void): void {
    if (this.ringing) queueMicrotask(() => this.notifyRinging(listener));
    else this.ringingListeners.push(listener);
  }

  /** One phone: it rings once. */
  onPhoneRinging(listener: () => void): void {
    this.onRinging(listener);
  }

  cancel(): void {
    if (this.leg) {
      void this.leg.hangup();
      return;
    }
    this.giveUp('cancelled');
  }

  private async place(): Promise<void> {
    // The endpoint is made while the URI is still being looked up.
    const opening = this.media.openEndpoint({ headers: { From: memberFromHeader(this.request) } });
    let uri: string | undefined;
    let registeredPhone = false;
    try {
      [uri, registeredPhone] = await Promise.all([this.request.uri, this.request.registeredPhones ?? false]);
    } catch (err) {
      this.log.warn({ err: errorText(err) }, 'looking up where to dial failed');
    }
    let opened: OpenedEndpoint;
    try {
      opened = await opening;
    } catch (err) {
      this.settle({ failed: { outcome: 'failed', reason: errorText(err) } });
      return;
    }
    if (this.cancelledBy) {
      await this.discard(opened);
      return;
    }
    if (!uri) {
      this.settle({ failed: { outcome: 'unavailable', reason: 'no reachable contact' } });
      await this.discard(opened);
      return;
    }
    if (typeof this.request.uri !== 'string') this.log.debug({ dialUri: uri }, 'dialling');

    // createUAC adds From/Contact to the headers and sets uri: a fresh object per call.
    const options: UacOptions = { localSdp: opened.endpoint.local.sdp, headers: { ...this.request.headers } };
    if (this.request.callingNumber) options.callingNumber = this.request.callingNumber;

    let dialog: Dialog;
    try {
      dialog = await this.srf.createUAC(uri, options, {
        cbRequest: (_err, sent) => {
          this.invite = sent;
          if (this.cancelledBy) this.sendCancel();
        },
        cbProvisional: (res) => this.provisional(res),
      });
    } catch (err) {
      this.settle({ failed: dialFailureOf(err, this.cancelledBy) });
      await this.discard(opened);
      return;
    }

    clearTimeout(this.ringTimer);
    this.answering = true;
    // The phone may hang up while the endpoint takes the answer, before a leg listens.
    let hungUpEarly = false;
    dialog.on('destroy', () => (hungUpEarly = true));
    const stopRefusing = refuseMediaChangesUntilLeg(dialog);
    if (this.cancelledBy) return this.answeredTooLate(dialog, opened);
    try {
      await modifyEndpoint(opened.endpoint, dialog.remote.sdp, this.timings.modifyMs);
    } catch (err) {
      this.log.warn({ err: errorText(err) }, 'the endpoint did not take the answer; hanging up');
      this.settle({ failed: { outcome: 'failed', reason: `media: ${errorText(err)}` } });
      await this.hangUp(dialog, opened);
      return;
    }
    if (this.cancelledBy) return this.answeredTooLate(dialog, opened);
    if (hungUpEarly) {
      this.settle({ failed: { outcome: 'failed', reason: 'the phone hung up while the call was being connected' } });
      await this.discard(opened);
      return;
    }

    stopRefusing();
    const timings = registeredPhone ? this.timings : withoutHeldProbe(this.timings);
    this.leg = new SipLeg(opened.endpoint, dialog, this.media.name, opened.release, this.log, timings);
    this.log.info({ legId: this.leg.id }, 'outbound leg answered');
    this.settle({ answered: this.leg });
  }

  pendingInvites(): string[] {
    const id = this.invite?.stackTxnId;
    return id && !this.answering && !this.settled ? [id] : [];
  }

  private provisional(res: SipResponse): void {
    // srf passes 18x up, not 100 Trying.
    this.provisionalSeen = true;
    if (this.cancelledBy) return;
    if (res.status >= 180 && !this.ringing) {
      this.ringing = true;
      for (const listener of this.ringingListeners.splice(0)) this.notifyRinging(listener);
    }
  }

  private giveUp(reason: LocalCancel): void {
    if (this.cancelledBy || this.settled) return;
    this.cancelledBy = reason;
    clearTimeout(this.ringTimer);
    this.log.info({ reason, provisionalSeen: this.provisionalSeen }, 'giving up on the outbound leg');
    if (this.answering) {
      // The 200 OK is in: place() hangs the leg up as soon as the endpoint has the answer.
      this.settle({ failed: { outcome: reason, status: 200, reason: 'answered after cancel' } });
      return;
    }
    this.sendCancel();
    if (this.provisionalSeen) {
      this.graceTimer = setTimeout(() => this.settle({ failed: { outcome: reason } }), this.timings.cancelGraceMs);
      this.graceTimer.unref();
    } else {
      // Nothing from the phone yet: do not wait for it; place() cleans up what still arrives.
      this.settle({ failed: { outcome: reason } });
    }
  }

  private sendCancel(): void {
    if (this.cancelSent || !this.invite) return;
    this.cancelSent = true;
    try {
      this.invite.cancel((err) => {
        if (err) this.log.warn({ err: errorText(err) }, 'sending CANCEL failed');
      });
    } catch (err) {
      this.log.warn({ err: errorText(err) }, 'sending CANCEL failed');
    }
  }

  private async answeredTooLate(dialog: Dialog, opened: OpenedEndpoint): Promise<void> {
    this.log.info({ cancelledBy: this.cancelledBy }, 'answered after we gave up; hanging up');
    this.settle({ failed: { outcome: this.cancelledBy ?? 'cancelled', status: 200, reason: 'answered after cancel' } });
    await this.hangUp(dialog, opened);
  }

  private async hangUp(dialog: Dialog, opened: OpenedEndpoint): Promise<void> {
    await Promise.all([
      endDialog(dialog, this.timings.teardownMs, this.log),
      endEndpoint(opened.endpoint, this.timings.teardownMs, this.log),
    ]);
    opened.release();
  }

  private async discard(opened: OpenedEndpoint): Promise<void> {
    await endEndpoint(opened.endpoint, this.timings.teardownMs, this.log);
    opened.release();
  }

  private settle(result: DialResult): void {
    clearTimeout(this.ringTimer);
    clearTimeout(this.graceTimer);
    if (this.settled) return;
    this.settled = true;
    this.resolveResult(result);
  }

  private notifyRinging(listener: () => void): void {
    try {
      listener();
    } catch (err) {
      this.log.error({ err }, 'a ringing listener threw');
    }
  }
}
