import { type Api, problem } from './api';
import type { PersonView, PresenceState } from './api-types';
import { fill, h } from './dom';
import { since } from './format';
import type { LiveDirectory } from './live-directory';

const AWAY_REASONS = ['Break', 'Lunch', 'Meeting', 'Training', 'Other work'];

const STATE_LABEL: Record<PresenceState, string> = {
  available: 'Available',
  busy: 'On a call',
  'wrap-up': 'Wrap-up',
  away: 'Away',
  offline: 'Offline',
};

/** A presence state as a coloured badge with words (colour is never the only cue). */
export function stateBadge(person: Pick<PersonView, 'presence'>): HTMLElement {
  const { state, reason, since: from } = person.presence;
  // Calls set busy and wrap-up with reasons of their own that only repeat the state.
  const why = reason && (state === 'away' || state === 'offline') ? ` (${reason})` : '';
  return h('span', { class: `badge state-${state}` }, STATE_LABEL[state], why, ' · ', since(from));
}

/** My presence: available, or away with a reason. Busy and wrap-up follow calls. */
export function presenceToggle(api: Api, directory: LiveDirectory, personId: string): HTMLElement {
  const current = h('span', { class: 'current' }, 'Loading…');
  const reason = h('select', { id: 'away-reason' }, ...AWAY_REASONS.map((r) => h('option', { value: r }, r)));
  const error = h('span', { class: 'error', role: 'alert' });
  const set = (state: PresenceState, why = '') => async () => {
    error.textContent = '';
    try {
      await api.put(`/v1/experts/${encodeURIComponent(personId)}/presence`, { state, reason: why });
    } catch (err) {
      error.textContent = problem(err);
    }
  };
  const availableBtn = h('button', { type: 'button', onclick: set('available') }, 'Available');
  const awayBtn = h('button', { type: 'button', onclick: () => void set('away', reason.value)() }, 'Away');
  const render = () => {
    const me = directory.people.get(personId);
    if (!me) return fill(current, 'Not in the directory');
    fill(current, stateBadge(me));
    availableBtn.setAttribute('aria-pressed', String(me.presence.state === 'available'));
    awayBtn.setAttribute('aria-pressed', String(me.presence.state === 'away'));
  };
  directory.onChange((id) => {
    if (!id || id === personId) render();
  });
  render();
  return h(
    'div',
    { class: 'presence-toggle', role: 'group', 'aria-label': 'My presence' },
    current,
    availableBtn,
    h('label', { for: reason.id, class: 'inline' }, 'Away because'),
    reason,
    awayBtn,
    error,
  );
}
