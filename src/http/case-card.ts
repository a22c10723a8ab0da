import type { Case } from '../domain/case';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const row = (label: string, value: string | undefined) => (value ? `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>` : '');

// Case URLs are http(s) by the case schema; escaped, they are safe as attributes.
const link = (url: string) => `<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>`;

/**
 * The case as one small page, for a desk phone's browser (the link in an
 * expert's Call-Info): plain HTML, no script, no outside resources.
 */
export function renderCaseCard(record: Case): string {
  const details = [
    row('Customer', record.customer.name),
    row('Phone', record.customer.phone),
    row('Customer id', record.customer.id),
    row('Product', record.product),
    row('Touchpoint', record.touchpoint),
    ...Object.entries(record.fields).map(([name, value]) => row(name, value)),
  ].join('');
  const links = [...(record.crmUrl ? [record.crmUrl] : []), ...record.attachments];
  return [
    '<!doctype html>',
    '<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
    `<title>Case: ${escapeHtml(record.reason)}</title></head><body>`,
    `<h1>${escapeHtml(record.reason)}</h1>`,
    record.summary ? `<p>${escapeHtml(record.summary)}</p>` : '',
    details ? `<table>${details}</table>` : '',
    record.notes.length ? `<h2>Notes</h2><ul>${record.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : '',
    links.length ? `<h2>Links</h2><ul>${links.map((url) => `<li>${link(url)}</li>`).join('')}</ul>` : '',
    `<p><small>Case ${escapeHtml(record.id)}, updated ${escapeHtml(record.updatedAt)}</small></p>`,
    '</body></html>',
  ].join('\n');
}
