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
// Today's figures, from the reports over today's UTC day.
const FIGURES_EVERY_MS = 60_000;

type ReportRow = Record<string, string | number | null>;

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
  const today = new Date().toISOString().slice(0, 10);
  const todayOf = async (report: string): Promise<ReportRow> =>
    (await api.get<{ rows: ReportRow[] }>(`/v1/reports/${report}?from=${today}&to=${today}&groupBy=day`)).rows[0] ?? {};
  let volume: ReportRow, escalations: ReportRow, expertAnswer: ReportRow, firstContact: ReportRow;
  try {
    [volume, escalations, expertAnswer, firstContact] = await Promise.all(
      ['volume', 'escalations', 'expert-answer-time', 'first-contact-resolution'].map(todayOf),
    ) as [ReportRow, ReportRow, ReportRow, ReportRow];
  } catch (err) {
    return h('p', { class: 'muted' }, err instanceof ApiError && err.routeMissing ? "Today's figures are not available on this server." : problem(err));
  }
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const contacts = num(volume.contacts) ?? 0;
  const answered = num(volume.answered) ?? 0;
  const tile = (label: string, value: string | undefined) => h('div', { class: 'figure' }, h('span', { class: 'value' }, value ?? '–'), h('span', { class: 'label' }, label));
  const pct = (v?: number) => (v === undefined ? undefined : percent(v));
  const timeToExpert = num(expertAnswer.p50Ms);
  return h(
    'div',
    { class: 'figures' },
    tile('Calls', String(contacts)),
    tile('Escalations', String(num(escalations.requested) ?? 0)),
    tile('Answered', contacts ? percent(answered / contacts) : undefined),
    tile('Time to expert (median)', timeToExpert === undefined ? undefined : duration(timeToExpert)),
    tile('Solved first time', pct(num(firstContact.rate))),
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
