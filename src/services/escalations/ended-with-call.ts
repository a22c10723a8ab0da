import { type Escalation, isFinal } from '../../domain/escalation';
import type { EscalationStore } from '../../store/escalation-store';
import type { EventFeed } from '../ports/event-feed';

/** An escalation whose call ended under it: ended, its slot freed, and logged. */
export async function endWithCall(deps: { escalations: EscalationStore; events: EventFeed }, escalation: Escalation): Promise<void> {
  await deps.escalations.freeSlot(escalation.callId, escalation.id);
  await deps.escalations.save({ ...escalation, state: 'ended', reason: 'call_ended', endedAt: new Date().toISOString() });
  await deps.events.append('escalation.ended', { escalationId: escalation.id, callId: escalation.callId, reason: 'call_ended' });
}

/** Ends what a lost call (its instance crashed) left unfinished of its escalations. */
export async function endEscalationsOfLostCall(deps: { escalations: EscalationStore; events: EventFeed }, callId: string): Promise<void> {
  for (const escalation of await deps.escalations.ofCall(callId)) {
    if (!isFinal(escalation)) await endWithCall(deps, escalation);
  }
}
