import type { AttemptOutcome, EscalationView } from './api-types';
import { h } from './dom';

// How an escalation reads to a person: "Ringing Ana…", "Ana declined",
// "Ringing Marko…", "Marko joined".

const ATTEMPT: Record<AttemptOutcome, (name: string) => string> = {
  ringing: (n) => `Ringing ${n}…`,
  answered: (n) => `${n} answered`,
  declined: (n) => `${n} declined`,
  no_answer: (n) => `${n} did not answer`,
  busy: (n) => `${n} was busy`,
  cancelled: (n) => `Call to ${n} cancelled`,
  failed: (n) => `${n} could not be reached`,
};

function escalationHeadline(e: EscalationView, name: (id?: string) => string): string {
  const expert = name(e.expertId);
  switch (e.state) {
    case 'hunting':
      return 'Looking for a free expert…';
    case 'ringing':
      return `Ringing ${name(e.attempts.at(-1)?.expertId)}…`;
    case 'consulting':
      return `${expert} is on the line with you; the customer hears music`;
    case 'joined':
      return `${expert} joined`;
    case 'merged':
      return `${expert} is talking with the customer`;
    case 'transferred':
      return `Transferred to ${expert}`;
    case 'failed':
      return `No expert could be reached${e.reason ? ` (${e.reason})` : ''}`;
    case 'cancelled':
      return 'Escalation cancelled';
    case 'ended':
      return `Escalation ended${e.reason ? ` (${e.reason})` : ''}`;
  }
}

/** The headline and every attempt, in order. */
export function escalationProgress(e: EscalationView, name: (id?: string) => string): HTMLElement {
  return h(
    'div',
    { class: `progress state-${e.state}` },
    h('p', { class: 'headline' }, escalationHeadline(e, name)),
    h('ol', { class: 'attempts' }, ...e.attempts.map((a) => h('li', { class: `outcome-${a.outcome}` }, ATTEMPT[a.outcome](name(a.expertId))))),
  );
}

export const escalationOpen = (e: EscalationView) => ['hunting', 'ringing', 'consulting', 'joined', 'merged'].includes(e.state);
