import { ConflictError, NotFoundError } from '../domain/errors';
import { preferredContact } from '../domain/person';
import { type PersonRecord, type PresenceActor, type PresenceState, checkTransition } from '../domain/presence';
import type { PeopleStore } from '../store/people-store';
import type { PresenceStore } from '../store/presence-store';
import type { RegistrationStore } from '../store/registration-store';

export const HEARTBEAT_MISSED = 'no heartbeat from the console';

export const MISSED_OFFERS = 'missed offers';

export const PHONE_GONE_DURING_CALL = 'desk phone gone during the call';

export interface PresenceTimings {
  heartbeatSec: number;
  offlineAfterSec: number;
  wrapUpSec: number;
  maxMissedOffers: number;
  /** Wrap-up does not end on its timer until the wrap-up is posted… */
  wrapUpRequired: boolean;
  /** …or until this long after the call, when a wrap-up would be too late anyway. */
  wrapUpWindowSec: number;
}

/** Presence changes by people, supervisors and the system, under the domain rules. */
export class PresenceService {
  constructor(
    private readonly people: PeopleStore,
    private readonly store: PresenceStore,
    private readonly registrations: Pick<RegistrationStore, 'contactsOf'>,
    private readonly timings: PresenceTimings,
  ) {}

  /**
   * Checks the rules against the state read, then applies the change only if the
   * state is still that one; if someone moved the person meanwhile, checks again.
   */
  async set(id: string, to: PresenceState, reason: string, actor: PresenceActor): Promise<PersonRecord> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const { presence } = await this.people.require(id);
      const check = checkTransition(presence.state, to, actor);
      if (!check.ok) {
        throw new ConflictError('illegal_transition', check.reason, { from: presence.state, to, actor });
      }
      if (actor === 'self' && presence.state === 'wrap-up' && to === 'available' && (await this.wrapUpOpen(id))) {
        throw new ConflictError('wrapup_required', 'post the wrap-up of your last call before becoming available', { id });
      }
      const result = await this.store.compareAndSet(id, presence.state, to, reason);
      if (result.ok) return this.people.require(id);
      if ('missing' in result) throw new NotFoundError('person', id);
    }
    throw new ConflictError('presence_contended', `presence of "${id}" keeps changing; try again`, { id });
  }

  /**
   * A system change that may no longer apply (the person moved on meanwhile, or
   * was deleted); returns whether it happened instead of throwing.
   */
  async trySystem(id: string, to: PresenceState, reason: string, onlyFrom?: readonly PresenceState[]): Promise<boolean> {
    const presence = await this.people.presence(id);
    return presence ? this.trySystemFrom(id, presence.state, to, reason, onlyFrom) : false;
  }

  /** trySystem from a state just read; the compare-and-set refuses it if the state moved on. */
  private async trySystemFrom(
    id: string,
    from: PresenceState,
    to: PresenceState,
    reason: string,
    onlyFrom?: readonly PresenceState[],
  ): Promise<boolean> {
    if (onlyFrom && !onlyFrom.includes(from)) return false;
    if (!checkTransition(from, to, 'system').ok) return false;
    return (await this.store.compareAndSet(id, from, to, reason)).ok;
  }

  /** The console is open; an away caused by a missed heartbeat ends with it. */
  async heartbeat(id: string, nowMs = Date.now()): Promise<PersonRecord> {
    const { presence } = await this.people.require(id);
    await this.store.recordHeartbeat(id, nowMs);
    if (presence.state === 'away' && presence.reason === HEARTBEAT_MISSED) {
      await this.trySystem(id, 'available', 'console back', ['away']);
    }
    return this.people.require(id);
  }

  /** A call took the person: busy while in the room. */
  async startCall(id: string): Promise<void> {
    await Promise.all([this.store.resetMissedOffers(id), this.trySystem(id, 'busy', 'on a call', ['available', 'wrap-up', 'busy'])]);
  }

  /**
   * Their call ended: wrap-up for the configured time, then available. With
   * wrap-up required, the timer ends it only once the call's wrap-up is posted.
   */
  async endCall(id: string, nowMs = Date.now(), callId?: string): Promise<void> {
    const hold = this.timings.wrapUpRequired && callId !== undefined;
    if (hold) await this.store.openWrapUp(id, callId, nowMs + this.timings.wrapUpWindowSec * 1000);
    // Someone who allows two calls may still be on the other one.
    const presence = await this.people.presence(id);
    if (!presence || presence.activeClaims > 0) return;
    if (this.timings.wrapUpSec === 0 && !hold) {
      if (await this.trySystemFrom(id, presence.state, 'available', '', ['busy'])) await this.offlineIfPhoneGone(id, 'available');
      return;
    }
    if (await this.trySystemFrom(id, presence.state, 'wrap-up', '', ['busy'])) {
      await this.store.scheduleWrapUpEnd(id, nowMs + this.timings.wrapUpSec * 1000);
      await this.offlineIfPhoneGone(id, 'wrap-up');
    }
  }

  /**
   * Un-registering leaves someone on a call busy; if the phone they are rung
   * on went so, they cannot be rung now: offline, not free. Read after the
   * change above, so an un-register racing it is caught here or by its own
   * offline step, whichever comes second.
   */
  private async offlineIfPhoneGone(id: string, settled: PresenceState): Promise<void> {
    const found = await this.people.get(id);
    const contact = found && preferredContact(found.person);
    if (!contact || !('user' in contact) || (await this.registrations.contactsOf(contact.user)).length > 0) return;
    await this.trySystemFrom(id, settled, 'offline', PHONE_GONE_DURING_CALL);
  }

  /** Wrap-up timers that ran out, and people held for a wrap-up whose window has closed. */
  async finishDueWrapUps(nowMs = Date.now()): Promise<void> {
    const due = [...(await this.store.takeDueWrapUps(nowMs)), ...(await this.store.heldInWrapUp())];
    for (const id of due) {
      if (await this.store.holdForWrapUp(id, nowMs)) continue;
      await this.trySystem(id, 'available', '', ['wrap-up']);
    }
  }

  /** A wrap-up was posted: someone held only by it becomes available. */
  async wrapUpPosted(id: string, callId: string, nowMs = Date.now()): Promise<void> {
    if (await this.store.wrapUpPosted(id, callId, nowMs)) await this.trySystem(id, 'available', '', ['wrap-up']);
  }

  private async wrapUpOpen(id: string): Promise<boolean> {
    return this.timings.wrapUpRequired && this.store.hasOpenWrapUp(id, Date.now());
  }

  /** An offer rang out or was refused; too many in a row and the person is set away. */
  async missedOffer(id: string): Promise<{ count: number; setAway: boolean }> {
    const count = await this.store.countMissedOffer(id);
    if (count < this.timings.maxMissedOffers) return { count, setAway: false };
    const setAway = await this.trySystem(id, 'away', MISSED_OFFERS, ['available', 'wrap-up']);
    if (setAway) await this.store.resetMissedOffers(id);
    return { count, setAway };
  }

  /** Missed one window: away. Missed the longer one: offline, and no longer watched. */
  async sweepHeartbeats(nowMs = Date.now()): Promise<void> {
    const silent = await this.store.silentSince(nowMs - this.timings.heartbeatSec * 1000);
    for (const { personId, lastMs } of silent) {
      if (lastMs < nowMs - this.timings.offlineAfterSec * 1000) {
        await this.trySystem(personId, 'offline', HEARTBEAT_MISSED, ['available', 'wrap-up', 'away']);
        await this.store.forgetHeartbeat(personId);
      } else {
        await this.trySystem(personId, 'away', HEARTBEAT_MISSED, ['available', 'wrap-up']);
      }
    }
  }
}
