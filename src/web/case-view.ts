import type { CaseView } from './api-types';
import { type Child, h } from './dom';

/** The case as the expert reads it: everything the agent collected. */
export function caseView(c: CaseView): HTMLElement {
  const row = (label: string, value: Child) => (value ? [h('dt', {}, label), h('dd', {}, value)] : null);
  const customer = [c.customer?.name, c.customer?.phone, c.customer?.id ? `id ${c.customer.id}` : undefined].filter(Boolean).join(' · ');
  const link = (url: string, text = url) => (/^https?:\/\//.test(url) ? h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, text) : url);
  return h(
    'dl',
    { class: 'case-view' },
    row('Reason', h('strong', {}, c.reason)),
    row('Customer', customer),
    row('Summary', c.summary),
    row('Notes', c.notes?.length ? h('ul', { class: 'notes' }, ...c.notes.map((n) => h('li', {}, n))) : null),
    row('Product', c.product),
    row('Touchpoint', c.touchpoint),
    row('CRM', c.crmUrl ? link(c.crmUrl, 'Open in the CRM') : null),
    ...Object.entries(c.fields ?? {}).map(([k, v]) => row(k, v)),
    row('Attachments', c.attachments?.length ? h('ul', {}, ...c.attachments.map((a) => h('li', {}, link(a)))) : null),
  );
}
