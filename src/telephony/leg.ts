import type { Logger } from 'pino';
import { sipUserSchema } from '../domain/person';
import type { Leg, TransferOutcome } from '../services/ports/telephony';
import { DeadlineError, withDeadline } from './deadline';
import type { Dialog, Endpoint, SipHeaders, SipRequest, SipResponse } from './drachtio-api';
import { modifyEndpoint } from './endpoint-modify';
import { JoinTimeoutError, LegEndedError, MediaOperationError } from './errors';
import { setHeldMediaTimeout } from './held-media-timeout';
import { DEFAULT_HELD_PHONE_PROBE, HeldPhoneProbe, type HeldPhoneProbeTimings } from './held-phone-probe';
import { offerHolds } from './sdp-hold';
import { refreshAnswerHeaders } from './session-timer';
import { userOf } from './sip-uri';
import { endDialog, endEndpoint } from './teardown';

export interface LegTimings {
  /** fsmrf's join never settles when FreeSWITCH refuses it (a locked room). */
  joinMs: number;
  /** Both the BYE to the phone and the endpoint's hangup wait on the far end. */
  teardownMs: number;
  /** Giving the endpoint a phone's offer or answer (a re-INVITE to FreeSWITCH). */
  modifyMs: number;
  /** Asking a phone that holds the call whether it is still there. */
  heldProbe: HeldPhoneProbeTimings;
}

export const DEFAULT_LEG_TIMINGS: LegTimings = { joinMs: 5000, teardownMs: 3000, modifyMs: 3000, heldProbe: DEFAULT_HELD_PHONE_PROBE };

/** The timings of a leg whose phone is never asked whether it is there. */
export const withoutHeldProbe = (timings: LegTimings): LegTimings => ({ ...timings, heldProbe: { ...timings.heldProbe, everyMs: 0 } });

type EndedBy = 'remote' | 'media';

/** The last NOTIFY of a transfer ends the phone's subscription to it (RFC 3515). */
const TRANSFER_OVER = 'terminated;reason=noresource';

/**
 * A call (the SIP dialog with a phone) bridged to a FreeSWITCH endpoint. It
 * ends once, whichever side goes first: the phone's BYE, FreeSWITCH dropping
 * the channel, or our hangup(); then the other side is torn down too.
 */
export class SipLeg implements Leg {
  readonly id: string;
  readonly dialogId: string;
  private endedBy?: EndedBy | 'local';
  private readonly endedListeners: ((by: EndedBy) => void)[] = [];
  private readonly holdListeners: ((held: boolean) => void)[] = [];
  private phoneHolds = false;
  /** The phone's SDP as FreeSWITCH has it (srf's dialog.remote.sdp is blanked by a re-INVITE without one). */
  private phoneSdp: string;
  private transferHandler?: (target: string) => Promise<TransferOutcome>;
  private transferUnderWay = false;
  private readonly endWaiters = new Set<() => void>();
  private dialogGone = false;
  private endpointGone = false;
  private teardown?: Promise<void>;
  private joining = false;
  private readonly heldProbe: HeldPhoneProbe;

  constructor(
    private readonly endpoint: Endpoint,
    private readonly dialog: Dialog,
    readonly mediaServer: string,
    private readonly release: () => void,
    private readonly log: Logger,
    private readonly timings: LegTimings = DEFAULT_LEG_TIMINGS,
  ) {
    this.id = endpoint.uuid;
    this.dialogId = dialog.id;
    this.phoneSdp = dialog.remote.sdp;
    this.heldProbe = new HeldPhoneProbe(dialog, timings.heldProbe, (why) => this.ended('media', why), log.child({ legId: this.id }));
    dialog.on('destroy', (_req, reason) => {
      this.dialogGone = true;
      this.ended('remote', reason);
    });
    endpoint.on('destroy', () => {
      this.endpointGone = true;
      this.ended('media');
    });
    dialog.on('modify', (req, res) => void this.renegotiate(req, res));
    // An UPDATE's offer changes the media as a re-INVITE's does; without one it only refreshes the session.
    dialog.on('update', (req, res) => (req.body ? void this.renegotiate(req, res) : res.send(200, { headers: refreshAnswerHeaders(req) })));
    dialog.on('refer', (req, res) => void this.transfer(req, res));
  }

  async join(room: string): Promise<{ memberId: string }> {
    if (this.endedBy) throw new LegEndedError(this.id);
    // fsmrf allows one pending join per endpoint; a second would throw inside it.
    if (this.joining) throw new MediaOperationError(`joining room ${room}`, 'an earlier join of this leg is still pending');
    this.joining = true;
    let stopWaiting: (() => void) | undefined;
    const legEnds = new Promise<never>((_, reject) => {
      stopWaiting = () => reject(new LegEndedError(this.id));
      this.endWaiters.add(stopWaiting);
    });
    try {
      const joined = await withDeadline(
        Promise.race([this.endpoint.join(room), legEnds]),
        this.timings.joinMs,
        () => new JoinTimeoutError(room, this.timings.joinMs),
      );
      this.joining = false;
      return { memberId: String(joined.memberId) };
    } catch (err) {
      // A timed-out join stays pending inside fsmrf: this leg cannot join again.
      if (!(err instanceof JoinTimeoutError)) this.joining = false;
      throw err;
    } finally {
      if (stopWaiting) this.endWaiters.delete(stopWaiting);
    }
  }

  /**
   * The phone offers new media in its dialog (re-INVITE or UPDATE): hold
   * (sendonly), a new address or codec. FreeSWITCH answers it, so the room's
   * audio follows the phone. When FreeSWITCH refuses, the phone gets 488 and
   * both keep the media they had.
   */
  private async renegotiate(req: SipRequest, res: SipResponse): Promise<void> {
    const log = this.log.child({ legId: this.id });
    const headers: SipHeaders = { 'Content-Type': 'application/sdp', ...refreshAnswerHeaders(req) };
    if (this.dialog.local.contact) headers.Contact = this.dialog.local.contact;
    // A re-INVITE without an offer asks for ours: the one the phone has. Its
    // answer comes in the ACK (a PBX moving the call's media sends one so).
    if (!req.body) {
      this.dialog.once('ack', (ack) => void this.followAnswer(ack.body));
      res.send(200, { body: this.dialog.local.sdp, headers });
      return;
    }
    try {
      const answer = await this.giveEndpoint(req.body, log);
      this.dialog.local.sdp = answer;
      this.phoneSdp = req.body;
      res.send(200, { body: answer, headers });
      log.info('the phone changed its media; FreeSWITCH answered');
      this.holdChanged(offerHolds(req.body));
    } catch (err) {
      log.warn({ err }, 'the phone changed its media; FreeSWITCH refused, the phone keeps the media it had');
      res.send(488);
    }
  }

  /** The phone's answer in an ACK goes to FreeSWITCH when it changed the media. */
  private async followAnswer(answer: string): Promise<void> {
    if (!answer || answer === this.phoneSdp || this.endedBy) return;
    const log = this.log.child({ legId: this.id });
    try {
      await this.giveEndpoint(answer, log);
      this.phoneSdp = answer;
      log.info("the phone changed its media in an ACK's answer; FreeSWITCH follows");
      this.holdChanged(offerHolds(answer));
    } catch (err) {
      log.warn({ err }, "FreeSWITCH refused the phone's answer in its ACK; it keeps the media it had");
    }
  }

  /**
   * Gives the endpoint the phone's new SDP. A hold or a resume first sets the
   * channel's media timeout for it (held-media-timeout.ts), and puts it back
   * when FreeSWITCH refuses the SDP.
   */
  private async giveEndpoint(sdp: string, log: Logger): Promise<string> {
    const holdChanges = offerHolds(sdp) !== this.phoneHolds;
    if (holdChanges) await this.mediaTimeoutFor(!this.phoneHolds, log);
    try {
      return await modifyEndpoint(this.endpoint, sdp, this.timings.modifyMs);
    } catch (err) {
      if (holdChanges) await this.mediaTimeoutFor(this.phoneHolds, log);
      throw err;
    }
  }

  private async mediaTimeoutFor(held: boolean, log: Logger): Promise<void> {
    try {
      await withDeadline(setHeldMediaTimeout(this.endpoint, held), this.timings.modifyMs, () => new DeadlineError('uuid_setvar', this.timings.modifyMs));
    } catch (err) {
      // The change goes ahead: at worst a quiet held phone is hung up as before.
      log.warn({ err, held }, "could not set the media timeout of the phone's hold");
    }
  }

  hangup(): Promise<void> {
    if (!this.endedBy && this.transferUnderWay) {
      // Our hang-up while the phone's transfer is under way is the hand-over
      // taking the call from it: the phone hears that it went (200) before our BYE.
      this.transferUnderWay = false;
      const told = this.notifyTransfer('200 OK', TRANSFER_OVER, this.log.child({ legId: this.id }));
      this.teardown ??= told.then(() => this.releaseBoth());
    }
    this.endedBy ??= 'local';
    return this.tearDown();
  }

  onEnded(listener: (by: EndedBy) => void): void {
    const by = this.endedBy;
    if (by === 'remote' || by === 'media') queueMicrotask(() => this.notify(listener, by));
    else this.endedListeners.push(listener);
  }

  onPhoneHold(listener: (held: boolean) => void): void {
    this.holdListeners.push(listener);
  }

  onTransferRequest(handler: (target: string) => Promise<TransferOutcome>): void {
    this.transferHandler = handler;
  }

  /**
   * The phone's transfer button (REFER). A blind transfer to a user goes to the
   * handler; the phone hears how it went in NOTIFYs (RFC 3515): 200 and it
   * hangs up, anything else and it keeps the call. Without a handler, and for
   * an attended transfer (Replaces), the phone is refused rather than told 200
   * while nothing happens.
   */
  private async transfer(req: SipRequest, res: SipResponse): Promise<void> {
    const log = this.log.child({ legId: this.id });
    // Or its compact form (RFC 3515), which srf's parser does not expand.
    const referTo = req.get('Refer-To') ?? req.get('r') ?? '';
    const user = sipUserSchema.safeParse(userOf(referTo.replace(/^[^<]*<|>.*$/g, '')));
    const target = /replaces/i.test(referTo) || !user.success ? undefined : user.data;
    const handler = this.transferHandler;
    if (!handler || !target) {
      log.info({ referTo }, "refused the phone's transfer (REFER): not a blind transfer we can hand over");
      res.send(501, 'Transfer From The Console');
      return;
    }
    res.send(202);
    this.transferUnderWay = true;
    // Handed over at once: a phone may hang up as soon as it has the 202.
    const handing = handler(target).catch((err: unknown): TransferOutcome => {
      log.error({ err, target }, 'the transfer failed');
      return { accepted: false, status: 500, reason: 'Server Internal Error' };
    });
    if (!this.endedBy) await this.notifyTransfer('100 Trying', 'active;expires=60', log);
    const outcome = await handing;
    log.info({ target, outcome }, "the phone's transfer");
    // Told already when the hand-over hung the phone up (hangup()).
    if (!this.transferUnderWay || this.endedBy) return;
    this.transferUnderWay = false;
    await this.notifyTransfer(outcome.accepted ? '200 OK' : `${outcome.status} ${outcome.reason}`, TRANSFER_OVER, log);
  }

  /** A NOTIFY the phone never answers must not hold up the hang-up behind it. */
  private async notifyTransfer(status: string, subscription: string, log: Logger): Promise<void> {
    try {
      const notify = this.dialog.request({
        method: 'NOTIFY',
        headers: { Event: 'refer', 'Subscription-State': subscription, 'Content-Type': 'message/sipfrag;version=2.0' },
        body: `SIP/2.0 ${status}\r\n`,
      });
      await withDeadline(notify, this.timings.teardownMs, () => new DeadlineError('NOTIFY', this.timings.teardownMs));
    } catch (err) {
      // The phone may have hung up already, as it does once a transfer is under way.
      log.debug({ err }, 'could not tell the phone how its transfer went');
    }
  }

  private holdChanged(held: boolean): void {
    if (held === this.phoneHolds || this.endedBy) return;
    this.phoneHolds = held;
    if (held) this.heldProbe.start();
    else this.heldProbe.stop();
    for (const listener of this.holdListeners) this.notify(listener, held);
  }

  private ended(by: EndedBy, reason?: string): void {
    if (this.endedBy) return;
    this.endedBy = by;
    this.log.info({ legId: this.id, by, reason }, 'leg ended');
    for (const stop of this.endWaiters) stop();
    for (const listener of this.endedListeners.splice(0)) this.notify(listener, by);
    void this.tearDown();
  }

  /** A listener that throws cannot stop the others, nor the leg's teardown. */
  private notify<T>(listener: (value: T) => void, value: T): void {
    try {
      listener(value);
    } catch (err) {
      this.log.error({ err, legId: this.id }, 'a leg listener threw');
    }
  }

  /** Frees whatever is still up; once, however many times it is asked. */
  private tearDown(): Promise<void> {
    this.teardown ??= this.releaseBoth();
    return this.teardown;
  }

  private async releaseBoth(): Promise<void> {
    this.heldProbe.stop();
    for (const stop of this.endWaiters) stop();
    const log = this.log.child({ legId: this.id });
    const steps: Promise<void>[] = [];
    if (!this.dialogGone) {
      this.dialogGone = true;
      steps.push(endDialog(this.dialog, this.timings.teardownMs, log));
    }
    if (!this.endpointGone) {
      this.endpointGone = true;
      steps.push(endEndpoint(this.endpoint, this.timings.teardownMs, log));
    }
    await Promise.all(steps);
    this.release();
  }
}
