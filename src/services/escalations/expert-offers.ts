import type { Case } from '../../domain/case';
import { type Escalation, ringing } from '../../domain/escalation';
import type { CallStore } from '../../store/call-store';
import type { CaseStore } from '../../store/case-store';
import type { EscalationStore } from '../../store/escalation-store';
import type { ScreenFeed, ScreenMessage } from '../ports/screen-feed';

export interface ExpertOffersDeps {
  screens: ScreenFeed;
  escalations: Pick<EscalationStore, 'get'>;
  cases: Pick<CaseStore, 'get'>;
  calls: Pick<CallStore, 'get'>;
  /** What the expert's screen shows of the customer's earlier contacts. */
  historyFor: (record: Case, callerNumber: string) => Promise<unknown[]>;
}

/**
 * The offer on an expert's screen while their phone rings: the escalation,
 * its case as it is now, and the customer's earlier contacts. It is built
 * when pushed and built again for a screen that opens while the phone still
 * rings; only which escalation was offered is kept, so nothing of the
 * customer's outlives the case and contact records it comes from (an erasure
 * of the customer reaches a late screen too).
 */
export class ExpertOffers {
  constructor(private readonly deps: ExpertOffersDeps) {}

  /** The screen pop, as the expert's phone starts ringing. */
  async show(expertId: string, escalation: Escalation, caseRecord: Case, callerNumber: string): Promise<void> {
    const current = (await this.deps.cases.get(caseRecord.id)) ?? caseRecord;
    await this.deps.screens.pushOffer(expertId, escalation.id, await this.offer(escalation, current, callerNumber));
  }

  /** The offer this person's phone rings for now, for a screen that opens late; none once it stopped ringing. */
  async standing(personId: string): Promise<ScreenMessage | undefined> {
    const escalationId = await this.deps.screens.offeredEscalation(personId);
    const escalation = escalationId ? await this.deps.escalations.get(escalationId) : undefined;
    if (!escalation || !ringing(escalation, personId)) return undefined;
    const [record, call] = await Promise.all([this.deps.cases.get(escalation.caseId), this.deps.calls.get(escalation.callId)]);
    // Both outlive a ringing phone; without either there is no offer to show.
    if (!record || !call) return undefined;
    return this.offer(escalation, record, call.customer);
  }

  private async offer(escalation: Escalation, record: Case, callerNumber: string): Promise<ScreenMessage> {
    // The pop goes out without the history rather than not at all.
    const history = await this.deps.historyFor(record, callerNumber).catch(() => []);
    return { kind: 'offer', data: { escalation, case: record, history } };
  }
}
