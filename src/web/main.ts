import { Api, ApiError, problem } from './api';
import type { Session } from './api-types';
import { agentScreen } from './agent-screen';
import { fill, h } from './dom';
import { expertScreen } from './expert-screen';
import { startClock } from './format';
import { LiveDirectory } from './live-directory';
import { Connection } from './live-stream';
import { presenceToggle } from './presence-toggle';
import type { ScreenContext } from './screen-context';
import { signInForm } from './sign-in';
import { supervisorScreen } from './supervisor-screen';

// The console's entry: sign in with a token, then the role picks the screen.

const TOKEN_KEY = 'expert-bridge.token';
// Well inside PRESENCE_HEARTBEAT_SEC's default of 60 s.
const HEARTBEAT_MS = 20_000;

const root = document.getElementById('app') as HTMLElement;

function showSignIn(message?: string): void {
  document.title = 'Sign in · Expert Bridge';
  fill(
    root,
    signInForm(message, async (token) => {
      const session = await new Api(token).get<Session>('/v1/session');
      sessionStorage.setItem(TOKEN_KEY, token);
      start(token, session);
    }),
  );
}

function signOut(message?: string): void {
  sessionStorage.removeItem(TOKEN_KEY);
  // A fresh page drops every stream and timer of the old session.
  if (message) sessionStorage.setItem(`${TOKEN_KEY}.message`, message);
  location.reload();
}

function start(token: string, session: Session): void {
  const api = new Api(token);
  api.onUnauthorized = () => signOut('The service no longer accepts your token. Sign in again.');
  const connection = new Connection();
  const directory = new LiveDirectory(api, connection);

  const banner = h('p', { class: 'connection', role: 'status', 'aria-live': 'polite' });
  connection.onChange((live) => {
    banner.textContent = live ? '' : 'Connection lost: reconnecting… What you see may be out of date.';
    banner.classList.toggle('down', !live);
  });

  const screenName = session.role === 'agent' ? 'Agent' : session.role === 'expert' ? 'Expert' : 'Supervisor';
  document.title = `${screenName} · Expert Bridge`;
  const main = h('main', { id: 'screen', tabindex: '-1' });
  const person = session.personId;
  fill(
    root,
    h('a', { class: 'skip', href: '#screen' }, 'Skip to the screen'),
    h(
      'header',
      { class: 'top' },
      h('h1', {}, 'Expert Bridge ', h('span', { class: 'screen-name' }, screenName)),
      person && session.role !== 'supervisor' && session.role !== 'admin' ? presenceToggle(api, directory, person) : null,
      h('span', { class: 'who' }, session.displayName ?? person ?? session.role),
      h('button', { type: 'button', onclick: () => signOut() }, 'Sign out'),
    ),
    banner,
    main,
  );

  const ctx: ScreenContext = { api, session, connection, directory, root: main };
  if (session.role === 'agent') agentScreen(ctx);
  else if (session.role === 'expert') expertScreen(ctx);
  else supervisorScreen(ctx);

  if (person && (session.role === 'agent' || session.role === 'expert')) {
    const beat = () => void api.post('/v1/presence/heartbeat').catch(() => undefined);
    beat();
    setInterval(beat, HEARTBEAT_MS);
  }
}

async function boot(): Promise<void> {
  startClock();
  const message = sessionStorage.getItem(`${TOKEN_KEY}.message`) ?? undefined;
  sessionStorage.removeItem(`${TOKEN_KEY}.message`);
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) return showSignIn(message);
  try {
    start(token, await new Api(token).get<Session>('/v1/session'));
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) sessionStorage.removeItem(TOKEN_KEY);
    showSignIn(problem(err));
  }
}

void boot();
