import type { Person } from './person';

// Presence states and who may move a person between them. The store applies a
// change atomically only if the state is still the one these rules were checked
// against, so the rules live here, in one table, and nowhere else.

export const PRESENCE_STATES = ['available', 'busy', 'wrap-up', 'away', 'offline'] as const;
export type PresenceState = (typeof PRESENCE_STATES)[number];

/** self: the person; supervisor: an override; system: calls, timers, registrations. */
export type PresenceActor = 'self' | 'supervisor' | 'system';

export interface Presence {
  state: PresenceState;
  reason: string;
  /** ISO time the state was entered. */
  since: string;
  /** ISO time the person last became free; orders "longest idle first". */
  idleSince: string;
  /** Claims held now (offers ringing and calls in progress). */
  activeClaims: number;
}

type Rule = Partial<Record<PresenceState, readonly PresenceActor[]>>;

const SELF_AND_SYSTEM = ['self', 'system'] as const;

// from → to → actors allowed. Busy and wrap-up follow calls, so only the system
// enters them; a person on a call cannot walk away from it by a click.
const TRANSITIONS: Record<PresenceState, Rule> = {
  available: { busy: ['system'], 'wrap-up': ['system'], away: SELF_AND_SYSTEM, offline: SELF_AND_SYSTEM },
  busy: { 'wrap-up': ['system'], available: ['system'], offline: ['system'] },
  'wrap-up': { available: SELF_AND_SYSTEM, away: SELF_AND_SYSTEM, offline: SELF_AND_SYSTEM, busy: ['system'] },
  away: { available: SELF_AND_SYSTEM, offline: SELF_AND_SYSTEM, away: ['self'] },
  offline: { available: SELF_AND_SYSTEM, away: ['self'] },
};

export type TransitionCheck = { ok: true } | { ok: false; reason: string };

export function checkTransition(from: PresenceState, to: PresenceState, actor: PresenceActor): TransitionCheck {
  // A supervisor override may put anyone anywhere; the call engine corrects it
  // when a call ends.
  if (actor === 'supervisor') return { ok: true };
  const allowed = TRANSITIONS[from][to];
  if (allowed?.includes(actor)) return { ok: true };
  if (from === to) return { ok: false, reason: `already ${to}` };
  if (to === 'busy' || to === 'wrap-up') return { ok: false, reason: `${to} is set by calls, not by hand` };
  if (allowed) return { ok: false, reason: `only ${allowed.join(' or ')} may change ${from} to ${to}` };
  return { ok: false, reason: `cannot go from ${from} to ${to}` };
}

/** Whether a claim may take this person now: free, or busy with room for one more call. */
export function isClaimable(state: PresenceState, activeClaims: number, maxConcurrentCalls: number): boolean {
  if (activeClaims >= maxConcurrentCalls) return false;
  return state === 'available' || (state === 'busy' && maxConcurrentCalls > 1);
}

export const INITIAL_PRESENCE_STATE: PresenceState = 'offline';

/** A person from the directory with their presence, as stores return them. */
export interface PersonRecord {
  person: Person;
  presence: Presence;
}
