// What the API sends the console. Shapes the server defines with zod in
// src/http are restated here, because the browser may import types from
// src/domain only.

import type { Call } from '../domain/call';
import type { Case, CaseInput } from '../domain/case';
import type { ContactReason } from '../domain/contact-reason';
import type { AttemptOutcome, Escalation } from '../domain/escalation';
import type { EscalationModeName, EscalationTargetView, EventType, LoggedEvent } from '../domain/events';
import type { Role, Skill } from '../domain/person';
import type { Presence, PresenceState } from '../domain/presence';
import type { PresenceEvent } from '../domain/presence-event';
import type { PrincipalRole } from '../domain/principal';

export type { Call, EscalationModeName, EscalationTargetView, LoggedEvent, Presence, PresenceEvent, PresenceState, Skill };

/** What GET /v1/calls/stream sends. */
export const CALL_EVENTS = [
  'call.offered',
  'call.queued',
  'call.agent_ringing',
  'call.agent_missed',
  'call.answered',
  'call.agent_left',
  'call.ended',
  // Who is in the room and how: the participants list follows them.
  'participant.joined',
  'participant.left',
  'participant.muted',
  'participant.unmuted',
  'participant.held',
  'participant.unheld',
  'participant.phone_held',
  'participant.phone_resumed',
] as const satisfies readonly EventType[];

export interface Session {
  role: PrincipalRole;
  personId?: string;
  displayName?: string;
}

export interface PersonView {
  id: string;
  displayName: string;
  photoUrl?: string;
  roles: Role[];
  skills: Skill[];
  languages: string[];
  presence: Presence;
}

export const ESCALATION_MODES = ['conference', 'consult', 'transfer', 'blind'] as const satisfies readonly EscalationModeName[];

export type EscalationView = Escalation;
export type { AttemptOutcome };

/** The case an agent collects; the expert sees it when the phone rings. */
export type CaseFields = CaseInput;

export type CaseView = Case;

export interface Participant {
  legId: string;
  role: 'customer' | 'agent' | 'expert';
  personId?: string;
  state: string;
  muted: boolean;
  held: boolean;
  /** Their desk phone has the call on hold. */
  phoneHeld: boolean;
  joinedAt?: string;
}

/** The expert's screen pop. */
export interface Offer {
  escalation: EscalationView;
  case: CaseView;
  history?: unknown;
}

export type { ContactReason };
