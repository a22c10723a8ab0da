import { personInputSchema, type PersonInput } from '../../src/domain/person';
import { launchBrowser, type LaunchedBrowser, type Page } from './browser';
import { eventually } from './eventually';
import { FakeTelephony } from './fake-telephony';
import { auth, startTestApp } from './test-app';

// The real app on a real port for a browser, with the telephony fake playing
// the phones, and the people of the console scenarios.

export const person = (id: string, displayName: string, roles: PersonInput['roles'], extra: Partial<PersonInput> = {}): PersonInput => ({
  id,
  displayName,
  roles,
  skills: [{ name: 'billing', level: 3 }],
  languages: ['en'],
  contacts: { desk: { uri: `sip:${id}@desk.example.com` } },
  ...extra,
});

export const ANA = person('ana', 'Ana Lima', ['agent'], { skills: [] });
export const BO = person('bo', 'Bo Berg', ['expert'], { skills: [{ name: 'billing', level: 5 }, { name: 'tv', level: 3 }], languages: ['de-AT', 'en'] });
export const CY = person('cy', 'Cy Osei', ['expert'], { skills: [{ name: 'tv', level: 5 }, { name: 'internet', level: 4 }], languages: ['en', 'fr'] });

export async function startConsoleApp() {
  const phone = new FakeTelephony();
  const t = await startTestApp({ WRAPUP_SEC: '30', RING_TIMEOUT_SEC: '20' }, { telephony: phone });
  const base = await t.app.listen({ host: '127.0.0.1', port: 0 });

  return {
    ...t,
    phone,
    base,
    async addPeople(...people: PersonInput[]) {
      for (const p of people) await t.services.directory.create(personInputSchema.parse(p));
    },
    async setPresence(id: string, state: 'available' | 'away' | 'offline', token: string) {
      const res = await t.app.inject({ method: 'PUT', url: `/v1/experts/${id}/presence`, headers: auth(token), payload: { state } });
      if (res.statusCode !== 200) throw new Error(`presence of ${id}: ${res.statusCode} ${res.body}`);
    },
    dialTo(id: string) {
      return eventually(() => {
        const dial = phone.dials.find((d) => d.request.uri === `sip:${id}@desk.example.com` && d.pending);
        if (!dial) throw new Error(`no ringing dial to ${id}`);
        return dial;
      }, 5000);
    },
    /** A customer calls and the given agent (available) answers: the call as the API shows it. */
    async connectedCall(customer: string, agentId: string) {
      phone.call(customer);
      (await this.dialTo(agentId)).answer();
      return eventually(async () => {
        const call = (await t.services.calls.list()).find((c) => c.customer === customer && c.state === 'connected');
        if (!call) throw new Error(`no connected call from ${customer}`);
        return call;
      }, 5000);
    },
  };
}
export type ConsoleApp = Awaited<ReturnType<typeof startConsoleApp>>;

/**
 * The jest hooks of a browser test file: one Chromium for the file, a fresh
 * app with these people and a fresh page for each test.
 */
export function consoleTest(...people: PersonInput[]) {
  const c = {} as { browser: LaunchedBrowser; app: ConsoleApp; page: Page };
  beforeAll(async () => {
    c.browser = await launchBrowser();
  });
  afterAll(() => c.browser.close());
  beforeEach(async () => {
    c.app = await startConsoleApp();
    await c.app.addPeople(...people);
    c.page = await c.browser.context.newPage();
  });
  afterEach(async () => {
    await c.page.close();
    await c.app.close();
  });
  return c;
}
