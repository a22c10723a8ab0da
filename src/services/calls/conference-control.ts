import type { CallLeg } from '../../domain/call';
import { ConflictError, NotFoundError } from '../../domain/errors';
import type { EventFeed } from '../ports/event-feed';
import type { MemberControl, Telephony } from '../ports/telephony';
import type { CallEngine } from './call-engine';
import type { CallSession, StaffLeg } from './call-session';
import { participantRef, type RoomListener } from './staff-legs';

// What each switch sets on the leg, and the event it makes.
const SWITCHES = {
  mute: { flags: { muted: true }, event: 'participant.muted' },
  unmute: { flags: { muted: false }, event: 'participant.unmuted' },
  hold: { flags: { held: true }, event: 'participant.held' },
  unhold: { flags: { held: false }, event: 'participant.unheld' },
} as const;

// Who a desk phone's hold and resume switch, in place of the console's controls.
const BY_PHONE = 'desk_phone';

/**
 * The room's controls on the instance that owns the call: mute, hold (music,
 * nothing heard either way), kick, a staff member leaving, ending the call;
 * and what a staff member's desk phone holding the call does to the room.
 */
export class ConferenceControl implements RoomListener {
  constructor(
    private readonly engine: CallEngine,
    private readonly deps: { telephony: Telephony; events: EventFeed },
  ) {}

  async control(callId: string, legId: string, control: MemberControl, by: string): Promise<void> {
    const session = this.sessionOf(callId);
    const leg = session.call.legs.find((l) => l.id === legId && l.state === 'joined');
    if (!leg) throw new NotFoundError('participant', legId);
    if (control === 'kick') {
      await this.kick(session, leg, by);
      return;
    }
    await this.switchLeg(session, leg, control, by);
  }

  /** Holds or resumes the customer (a consult's briefing). */
  async setCustomerHeld(session: CallSession, held: boolean, by: string): Promise<void> {
    const customer = session.call.legs.find((l) => l.role === 'customer' && l.state === 'joined');
    if (customer) await this.switchLeg(session, customer, held ? 'hold' : 'unhold', by);
  }

  /** A staff member takes their own leg out; the call goes on without them. */
  async leave(callId: string, personId: string): Promise<void> {
    const session = this.sessionOf(callId);
    const staff = session.joinedStaff().find((s) => s.personId === personId);
    if (!staff) throw new ConflictError('not_in_call', `"${personId}" is not in call "${callId}"`);
    await this.engine.staffLeft(session, staff);
  }

  private async kick(session: CallSession, leg: CallLeg, by: string): Promise<void> {
    await this.deps.events.append('participant.kicked', { callId: session.id, legId: leg.id, role: leg.role, personId: leg.personId, by });
    if (leg.role === 'customer') {
      await this.engine.endCall(session.id, 'ended_by_staff');
      return;
    }
    const staff = session.staff.get(leg.id);
    if (staff) await this.engine.staffLeft(session, staff);
  }

  /**
   * A staff member's desk phone holds the call or takes it back. While it
   * holds, their member is muted (what the phone plays on hold stays out of
   * the room), and a customer left with nobody else talking is held with our
   * music, as the console's Hold does.
   */
  async phoneHold(staff: StaffLeg, held: boolean): Promise<void> {
    const session = this.engine.session(staff.callId);
    const leg = staff.record;
    if (!session || session.ended || leg.state !== 'joined') return;
    leg.phoneHeld = held;
    if (held && !leg.muted) await this.switchByPhone(session, leg, 'mute');
    else if (!held && session.switchedByPhone.has(leg.id)) await this.switchByPhone(session, leg, 'unmute');
    else await this.engine.saveCall(session);
    await this.holdCustomerWhileNobodyTalks(session);
    await this.deps.events.append(held ? 'participant.phone_held' : 'participant.phone_resumed', participantRef(staff));
  }

  /** Staff joined or left: the customer may have someone to talk to again, or no longer. */
  async staffChanged(callId: string): Promise<void> {
    const session = this.engine.session(callId);
    if (session && !session.ended) await this.holdCustomerWhileNobodyTalks(session);
  }

  private async holdCustomerWhileNobodyTalks(session: CallSession): Promise<void> {
    const customer = session.call.legs.find((l) => l.role === 'customer' && l.state === 'joined');
    if (!customer) return;
    const staff = session.joinedStaff();
    const nobodyTalks = staff.length > 0 && staff.every((s) => s.record.phoneHeld);
    if (nobodyTalks && !customer.held) await this.switchByPhone(session, customer, 'hold');
    else if (!nobodyTalks && session.switchedByPhone.has(customer.id)) await this.switchByPhone(session, customer, 'unhold');
  }

  private async switchByPhone(session: CallSession, leg: CallLeg, control: keyof typeof SWITCHES): Promise<void> {
    await this.switchLeg(session, leg, control, BY_PHONE);
    if (control === 'mute' || control === 'hold') session.switchedByPhone.add(leg.id);
  }

  private async switchLeg(session: CallSession, leg: CallLeg, control: keyof typeof SWITCHES, by: string): Promise<void> {
    const { flags, event } = SWITCHES[control];
    // Whoever switches a leg last owns it: a desk phone's resume leaves it alone.
    session.switchedByPhone.delete(leg.id);
    // Already so (a consult holding a customer the agent's phone holds): nothing to tell FreeSWITCH.
    if (Object.entries(flags).every(([flag, on]) => Boolean(leg[flag as keyof typeof flags]) === on)) return;
    await this.deps.telephony.controlMember(session.call.mediaServer, session.call.room, leg.memberId as string, control);
    Object.assign(leg, flags);
    await this.engine.saveCall(session);
    await this.deps.events.append(event, { callId: session.id, legId: leg.id, role: leg.role, personId: leg.personId, by });
  }

  private sessionOf(callId: string): CallSession {
    const session = this.engine.session(callId);
    if (!session || session.ended) throw new NotFoundError('call', callId);
    return session;
  }
}
