import { ConflictError, NotFoundError } from '../../domain/errors';
import { cancellable, mergeable } from '../../domain/escalation';
import type { Case } from '../../domain/case';
import type { Escalation } from '../../domain/escalation';
import type { Claim } from '../../store/claim-store';
import { BackgroundWork } from '../background-work';
import { endWithCall } from './ended-with-call';
import { EscalationRun, type EscalationRunDeps } from './escalation-run';

/** The escalations running on this instance (those of the calls it owns). */
export class EscalationRuns {
  private readonly runs = new Map<string, EscalationRun>();
  private readonly background: BackgroundWork;

  constructor(private readonly deps: EscalationRunDeps) {
    this.background = new BackgroundWork(deps.log);
  }

  /**
   * Starts a requested escalation's hunt (in the background) with the expert
   * already claimed; loads its records unless the request handed them over.
   */
  async start(escalationId: string, claim: Claim, records?: { escalation: Escalation; caseRecord: Case }): Promise<void> {
    const escalation = records?.escalation ?? (await this.deps.escalations.get(escalationId));
    const session = escalation && this.deps.engine.session(escalation.callId);
    const caseRecord = records?.caseRecord ?? (escalation && (await this.deps.cases.get(escalation.caseId)));
    if (!escalation || !session || session.ended || !caseRecord) {
      // The call ended between the request and now: nothing to hunt for.
      await this.deps.claims.releaseQuietly(claim.claimId);
      if (escalation) await endWithCall(this.deps, escalation);
      throw new NotFoundError('call', escalation?.callId ?? escalationId);
    }
    const run = new EscalationRun(escalation, session, caseRecord, this.deps, this.background, (r) => this.runs.delete(r.id));
    this.runs.set(run.id, run);
    this.background.run('escalation', () => run.start(claim));
  }

  async merge(escalationId: string): Promise<void> {
    const run = this.get(escalationId);
    if (!mergeable(run.escalation)) throw notNow(run, 'merge');
    await run.merge();
  }

  async cancel(escalationId: string): Promise<void> {
    const run = this.get(escalationId);
    if (!cancellable(run.escalation)) throw notNow(run, 'cancel');
    await run.cancel();
  }

  decline(escalationId: string, expertId: string): void {
    const run = this.get(escalationId);
    if (run.ringingExpertId() !== expertId) {
      throw new ConflictError('not_offered', `escalation "${escalationId}" is not ringing "${expertId}" now`);
    }
    run.decline();
  }

  has(escalationId: string): boolean {
    return this.runs.has(escalationId);
  }

  /** Someone became available: hunts waiting for a free expert look again. */
  wakeAll(): void {
    for (const run of this.runs.values()) run.wake();
  }

  /** Waits for the runs to settle; the call engine's shutdown has ended their calls. */
  close(): Promise<void> {
    return this.background.drain();
  }

  private get(escalationId: string): EscalationRun {
    const run = this.runs.get(escalationId);
    if (!run) throw new ConflictError('escalation_over', `escalation "${escalationId}" is not in progress`);
    return run;
  }
}

const notNow = (run: EscalationRun, what: string) =>
  new ConflictError('wrong_state', `cannot ${what} escalation "${run.id}" while it is ${run.escalation.state}`, {
    state: run.escalation.state,
  });
