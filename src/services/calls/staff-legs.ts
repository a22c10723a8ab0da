import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { LegRole } from '../../domain/call';
import type { DeskRegistration } from '../../domain/person';
import { storedPerson } from '../../store/people-store';
import type { BackgroundWork } from '../background-work';
import type { ClaimService } from '../claim-service';
import type { DirectoryService } from '../directory-service';
import type { EventFeed } from '../ports/event-feed';
import type { DialFailed, Leg, Telephony, TransferOutcome } from '../ports/telephony';
import type { PresenceService } from '../presence-service';
import { type CallSession, handlesOf, type StaffLeg } from './call-session';
import type { ContactResolver } from './contact-resolver';

export interface StaffLegDeps {
  telephony: Telephony;
  claims: ClaimService;
  directory: DirectoryService;
  presence: PresenceService;
  events: EventFeed;
  contacts: ContactResolver;
  log: Logger;
}

export interface RingRequest {
  personId: string;
  claimId: string;
  /** Their stored profile, when the claim brought it: then only the contact is looked up… */
  profile?: string;
  /** …unless the claim brought their desk phone's registration too. */
  deskPhone?: DeskRegistration;
  role: Exclude<LegRole, 'customer'>;
  headers: Record<string, string>;
  ringTimeoutSec: number;
  onRinging: () => void;
}

/** How events name a staff leg. */
export const participantRef = (staff: StaffLeg) => ({
  callId: staff.callId,
  legId: staff.record.id,
  role: staff.record.role,
  personId: staff.personId,
});

export type RingResult = { answered: Leg } | { failed: DialFailed };

/** Hears what changes who talks in a room: a desk phone's hold button, and staff joining or leaving it. */
export interface RoomListener {
  phoneHold(staff: StaffLeg, held: boolean): Promise<void>;
  staffChanged(callId: string): Promise<void>;
}

/**
 * The legs of agents and experts: ring a claimed person into a call's room,
 * join them on answer, and let them go. Calls and escalations share it, so a
 * claimed person is released and a leg hung up the same way whoever rang them.
 */
export class StaffLegs {
  private room?: RoomListener;
  private transfers?: (staff: StaffLeg, target: string) => Promise<TransferOutcome>;

  constructor(
    private readonly deps: StaffLegDeps,
    private readonly background: BackgroundWork,
    /** A joined leg hung up by its phone or lost by the media server. */
    private readonly onLeft: (session: CallSession, staff: StaffLeg) => Promise<void>,
    /** Writes the call's record (for every instance to read). */
    private readonly saveCall: (session: CallSession) => Promise<void>,
  ) {}

  /** The room's controls, once they exist (they need the engine that made these legs). */
  listen(room: RoomListener): void {
    this.room = room;
  }

  /** Who carries out a desk phone's transfer button; without one the phone is refused. */
  handleTransfers(transfers: (staff: StaffLeg, target: string) => Promise<TransferOutcome>): void {
    this.transfers = transfers;
  }

  /**
   * Registers the leg on the session at once (so the call counts as ringing
   * from this moment), then dials the person's preferred contact.
   */
  ring(session: CallSession, request: RingRequest): { staff: StaffLeg; result: Promise<RingResult> } {
    const record = session.addLeg(request.role, randomUUID(), request.personId);
    const staff: StaffLeg = { callId: session.id, record, personId: request.personId, claimId: request.claimId };
    session.staff.set(record.id, staff);
    return { staff, result: this.dial(session, staff, request) };
  }

  /** Joins an answered leg to the room. False when the call or the leg ended meanwhile, or the join failed. */
  async join(session: CallSession, staff: StaffLeg): Promise<boolean> {
    const leg = staff.leg;
    if (!leg || session.ended || staff.record.state === 'ended') {
      await this.release(staff, false);
      return false;
    }
    try {
      const joining = leg.join(session.call.room);
      // The answered leg is kept with the call now, not once joined: if this
      // instance stops meanwhile, another hangs the phone up (sweepLostCalls).
      // Written after the join's command, which it must not delay.
      this.background.run('answered record', () => this.saveCall(session));
      const { memberId } = await joining;
      Object.assign(staff.record, { state: 'joined', memberId, joinedAt: new Date().toISOString() });
    } catch (err) {
      this.deps.log.error({ err, callId: session.id, personId: staff.personId }, 'answered but could not join the room');
      await this.release(staff, false);
      return false;
    }
    // The customer may have hung up while the join ran.
    if (session.ended) {
      await this.release(staff, true);
      return false;
    }
    // A phone that hangs up right after its transfer was accepted leaves once
    // the hand-over has its hold on the customer, not before (nor back to the queue).
    leg.onEnded(() =>
      this.background.run('staff hang-up', async () => {
        await staff.transferring;
        await this.onLeft(session, staff);
      }),
    );
    leg.onPhoneHold((held) => this.background.run('desk phone hold', async () => this.room?.phoneHold(staff, held)));
    const transfers = this.transfers;
    if (transfers) {
      leg.onTransferRequest((target) => {
        const transferring = transfers(staff, target);
        staff.transferring = transferring.then(
          () => undefined,
          () => undefined,
        );
        return transferring;
      });
    }
    await this.deps.presence.startCall(staff.personId);
    await this.deps.events.append('participant.joined', participantRef(staff));
    this.roomChanged(session.id);
    return true;
  }

  /** Ends a staff leg: stop ringing or hang up, release the claim, start wrap-up if they talked. Idempotent. */
  async release(staff: StaffLeg, talked: boolean): Promise<void> {
    if (staff.record.state === 'ended') return;
    const wasJoined = staff.record.state === 'joined';
    staff.record.state = 'ended';
    staff.record.endedAt = new Date().toISOString();
    staff.dial?.cancel();
    await staff.leg?.hangup();
    await this.deps.claims.releaseQuietly(staff.claimId);
    if (talked) await this.deps.presence.endCall(staff.personId, Date.now(), staff.callId);
    if (wasJoined) {
      await this.deps.events.append('participant.left', participantRef(staff));
      this.roomChanged(staff.callId);
    }
  }

  private roomChanged(callId: string): void {
    const room = this.room;
    if (room) this.background.run('room change', () => room.staffChanged(callId));
  }

  private async dial(session: CallSession, staff: StaffLeg, request: RingRequest): Promise<RingResult> {
    // The contacts are looked up while the media endpoint is made; the room lists the member by person.
    const { personId, profile, deskPhone } = request;
    const person = profile
      ? Promise.resolve().then(() => storedPerson(personId, profile))
      : this.deps.directory.get(personId).then((found) => found.person);
    const uris = person.then((p) => this.deps.contacts.urisFor(p, deskPhone)).catch((): string[] => []);
    const dial = this.deps.telephony.dial({
      uri: uris,
      registeredPhones: person.then((p) => this.deps.contacts.ringsRegisteredPhones(p)).catch(() => false),
      memberName: request.personId,
      mediaServer: session.call.mediaServer,
      headers: request.headers,
      callingNumber: session.call.customer,
      ringTimeoutSec: request.ringTimeoutSec,
    });
    // From now on release() cancels it, whatever stage it is at.
    staff.dial = dial;
    dial.onPhoneRinging(() => {
      // Kept with the call: if this instance stops, another cancels the ringing
      // (sweepLostCalls). A fork's phones may start ringing one after another.
      staff.record.invites = dial.pendingInvites();
      this.background.run('ringing record', () => this.saveCall(session));
    });
    dial.onRinging(request.onRinging);
    const result = await dial.result;
    staff.dial = undefined;
    delete staff.record.invites;
    if ('answered' in result) {
      staff.leg = result.answered;
      staff.record.handles = handlesOf(result.answered);
    }
    return result;
  }
}
