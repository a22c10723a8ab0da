import type { LoggedEvent } from '../../domain/events';
import type { ContactChange, ContactStore } from '../../store/contact-store';
import type { Projection } from '../projections/projection-runner';

/** The contact-record change an event makes, if any. */
export function contactChange(event: LoggedEvent): ContactChange | undefined {
  const { at } = event;
  switch (event.type) {
    case 'call.offered': {
      const d = event.data as LoggedEvent<'call.offered'>['data'];
      return { kind: 'offered', caller: d.customer, serviceNumber: d.serviceNumber, skill: d.skill, at };
    }
    case 'call.answered':
      return { kind: 'answered', agentId: (event.data as LoggedEvent<'call.answered'>['data']).agentId, at };
    case 'escalation.requested': {
      const d = event.data as LoggedEvent<'escalation.requested'>['data'];
      return { kind: 'escalated', caseId: d.caseId, customerId: d.customerId, at };
    }
    case 'escalation.answered':
    case 'escalation.joined':
      return { kind: 'expert_joined', expertId: (event.data as { expertId: string }).expertId, at };
    case 'call.ended':
      return { kind: 'ended', reason: (event.data as LoggedEvent<'call.ended'>['data']).reason, at };
    default:
      return undefined;
  }
}

/** Contact records (who, when, how the call went) as a projection of the log. */
export class ContactRecorder implements Projection {
  readonly name = 'contacts';

  constructor(private readonly store: ContactStore) {}

  cursor(): Promise<string> {
    return this.store.cursor();
  }

  apply(prevId: string, events: readonly LoggedEvent[]): Promise<boolean> {
    const changes = events.flatMap((event) => {
      const callId = (event.data as { callId?: string }).callId;
      const change = contactChange(event);
      return callId && change ? [{ callId, change }] : [];
    });
    return this.store.applyChanges(prevId, events[events.length - 1]?.id ?? prevId, changes);
  }
}
