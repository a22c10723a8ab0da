import { type Api, ApiError, problem } from './api';
import type { ContactReason } from './api-types';
import { loadContactReasons, optional } from './case-form';
import { field, fill, h, section, uid } from './dom';

// After the call: the outcome goes to POST /v1/calls/:id/wrapup. The reason
// comes from the configured list (free text only where the server has none);
// "other" needs a few words.

export interface WrapUpContext {
  callId: string;
  customer: string;
  /** What the case form held: a reason code, product, touchpoint, the customer's id. */
  reason?: string;
  product?: string;
  touchpoint?: string;
  customerKey?: string;
}

export function wrapUpForm(api: Api, ctx: WrapUpContext, done: () => void): HTMLElement {
  const reasonSlot = h('div');
  let reason: HTMLInputElement | HTMLSelectElement = h('input', { type: 'text', value: ctx.reason ?? '', required: true });
  const reasonText = h('input', { type: 'text', maxlength: 200 });
  const resolved = h('input', { type: 'checkbox', checked: true, id: uid('resolved') });
  const product = h('input', { type: 'text', value: ctx.product ?? '', maxlength: 100 });
  const touchpoint = h('input', { type: 'text', value: ctx.touchpoint ?? '', maxlength: 100 });
  const followUpDate = h('input', { type: 'date' });
  const followUpNote = h('input', { type: 'text', maxlength: 500 });
  const notes = h('textarea', { rows: 3, maxlength: 4000 });
  const error = h('p', { class: 'error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Finish wrap-up');

  const showReasons = (list: ContactReason[] | undefined) => {
    if (list?.length) {
      reason = h(
        'select',
        { required: true },
        h('option', { value: '' }, 'Choose…'),
        ...list.map((r) => h('option', { value: r.code, selected: r.code === ctx.reason }, r.label)),
      );
    }
    fill(reasonSlot, field('Reason', reason));
  };
  showReasons(undefined);
  void loadContactReasons(api).then(showReasons, () => showReasons(undefined));

  const form = h(
    'form',
    {
      class: 'wrap-up',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        error.textContent = '';
        submit.disabled = true;
        const dueDate = optional(followUpDate.value);
        try {
          await api.post(`/v1/calls/${ctx.callId}/wrapup`, {
            resolved: resolved.checked,
            reason: reason.value.trim(),
            reasonText: optional(reasonText.value),
            product: optional(product.value),
            touchpoint: optional(touchpoint.value),
            followUp: dueDate ? { dueDate, note: optional(followUpNote.value) } : undefined,
            notes: optional(notes.value),
            customerKey: ctx.customerKey,
          });
          done();
        } catch (err) {
          submit.disabled = false;
          if (err instanceof ApiError && err.routeMissing) {
            error.textContent = 'This server does not record wrap-ups.';
            form.append(h('button', { type: 'button', onclick: done }, 'Close without recording'));
          } else {
            error.textContent = problem(err);
          }
        }
      },
    },
    reasonSlot,
    field('Reason details', reasonText, 'Needed when the reason is "Other"'),
    h('div', { class: 'choice' }, resolved, h('label', { for: resolved.id }, 'Solved on this call')),
    h('div', { class: 'row' }, field('Product', product), field('Touchpoint', touchpoint)),
    h('div', { class: 'row' }, field('Follow-up due', followUpDate), field('Follow-up note', followUpNote)),
    field('Wrap-up notes', notes),
    submit,
    error,
  );
  const card = section(`Wrap-up: call with ${ctx.customer}`, form);
  queueMicrotask(() => reason.focus());
  return card;
}
