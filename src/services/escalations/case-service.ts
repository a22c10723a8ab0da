import type { Case, CasePatch } from '../../domain/case';
import { ForbiddenError, NotFoundError } from '../../domain/errors';
import { isStaffManager, type Principal } from '../../domain/principal';
import type { CaseStore } from '../../store/case-store';
import type { ScreenFeed } from '../ports/screen-feed';
import type { CaseLinks } from './case-links';

/** Cases for the people allowed to see them: supervisors, the agent, every expert offered the case. */
export class CaseService {
  constructor(
    private readonly cases: CaseStore,
    private readonly screens: ScreenFeed,
    private readonly links: CaseLinks,
  ) {}

  /** The case, for whoever holds a signed link to it (an expert's desk phone: see CaseLinks). */
  async getByLink(id: string, until: number, sig: string): Promise<Case> {
    this.links.check(id, until, sig);
    const record = await this.cases.get(id);
    if (!record) throw new NotFoundError('case', id);
    return record;
  }

  async get(id: string, principal: Principal): Promise<Case> {
    const record = await this.cases.get(id);
    if (!record) throw new NotFoundError('case', id);
    if (!isStaffManager(principal) && !record.readers.includes(principal.personId ?? '')) {
      throw new ForbiddenError('only the agent, the experts offered this case and supervisors may read it');
    }
    return record;
  }

  /** Changes the case; everyone who can read it sees the change on their screen. */
  async patch(id: string, principal: Principal, patch: CasePatch): Promise<Case> {
    await this.get(id, principal);
    const updated = await this.cases.patch(id, patch, new Date().toISOString());
    if (!updated) throw new NotFoundError('case', id);
    await Promise.all(updated.readers.map((p) => this.screens.push(p, { kind: 'case', data: { case: updated } })));
    return updated;
  }
}
