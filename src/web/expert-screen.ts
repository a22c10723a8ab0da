import { ApiError, problem } from './api';
import type { CaseView, EscalationView, LoggedEvent, Offer } from './api-types';
import { caseView } from './case-view';
import { historyList } from './customer-history';
import { fill, h, section, uid } from './dom';
import { LiveStream, streamServed } from './live-stream';
import type { ScreenContext } from './screen-context';
import { wrapUpForm } from './wrap-up-form';

// The expert's screen: presence (in the header), the offer that pops with the
// case and the customer's history while the desk phone rings, the case during
// the call with notes to add, and the wrap-up. Everything arrives on the
// person's own stream.

const CALL_KEY = 'expert-bridge.expert-call';
const IN_CALL = ['consulting', 'joined', 'merged', 'transferred'];
const OVER = ['failed', 'cancelled', 'ended'];
const MODE_WORDS = { conference: 'a three-way call', consult: 'a private consult first', transfer: 'a warm transfer', blind: 'a transfer' } as const;

interface CurrentCall {
  escalation: EscalationView;
  case: CaseView;
  customer: string;
}

export function expertScreen({ api, session, connection, directory, root }: ScreenContext): void {
  const me = session.personId as string;
  const name = (id?: string) => directory.name(id);
  const notice = h('p', { class: 'notice', role: 'status' });
  const main = h('div', { class: 'col' });
  fill(root, h('div', { class: 'grid expert' }, h('div', {}, notice, main)));

  let offer: Offer | undefined;
  let current = JSON.parse(sessionStorage.getItem(CALL_KEY) ?? 'null') as CurrentCall | null;

  function showIdle(): void {
    fill(main, section('Offers', h('p', { class: 'muted' }, 'No offer right now. When an agent brings you in, the case appears here while your desk phone rings.')));
  }

  function showOffer(o: Offer): void {
    offer = o;
    const titleId = uid('offer');
    const e = o.escalation;
    const card = h(
      'section',
      { class: 'card offer', role: 'alertdialog', 'aria-labelledby': titleId, 'aria-describedby': `${titleId}-ring` },
      h('h2', { id: titleId, tabindex: '-1' }, `${name(e.agentId ?? e.requestedBy)} needs you: ${o.case.reason}`),
      h('p', { id: `${titleId}-ring`, class: 'ringing' }, `Your desk phone is ringing. Answer it to join ${MODE_WORDS[e.mode]}.`),
      caseView(o.case),
      h('h3', {}, 'Customer history'),
      historyList(o.history, name),
      h('button', { type: 'button', class: 'danger', onclick: () => void decline(e.id) }, 'Decline'),
    );
    fill(main, card);
    card.querySelector<HTMLElement>('h2')?.focus();
  }

  async function decline(id: string): Promise<void> {
    try {
      await api.post(`/v1/escalations/${id}/decline`);
    } catch (err) {
      notice.textContent = problem(err);
    }
  }

  function startCall(escalation: EscalationView, c: CaseView): void {
    offer = undefined;
    current = { escalation, case: c, customer: c.customer?.phone ?? 'the customer' };
    sessionStorage.setItem(CALL_KEY, JSON.stringify(current));
    showCall();
  }

  function showCall(): void {
    if (!current) return;
    const { escalation, case: c, customer } = current;
    const note = h('input', { type: 'text', id: uid('note') });
    const error = h('p', { class: 'error', role: 'alert' });
    const addNote = async (event: Event) => {
      event.preventDefault();
      const text = note.value.trim();
      if (!text || !current) return;
      const notes = [...(current.case.notes ?? []), text];
      try {
        const saved = await api.patch<CaseView | undefined>(`/v1/cases/${c.id}`, { notes });
        current.case = saved ?? { ...current.case, notes };
        sessionStorage.setItem(CALL_KEY, JSON.stringify(current));
        showCall();
        main.querySelector<HTMLInputElement>('input')?.focus();
      } catch (err) {
        error.textContent = problem(err);
      }
    };
    fill(
      main,
      section(
        `On the call with ${customer}`,
        h('p', {}, `Brought in by ${name(escalation.agentId ?? escalation.requestedBy)}.`),
        caseView(current.case),
        h('form', { class: 'inline-group', onsubmit: addNote }, h('label', { for: note.id }, 'Add a note'), note, h('button', { type: 'submit' }, 'Add note')),
        error,
        h('button', { type: 'button', onclick: () => void leave(escalation.callId) }, 'Leave the call'),
      ),
    );
  }

  async function leave(callId: string): Promise<void> {
    try {
      await api.post(`/v1/calls/${callId}/leave`);
    } catch (err) {
      notice.textContent = problem(err);
    }
  }

  function finishCall(): void {
    if (!current) return;
    const { escalation, case: c, customer } = current;
    current = null;
    sessionStorage.removeItem(CALL_KEY);
    fill(main, wrapUpForm(
        api,
        { callId: escalation.callId, customer, reason: c.reason, product: c.product, touchpoint: c.touchpoint, customerKey: c.customer?.id },
        showIdle,
      ));
  }

  function onEscalation(e: EscalationView): void {
    if (offer?.escalation.id === e.id && IN_CALL.includes(e.state)) startCall(e, offer.case);
    else if (current?.escalation.id === e.id) {
      if (OVER.includes(e.state)) finishCall();
      else current.escalation = e;
    }
  }

  function onOfferEnded({ escalationId, reason }: { escalationId: string; reason: string }): void {
    if (offer?.escalation.id !== escalationId) return;
    offer = undefined;
    notice.textContent = `The offer ended (${reason.replace(/_/g, ' ')}).`;
    showIdle();
  }

  /** After a reload or a reconnect: is the call I was on still going? */
  async function recheck(): Promise<void> {
    if (!current) return;
    try {
      onEscalation(await api.get<EscalationView>(`/v1/escalations/${current.escalation.id}`));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) finishCall();
    }
  }

  if (current) showCall();
  else showIdle();

  new LiveStream(api, '/v1/calls/stream', {
    'call.ended': (data) => {
      if (current && (data as LoggedEvent<'call.ended'>).data.callId === current.escalation.callId) finishCall();
    },
  }, connection);

  const personStream = `/v1/experts/${encodeURIComponent(me)}/stream`;
  void streamServed(api, personStream).then((served) => {
    if (!served) {
      notice.textContent = 'Screen pops need the escalation service, which this server does not have yet.';
      return;
    }
    new LiveStream(
      api,
      personStream,
      {
        offer: (data) => showOffer(data as Offer),
        offer_ended: (data) => onOfferEnded(data as { escalationId: string; reason: string }),
        escalation: (data) => onEscalation((data as { escalation: EscalationView }).escalation),
        notice: (data) => (notice.textContent = (data as { message: string }).message),
      },
      connection,
      () => void recheck(),
    );
  });
}
