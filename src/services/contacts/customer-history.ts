import { type ContactHistoryEntry, historyEntry } from '../../domain/contact';
import { NotFoundError } from '../../domain/errors';
import type { CaseStore } from '../../store/case-store';
import type { ContactStore } from '../../store/contact-store';
import type { ProjectionRunner } from '../projections/projection-runner';

/**
 * Every contact of a customer, by customer id or else caller number, newest
 * first: for the history API and the agent's and expert's screen pops.
 */
export class CustomerHistory {
  constructor(
    private readonly contacts: ContactStore,
    private readonly cases: Pick<CaseStore, 'erase'>,
    private readonly recorder: ProjectionRunner,
  ) {}

  async forCustomer(key: string, nowMs = Date.now()): Promise<ContactHistoryEntry[]> {
    await this.recorder.catchUp();
    return (await this.contacts.forCustomer(key, nowMs)).map((c) => historyEntry(c, nowMs));
  }

  /**
   * Erases the customer's contact records and the cases escalated on those
   * calls (their personal data); the report counters hold none.
   */
  async forget(key: string): Promise<{ erased: number; cases: number }> {
    await this.recorder.catchUp();
    // The cases go first: should that fail, the contacts that name them are still there to erase again.
    const caseIds = await this.contacts.casesOf(key);
    await this.cases.erase(caseIds);
    const erased = await this.contacts.eraseCustomer(key);
    if (erased === 0) throw new NotFoundError('customer', key);
    return { erased, cases: caseIds.length };
  }
}
