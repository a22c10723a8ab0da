import { randomUUID } from 'node:crypto';
import type { Call, CallEndReason } from '../../domain/call';
import type { Config } from '../../config/schema';
import { AppError } from '../../domain/errors';
import { type CallStore, queueScore } from '../../store/call-store';
import type { Claim } from '../../store/claim-store';
import type { InstanceStore } from '../../store/instance-store';
import type { DialFailed, InboundCall, Leg } from '../ports/telephony';
import { BackgroundWork } from '../background-work';
import { OnePassAtATime } from '../one-pass-at-a-time';
import { CallSession, type StaffLeg } from './call-session';
import { StaffLegs, type StaffLegDeps } from './staff-legs';

export interface CallEngineDeps extends StaffLegDeps {
  calls: CallStore;
  instances: InstanceStore;
  /** What else a lost call left unfinished (its escalations), for the instance that removed it. */
  afterLostCall?: (callId: string) => Promise<void>;
}

type CallSettings = Config['calls'] & { claimLeaseSec: number; instanceId: string };

/**
 * Customer calls, from INVITE to the last hang-up: answer into a room, queue,
 * claim the longest-idle agent, ring them, join them, and clean up whatever
 * order the legs end in. Runs on the instance that holds the call's dialogs.
 */
export class CallEngine {
  private readonly sessions = new Map<string, CallSession>();
  private readonly dispatcher = new OnePassAtATime(() =>
    this.dispatchOnce().catch((err: unknown) => this.deps.log.error({ err }, 'dispatch failed')),
  );
  private renewTimer?: NodeJS.Timeout;
  private readonly background: BackgroundWork;
  private readonly legs: StaffLegs;

  constructor(
    private readonly deps: CallEngineDeps,
    private readonly settings: CallSettings,
  ) {
    this.background = new BackgroundWork(deps.log);
    this.legs = new StaffLegs(
      deps,
      this.background,
      (session, staff) => this.staffLeft(session, staff),
      (session) => this.saveCall(session),
    );
  }

  start(): void {
    this.deps.telephony.onInboundCall((inbound) => this.background.run('inbound call', () => this.handleInbound(inbound)));
    // Claims and this instance's heartbeat are leases: renew them well before
    // they lapse, and look for calls whose owner let its own lapse.
    const everyMs = Math.max(1000, (this.settings.claimLeaseSec * 1000) / 3);
    this.background.run('heartbeat', () => this.beat());
    this.renewTimer = setInterval(() => {
      this.background.run('heartbeat', () => this.beat());
      this.background.run('claim renewal', () => this.renewClaims());
      this.background.run('lost calls', () => this.sweepLostCalls());
    }, everyMs);
    this.renewTimer.unref();
  }

  /** Ids of the calls this instance holds. */
  localCallIds(): string[] {
    return [...this.sessions.keys()];
  }

  /**
   * The hunt for an agent starts as soon as the INVITE is in, on the media
   * server the call will be answered on: the agent's phone rings while the
   * customer is answered and joins the room. Whatever ends first wins:
   * - the caller cancels, or the answer fails: the call ends, which withdraws
   *   the ringing offer and releases its claim (an answer that crossed the
   *   CANCEL is hung up);
   * - the agent answers before the customer is in the room: they join the room
   *   first (it appears with its first member) and the customer joins them.
   */
  async handleInbound(inbound: InboundCall): Promise<void> {
    const log = this.deps.log.child({ sipCallId: inbound.sipCallId });
    const service = this.serviceNumberFor(inbound.to);
    if (!service) {
      log.info({ to: inbound.to }, 'call to a number we do not serve');
      await inbound.reject(404, 'Not a service number');
      return;
    }
    const mediaServer = inbound.mediaServer;
    if (!mediaServer) {
      log.error('no media server is connected');
      await inbound.reject(503, 'Media unavailable');
      return;
    }

    const callId = randomUUID();
    const now = new Date().toISOString();
    const call: Call = {
      id: callId,
      sipCallId: inbound.sipCallId,
      customer: inbound.from,
      serviceNumber: service.number,
      state: 'queued',
      room: `call-${callId}`,
      mediaServer,
      owner: this.settings.instanceId,
      createdAt: now,
      queuedAt: now,
      legs: [],
    };
    const session = new CallSession(call);
    this.sessions.set(callId, session);
    inbound.onCancelled(() => this.background.run('caller cancelled', () => this.end(session, 'customer_hangup')));

    const answering = inbound.answer({ 'X-Call-Id': callId });
    // Queue (and so hunt) while the answer is under way. Caught here, as it
    // may fail before anything awaits it.
    const queueing = this.offered(session, service.skill).catch((err: unknown) => log.error({ err, callId }, 'could not queue the call'));
    let customer: Leg;
    try {
      customer = await answering;
    } catch (err) {
      const incompatible = err instanceof AppError && err.code === 'offer_not_accepted';
      if (!session.ended && incompatible) {
        log.warn({ err, callId }, 'the caller offered no media we take');
        await inbound.reject(488, 'Not Acceptable Here');
      } else if (!session.ended) {
        log.error({ err, callId }, 'cannot answer the call into a room');
        await inbound.reject(503, 'Media unavailable');
      }
      // Ending first withdraws an offer already ringing; queue() undoes its own writes once it sees the end.
      await this.end(session, incompatible ? 'incompatible_media' : 'media_lost');
      await queueing;
      return;
    }
    // The caller may have given up while we answered: the CANCEL crossed our 200.
    if (session.ended) {
      await customer.hangup();
      await queueing;
      return;
    }
    const customerLeg = session.answered(customer);
    customer.onEnded(() => this.background.run('customer hang-up', () => this.end(session, 'customer_hangup')));

    try {
      // Alone in the room, the customer hears the room's music.
      const joining = customer.join(call.room);
      // Kept with the call before the join ends, as a staff leg is (StaffLegs.join).
      this.background.run('answered record', () => this.saveCall(session));
      const { memberId } = await joining;
      Object.assign(customerLeg, { state: 'joined', memberId, joinedAt: new Date().toISOString() });
    } catch (err) {
      log.error({ err, callId }, 'customer could not join the room');
      await this.end(session, 'media_lost');
      await queueing;
      return;
    }
    await queueing;
    await this.saveCall(session);
  }

  /** The call is ours: tell the world, and queue it for the first free agent. */
  private async offered(session: CallSession, skill: string | undefined): Promise<void> {
    const { call } = session;
    // Sent first on the connection, so it is logged before call.queued; no need to wait for it.
    const announcing = this.deps.events.append('call.offered', {
      callId: call.id,
      customer: call.customer,
      serviceNumber: call.serviceNumber,
      skill,
    });
    await Promise.all([announcing, this.queue(session, 'back')]);
  }

  /** Hangs a call up from the API. Returns false when this instance does not hold it. */
  async hangup(callId: string): Promise<boolean> {
    const session = this.sessions.get(callId);
    if (!session) return false;
    await this.end(session, 'hung_up_by_api');
    return true;
  }

  /** A hang-up another instance asked for; this one holds the call, or nobody does any more. */
  requestHangup(callId: string): void {
    this.background.run('hang-up command', () => this.hangup(callId));
  }

  /** Looks for agents for the queued calls, first in line first. Runs one pass at a time. */
  dispatch(): Promise<void> {
    return this.dispatcher.run();
  }

  /**
   * Removes the records of calls whose owner is gone: an instance that crashed
   * (its heartbeat lapsed), or this one before a restart under the same name.
   * Their phones stay connected to the room: the one instance that removes a
   * call hangs up its answered legs, cancels its ringing ones and logs its end.
   * The claims lapse on their own.
   */
  async sweepLostCalls(): Promise<void> {
    const calls = await this.deps.calls.list();
    const alive = await this.deps.instances.alive([...new Set(calls.map((call) => call.owner))]);
    // A call of ours without a session is lost only once it is older than a
    // lease: a write that landed after its end is undone by the one who wrote it.
    const before = Date.now() - this.settings.claimLeaseSec * 1000;
    for (const call of calls) {
      const lost =
        call.owner === this.settings.instanceId
          ? !this.sessions.has(call.id) && Date.parse(call.createdAt) < before
          : !alive.has(call.owner);
      if (!lost || !(await this.deps.calls.removeLost(call.id))) continue;
      this.deps.log.warn({ callId: call.id, owner: call.owner }, 'removed a call whose instance is gone');
      await this.hangUpLegsOf(call);
      await this.deps.afterLostCall?.(call.id);
      await this.deps.events.append('call.ended', { callId: call.id, reason: 'owner_lost', durationMs: Date.now() - Date.parse(call.createdAt) });
    }
  }

  /**
   * A lost call's answered legs stay up in drachtio and FreeSWITCH, the phones
   * connected to the room, and its ringing phones ring on: hang up and cancel.
   */
  private async hangUpLegsOf(call: Call): Promise<void> {
    const live = call.legs.filter((leg) => leg.state !== 'ended');
    const up = live.flatMap((leg) => (leg.handles ? [leg.handles] : []));
    const ringing = live.flatMap((leg) => (leg.handles ? [] : (leg.invites ?? [])));
    await Promise.all([
      ...up.map((handles) => this.deps.telephony.hangUpLost(call.mediaServer, handles)),
      ringing.length > 0 ? this.deps.telephony.cancelLost(ringing) : undefined,
    ]);
  }

  /** Runs a dispatch pass in the background. */
  kickDispatch(): void {
    this.background.run('dispatch', () => this.dispatch());
  }

  async close(): Promise<void> {
    clearInterval(this.renewTimer);
    await Promise.all([...this.sessions.values()].map((s) => this.end(s, 'shutdown')));
    await this.background.drain();
  }

  private serviceNumberFor(to: string): { number: string; skill?: string } | undefined {
    const numbers = this.settings.serviceNumbers;
    if (numbers.length === 0) return { number: to };
    return numbers.find((n) => n.number === to);
  }

  private async queue(session: CallSession, position: 'back' | 'front'): Promise<void> {
    if (session.ended) return;
    session.call.state = 'queued';
    session.call.queuedAt = new Date().toISOString();
    session.queueScore = queueScore(position === 'front');
    // The write and the event go out on the connection before the hunt's claim,
    // so call.queued is logged before any ringing. The claim needs nothing the
    // write makes: hunt at once.
    const saving = this.deps.calls.saveQueued(session.call, session.queueScore);
    const announcing = this.deps.events.append('call.queued', { callId: session.id, position });
    this.kickDispatch();
    await Promise.all([saving, announcing]);
    // The call may have ended while the write was under way: end() removed the
    // record and the queue entry, unless our write landed after that.
    if (session.ended) {
      await this.deps.calls.remove(session.id);
      return;
    }
    clearTimeout(session.queueTimer);
    session.queueTimer = setTimeout(
      () => this.background.run('queue timeout', () => this.queueTimedOut(session)),
      this.settings.queueMaxWaitSec * 1000,
    );
    session.queueTimer.unref();
  }

  private async dequeue(session: CallSession): Promise<void> {
    session.queueScore = undefined;
    await this.deps.calls.dequeue(session.id);
  }

  /**
   * Offers this instance's waiting calls, first in line first. Only the owner
   * offers a call, so its own sessions in their queue order are all a pass
   * needs: it reads nothing from the shared queue.
   */
  private async dispatchOnce(): Promise<void> {
    const inLine = [...this.sessions.values()].filter((s) => this.waitsForAgent(s));
    inLine.sort((a, b) => (a.queueScore as number) - (b.queueScore as number));
    for (const session of inLine) {
      // An earlier claim of this pass took time: the call may have moved on.
      if (!this.waitsForAgent(session)) continue;
      const skill = this.serviceNumberFor(session.call.serviceNumber)?.skill;
      const claim = await this.deps.claims.tryClaim(
        { role: 'agent', skills: skill ? [{ name: skill, minLevel: 1 }] : [], exclude: [...session.excluded] },
        this.settings.claimLeaseSec,
        { callId: session.id },
      );
      if (!claim) continue;
      // Ended (the customer hung up) or offered another way while the claim was made: ring nobody.
      if (!this.waitsForAgent(session)) {
        await this.deps.claims.releaseQuietly(claim.claimId);
        continue;
      }
      this.background.run('agent offer', () => this.offer(session, claim));
    }
  }

  /** In the queue, and not being offered to anyone: one offer at a time per call. */
  private waitsForAgent(session: CallSession): boolean {
    return (
      !session.ended &&
      session.queueScore !== undefined &&
      session.call.state === 'queued' &&
      !session.ringing() &&
      !session.holdsCustomer()
    );
  }

  /** Rings one claimed agent; on answer joins them, on failure hunts again. */
  private async offer(session: CallSession, claim: Claim): Promise<void> {
    const { call } = session;
    const agentId = claim.personId;
    call.state = 'offering';
    const { staff, result } = this.staffLegs.ring(session, {
      personId: agentId,
      claimId: claim.claimId,
      profile: claim.profile,
      deskPhone: claim.deskPhone,
      role: 'agent',
      headers: { 'X-Call-Id': call.id, 'X-Customer': call.customer, 'X-Service-Number': call.serviceNumber },
      ringTimeoutSec: this.settings.ringTimeoutSec,
      onRinging: () =>
        this.background.run('ringing event', () => this.deps.events.append('call.agent_ringing', { callId: call.id, agentId })),
    });
    await this.saveCall(session);
    const outcome = await result;
    if ('failed' in outcome) {
      this.deps.log.info({ callId: call.id, agentId, outcome: outcome.failed.outcome }, 'agent did not take the call');
      await this.missed(session, staff, outcome.failed);
      return;
    }
    if (!(await this.staffLegs.join(session, staff))) {
      if (!session.ended) await this.missed(session, staff, { outcome: 'failed', reason: 'join failed' });
      return;
    }
    clearTimeout(session.queueTimer);
    call.state = 'connected';
    const waitMs = Date.now() - Date.parse(call.queuedAt ?? call.createdAt);
    call.answeredAt ??= new Date().toISOString();
    await this.dequeue(session);
    await this.saveCall(session);
    await this.deps.events.append('call.answered', { callId: call.id, agentId, waitMs });
  }

  private async missed(session: CallSession, staff: StaffLeg, failure: DialFailed): Promise<void> {
    await this.staffLegs.release(staff, false);
    if (session.ended || failure.outcome === 'cancelled') return;
    session.excluded.add(staff.personId);
    const { call } = session;
    await this.deps.events.append('call.agent_missed', {
      callId: call.id,
      agentId: staff.personId,
      outcome: failure.outcome,
      status: failure.status,
    });
    const { count, setAway } = await this.deps.presence.missedOffer(staff.personId);
    if (setAway) await this.deps.events.append('presence.missed_offers', { personId: staff.personId, count });
    call.state = session.joinedStaff().length ? 'connected' : 'queued';
    await this.saveCall(session);
    this.kickDispatch();
  }

  /** A staff leg left the room (their phone hung up, or they asked to leave) while the call goes on. */
  async staffLeft(session: CallSession, staff: StaffLeg): Promise<void> {
    if (session.ended || staff.record.state === 'ended') return;
    await this.staffLegs.release(staff, true);
    if (staff.record.role === 'agent') {
      await this.deps.events.append('call.agent_left', { callId: session.id, agentId: staff.personId });
    }
    for (const watcher of session.watchers) watcher.staffLeft(staff);
    await this.afterStaffChange(session);
  }

  /** With nobody left to talk to, the customer goes back to the queue (or the call ends, per policy). */
  async afterStaffChange(session: CallSession): Promise<void> {
    if (session.ended) return;
    if (session.joinedStaff().length > 0 || session.holdsCustomer()) {
      await this.saveCall(session);
      return;
    }
    if (this.settings.agentHangupPolicy === 'end') {
      await this.end(session, 'agent_hangup');
      return;
    }
    // Alone again: back to the front of the queue, with music.
    session.excluded.clear();
    await this.queue(session, 'front');
  }

  /**
   * Gives the customer back to an agent after a hand-over failed: that agent
   * if they are free now, else the front of the queue. Says which.
   */
  async returnCustomer(session: CallSession, agentId: string | undefined): Promise<'agent' | 'queue'> {
    const claim = agentId
      ? await this.deps.claims.tryClaim({ role: 'agent', personId: agentId, skills: [], exclude: [] }, this.settings.claimLeaseSec, {
          callId: session.id,
        })
      : undefined;
    // The offer registers its ringing leg at once, so the dispatch that
    // queueing starts cannot offer the call to someone else meanwhile.
    if (claim) this.background.run('agent offer', () => this.offer(session, claim));
    session.excluded.clear();
    await this.queue(session, 'front');
    return claim ? 'agent' : 'queue';
  }

  /**
   * Writes the call's record unless it has ended: end() removes the record,
   * and a write sent after that would bring it back.
   */
  async saveCall(session: CallSession): Promise<void> {
    if (!session.ended) await this.deps.calls.save(session.call);
  }

  get staffLegs(): StaffLegs {
    return this.legs;
  }

  session(callId: string): CallSession | undefined {
    return this.sessions.get(callId);
  }

  /** Ends a call at a staff member's request. */
  async endCall(callId: string, reason: CallEndReason): Promise<boolean> {
    const session = this.sessions.get(callId);
    if (!session) return false;
    await this.end(session, reason);
    return true;
  }

  private async queueTimedOut(session: CallSession): Promise<void> {
    if (session.ended || session.call.state === 'connected') return;
    const overflow = this.settings.overflowUri;
    if (!overflow) {
      await this.sayGoodbye(session);
      await this.end(session, 'queue_timeout');
      return;
    }
    // Hand the customer to the overflow destination: it joins the room like an agent would.
    const customer = session.customer;
    if (!customer) {
      await this.end(session, 'queue_timeout');
      return;
    }
    const ringing = session.ringing();
    if (ringing) await this.staffLegs.release(ringing, false);
    await this.dequeue(session);
    const dial = this.deps.telephony.dial({
      uri: overflow,
      mediaServer: session.call.mediaServer,
      headers: { 'X-Call-Id': session.id, 'X-Customer': session.call.customer },
      callingNumber: session.call.customer,
      ringTimeoutSec: this.settings.ringTimeoutSec,
    });
    const result = await dial.result;
    if ('failed' in result || session.ended) {
      if ('answered' in result) await result.answered.hangup();
      await this.end(session, 'queue_timeout');
      return;
    }
    try {
      await result.answered.join(session.call.room);
    } catch {
      await result.answered.hangup();
      await this.end(session, 'queue_timeout');
      return;
    }
    // The room is theirs now; our part of the call is over.
    result.answered.onEnded(() => this.background.run('overflow hang-up', () => customer.hangup()));
    customer.onEnded(() => this.background.run('overflow hang-up', () => result.answered.hangup()));
    await this.end(session, 'overflowed', { keepCustomer: true });
  }

  /** Tells a caller who waited too long why we hang up. Nobody is offered the call meanwhile. */
  private async sayGoodbye(session: CallSession): Promise<void> {
    const message = this.settings.queueTimeoutMessage;
    const customer = session.call.legs.find((l) => l.role === 'customer' && l.state === 'joined');
    if (!message || !customer?.memberId) return;
    const ringing = session.ringing();
    if (ringing) await this.staffLegs.release(ringing, false);
    await this.dequeue(session);
    try {
      await this.deps.telephony.playToMember(session.call.mediaServer, session.call.room, customer.memberId, message.sound);
    } catch (err) {
      this.deps.log.warn({ err, callId: session.id }, 'could not play the queue time-out message');
      return;
    }
    await session.pause(message.seconds * 1000);
  }

  /**
   * Ends the call whatever state it is in: cancel ringing offers, hang up every
   * leg, release every claim, remove the record. Safe to call more than once.
   */
  private async end(session: CallSession, reason: CallEndReason, opts: { keepCustomer?: boolean } = {}): Promise<void> {
    if (session.ended) return;
    session.ended = true;
    clearTimeout(session.queueTimer);
    const log = this.deps.log.child({ callId: session.id });
    await Promise.all(
      [...session.staff.values()].map((s) =>
        this.staffLegs.release(s, s.record.state === 'joined').catch((err) => log.error({ err }, 'staff leg cleanup failed')),
      ),
    );
    for (const watcher of session.watchers) watcher.ended(reason);
    if (!opts.keepCustomer) await session.customer?.hangup();
    // The record goes first: a call without a session here counts as lost.
    try {
      await this.deps.calls.remove(session.id);
    } finally {
      this.sessions.delete(session.id);
    }
    const durationMs = Date.now() - Date.parse(session.call.createdAt);
    await this.deps.events.append('call.ended', { callId: session.id, reason, durationMs });
    log.info({ reason, durationMs }, 'call ended');
    this.kickDispatch();
  }

  private beat(): Promise<void> {
    return this.deps.instances.beat(this.settings.instanceId, this.settings.claimLeaseSec);
  }

  private async renewClaims(): Promise<void> {
    for (const session of this.sessions.values()) {
      for (const staff of session.staff.values()) {
        if (staff.record.state === 'ended') continue;
        await this.deps.claims.renew(staff.claimId, this.settings.claimLeaseSec).catch((err: unknown) =>
          this.deps.log.warn({ err, callId: session.id, personId: staff.personId }, 'claim lapsed during a call'),
        );
      }
    }
  }
}
