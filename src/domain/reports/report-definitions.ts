import type { Dimension } from './report-fields';

// The reports the API serves: each a set of columns over the day counters
// that tally.ts writes, grouped by time or by one dimension.

export const TIME_GROUPINGS = ['day', 'week'] as const;
export type Grouping = (typeof TIME_GROUPINGS)[number] | Dimension;

export type Column =
  | { name: string; kind: 'count'; metric: string; divideBy?: number }
  | { name: string; kind: 'ratio'; numerator: string; denominator: string }
  | { name: string; kind: 'percentile'; metric: string; p: number };

/** The dimensions each metric is counted with; a column is left out of a grouping its metric lacks. */
const CONTACT = ['skill', 'agent', 'reason', 'expert'] as const;
const ESCALATION = ['mode', 'agent', 'skill'] as const;
const ANSWERED_ESCALATION = [...ESCALATION, 'expert'] as const;
export const METRIC_DIMENSIONS: Record<string, readonly Dimension[]> = {
  contacts: CONTACT,
  answered: ['skill', 'agent'],
  wait: ['skill', 'agent'],
  abandoned: ['skill'],
  abandonWait: ['skill'],
  wrapped: CONTACT,
  fcr: CONTACT,
  fcrRevoked: CONTACT,
  escRequested: ESCALATION,
  escOffered: ESCALATION,
  escFailed: ESCALATION,
  escCancelled: ESCALATION,
  escAnswered: ANSWERED_ESCALATION,
  escResolved: ANSWERED_ESCALATION,
  expertAnswer: ANSWERED_ESCALATION,
  expertOffers: ['expert'],
  expertAnswered: ['expert'],
  expertDeclined: ['expert'],
  expertMissed: ['expert'],
  expertTalkMs: ['expert'],
};

export interface ReportDefinition {
  summary: string;
  groupings: readonly Grouping[];
  columns: readonly Column[];
}

const count = (name: string, metric = name, divideBy?: number): Column => ({ name, kind: 'count', metric, divideBy });
const ratio = (name: string, numerator: string, denominator: string): Column => ({ name, kind: 'ratio', numerator, denominator });
const pct = (name: string, metric: string, p: number): Column => ({ name, kind: 'percentile', metric, p });

export const REPORTS = {
  volume: {
    summary: 'Contacts offered, answered by an agent, abandoned while queued',
    groupings: ['day', 'week', 'reason', 'skill', 'agent', 'expert'],
    columns: [count('contacts'), count('answered'), count('abandoned')],
  },
  'first-contact-resolution': {
    summary: 'Wrapped-up contacts resolved on the first contact; a repeat on the same reason within REPEAT_CONTACT_DAYS revokes it',
    groupings: ['day', 'week', 'reason', 'skill', 'agent', 'expert'],
    columns: [count('wrappedUp', 'wrapped'), count('resolvedFirstContact', 'fcr'), count('repeatContacts', 'fcrRevoked'), ratio('rate', 'fcr', 'wrapped')],
  },
  escalations: {
    summary: 'Escalation funnel (requested, offered, answered, resolved) and outcomes by mode',
    groupings: ['day', 'week', 'mode', 'skill', 'agent', 'expert'],
    columns: [
      count('requested', 'escRequested'),
      count('offered', 'escOffered'),
      count('answered', 'escAnswered'),
      count('resolved', 'escResolved'),
      count('failed', 'escFailed'),
      count('cancelled', 'escCancelled'),
      ratio('answerRate', 'escAnswered', 'escRequested'),
    ],
  },
  'expert-answer-time': {
    summary: 'Time from the escalation request to the expert answering (ms)',
    groupings: ['day', 'week', 'mode', 'skill', 'agent', 'expert'],
    columns: [count('answered', 'escAnswered'), pct('p50Ms', 'expertAnswer', 0.5), pct('p90Ms', 'expertAnswer', 0.9)],
  },
  queue: {
    summary: 'Waiting in the queue: abandonment and wait until an agent answered (ms)',
    groupings: ['day', 'week', 'skill'],
    columns: [
      count('contacts'),
      count('answered'),
      count('abandoned'),
      ratio('abandonRate', 'abandoned', 'contacts'),
      pct('waitP50Ms', 'wait', 0.5),
      pct('waitP90Ms', 'wait', 0.9),
      pct('abandonedWaitP50Ms', 'abandonWait', 0.5),
      pct('abandonedWaitP90Ms', 'abandonWait', 0.9),
    ],
  },
  'expert-utilisation': {
    summary: 'Per expert: escalation offers, answers, declines, misses and talk time on escalations',
    groupings: ['expert', 'day', 'week'],
    columns: [
      count('offers', 'expertOffers'),
      count('answered', 'expertAnswered'),
      count('declined', 'expertDeclined'),
      count('missed', 'expertMissed'),
      ratio('answerRate', 'expertAnswered', 'expertOffers'),
      count('talkSec', 'expertTalkMs', 1000),
    ],
  },
} satisfies Record<string, ReportDefinition>;

export type ReportName = keyof typeof REPORTS | 'reasons';
export const REPORT_NAMES = [...(Object.keys(REPORTS) as (keyof typeof REPORTS)[]), 'reasons'] as const;
