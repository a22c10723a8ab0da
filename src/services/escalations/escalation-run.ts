import type { Logger } from 'pino';
import type { Case } from '../../domain/case';
import { type AttemptOutcome, type Escalation, type EscalationAttempt, criteriaFor, isFinal } from '../../domain/escalation';
import type { EscalationStore } from '../../store/escalation-store';
import type { CaseStore } from '../../store/case-store';
import type { Claim } from '../../store/claim-store';
import type { CallEngine } from '../calls/call-engine';
import type { CallSession, SessionWatcher, StaffLeg } from '../calls/call-session';
import type { ConferenceControl } from '../calls/conference-control';
import type { ClaimService } from '../claim-service';
import type { EventFeed } from '../ports/event-feed';
import type { ScreenFeed } from '../ports/screen-feed';
import type { DialFailed } from '../ports/telephony';
import type { PresenceService } from '../presence-service';
import type { BackgroundWork } from '../background-work';
import { caseHeaders } from './case-headers';
import type { CaseLinks } from './case-links';
import type { ExpertOffers } from './expert-offers';

export interface EscalationRunDeps {
  engine: CallEngine;
  conference: ConferenceControl;
  claims: ClaimService;
  presence: PresenceService;
  events: EventFeed;
  escalations: EscalationStore;
  cases: CaseStore;
  screens: ScreenFeed;
  offers: ExpertOffers;
  log: Logger;
  claimLeaseSec: number;
  caseLinks: CaseLinks;
}

// While nobody matching is free, look again this often (and whenever someone becomes available).
const RETRY_MS = 1000;

const outcomeOf = (failure: DialFailed): AttemptOutcome =>
  failure.outcome === 'declined' || failure.outcome === 'busy' || failure.outcome === 'cancelled' || failure.outcome === 'no_answer'
    ? failure.outcome
    : failure.outcome === 'unavailable'
      ? 'no_answer'
      : 'failed';

/**
 * One escalation on the instance that owns its call: hunt for an expert
 * (one offer at a time, each claimed first), deliver the case as the phone
 * rings, bring the expert in as the mode says, and follow the call until the
 * expert leaves. Every claim it takes is released and every leg it rang that
 * did not join is hung up, whatever ends it.
 */
export class EscalationRun implements SessionWatcher {
  private readonly excluded = new Set<string>();
  private ringing?: StaffLeg;
  private expert?: StaffLeg;
  private declinedOnScreen = false;
  private stopReason?: 'deadline' | 'cancelled' | 'call_ended';
  private customerHeld = false;
  private deadlineTimer?: NodeJS.Timeout;
  private wakeUp?: () => void;
  private readonly log: Logger;

  constructor(
    readonly escalation: Escalation,
    private readonly session: CallSession,
    private readonly caseRecord: Case,
    private readonly deps: EscalationRunDeps,
    private readonly background: BackgroundWork,
    private readonly onFinished: (run: EscalationRun) => void,
  ) {
    this.log = deps.log.child({ escalationId: escalation.id, callId: escalation.callId });
  }

  get id(): string {
    return this.escalation.id;
  }

  /** Starts the hunt with the expert the request already claimed. */
  async start(firstClaim: Claim): Promise<void> {
    this.session.watchers.add(this);
    const delayMs = Date.parse(this.escalation.deadlineAt) - Date.now();
    this.deadlineTimer = setTimeout(() => this.stop('deadline'), Math.max(0, delayMs));
    this.deadlineTimer.unref();
    if (this.escalation.mode === 'blind') {
      await this.agentLeaves();
      this.session.call.state = 'offering';
      await this.deps.engine.saveCall(this.session);
    }
    await this.hunt(firstClaim);
  }

  /** Someone became available: look again now rather than at the next retry. */
  wake(): void {
    this.wakeUp?.();
  }

  async merge(): Promise<void> {
    const { escalation } = this;
    const expertId = escalation.expertId as string;
    await this.setCustomerHeld(false);
    if (escalation.mode === 'transfer') {
      await this.agentLeaves();
      await this.update('transferred');
      await this.deps.events.append('escalation.transferred', { ...this.ref(), expertId, agentId: escalation.agentId });
    } else {
      await this.update('merged');
      await this.deps.events.append('escalation.merged', { ...this.ref(), expertId });
    }
    await this.deps.escalations.freeSlot(escalation.callId, escalation.id);
  }

  /** Drops the expert (ringing or briefed); the customer is back with the agent. */
  async cancel(): Promise<void> {
    if (this.expert) {
      const expert = this.expert;
      this.expert = undefined;
      await this.deps.engine.staffLegs.release(expert, true);
      await this.setCustomerHeld(false);
      await this.finish('cancelled', 'cancelled');
      await this.deps.engine.afterStaffChange(this.session);
      return;
    }
    this.stop('cancelled');
  }

  /** The expert declined on their screen while the phone rang. */
  decline(): void {
    this.declinedOnScreen = true;
    const ringing = this.ringing;
    if (ringing) this.background.run('screen decline', () => this.deps.engine.staffLegs.release(ringing, false));
  }

  ringingExpertId(): string | undefined {
    return this.ringing?.personId;
  }

  // SessionWatcher

  holdsCustomer(): boolean {
    return this.escalation.mode === 'blind' && !isFinal(this.escalation) && !this.escalation.expertId;
  }

  staffLeft(staff: StaffLeg): void {
    this.background.run('escalation following a leg leaving', () => this.onStaffLeft(staff));
  }

  ended(): void {
    if (isFinal(this.escalation)) return;
    this.stop('call_ended');
    // With nobody ringing, the hunt loop may be between offers: end it here.
    if (!this.ringing) this.background.run('escalation end', () => this.finish('ended', 'call_ended'));
  }

  // The hunt

  private async hunt(firstClaim: Claim): Promise<void> {
    let claim: Claim | undefined = firstClaim;
    while (!this.stopReason) {
      claim ??= await this.claimNext();
      // Stopped while the claim was being made (the customer hung up): ring nobody.
      if (this.stopReason) {
        if (claim) await this.deps.claims.releaseQuietly(claim.claimId);
        break;
      }
      if (!claim) {
        await this.pause();
        continue;
      }
      const joined = await this.offer(claim);
      claim = undefined;
      if (joined) return;
    }
    await this.giveUp();
  }

  private async claimNext(): Promise<Claim | undefined> {
    const exclude = [...this.excluded, ...this.session.joinedStaff().map((s) => s.personId)];
    return this.deps.claims.tryClaim(criteriaFor(this.escalation.target, exclude), this.deps.claimLeaseSec, {
      callId: this.session.id,
      escalationId: this.id,
    });
  }

  /** Waits for the next look: a retry period, or a wake-up. */
  private pause(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wakeUp?.(), RETRY_MS);
      this.wakeUp = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
    });
  }

  /** Rings one claimed expert. True when they are in the room. */
  private async offer(claim: Claim): Promise<boolean> {
    const { escalation, session } = this;
    const expertId = claim.personId;
    const attempt: EscalationAttempt = { expertId, startedAt: new Date().toISOString(), outcome: 'ringing' };
    escalation.attempts.push(attempt);
    this.declinedOnScreen = false;
    // The phone's ringing is logged after the offer, whichever comes back first.
    let offerLogged: Promise<unknown> = Promise.resolve();
    const { staff, result } = this.deps.engine.staffLegs.ring(session, {
      personId: expertId,
      claimId: claim.claimId,
      profile: claim.profile,
      deskPhone: claim.deskPhone,
      role: 'expert',
      headers: caseHeaders(session.call, this.caseRecord, this.deps.caseLinks.forPhone(this.caseRecord.id)),
      ringTimeoutSec: escalation.ringTimeoutSec,
      onRinging: () =>
        this.background.run('ringing event', async () => {
          await offerLogged.catch(() => undefined);
          await this.deps.events.append('escalation.ringing', { ...this.ref(), expertId });
        }),
    });
    this.ringing = staff;
    // The case reaches the expert's screen while the phone rings; an answer
    // does not wait for it (the join is what the expert hears).
    offerLogged = this.update('ringing').then(() => this.logOffer(expertId, attempt));
    const delivering = offerLogged
      .then(() => this.showOffer(expertId))
      .catch((err: unknown) => this.log.error({ err, expertId }, 'could not deliver the case to the expert'));
    const outcome = await result;
    this.ringing = undefined;
    attempt.endedAt = new Date().toISOString();

    if ('failed' in outcome) {
      await delivering;
      await this.missed(staff, attempt, outcome.failed);
      return false;
    }
    attempt.outcome = 'answered';
    escalation.expertId = expertId;
    const waitMs = Date.now() - Date.parse(escalation.createdAt);
    // In a consult the customer must not hear the briefing: hold before the expert joins.
    const briefing = escalation.mode === 'consult' || escalation.mode === 'transfer';
    if (briefing) await this.setCustomerHeld(true);
    const joining = this.deps.engine.staffLegs.join(session, staff);
    await delivering;
    // The expert is on the line whatever the log says: a failed append must not strand the join.
    await this.deps.events
      .append('escalation.answered', { ...this.ref(), expertId, waitMs })
      .catch((err: unknown) => this.log.error({ err, expertId }, 'could not log the answer'));
    if (!(await joining)) {
      escalation.expertId = undefined;
      if (briefing) await this.setCustomerHeld(false);
      await this.missed(staff, attempt, { outcome: 'failed', reason: 'join failed' });
      return false;
    }
    this.expert = staff;
    this.log.info({ expertId, mode: escalation.mode }, 'expert joined');
    // The call's record shows the expert in the room before the escalation says so.
    if (escalation.mode === 'blind') session.call.state = 'connected';
    await this.deps.engine.afterStaffChange(session);
    await this.deps.events.append('escalation.joined', { ...this.ref(), expertId });
    await this.update(briefing ? 'consulting' : 'joined');
    if (!briefing) await this.deps.escalations.freeSlot(escalation.callId, escalation.id);
    return true;
  }

  private async missed(staff: StaffLeg, attempt: EscalationAttempt, failure: DialFailed): Promise<void> {
    await this.deps.engine.staffLegs.release(staff, false);
    const expertId = staff.personId;
    this.excluded.add(expertId);
    await this.deps.screens.push(expertId, { kind: 'offer_ended', data: { escalationId: this.id, reason: failure.outcome } });
    // Withdrawn by us (deadline, cancel, call ended): not the expert's miss.
    if (failure.outcome === 'cancelled' && !this.declinedOnScreen) {
      attempt.outcome = 'cancelled';
      await this.update(this.escalation.state);
      return;
    }
    attempt.outcome = this.declinedOnScreen ? 'declined' : outcomeOf(failure);
    attempt.status = failure.status;
    this.log.info({ expertId, outcome: attempt.outcome, status: failure.status }, 'expert did not take the escalation');
    if (attempt.outcome === 'declined') {
      await this.deps.events.append('escalation.declined', {
        ...this.ref(),
        expertId,
        via: this.declinedOnScreen ? 'screen' : 'phone',
        status: failure.status,
      });
    } else {
      await this.deps.events.append('escalation.no_answer', { ...this.ref(), expertId, outcome: attempt.outcome, status: failure.status });
    }
    const { count, setAway } = await this.deps.presence.missedOffer(expertId);
    if (setAway) await this.deps.events.append('presence.missed_offers', { personId: expertId, count });
    await this.update('hunting');
  }

  /** The expert may read the case from now on; the offer is logged (its webhook carries the case). */
  private async logOffer(expertId: string, attempt: EscalationAttempt): Promise<void> {
    await this.deps.cases.addReader(this.caseRecord.id, expertId);
    await this.deps.events.append('escalation.offered', { ...this.ref(), expertId, attempt: this.escalation.attempts.indexOf(attempt) + 1 });
  }

  /** The case, with the customer's history, on the expert's screen. */
  private async showOffer(expertId: string): Promise<void> {
    await this.deps.offers.show(expertId, this.escalation, this.caseRecord, this.session.call.customer);
  }

  // Endings

  private stop(reason: 'deadline' | 'cancelled' | 'call_ended'): void {
    if (this.stopReason || isFinal(this.escalation) || this.expert) return;
    this.stopReason = reason;
    this.wakeUp?.();
    const ringing = this.ringing;
    if (ringing) this.background.run('withdrawing the offer', () => this.deps.engine.staffLegs.release(ringing, false));
  }

  /** The hunt ended without an expert. */
  private async giveUp(): Promise<void> {
    const reason = this.stopReason ?? 'deadline';
    if (reason === 'call_ended') {
      await this.finish('ended', 'call_ended');
      return;
    }
    if (reason === 'cancelled' && this.escalation.mode !== 'blind') {
      await this.finish('cancelled', 'cancelled');
      return;
    }
    let returnedTo: 'agent' | 'queue' | undefined;
    if (this.escalation.mode === 'blind') {
      // Mark it final first, so the session stops keeping the customer alone.
      await this.update('failed', reason);
      returnedTo = await this.deps.engine.returnCustomer(this.session, this.escalation.agentId);
    }
    await this.deps.events.append('escalation.failed', { ...this.ref(), reason, returnedTo });
    await this.finish('failed', reason);
    const agentId = this.escalation.agentId;
    if (agentId && reason === 'deadline') {
      const where = returnedTo === 'agent' ? 'is back with you' : returnedTo === 'queue' ? 'is back in the queue' : 'is still with you';
      await this.deps.screens.push(agentId, {
        kind: 'notice',
        data: { escalationId: this.id, message: `No expert answered before the deadline; the customer ${where}.` },
      });
    }
  }

  private async onStaffLeft(staff: StaffLeg): Promise<void> {
    if (isFinal(this.escalation)) return;
    if (staff === this.expert) {
      this.expert = undefined;
      await this.setCustomerHeld(false);
      await this.deps.events.append('escalation.ended', { ...this.ref(), reason: 'expert_left', expertId: staff.personId });
      await this.finish('ended', 'expert_left', { announce: false });
      return;
    }
    // The agent hung up while briefing: like a transfer, the expert keeps the customer.
    if (this.escalation.state === 'consulting' && staff.record.role === 'agent') {
      await this.setCustomerHeld(false);
      await this.update('transferred');
      await this.deps.events.append('escalation.transferred', {
        ...this.ref(),
        expertId: this.escalation.expertId as string,
        agentId: staff.personId,
      });
      await this.deps.escalations.freeSlot(this.escalation.callId, this.id);
    }
  }

  private async finish(state: 'failed' | 'cancelled' | 'ended', reason: string, opts: { announce?: boolean } = {}): Promise<void> {
    clearTimeout(this.deadlineTimer);
    this.session.watchers.delete(this);
    const wasFinal = isFinal(this.escalation) && this.escalation.endedAt;
    if (wasFinal) return;
    this.escalation.endedAt = new Date().toISOString();
    this.log.info({ state, reason, attempts: this.escalation.attempts.length }, 'escalation over');
    await this.update(state, reason);
    if (state !== 'failed' && opts.announce !== false) {
      await this.deps.events.append('escalation.ended', { ...this.ref(), reason, expertId: this.escalation.expertId });
    }
    await this.deps.escalations.freeSlot(this.escalation.callId, this.id);
    this.onFinished(this);
  }

  // Helpers

  private async agentLeaves(): Promise<void> {
    const agent = this.session.joinedStaff().find((s) => s.record.role === 'agent' && s !== this.expert);
    if (!agent) return;
    await this.deps.engine.staffLegs.release(agent, true);
    await this.deps.events.append('call.agent_left', { callId: this.session.id, agentId: agent.personId });
  }

  private async setCustomerHeld(held: boolean): Promise<void> {
    if (this.customerHeld === held || this.session.ended) return;
    this.customerHeld = held;
    await this.deps.conference.setCustomerHeld(this.session, held, 'escalation');
  }

  private async update(state: Escalation['state'], reason?: string): Promise<void> {
    this.escalation.state = state;
    if (reason) this.escalation.reason = reason;
    await this.deps.escalations.save(this.escalation);
    const update = { kind: 'escalation' as const, data: { escalation: this.escalation } };
    const people = [this.escalation.agentId, this.escalation.expertId].filter((p): p is string => Boolean(p));
    await Promise.all(people.map((p) => this.deps.screens.push(p, update)));
  }

  private ref() {
    return { escalationId: this.id, callId: this.escalation.callId };
  }
}
