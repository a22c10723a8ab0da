import { eventually as retry } from '../../support/eventually';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { openSse } from '../../support/sse-client';
import { DeskPhone, type DeskPhoneOptions } from './desk-phone';
import { type ConferenceMember, EslClient, parseConferenceList } from './esl';
import { liveStackFromEnv } from './live-stack';
import { E2E_TOKENS, type LiveService, startLiveService } from './live-service';
import { SippPhone, stopAllPhones } from './sipp-phone';

// What every e2e test file shares: the decision to skip (made once in
// global-setup.ts), the service on the live stack, an event-socket client,
// and per test a folder for the phones' logs, the people it created, the
// events it saw, and the check that nothing is left behind.

export const skipReason = process.env.E2E_SKIP_REASON;
/** `describe` when the live stack answered, else `describe.skip` (the tests show as skipped). */
export const describeLive: jest.Describe = skipReason ? describe.skip : describe;

export const OUTPUT_ROOT = path.resolve(__dirname, '../../../test-output/e2e');

// Keys a finished call may leave under the service's prefix: directory, presence, events, cases.
const CALL_KEYS = /:(call:|calls$|queue$|claim:|leases$)/;

export interface TestPerson {
  id: string;
  user: string;
  password: string;
}

export interface LegView {
  id: string;
  role: 'customer' | 'agent' | 'expert';
  personId?: string;
  state: 'ringing' | 'joined' | 'ended';
  memberId?: string;
}

export interface CallView {
  id: string;
  customer: string;
  /** The instance holding its dialogs. */
  owner: string;
  state: 'queued' | 'offering' | 'connected' | 'ended';
  room: string;
  legs: LegView[];
}

export interface EscalationView {
  id: string;
  callId: string;
  state: string;
  caseId: string;
  expertId?: string;
  reason?: string;
  attempts: { expertId: string; outcome: string; status?: number }[];
}

export interface PresenceView {
  state: string;
  reason: string;
  since: string;
  activeClaims: number;
}

export interface LoggedEventView {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

const slug = (name: string) =>
  name
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 100)
    .toLowerCase();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** As test/support's, with the longer default and slower polling a live stack needs. */
export const eventually = <T>(check: () => T | Promise<T>, timeoutMs = 5000, everyMs = 50): Promise<T> =>
  retry(check, timeoutMs, everyMs);

/** Sets up the service for the file (beforeAll) and a fresh context per test (beforeEach/afterEach). */
export function liveSuite() {
  const stack = liveStackFromEnv();
  const sipTarget = `${stack.sipTarget.host}:${stack.sipTarget.port}`;
  let service: LiveService;
  let esl: EslClient;
  let fileName = 'suite';

  // Per test:
  let outDir = '';
  let tag = '';
  const people: TestPerson[] = [];
  const phones: DeskPhone[] = [];
  let stream: Awaited<ReturnType<typeof openSse>> | undefined;
  const screens: Awaited<ReturnType<typeof openSse>>[] = [];
  let numbers = 0;

  beforeAll(async () => {
    fileName = path.basename(expect.getState().testPath ?? 'suite', '.test.ts');
    service = await startLiveService(stack, path.join(OUTPUT_ROOT, `${fileName}.service.log`));
    esl = await EslClient.connect(stack.freeswitch);
  });

  afterAll(async () => {
    await stopAllPhones();
    esl?.close();
    await service?.close();
  });

  beforeEach(async () => {
    const name = expect.getState().currentTestName ?? 'test';
    outDir = path.join(OUTPUT_ROOT, slug(name));
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.mkdirSync(outDir, { recursive: true });
    tag = randomBytes(3).toString('hex');
    numbers = 0;
    // Live events only: everything from here on is this test's.
    stream = await openSse(`${service.baseUrl}/v1/events/stream`, E2E_TOKENS.admin);
  });

  afterEach(async () => {
    for (const phone of phones.splice(0)) await phone.stop().catch(() => undefined);
    await stopAllPhones();
    stream?.close();
    for (const screen of screens.splice(0)) screen.close();
    // Events of this test, for reading after a failure.
    fs.writeFileSync(path.join(outDir, 'events.json'), JSON.stringify(ctx.events(), null, 1));
    for (const person of people.splice(0)) await service.call('DELETE', `/v1/experts/${person.id}`).catch(() => undefined);
  });

  const ctx = {
    get service() {
      return service;
    },
    get esl() {
      return esl;
    },
    get outDir() {
      return outDir;
    },
    /** A short tag unique to this test: people and skills carry it. */
    get tag() {
      return tag;
    },
    stack,
    sipTarget,

    /** Creates an agent or expert whose desk phone registers with the service. */
    /** A new person; `id` names one a token belongs to (E2E_AGENT_ID), else it is unique to the test. */
    async person(name: string, roles: ('agent' | 'expert')[], skills: { name: string; level: number }[] = [], id = `${name}-${tag}`): Promise<TestPerson> {
      const password = `pw-${name}-${tag}-secret`;
      const reply = await service.call('POST', '/v1/experts', {
        id,
        displayName: name,
        roles,
        skills,
        languages: ['en'],
        contacts: { desk: { user: id }, preferred: 'desk' },
        sipPassword: password,
      });
      if (reply.status !== 201) throw new Error(`creating ${id}: ${reply.status} ${JSON.stringify(reply.body)}`);
      const person = { id, user: id, password };
      people.push(person);
      return person;
    },

    /** What the person's screen is told from now on (their console's stream, watched as a supervisor). */
    async screenOf(person: TestPerson) {
      const screen = await openSse(`${service.baseUrl}/v1/experts/${person.id}/stream`, E2E_TOKENS.supervisor);
      screens.push(screen);
      return screen;
    },

    /** Starts the person's desk phone (answer, decline, busy or no answer; phone-buttons transfers to `transferTo`) and registers it. */
    async deskPhone(
      person: TestPerson,
      scenario: DeskPhoneOptions['scenario'] = 'phone-answer',
      answering: DeskPhoneOptions['answering'] = {},
      transferTo?: string,
    ) {
      const phone = await DeskPhone.start({
        user: person.user,
        password: person.password,
        registrar: sipTarget,
        outDir,
        scenario,
        transferTo,
        answering: { pauseMs: 200, ...answering },
      });
      phones.push(phone);
      // Registering makes them available; the next one registered is "idler" by a clear margin.
      await eventually(async () => {
        const state = (await ctx.presenceOf(person)).state;
        if (state !== 'available') throw new Error(`${person.id} is ${state} after registering`);
      });
      await sleep(20);
      return phone;
    },

    /**
     * A customer calling the service number; hangs up hangUpAfterMs after the
     * answer unless the far end does first. `offer: 'late'`: an INVITE without
     * SDP; `codec`: what it offers instead of its audio's (name/payload type);
     * `header`: one more header line for its INVITE.
     */
    async customer(
      hangUpAfterMs: number,
      {
        offer = 'early',
        codec,
        scenario = 'customer-call',
        header,
        sessionExpires = '90;refresher=uac',
      }: {
        offer?: 'early' | 'late';
        codec?: { name: string; payloadType: number };
        scenario?: 'customer-call' | 'customer-refresh';
        header?: string;
        /** customer-refresh's Session-Expires. */
        sessionExpires?: string;
      } = {},
    ) {
      numbers += 1;
      const number = `+4319${parseInt(tag, 16) % 100000}${numbers}`;
      const phone = await SippPhone.start({
        scenario,
        outDir,
        name: `customer-${numbers}`,
        remote: sipTarget,
        service: '1000',
        callers: [number],
        callerHeader: header,
        hangUpAfterMs,
        calls: 1,
        keys: { offer, session_expires: sessionExpires, ...(codec ? { codec: codec.name, payload_type: codec.payloadType } : {}) },
      });
      return { phone, number };
    },

    async presenceOf(person: TestPerson): Promise<PresenceView> {
      const reply = await service.call<{ presence: PresenceView }>('GET', `/v1/experts/${person.id}`);
      if (reply.status !== 200) throw new Error(`GET ${person.id}: ${reply.status}`);
      return reply.body.presence;
    },

    /** The live call of that customer, once it passes the check. */
    async callOf(number: string, check: (call: CallView) => boolean = () => true, timeoutMs = 8000): Promise<CallView> {
      return eventually(async () => {
        const calls = (await service.call<{ items: CallView[] }>('GET', '/v1/calls')).body.items;
        const call = calls.find((c) => c.customer === number);
        if (!call || !check(call)) throw new Error(`call of ${number}: ${JSON.stringify(call ?? 'none')}`);
        return call;
      }, timeoutMs);
    },

    async escalation(id: string, state?: string, timeoutMs = 10_000): Promise<EscalationView> {
      return eventually(async () => {
        const reply = await service.call<EscalationView>('GET', `/v1/escalations/${id}`);
        if (reply.status !== 200 || (state && reply.body.state !== state)) {
          throw new Error(`escalation ${id}: ${reply.status} ${JSON.stringify(reply.body)}`);
        }
        return reply.body;
      }, timeoutMs);
    },

    /** Who FreeSWITCH has in the room (by caller id: the customer's number or the person's desk user). */
    async room(room: string): Promise<ConferenceMember[]> {
      return parseConferenceList(await esl.api(`conference ${room} list`));
    },

    /** The codec and packet time FreeSWITCH uses on a channel now, e.g. "PCMU/20". */
    async codecOf(uuid: string): Promise<string> {
      const name = await esl.api(`uuid_getvar ${uuid} rtp_use_codec_name`);
      const ptime = await esl.api(`uuid_getvar ${uuid} rtp_use_codec_ptime`);
      return `${name.trim()}/${ptime.trim()}`;
    },

    /**
     * The channels FreeSWITCH has that name this caller id now, read from each
     * channel itself: `show channels` reads FreeSWITCH's database, which may
     * still hold a ready-made endpoint's first name after it was renamed.
     */
    async channelsNamed(callerId: string): Promise<string[]> {
      const uuids = (await esl.api('show channels')).split('\n').slice(1).map((line) => line.split(',')[0] ?? '').filter((uuid) => /^[0-9a-f-]{36}$/.test(uuid));
      const named: string[] = [];
      for (const uuid of uuids) if ((await esl.api(`uuid_getvar ${uuid} caller_id_number`)).trim() === callerId) named.push(uuid);
      return named;
    },

    /** Waits until the room holds exactly those caller ids (in any order). */
    async roomHolds(room: string, callerIds: string[], timeoutMs = 5000): Promise<ConferenceMember[]> {
      return eventually(async () => {
        const members = await ctx.room(room);
        expect(members.map((m) => m.callerIdNumber).sort()).toEqual([...callerIds].sort());
        return members;
      }, timeoutMs);
    },

    /** Events seen since the test began. */
    events(): LoggedEventView[] {
      return (stream?.events ?? []).map((e) => e.data as LoggedEventView);
    },

    /** Types of the events about one call (or escalation), in order. */
    eventTypes(callId: string, prefix = ''): string[] {
      return ctx
        .events()
        .filter((e) => e.data.callId === callId && e.type.startsWith(prefix))
        .map((e) => e.type);
    },

    async waitForEvent(match: (e: LoggedEventView) => boolean, timeoutMs = 8000): Promise<LoggedEventView> {
      return eventually(() => {
        const found = ctx.events().find(match);
        if (!found) throw new Error(`no such event; saw ${ctx.events().map((e) => e.type).join(', ')}`);
        return found;
      }, timeoutMs);
    },

    /**
     * Nothing left behind: no room on FreeSWITCH, none of the channels that
     * were in it, no live call in the API, nobody holding a claim, and (when
     * the service runs here) no call, queue or claim keys in Redis.
     */
    async expectNothingLeft(room: string, uuids: string[], who: TestPerson[], timeoutMs = 8000): Promise<void> {
      await eventually(async () => {
        expect(await ctx.room(room)).toEqual([]);
        for (const uuid of uuids) expect(`${uuid}: ${(await esl.api(`uuid_exists ${uuid}`)).trim()}`).toBe(`${uuid}: false`);
        const calls = (await service.call<{ items: CallView[] }>('GET', '/v1/calls')).body.items;
        expect(calls.filter((c) => c.room === room)).toEqual([]);
        for (const person of who) expect({ id: person.id, activeClaims: (await ctx.presenceOf(person)).activeClaims }).toEqual({ id: person.id, activeClaims: 0 });
        if (service.redis) {
          const keys = await service.redis.client.keys(`${service.redis.prefix}*`);
          expect(keys.filter((k) => CALL_KEYS.test(k))).toEqual([]);
        }
      }, timeoutMs, 200);
    },
  };
  return ctx;
}
