import { randomUUID } from 'node:crypto';
import type { Case } from '../../domain/case';
import { ConflictError, ForbiddenError, NoneAvailableError, NotFoundError } from '../../domain/errors';
import { type Escalation, type EscalationRequest, cancellable, criteriaFor, mergeable, ringing } from '../../domain/escalation';
import { isStaffManager, type Principal } from '../../domain/principal';
import type { CaseStore } from '../../store/case-store';
import type { EscalationStore } from '../../store/escalation-store';
import { type CallService, joinedStaff } from '../calls/call-service';
import type { ClaimService } from '../claim-service';
import type { EventFeed } from '../ports/event-feed';

export interface EscalationSettings {
  ringTimeoutSec: number;
  deadlineSec: number;
  maxRoomSize: number;
  claimLeaseSec: number;
}

const who = (p: Principal) => p.personId ?? p.role;

/**
 * The escalation API on any instance: checks the request, claims the first
 * expert at once (so "nobody is free" is an immediate answer), stores the case
 * and the escalation, and hands the hunt to the instance that owns the call.
 */
export class EscalationService {
  constructor(
    private readonly deps: {
      calls: CallService;
      claims: ClaimService;
      escalations: EscalationStore;
      cases: CaseStore;
      events: EventFeed;
    },
    private readonly settings: EscalationSettings,
  ) {}

  /** Returns the escalation, and whether this request created it (false: an Idempotency-Key replay). */
  async request(
    callId: string,
    principal: Principal,
    body: EscalationRequest,
    idempotencyKey?: string,
  ): Promise<{ escalation: Escalation; created: boolean }> {
    const call = await this.deps.calls.getFor(callId, principal);
    if (!isStaffManager(principal) && principal.role !== 'agent') {
      throw new ForbiddenError('only the agent on the call or a supervisor may escalate it');
    }
    const id = randomUUID();
    if (idempotencyKey) {
      const earlier = await this.deps.escalations.rememberRequest(who(principal), idempotencyKey, id);
      if (earlier) {
        const escalation = await this.deps.escalations.get(earlier);
        if (!escalation) throw new ConflictError('request_in_progress', 'a request with this Idempotency-Key is still being handled');
        return { escalation, created: false };
      }
    }
    try {
      return { escalation: await this.create(id, call, principal, body), created: true };
    } catch (err) {
      if (idempotencyKey) await this.deps.escalations.forgetRequest(who(principal), idempotencyKey);
      throw err;
    }
  }

  async get(id: string, principal: Principal): Promise<Escalation> {
    const escalation = await this.deps.escalations.get(id);
    if (!escalation) throw new NotFoundError('escalation', id);
    const involved = [escalation.agentId, escalation.requestedBy, ...escalation.attempts.map((a) => a.expertId)];
    if (!isStaffManager(principal) && !involved.includes(principal.personId)) {
      throw new ForbiddenError('only the agent, the experts offered it and supervisors may read an escalation');
    }
    return escalation;
  }

  async merge(id: string, principal: Principal): Promise<Escalation> {
    const escalation = await this.ownedBy(id, principal);
    if (!mergeable(escalation)) throw wrongState(escalation, 'merge');
    await this.deps.calls.send({ type: 'escalation.merge', callId: escalation.callId, escalationId: id });
    return escalation;
  }

  async cancel(id: string, principal: Principal): Promise<Escalation> {
    const escalation = await this.ownedBy(id, principal);
    if (!cancellable(escalation)) throw wrongState(escalation, 'cancel');
    await this.deps.calls.send({ type: 'escalation.cancel', callId: escalation.callId, escalationId: id });
    return escalation;
  }

  /** The offered expert turns it down from their screen while the phone rings. */
  async decline(id: string, principal: Principal): Promise<Escalation> {
    const escalation = await this.deps.escalations.get(id);
    if (!escalation) throw new NotFoundError('escalation', id);
    const { personId } = principal;
    if (!personId || !ringing(escalation, personId)) throw new ConflictError('not_offered', `escalation "${id}" is not ringing you now`);
    await this.deps.calls.send({ type: 'escalation.decline', callId: escalation.callId, escalationId: id, expertId: personId });
    return escalation;
  }

  private async create(id: string, call: Awaited<ReturnType<CallService['get']>>, principal: Principal, body: EscalationRequest) {
    const staff = joinedStaff(call);
    if (call.state !== 'connected' || staff.length === 0) {
      throw new ConflictError('call_not_connected', `call "${call.id}" has nobody from our side in it yet`);
    }
    if (call.legs.filter((l) => l.state !== 'ended').length >= this.settings.maxRoomSize) {
      throw new ConflictError('room_full', `call "${call.id}" already has ${this.settings.maxRoomSize} participants`, {
        maxRoomSize: this.settings.maxRoomSize,
      });
    }
    // The call's one escalation slot and the expert are asked for together:
    // one round trip before the expert's phone rings, not two. A claim made
    // for a request that then finds the slot taken is released at once.
    const [slot, claimed] = await Promise.allSettled([
      this.deps.escalations.takeSlot(call.id, id),
      this.deps.claims.tryClaim(criteriaFor(body.target, staff.map((l) => l.personId as string)), this.settings.claimLeaseSec, {
        callId: call.id,
        escalationId: id,
      }),
    ]);
    const claim = claimed.status === 'fulfilled' ? claimed.value : undefined;
    if (slot.status === 'rejected' || slot.value) {
      if (claim) await this.deps.claims.releaseQuietly(claim.claimId);
      if (slot.status === 'rejected') throw slot.reason;
      throw new ConflictError('escalation_in_progress', `call "${call.id}" already has an escalation in progress`, {
        escalationId: slot.value,
      });
    }
    if (!claim) {
      await this.deps.escalations.freeSlot(call.id, id);
      if (claimed.status === 'rejected') throw claimed.reason;
      throw new NoneAvailableError({ target: body.target });
    }

    const now = new Date();
    const agentId =
      principal.role === 'agent' ? principal.personId : staff.find((l) => l.role === 'agent')?.personId ?? staff[0]?.personId;
    const record: Case = {
      ...body.case,
      id: randomUUID(),
      callId: call.id,
      createdBy: who(principal),
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      readers: agentId ? [agentId] : [],
    };
    const escalation: Escalation = {
      id,
      callId: call.id,
      mode: body.mode,
      state: 'hunting',
      target: body.target,
      caseId: record.id,
      requestedBy: who(principal),
      agentId,
      attempts: [],
      ringTimeoutSec: body.ringTimeoutSec ?? this.settings.ringTimeoutSec,
      createdAt: now.toISOString(),
      deadlineAt: new Date(now.getTime() + (body.deadlineSec ?? this.settings.deadlineSec) * 1000).toISOString(),
    };
    // The records and the first dial go out together: the owner gets the
    // records with the command, and the writes, sent first on the same Redis
    // connection, land before anything the hunt writes or logs.
    const writes = Promise.all([
      this.deps.cases.create(record),
      this.deps.escalations.save(escalation),
      this.deps.events.append('escalation.requested', {
        escalationId: id,
        callId: call.id,
        mode: body.mode,
        caseId: record.id,
        requestedBy: escalation.requestedBy,
        target: body.target,
        customerId: body.case.customer.id,
      }),
    ]);
    const starting = this.deps.calls.send({
      type: 'escalation.start',
      callId: call.id,
      escalationId: id,
      claimId: claim.claimId,
      expertId: claim.personId,
      expertProfile: claim.profile,
      expertDeskPhone: claim.deskPhone,
      escalation: structuredClone(escalation),
      caseRecord: structuredClone(record),
    });
    const [written, started] = await Promise.allSettled([writes, starting]);
    if (started.status === 'rejected') {
      await this.deps.claims.releaseQuietly(claim.claimId);
      await this.deps.escalations.freeSlot(call.id, id);
      await this.deps.escalations.save({ ...escalation, state: 'failed', reason: 'call_unreachable', endedAt: new Date().toISOString() });
      await this.deps.events.append('escalation.failed', { escalationId: id, callId: call.id, reason: 'call_unreachable' });
      throw started.reason;
    }
    if (written.status === 'rejected') {
      // Started but not recorded: call it off rather than run an escalation nobody can see.
      await this.deps.calls.send({ type: 'escalation.cancel', callId: call.id, escalationId: id }).catch(() => undefined);
      throw written.reason;
    }
    return escalation;
  }

  /** An escalation the principal may steer: the agent whose call it is, or a supervisor. */
  private async ownedBy(id: string, principal: Principal): Promise<Escalation> {
    const escalation = await this.deps.escalations.get(id);
    if (!escalation) throw new NotFoundError('escalation', id);
    if (!isStaffManager(principal) && principal.personId !== escalation.agentId) {
      throw new ForbiddenError('only the agent who escalated and supervisors may steer an escalation');
    }
    return escalation;
  }
}

const wrongState = (e: Escalation, what: string) =>
  new ConflictError('wrong_state', `cannot ${what} escalation "${e.id}" while it is ${e.state}`, { state: e.state });
