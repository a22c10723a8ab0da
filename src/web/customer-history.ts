import { type Api, ApiError, problem } from './api';
import { h, section } from './dom';
import { dateTime } from './format';
import type { ContactHistoryEntry, ContactOutcome } from '../domain/contact';

// The customer's earlier contacts: from GET /v1/customers/:key/history
// ({customer, contacts}) or the history an offer pop carries (a list).

const OUTCOMES: Record<ContactOutcome, string> = {
  in_progress: 'in progress',
  abandoned: 'hung up while waiting',
  not_answered: 'not answered',
  not_wrapped_up: 'no wrap-up',
  resolved: 'solved',
  unresolved: 'not solved',
};

const entriesOf = (data: unknown): ContactHistoryEntry[] => {
  const list = Array.isArray(data) ? data : (data as { contacts?: unknown } | undefined)?.contacts;
  return Array.isArray(list) ? (list as ContactHistoryEntry[]) : [];
};

/** A list of earlier contacts, newest first as the server sends them. */
export function historyList(data: unknown, nameOf: (id?: string) => string): HTMLElement {
  const entries = entriesOf(data);
  if (!entries.length) return h('p', { class: 'muted' }, 'No earlier contacts.');
  return h(
    'ol',
    { class: 'history' },
    ...entries.map((entry) => {
      const helpers = [...entry.agents, ...entry.experts].map((id) => nameOf(id));
      const open = entry.followUps.filter((f) => f.overdue || Date.parse(f.dueDate) >= Date.now() - 86_400_000);
      return h(
        'li',
        {},
        h('span', { class: 'when' }, dateTime(entry.date)),
        ' ',
        h('strong', {}, entry.reasonText ?? entry.reason ?? 'contact'),
        ` · ${OUTCOMES[entry.outcome]}`,
        entry.firstContactResolution ? ' on first contact' : '',
        entry.escalated ? ' · escalated' : '',
        helpers.length ? ` · with ${helpers.join(', ')}` : '',
        ...open.map((f) => h('p', { class: f.overdue ? 'error' : 'muted' }, `Follow-up due ${f.dueDate}${f.note ? `: ${f.note}` : ''}`)),
      );
    }),
  );
}

/** The history card for a customer number, loaded from the API. */
export function customerHistory(api: Api, customer: string, nameOf: (id?: string) => string): HTMLElement {
  const body = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  const card = section(`History of ${customer}`, body);
  api.get<unknown>(`/v1/customers/${encodeURIComponent(customer)}/history`).then(
    (data) => body.replaceChildren(historyList(data, nameOf)),
    (err: unknown) =>
      body.replaceChildren(
        h('p', { class: 'muted' }, err instanceof ApiError && err.routeMissing ? 'Customer history is not available on this server yet.' : problem(err)),
      ),
  );
  return card;
}
