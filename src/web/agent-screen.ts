import { problem } from './api';
import { CALL_EVENTS, type Call, type EscalationView } from './api-types';
import { CaseForm, forgetCase, loadContactReasons } from './case-form';
import { customerHistory } from './customer-history';
import { fill, h, section } from './dom';
import { EscalatePanel, forgetEscalation } from './escalate-panel';
import { clockTime, duration, since } from './format';
import { FreeExperts } from './free-experts';
import { LiveStream, streamServed } from './live-stream';
import { Participants } from './participants';
import type { ScreenContext } from './screen-context';
import { type WrapUpContext, wrapUpForm } from './wrap-up-form';

// The agent's screen: my call, the customer's history, the case, escalation
// and its progress, and the experts free now. The call comes from the calls
// list; the calls stream says when to read it again.

const WRAP_UP_KEY = 'expert-bridge.wrap-up';
const myLeg = (call: Call, me: string) => call.legs.find((l) => l.role === 'agent' && l.personId === me && l.state !== 'ended');

interface ActiveCall {
  call: Call;
  form: CaseForm;
  panel: EscalatePanel;
  participants: Participants;
  card: HTMLElement;
}

export function agentScreen({ api, session, connection, directory, root }: ScreenContext): void {
  const me = session.personId as string;
  const name = (id?: string) => directory.name(id);
  const reasons = loadContactReasons(api).catch(() => undefined);
  const callCol = h('div', { class: 'col' });
  const wrapSlot = h('div');
  const caseSlot = h('div');
  const escalateSlot = h('div');
  const notice = h('p', { class: 'notice', role: 'status' });
  let active: ActiveCall | undefined;
  let pendingWrapUp = JSON.parse(sessionStorage.getItem(WRAP_UP_KEY) ?? 'null') as WrapUpContext | null;

  const free = new FreeExperts(api, directory, (p) => active?.panel.setExpert(p));
  directory.onChange(() => active?.panel.refreshSkills());
  // Escalate sits under the glance list: pick an expert, then the mode, in one place.
  fill(
    root,
    h('div', { class: 'grid agent' }, callCol, h('div', { class: 'col' }, notice, wrapSlot, caseSlot), h('div', { class: 'col' }, free.element, escalateSlot)),
  );

  function callCard(call: Call): HTMLElement {
    const leg = myLeg(call, me);
    const waited = call.answeredAt ? duration(Date.parse(call.answeredAt) - Date.parse(call.queuedAt ?? call.createdAt)) : null;
    return section(
      'My call',
      h('p', { class: 'customer-number' }, call.customer),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Status'),
        h('dd', {}, leg?.state === 'ringing' ? 'Your phone is ringing' : 'Connected'),
        h('dt', {}, 'Called'),
        h('dd', {}, call.serviceNumber, ' at ', clockTime(call.createdAt)),
        waited ? [h('dt', {}, 'Waited'), h('dd', {}, waited)] : [h('dt', {}, 'Waiting'), h('dd', {}, since(call.queuedAt ?? call.createdAt))],
        call.answeredAt ? [h('dt', {}, 'Talking'), h('dd', {}, since(call.answeredAt))] : null,
      ),
      h(
        'div',
        { class: 'inline-group' },
        h('button', { type: 'button', onclick: () => void active?.participants.act('leave') }, 'Leave the call'),
        h('button', { type: 'button', class: 'danger', onclick: () => void endCall(call.id) }, 'End call for everyone'),
      ),
    );
  }

  async function endCall(callId: string): Promise<void> {
    if (!confirm('End the call for everyone on it?')) return;
    try {
      await api.post(`/v1/calls/${callId}/hangup`);
    } catch (err) {
      notice.textContent = problem(err);
    }
  }

  function open(call: Call): void {
    const form = new CaseForm(call.id, call.customer, reasons);
    const participants = new Participants(api, call, me, name);
    const panel = new EscalatePanel(api, call.id, form, () => free.skills(), name, () => void participants.refresh());
    panel.setExpert(free.picked());
    const card = callCard(call);
    active = { call, form, panel, participants, card };
    fill(callCol, card, participants.element, customerHistory(api, call.customer, name));
    fill(caseSlot, form.element);
    fill(escalateSlot, panel.element);
  }

  function update(call: Call): void {
    if (!active) return;
    active.call = call;
    const card = callCard(call);
    active.card.replaceWith(card);
    active.card = card;
    void active.participants.refresh(call);
  }

  function finish({ call, form }: ActiveCall): void {
    active = undefined;
    pendingWrapUp = { callId: call.id, customer: call.customer, ...form.wrapUpDefaults() };
    sessionStorage.setItem(WRAP_UP_KEY, JSON.stringify(pendingWrapUp));
    showWrapUp();
    showIdle();
  }

  function showWrapUp(): void {
    const wrap = pendingWrapUp;
    if (!wrap) return fill(wrapSlot);
    fill(
      wrapSlot,
      wrapUpForm(api, wrap, () => {
        forgetCase(wrap.callId);
        forgetEscalation(wrap.callId);
        sessionStorage.removeItem(WRAP_UP_KEY);
        pendingWrapUp = null;
        fill(wrapSlot);
      }),
    );
  }

  function showIdle(): void {
    fill(callCol, section('My call', h('p', { class: 'muted' }, 'No call right now. Calls come to you while you are Available.')));
    fill(caseSlot, pendingWrapUp ? null : section('Case', h('p', { class: 'muted' }, 'The case form opens with your next call.')));
    fill(escalateSlot);
  }

  async function refresh(): Promise<void> {
    try {
      const { items } = await api.get<{ items: Call[] }>('/v1/calls');
      const mine = items.find((c) => myLeg(c, me));
      if (mine && active?.call.id === mine.id) update(mine);
      else {
        if (active) finish(active);
        if (mine) open(mine);
      }
    } catch (err) {
      notice.textContent = problem(err);
    }
  }

  showWrapUp();
  showIdle();
  let timer: number | undefined;
  const soon = () => {
    clearTimeout(timer);
    timer = window.setTimeout(() => void refresh(), 100);
  };
  new LiveStream(api, '/v1/calls/stream', Object.fromEntries(CALL_EVENTS.map((e) => [e, soon])), connection, soon);

  const personStream = `/v1/experts/${encodeURIComponent(me)}/stream`;
  void streamServed(api, personStream).then((served) => {
    if (!served) return;
    new LiveStream(
      api,
      personStream,
      {
        escalation: (data) => active?.panel.update((data as { escalation: EscalationView }).escalation),
        notice: (data) => (notice.textContent = (data as { message: string }).message),
      },
      connection,
      () => void active?.panel.reload(),
    );
  });
}
