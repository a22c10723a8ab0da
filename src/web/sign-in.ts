import { problem } from './api';
import { field, h } from './dom';

/** The sign-in form: the person's API token, checked against the service before it is kept. */
export function signInForm(message: string | undefined, signIn: (token: string) => Promise<void>): HTMLElement {
  const token = h('input', { type: 'password', name: 'token', autocomplete: 'current-password', required: true, spellcheck: 'false' });
  const error = h('p', { class: 'error', role: 'alert' }, message ?? '');
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h(
    'form',
    {
      class: 'sign-in card',
      'aria-labelledby': 'sign-in-title',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        error.textContent = '';
        submit.disabled = true;
        try {
          await signIn(token.value.trim());
        } catch (err) {
          error.textContent = problem(err);
          submit.disabled = false;
          token.focus();
        }
      },
    },
    h('h1', { id: 'sign-in-title' }, 'Expert Bridge console'),
    h('p', {}, 'Sign in with your personal API token. It is kept in this browser tab only, until you sign out or close the tab.'),
    field('API token', token),
    submit,
    error,
  );
  queueMicrotask(() => token.focus());
  return h('main', { class: 'center' }, form);
}
