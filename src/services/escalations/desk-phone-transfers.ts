import { caseContentSchema } from '../../domain/case';
import { AppError } from '../../domain/errors';
import type { PersonRecord } from '../../domain/presence';
import type { StaffLeg } from '../calls/call-session';
import type { TransferOutcome } from '../ports/telephony';
import type { EscalationService } from './escalation-service';

// How a refused hand-over reads on the phone: its SIP status and reason.
const REFUSALS: Record<string, { status: number; reason: string }> = {
  none_available: { status: 486, reason: 'Busy Here' },
  not_found: { status: 404, reason: 'Not Found' },
  forbidden: { status: 403, reason: 'Forbidden' },
  unavailable: { status: 503, reason: 'Service Unavailable' },
};
const OTHER_REFUSAL = { status: 480, reason: 'Temporarily Unavailable' };

/**
 * An agent's desk-phone transfer to an expert's desk phone (their SIP user):
 * a blind escalation to that expert, as from the console, so the customer
 * hears music until the expert answers and comes back to the agent if nobody
 * does by the deadline.
 */
export class DeskPhoneTransfers {
  constructor(
    private readonly deps: {
      people: { findByDeskUser(user: string): Promise<PersonRecord | undefined> };
      escalations: Pick<EscalationService, 'request'>;
    },
  ) {}

  async transfer(staff: StaffLeg, target: string): Promise<TransferOutcome> {
    if (staff.record.role !== 'agent') return { accepted: false, status: 403, reason: 'Only The Agent Hands Over' };
    const expert = await this.deps.people.findByDeskUser(target);
    if (!expert?.person.roles.includes('expert')) return { accepted: false, status: 404, reason: 'Not Found' };
    try {
      await this.deps.escalations.request(
        staff.callId,
        { role: 'agent', personId: staff.personId },
        {
          target: { expertId: expert.person.id },
          mode: 'blind',
          case: caseContentSchema.parse({ reason: `Handed over from ${staff.personId}'s desk phone` }),
        },
      );
      return { accepted: true };
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return { accepted: false, ...(REFUSALS[err.code] ?? REFUSALS[err.kind] ?? OTHER_REFUSAL) };
    }
  }
}
