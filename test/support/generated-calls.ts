import type { EscalationModeName, EventPayloads, EventType } from '../../src/domain/events';

// A seeded, made-up month of contact-centre traffic: the calls as plain facts
// (for computing expected figures) and the events the service would have
// logged for them (for the projection to count).

export interface GeneratedEscalation {
  id: string;
  mode: EscalationModeName;
  requestedBy: string;
  offers: { expertId: string; outcome: 'answered' | 'declined' | 'no_answer' }[];
  /** answered: the last offer answered; failed: nobody; cancelled: ended before an answer. */
  outcome: 'answered' | 'failed' | 'cancelled';
  answerWaitMs?: number;
  talkMs?: number;
}

export interface GeneratedCall {
  id: string;
  day: string;
  customer: string;
  skill?: string;
  agent?: string;
  waitMs: number;
  endReason: string;
  escalations: GeneratedEscalation[];
  wrapUp?: { personId: string; resolved: boolean; reason: string; repeatOf?: string };
  /** Its first-contact resolution was revoked by a later repeat. */
  revoked?: boolean;
}

export interface GeneratedEvent {
  atMs: number;
  type: EventType;
  data: EventPayloads[EventType];
}

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export const AGENTS = ['ana', 'sam', 'lee'];
export const EXPERTS = ['bo', 'cy', 'dee', 'eve'];
export const REASONS = ['billing', 'technical', 'order', 'account', 'other'];
const SKILLS = ['billing', 'tv', undefined];
const MODES: EscalationModeName[] = ['conference', 'consult', 'transfer', 'blind'];

export function generateTraffic(seed: number, firstDay: string, days: number, callsPerDay: number) {
  const random = rng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const calls: GeneratedCall[] = [];
  const events: GeneratedEvent[] = [];
  // The latest contact per customer and reason still counted as resolved first time.
  const lastResolved = new Map<string, { call: GeneratedCall; atMs: number; wrappedAtMs: number }>();
  let n = 0;
  for (let d = 0; d < days; d++) {
    const dayStart = Date.parse(`${firstDay}T00:00:00Z`) + d * 86_400_000;
    const starts = Array.from({ length: callsPerDay }, () => dayStart + 8 * 3_600_000 + Math.floor(random() * 9 * 3_600_000)).sort((a, b) => a - b);
    for (const start of starts) {
      const id = `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
      const call: GeneratedCall = {
        id,
        day: new Date(dayStart).toISOString().slice(0, 10),
        customer: `+4311${Math.floor(random() * 12)}`,
        skill: pick(SKILLS),
        waitMs: Math.floor(random() * 240_000),
        endReason: 'customer_hangup',
        escalations: [],
      };
      calls.push(call);
      const log = <T extends EventType>(atMs: number, type: T, data: EventPayloads[T]) => events.push({ atMs, type, data });
      log(start, 'call.offered', { callId: id, customer: call.customer, serviceNumber: '100', skill: call.skill });
      log(start + 1, 'call.queued', { callId: id, position: 'back' });
      const fate = random();
      let t = start + call.waitMs;
      if (fate < 0.15) {
        log(t, 'call.ended', { callId: id, reason: 'customer_hangup', durationMs: call.waitMs });
        continue;
      }
      if (fate < 0.2) {
        call.endReason = 'queue_timeout';
        log(t, 'call.ended', { callId: id, reason: 'queue_timeout', durationMs: call.waitMs });
        continue;
      }
      call.agent = pick(AGENTS);
      log(t - 2000, 'call.agent_ringing', { callId: id, agentId: call.agent });
      log(t, 'call.answered', { callId: id, agentId: call.agent, waitMs: call.waitMs });
      if (random() < 0.4) {
        const esc: GeneratedEscalation = {
          id: `esc-${n}`,
          mode: pick(MODES),
          requestedBy: call.agent,
          offers: [],
          outcome: 'answered',
        };
        call.escalations.push(esc);
        const requestedAt = (t += 60_000);
        log(t, 'escalation.requested', {
          escalationId: esc.id, callId: id, mode: esc.mode, caseId: `case-${n}`, requestedBy: call.agent, target: { skills: [] },
        });
        const fateEsc = random();
        const experts = [...EXPERTS].sort(() => random() - 0.5);
        const first = experts[0] as string;
        log((t += 100), 'escalation.offered', { escalationId: esc.id, callId: id, expertId: first, attempt: 1 });
        if (fateEsc < 0.15) {
          esc.offers.push({ expertId: first, outcome: 'no_answer' });
          log((t += 20_000), 'escalation.no_answer', { escalationId: esc.id, callId: id, expertId: first, outcome: 'no_answer', status: 408 });
          esc.outcome = 'failed';
          log((t += 10), 'escalation.failed', { escalationId: esc.id, callId: id, reason: 'deadline', returnedTo: 'agent' });
          log((t += 10), 'escalation.ended', { escalationId: esc.id, callId: id, reason: 'failed' });
        } else if (fateEsc < 0.25) {
          esc.outcome = 'cancelled';
          esc.offers.push({ expertId: first, outcome: 'no_answer' });
          log((t += 5000), 'escalation.no_answer', { escalationId: esc.id, callId: id, expertId: first, outcome: 'cancelled', status: 487 });
          log((t += 10), 'escalation.ended', { escalationId: esc.id, callId: id, reason: 'cancelled_by_agent' });
        } else {
          let answerer = first;
          if (fateEsc < 0.45) {
            esc.offers.push({ expertId: first, outcome: 'declined' });
            log((t += 3000), 'escalation.declined', { escalationId: esc.id, callId: id, expertId: first, via: 'screen' });
            answerer = experts[1] as string;
            log((t += 100), 'escalation.offered', { escalationId: esc.id, callId: id, expertId: answerer, attempt: 2 });
          }
          esc.offers.push({ expertId: answerer, outcome: 'answered' });
          t += Math.floor(random() * 40_000);
          esc.answerWaitMs = t - requestedAt;
          log(t, 'escalation.answered', { escalationId: esc.id, callId: id, expertId: answerer, waitMs: esc.answerWaitMs });
          log((t += 50), 'escalation.joined', { escalationId: esc.id, callId: id, expertId: answerer });
          const answeredAt = t - 50;
          t += 30_000 + Math.floor(random() * 600_000);
          esc.talkMs = t - answeredAt;
          log(t, 'escalation.ended', { escalationId: esc.id, callId: id, reason: 'expert_left', expertId: answerer });
        }
      }
      t += 30_000 + Math.floor(random() * 300_000);
      log(t, 'call.ended', { callId: id, reason: 'customer_hangup', durationMs: t - start });
      if (random() < 0.9) {
        const reason = pick(REASONS);
        const resolved = random() < 0.7;
        const key = `${call.customer}/${reason}`;
        const wrappedAtMs = (t += 20_000);
        // Like the service: only a contact already wrapped up can be found repeated.
        const earlier = lastResolved.get(key);
        const repeatOf = earlier && earlier.atMs >= start - 7 * 86_400_000 && earlier.wrappedAtMs < wrappedAtMs ? earlier.call : undefined;
        if (repeatOf) {
          repeatOf.revoked = true;
          lastResolved.delete(key);
        }
        call.wrapUp = { personId: call.agent, resolved, reason, repeatOf: repeatOf?.id };
        if (resolved && !repeatOf) lastResolved.set(key, { call, atMs: start, wrappedAtMs });
        log(wrappedAtMs, 'call.wrapped_up', {
          callId: id, personId: call.agent, role: 'agent', resolved, reason, followUp: false, repeatOf: repeatOf?.id,
        });
      }
    }
  }
  events.sort((a, b) => a.atMs - b.atMs);
  return { calls, events };
}
