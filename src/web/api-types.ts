// What the API sends the console. Shapes the server defines with zod in
// src/http are restated here, because the browser may import types from
// src/domain only.

import type { Call } from '../domain/call';
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

export type EscalationState =
  | 'hunting'
  | 'ringing'
  | 'consulting'
  | 'joined'
  | 'merged'
  | 'transferred'
  | 'failed'
  | 'cancelled'
  | 'ended';

export type AttemptOutcome = 'ringing' | 'answered' | 'declined' | 'no_answer' | 'busy' | 'cancelled' | 'failed';

export interface EscalationView {
  id: string;
  callId: string;
  mode: EscalationModeName;
  state: EscalationState;
  target: EscalationTargetView;
  caseId: string;
  requestedBy: string;
  agentId?: string;
  expertId?: string;
  attempts: { expertId: string; startedAt: string; endedAt?: string; outcome?: AttemptOutcome }[];
  createdAt: string;
  deadlineAt: string;
  endedAt?: string;
  reason?: string;
}

/** The case an agent collects; the expert sees it when the phone rings. */
export interface CaseFields {
  customer?: { id?: string; name?: string; phone?: string };
  reason: string;
  summary?: string;
  notes?: string[];
  product?: string;
  touchpoint?: string;
  crmUrl?: string;
  fields?: Record<string, string>;
  attachments?: string[];
}

export interface CaseView extends CaseFields {
  id: string;
}

export interface Participant {
  legId: string;
  role: 'customer' | 'agent' | 'expert';
  personId?: string;
  state: string;
  muted: boolean;
  held: boolean;
  joinedAt?: string;
}

/** The expert's screen pop. */
export interface Offer {
  escalation: EscalationView;
  case: CaseView;
  history?: unknown;
}

export interface ContactReason {
  code: string;
  label: string;
}
