// Everything that happens is appended to one event log; consoles, webhooks
// and reports read it. The payload is typed per event type.

import type { SkillRequirement } from './matching';

/** Who or what an escalation targets: one expert, or anyone with the skills. */
export interface EscalationTargetView {
  expertId?: string;
  skills?: SkillRequirement[];
  language?: string;
}

export type EscalationModeName = 'conference' | 'consult' | 'transfer' | 'blind';

interface EscalationRef {
  escalationId: string;
  callId: string;
}

interface ParticipantRef {
  callId: string;
  legId: string;
  role: 'customer' | 'agent' | 'expert';
  personId?: string;
}

export interface EventPayloads {
  /** skill: the service number's routing skill, if it has one. */
  'call.offered': { callId: string; customer: string; serviceNumber: string; skill?: string };
  'call.queued': { callId: string; position: 'back' | 'front' };
  'call.agent_ringing': { callId: string; agentId: string };
  'call.agent_missed': { callId: string; agentId: string; outcome: string; status?: number };
  'call.answered': { callId: string; agentId: string; waitMs: number };
  'call.agent_left': { callId: string; agentId: string };
  'call.ended': { callId: string; reason: string; durationMs: number };
  /**
   * Someone on the call posted its wrap-up. Only coded figures travel here;
   * notes and the customer key stay in the contact record, which can be erased.
   * repeatOf: an earlier contact on the same reason whose resolution this revokes.
   */
  'call.wrapped_up': {
    callId: string;
    personId: string;
    role: 'agent' | 'expert';
    resolved: boolean;
    reason: string;
    product?: string;
    touchpoint?: string;
    followUp: boolean;
    repeatOf?: string;
  };
  'presence.missed_offers': { personId: string; count: number };

  'escalation.requested': EscalationRef & {
    mode: EscalationModeName;
    caseId: string;
    requestedBy: string;
    target: EscalationTargetView;
    /** The case's customer id: the preferred key of the customer's history. */
    customerId?: string;
  };
  /** An expert was claimed and their phone is being called. */
  'escalation.offered': EscalationRef & { expertId: string; attempt: number };
  'escalation.ringing': EscalationRef & { expertId: string };
  /** waitMs: from the request to the expert's answer. */
  'escalation.answered': EscalationRef & { expertId: string; waitMs: number };
  'escalation.declined': EscalationRef & { expertId: string; via: 'phone' | 'screen'; status?: number };
  'escalation.no_answer': EscalationRef & { expertId: string; outcome: string; status?: number };
  'escalation.joined': EscalationRef & { expertId: string };
  'escalation.merged': EscalationRef & { expertId: string };
  'escalation.transferred': EscalationRef & { expertId: string; agentId?: string };
  /** Nobody could be reached; returnedTo says where the customer went (blind). */
  'escalation.failed': EscalationRef & { reason: string; returnedTo?: 'agent' | 'queue' };
  'escalation.ended': EscalationRef & { reason: string; expertId?: string };

  'participant.joined': ParticipantRef;
  'participant.left': ParticipantRef;
  'participant.muted': ParticipantRef & { by: string };
  'participant.unmuted': ParticipantRef & { by: string };
  'participant.held': ParticipantRef & { by: string };
  'participant.unheld': ParticipantRef & { by: string };
  'participant.kicked': ParticipantRef & { by: string };
  /** A staff member's desk phone put the call on hold (its own hold button), or took it back. */
  'participant.phone_held': ParticipantRef;
  'participant.phone_resumed': ParticipantRef;
}

export type EventType = keyof EventPayloads;

export interface LoggedEvent<T extends EventType = EventType> {
  /** The log's own id (Redis stream id): replay from here. */
  id: string;
  type: T;
  at: string;
  data: EventPayloads[T];
}
