import { type Api, ApiError, problem } from './api';
import { h, section } from './dom';
import { dateTime } from './format';

// The customer's earlier contacts. The history API (issue 7) is still being
// built, so the panel reads its items loosely and says when there is none.

interface HistoryItem {
  at?: string;
  startedAt?: string;
  endedAt?: string;
  reason?: string;
  summary?: string;
  resolved?: boolean;
  agentId?: string;
  expertId?: string;
}

const itemsOf = (data: unknown): HistoryItem[] => {
  const list = Array.isArray(data) ? data : (data as { items?: unknown } | undefined)?.items;
  return Array.isArray(list) ? (list as HistoryItem[]) : [];
};

/** A list of earlier contacts, newest first as the server sends them. */
export function historyList(data: unknown, nameOf: (id?: string) => string): HTMLElement {
  const items = itemsOf(data);
  if (!items.length) return h('p', { class: 'muted' }, 'No earlier contacts.');
  return h(
    'ol',
    { class: 'history' },
    ...items.map((item) => {
      const when = item.at ?? item.startedAt ?? item.endedAt;
      const outcome = item.resolved === undefined ? null : item.resolved ? 'solved' : 'not solved';
      return h(
        'li',
        {},
        h('span', { class: 'when' }, when ? dateTime(when) : ''),
        ' ',
        h('strong', {}, item.reason ?? 'contact'),
        outcome ? ` · ${outcome}` : '',
        item.agentId ? ` · with ${nameOf(item.agentId)}` : '',
        item.expertId ? ` and ${nameOf(item.expertId)}` : '',
        item.summary ? h('p', {}, item.summary) : null,
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
