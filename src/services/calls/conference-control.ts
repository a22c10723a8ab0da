import type { CallLeg } from '../../domain/call';
import { ConflictError, NotFoundError } from '../../domain/errors';
import type { EventFeed } from '../ports/event-feed';
import type { MemberControl, Telephony } from '../ports/telephony';
import type { CallEngine } from './call-engine';
import type { CallSession } from './call-session';

// What each switch sets on the leg, and the event it makes.
const SWITCHES = {
  mute: { flags: { muted: true }, event: 'participant.muted' },
  unmute: { flags: { muted: false }, event: 'participant.unmuted' },
  hold: { flags: { held: true }, event: 'participant.held' },
  unhold: { flags: { held: false }, event: 'participant.unheld' },
} as const;

/**
 * The room's controls on the instance that owns the call: mute, hold (music,
 * nothing heard either way), kick, a staff member leaving, ending the call.
 */
export class ConferenceControl {
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

  private async switchLeg(session: CallSession, leg: CallLeg, control: keyof typeof SWITCHES, by: string): Promise<void> {
    const { flags, event } = SWITCHES[control];
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
