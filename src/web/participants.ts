import { type Api, ApiError, problem } from './api';
import type { Call, Participant } from './api-types';
import { fill, h, section } from './dom';
import { since } from './format';

// Who is in the call's room, with the conference controls. The participants
// API comes with escalations; until the server has it, the call's legs are
// shown without controls.

const ROLE_LABEL = { customer: 'Customer', agent: 'Agent', expert: 'Expert' } as const;

export class Participants {
  readonly element: HTMLElement;
  private readonly list = h('ul', { class: 'participants', 'aria-live': 'polite' });
  private readonly error = h('p', { class: 'error', role: 'alert' });
  private readonly hint = h('p', { class: 'muted' });

  constructor(
    private readonly api: Api,
    private call: Call,
    private readonly me: string | undefined,
    private readonly name: (id?: string) => string,
  ) {
    this.element = section('Participants', this.list, this.hint, this.error);
    void this.refresh(call);
  }

  async refresh(call: Call = this.call): Promise<void> {
    this.call = call;
    try {
      const { items } = await this.api.get<{ items: Participant[] }>(`/v1/calls/${call.id}/participants`);
      this.hint.textContent = '';
      this.render(items, true);
    } catch (err) {
      if (!(err instanceof ApiError && err.routeMissing)) {
        this.error.textContent = problem(err);
        return;
      }
      this.hint.textContent = 'Mute, hold and kick arrive with the conference API on the server.';
      const legs = call.legs.filter((l) => l.state !== 'ended');
      this.render(legs.map((l) => ({ legId: l.id, role: l.role, personId: l.personId, state: l.state, muted: false, held: false, phoneHeld: false, joinedAt: l.joinedAt })), false);
    }
  }

  private render(items: Participant[], controls: boolean): void {
    fill(
      this.list,
      ...items.map((p) => {
        const who = p.role === 'customer' ? this.call.customer : this.name(p.personId);
        const mine = p.personId !== undefined && p.personId === this.me;
        const flags = [p.state, p.muted ? 'muted' : '', p.held ? 'on hold' : '', p.phoneHeld ? 'holding on their phone' : '']
          .filter(Boolean)
          .join(', ');
        return h(
          'li',
          { 'data-leg': p.legId },
          h('span', { class: 'who' }, who, mine ? ' (you)' : ''),
          h('span', { class: 'role' }, ROLE_LABEL[p.role]),
          h('span', { class: 'flags' }, flags, p.joinedAt ? h('span', {}, ' · ', since(p.joinedAt)) : null),
          controls && !mine
            ? h(
                'span',
                { class: 'controls' },
                this.button(p.muted ? 'Unmute' : 'Mute', who, `participants/${p.legId}/${p.muted ? 'unmute' : 'mute'}`),
                this.button(p.held ? 'Resume' : 'Hold', who, `participants/${p.legId}/${p.held ? 'unhold' : 'hold'}`),
                this.button('Remove', who, `participants/${p.legId}/kick`),
              )
            : null,
        );
      }),
    );
  }

  private button(label: string, who: string, action: string): HTMLButtonElement {
    return h('button', { type: 'button', 'aria-label': `${label} ${who}`, onclick: () => void this.act(action) }, label);
  }

  /** A control on the call: POST /v1/calls/:id/<action>, then show the room as it is now. */
  async act(action: string): Promise<void> {
    this.error.textContent = '';
    try {
      await this.api.post(`/v1/calls/${this.call.id}/${action}`);
    } catch (err) {
      this.error.textContent = err instanceof ApiError && err.routeMissing ? 'This server cannot do that yet.' : problem(err);
    }
    await this.refresh();
  }
}
