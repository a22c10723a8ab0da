import { type Api, ApiError, problem } from './api';
import { field, h, section, uid } from './dom';

// After the call: the outcome goes to POST /v1/calls/:id/wrapup (issue 7).
// Until the server records wrap-ups the form says so and can be closed.

export interface WrapUpContext {
  callId: string;
  customer: string;
  caseId?: string;
  reason?: string;
}

export function wrapUpForm(api: Api, ctx: WrapUpContext, done: () => void): HTMLElement {
  const reason = h('input', { type: 'text', value: ctx.reason ?? '', required: true });
  const resolved = h('input', { type: 'checkbox', checked: true, id: uid('resolved') });
  const notes = h('textarea', { rows: 3 });
  const error = h('p', { class: 'error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Finish wrap-up');
  const form = h(
    'form',
    {
      class: 'wrap-up',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        error.textContent = '';
        submit.disabled = true;
        try {
          await api.post(`/v1/calls/${ctx.callId}/wrapup`, {
            reason: reason.value.trim(),
            resolved: resolved.checked,
            ...(notes.value.trim() ? { notes: notes.value.trim() } : {}),
            ...(ctx.caseId ? { caseId: ctx.caseId } : {}),
          });
          done();
        } catch (err) {
          submit.disabled = false;
          if (err instanceof ApiError && err.routeMissing) {
            error.textContent = 'This server does not record wrap-ups yet.';
            form.append(h('button', { type: 'button', onclick: done }, 'Close without recording'));
          } else {
            error.textContent = problem(err);
          }
        }
      },
    },
    field('Reason', reason),
    h('div', { class: 'choice' }, resolved, h('label', { for: resolved.id }, 'Solved on this call')),
    field('Wrap-up notes', notes),
    submit,
    error,
  );
  const card = section(`Wrap-up: call with ${ctx.customer}`, form);
  queueMicrotask(() => reason.focus());
  return card;
}
