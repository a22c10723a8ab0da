// Everything that happens is appended to one event log; consoles, webhooks
// and reports read it. The payload is typed per event type.

export interface EventPayloads {
  'call.offered': { callId: string; customer: string; serviceNumber: string };
  'call.queued': { callId: string; position: 'back' | 'front' };
  'call.agent_ringing': { callId: string; agentId: string };
  'call.agent_missed': { callId: string; agentId: string; outcome: string; status?: number };
  'call.answered': { callId: string; agentId: string; waitMs: number };
  'call.agent_left': { callId: string; agentId: string };
  'call.ended': { callId: string; reason: string; durationMs: number };
  'presence.missed_offers': { personId: string; count: number };
}

export type EventType = keyof EventPayloads;

export interface LoggedEvent<T extends EventType = EventType> {
  /** The log's own id (Redis stream id): replay from here. */
  id: string;
  type: T;
  at: string;
  data: EventPayloads[T];
}
