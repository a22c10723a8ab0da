import type { EscalationModeName, LoggedEvent } from '../events';
import { bucketIndex } from './histogram';
import { type DimensionValues, dayOf, expandFields, type FieldIncrement } from './report-fields';

// What each event adds to the report counters. Every figure of a call lands in
// the day its call was offered (an escalation's in the day it was requested),
// so a report over a range counts whole calls. The per-call context carries
// what later events need from earlier ones and makes each step count once.

/** How an escalation ended, as the reports count it. */
export const ESCALATION_TALLY_OUTCOMES = ['answered', 'failed', 'cancelled'] as const;

export interface EscalationTally {
  day: string;
  mode: EscalationModeName;
  agent: string;
  offered?: boolean;
  expert?: string;
  answeredMs?: number;
  outcome?: (typeof ESCALATION_TALLY_OUTCOMES)[number];
  resolved?: boolean;
  ended?: boolean;
}

export interface CallTally {
  day: string;
  skill?: string;
  /** The first agent who answered. */
  agent?: string;
  experts: string[];
  answered?: boolean;
  ended?: boolean;
  wrapped?: boolean;
  reason?: string;
  /** Counted as resolved on first contact, and not revoked since. */
  fcr?: boolean;
  escalations: Record<string, EscalationTally>;
}

export interface DayIncrement extends FieldIncrement {
  day: string;
}

export interface TallyResult {
  increments: DayIncrement[];
  /** The call's context after the event; undefined: unchanged. */
  call?: CallTally;
  /** The repeated call's context after a revocation. */
  repeated?: CallTally;
}

/** The other call an event needs the context of (the contact a wrap-up repeats). */
export const relatedCallId = (event: LoggedEvent): string | undefined =>
  event.type === 'call.wrapped_up' ? (event.data as { repeatOf?: string }).repeatOf : undefined;

export const callIdOf = (event: LoggedEvent): string | undefined => (event.data as { callId?: string }).callId;

class Tally {
  readonly increments: DayIncrement[] = [];

  count(day: string, metric: string, dims: DimensionValues = {}, by = 1): void {
    for (const f of expandFields(metric, dims, by)) this.increments.push({ day, ...f });
  }

  /** A dimension of something already counted, learnt later (the agent, reason or expert of a contact). */
  addDimension(day: string, metric: string, dims: DimensionValues): void {
    for (const f of expandFields(metric, dims, 1, undefined, false)) this.increments.push({ day, ...f });
  }

  observe(day: string, metric: string, dims: DimensionValues, valueMs: number): void {
    for (const f of expandFields(metric, dims, 1, bucketIndex(valueMs))) this.increments.push({ day, ...f });
  }
}

const callDims = (c: CallTally): DimensionValues => ({ skill: c.skill, agent: c.agent, expert: c.experts, reason: c.reason });
const escDims = (c: CallTally, e: EscalationTally): DimensionValues => ({ mode: e.mode, agent: e.agent, skill: c.skill, expert: e.expert });

export function tally(event: LoggedEvent, context: CallTally | undefined, repeatedContext?: CallTally): TallyResult {
  const t = new Tally();
  if (event.type === 'call.offered') {
    if (context) return { increments: [] };
    const { skill } = event.data as LoggedEvent<'call.offered'>['data'];
    const call: CallTally = { day: dayOf(event.at), skill, experts: [], escalations: {} };
    t.count(call.day, 'contacts', { skill });
    return { increments: t.increments, call };
  }
  // Events of a call whose offer is not in the log (trimmed away) are not counted.
  if (!context) return { increments: [] };
  const c: CallTally = structuredClone(context);
  let repeated: CallTally | undefined;

  switch (event.type) {
    case 'call.answered': {
      if (c.answered) return { increments: [] };
      const { agentId, waitMs } = event.data as LoggedEvent<'call.answered'>['data'];
      c.answered = true;
      c.agent = agentId;
      t.count(c.day, 'answered', { skill: c.skill, agent: agentId });
      t.addDimension(c.day, 'contacts', { agent: agentId });
      t.observe(c.day, 'wait', { skill: c.skill, agent: agentId }, waitMs);
      break;
    }
    case 'call.ended': {
      if (c.ended) return { increments: [] };
      const { reason, durationMs } = event.data as LoggedEvent<'call.ended'>['data'];
      c.ended = true;
      if (!c.answered && reason === 'customer_hangup') {
        t.count(c.day, 'abandoned', { skill: c.skill });
        t.observe(c.day, 'abandonWait', { skill: c.skill }, durationMs);
      }
      break;
    }
    case 'call.wrapped_up': {
      if (c.wrapped) return { increments: [] };
      const w = event.data as LoggedEvent<'call.wrapped_up'>['data'];
      c.wrapped = true;
      c.reason = w.reason;
      t.addDimension(c.day, 'contacts', { reason: w.reason });
      t.count(c.day, 'wrapped', callDims(c));
      if (w.resolved && !w.repeatOf) {
        c.fcr = true;
        t.count(c.day, 'fcr', callDims(c));
      }
      if (w.repeatOf && repeatedContext?.fcr) {
        repeated = { ...structuredClone(repeatedContext), fcr: false };
        t.count(repeated.day, 'fcr', callDims(repeated), -1);
        t.count(repeated.day, 'fcrRevoked', callDims(repeated));
      }
      if (w.resolved) {
        for (const e of Object.values(c.escalations)) {
          if (e.outcome !== 'answered' || e.resolved) continue;
          e.resolved = true;
          t.count(e.day, 'escResolved', escDims(c, e));
        }
      }
      break;
    }
    case 'escalation.requested': {
      const { escalationId, mode, requestedBy } = event.data as LoggedEvent<'escalation.requested'>['data'];
      if (c.escalations[escalationId]) return { increments: [] };
      const e: EscalationTally = { day: dayOf(event.at), mode, agent: requestedBy };
      c.escalations[escalationId] = e;
      t.count(e.day, 'escRequested', escDims(c, e));
      break;
    }
    default: {
      if (!event.type.startsWith('escalation.')) return { increments: [] };
      const data = event.data as { escalationId: string; expertId?: string };
      const e = c.escalations[data.escalationId];
      if (!e) return { increments: [] };
      if (!escalationStep(t, c, e, event, data.expertId)) return { increments: [] };
    }
  }
  return { increments: t.increments, call: c, repeated };
}

/** Applies one escalation event to its tally; false when it changes nothing. */
function escalationStep(t: Tally, c: CallTally, e: EscalationTally, event: LoggedEvent, expertId: string | undefined): boolean {
  const expert = { expert: expertId };
  switch (event.type) {
    case 'escalation.offered':
      t.count(e.day, 'expertOffers', expert);
      if (!e.offered) t.count(e.day, 'escOffered', escDims(c, e));
      e.offered = true;
      return true;
    case 'escalation.answered': {
      if (e.answeredMs !== undefined || !expertId) return false;
      e.expert = expertId;
      e.answeredMs = Date.parse(event.at);
      e.outcome = 'answered';
      t.count(e.day, 'escAnswered', escDims(c, e));
      t.count(e.day, 'expertAnswered', expert);
      t.observe(e.day, 'expertAnswer', escDims(c, e), (event.data as LoggedEvent<'escalation.answered'>['data']).waitMs);
      if (!c.experts.includes(expertId)) {
        c.experts.push(expertId);
        t.addDimension(c.day, 'contacts', expert);
      }
      return true;
    }
    case 'escalation.declined':
      t.count(e.day, 'expertDeclined', expert);
      return true;
    case 'escalation.no_answer':
      t.count(e.day, 'expertMissed', expert);
      return true;
    case 'escalation.failed':
      if (e.outcome) return false;
      e.outcome = 'failed';
      t.count(e.day, 'escFailed', escDims(c, e));
      return true;
    case 'escalation.ended':
      if (e.ended) return false;
      e.ended = true;
      if (e.answeredMs !== undefined && e.expert) {
        t.count(e.day, 'expertTalkMs', { expert: e.expert }, Math.max(0, Date.parse(event.at) - e.answeredMs));
      }
      if (!e.outcome) {
        e.outcome = 'cancelled';
        t.count(e.day, 'escCancelled', escDims(c, e));
      }
      return true;
    default:
      return false;
  }
}
