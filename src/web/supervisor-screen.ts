import { type Api, ApiError, problem } from './api';
import { CALL_EVENTS, type Call, type PersonView } from './api-types';
import { fill, h, section } from './dom';
import { duration, percent, since } from './format';
import { LiveStream } from './live-stream';
import { stateBadge } from './presence-toggle';
import type { ScreenContext } from './screen-context';

// The supervisor's screen: live calls with everyone in their rooms, the
// presence board of all people, and today's figures, all refreshing live.

const CALL_STATE = { queued: 'Waiting in the queue', offering: 'Ringing an agent', connected: 'Connected', ended: 'Ended' } as const;
// Today's figures (issue 7). Read loosely: the report API is still being built.
const FIGURES_PATH = '/v1/reports/today';
const FIGURES_EVERY_MS = 60_000;

interface Figures {
  calls?: number;
  escalations?: number;
  answeredRate?: number;
  timeToExpertMs?: number;
  firstContactResolution?: number;
}

function table(caption: string, head: string[], rows: HTMLTableRowElement[], empty: string): HTMLElement {
  if (!rows.length) return h('p', { class: 'muted' }, empty);
  return h('table', {}, h('caption', { class: 'visually-hidden' }, caption), h('thead', {}, h('tr', {}, ...head.map((t) => h('th', { scope: 'col' }, t)))), h('tbody', {}, ...rows));
}

function callsBoard(calls: Call[], name: (id?: string) => string): HTMLElement {
  const rows = calls.map((call) =>
    h(
      'tr',
      { 'data-call': call.id },
      h('th', { scope: 'row' }, call.customer),
      h('td', {}, call.serviceNumber),
      h('td', {}, CALL_STATE[call.state]),
      h('td', {}, call.answeredAt ? ['talking ', since(call.answeredAt)] : ['waiting ', since(call.queuedAt ?? call.createdAt)]),
      h(
        'td',
        {},
        h(
          'ul',
          { class: 'legs' },
          ...call.legs
            .filter((l) => l.state !== 'ended')
            .map((l) => h('li', {}, l.role === 'customer' ? 'customer' : `${name(l.personId)} (${l.role})`, ` · ${l.state}`)),
        ),
      ),
      h('td', { class: 'room' }, call.room),
    ),
  );
  return table('Live calls', ['Customer', 'Number called', 'State', 'Time', 'In the room', 'Room'], rows, 'No calls right now.');
}

function presenceBoard(people: PersonView[]): HTMLElement {
  const rows = people
    .sort((a, b) => a.displayName.localeCompare(b.displayName))
    .map((p) =>
      h(
        'tr',
        { 'data-person': p.id },
        h('th', { scope: 'row' }, p.displayName),
        h('td', {}, p.roles.join(', ')),
        h('td', {}, stateBadge(p)),
        h('td', {}, p.skills.map((s) => `${s.name} ${s.level}`).join(', ')),
        h('td', {}, String(p.presence.activeClaims)),
      ),
    );
  return table('Presence of everyone', ['Name', 'Roles', 'Presence', 'Skills', 'Calls'], rows, 'Nobody is in the directory yet.');
}

async function figures(api: Api): Promise<HTMLElement> {
  let f: Figures;
  try {
    f = await api.get<Figures>(FIGURES_PATH);
  } catch (err) {
    return h('p', { class: 'muted' }, err instanceof ApiError && err.routeMissing ? "Today's figures are not available on this server yet." : problem(err));
  }
  const tile = (label: string, value: string | undefined) => h('div', { class: 'figure' }, h('span', { class: 'value' }, value ?? '–'), h('span', { class: 'label' }, label));
  const pct = (v?: number) => (v === undefined ? undefined : percent(v));
  return h(
    'div',
    { class: 'figures' },
    tile('Calls', f.calls?.toString()),
    tile('Escalations', f.escalations?.toString()),
    tile('Answered', pct(f.answeredRate)),
    tile('Time to expert', f.timeToExpertMs === undefined ? undefined : duration(f.timeToExpertMs)),
    tile('Solved first time', pct(f.firstContactResolution)),
  );
}

export function supervisorScreen({ api, connection, directory, root }: ScreenContext): void {
  const name = (id?: string) => directory.name(id);
  const figuresBody = h('div', { 'aria-live': 'polite' });
  const callsBody = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  const presenceBody = h('div');
  const error = h('p', { class: 'error', role: 'alert' });
  let calls: Call[] = [];
  fill(
    root,
    error,
    section("Today's figures", figuresBody),
    h('div', { class: 'grid supervisor' }, section('Live calls', callsBody), section('Presence board', presenceBody)),
  );

  const renderCalls = () => fill(callsBody, callsBoard(calls, name));
  const renderPresence = () => fill(presenceBody, presenceBoard([...directory.people.values()]));
  directory.onChange(() => {
    renderPresence();
    renderCalls();
  });

  async function refreshCalls(): Promise<void> {
    try {
      calls = (await api.get<{ items: Call[] }>('/v1/calls')).items;
      error.textContent = '';
      renderCalls();
    } catch (err) {
      error.textContent = problem(err);
    }
  }
  const refreshFigures = async () => fill(figuresBody, await figures(api));

  let callTimer: number | undefined;
  let figuresTimer: number | undefined;
  const onCallEvent = () => {
    clearTimeout(callTimer);
    callTimer = window.setTimeout(() => void refreshCalls(), 100);
    clearTimeout(figuresTimer);
    figuresTimer = window.setTimeout(() => void refreshFigures(), 2000);
  };
  new LiveStream(api, '/v1/calls/stream', Object.fromEntries(CALL_EVENTS.map((e) => [e, onCallEvent])), connection, () => void refreshCalls());
  renderPresence();
  void refreshFigures();
  setInterval(() => void refreshFigures(), FIGURES_EVERY_MS);
}
