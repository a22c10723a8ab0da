import type { Call, CallLeg, LegHandles, LegRole } from '../../domain/call';
import type { Leg, OutboundDial } from '../ports/telephony';

/** What the call's record keeps of an answered leg. */
export const handlesOf = (leg: Leg): LegHandles => ({ dialogId: leg.dialogId, channelId: leg.id });

/** A staff leg and the claim that holds its person while they ring or talk. */
export interface StaffLeg {
  callId: string;
  record: CallLeg;
  personId: string;
  claimId: string;
  /** Present while ringing; the answered leg replaces it. */
  dial?: OutboundDial;
  leg?: Leg;
  /** A transfer from the desk phone under way: phones hang up as soon as it is accepted. */
  transferring?: Promise<void>;
}

/** Something riding on a call (an escalation) that must hear what happens to it. */
export interface SessionWatcher {
  /** A staff leg that was in the room has left it. */
  staffLeft(staff: StaffLeg): void;
  /** The call is over. */
  ended(reason: string): void;
  /** True while the customer must stay alone in the room (a blind hand-over is hunting). */
  holdsCustomer(): boolean;
}

/**
 * The owning instance's live view of one call: its media legs and claims,
 * which only exist here, next to the record every instance can read.
 */
export class CallSession {
  readonly staff = new Map<string, StaffLeg>();
  /** Agents who missed this call: the next hunt skips them. */
  readonly excluded = new Set<string>();
  readonly watchers = new Set<SessionWatcher>();
  ended = false;
  /** Its place in the agent queue (the store's queueScore) while it is in it. */
  queueScore?: number;
  queueTimer?: NodeJS.Timeout;
  /** The customer's leg, once answered: the hunt for an agent starts while we answer. */
  customer?: Leg;
  /**
   * Legs muted (staff) or held (the customer) because a desk phone holds; the
   * phone's resume undoes only these. A switch from the API or an escalation
   * takes the leg over.
   */
  readonly switchedByPhone = new Set<string>();

  constructor(readonly call: Call) {}

  get id(): string {
    return this.call.id;
  }

  /** The customer's answered leg; its record goes first, whatever was rung meanwhile. */
  answered(customer: Leg): CallLeg {
    this.customer = customer;
    const record: CallLeg = { id: customer.id, role: 'customer', state: 'ringing', startedAt: this.call.createdAt, handles: handlesOf(customer) };
    this.call.legs.unshift(record);
    return record;
  }

  addLeg(role: LegRole, id: string, personId?: string): CallLeg {
    const record: CallLeg = { id, role, personId, state: 'ringing', startedAt: new Date().toISOString() };
    this.call.legs.push(record);
    return record;
  }

  /** An offer still ringing, if any: one agent is offered a call at a time. */
  ringing(): StaffLeg | undefined {
    return [...this.staff.values()].find((s) => s.record.state === 'ringing');
  }

  /** Staff legs in the room now. */
  joinedStaff(): StaffLeg[] {
    return [...this.staff.values()].filter((s) => s.record.state === 'joined');
  }

  /** Legs ringing or in the room, the customer's included: what counts against the room size. */
  liveLegCount(): number {
    return this.call.legs.filter((l) => l.state !== 'ended').length;
  }

  holdsCustomer(): boolean {
    return [...this.watchers].some((w) => w.holdsCustomer());
  }

  /** Resolves after `ms`, or as soon as the call ends. */
  pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.watchers.delete(watcher);
        resolve();
      };
      const watcher: SessionWatcher = { staffLeft: () => undefined, ended: done, holdsCustomer: () => false };
      const timer = setTimeout(done, ms);
      this.watchers.add(watcher);
    });
  }
}
