import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { personInputSchema, type PersonInput } from '../../src/domain/person';
import { CaseLinks } from '../../src/services/escalations/case-links';
import { eventually } from '../support/eventually';
import { expectNothingLeft as leftovers } from '../support/leftovers';
import { FakeTelephony } from '../support/fake-telephony';
import { openSse } from '../support/sse-client';
import { auth, startTestApp, TOKENS } from '../support/test-app';
import { startWebhookReceiver } from '../support/webhook-receiver';

const person = (id: string, roles: PersonInput['roles'], extra: Partial<PersonInput> = {}): PersonInput => ({
  id,
  displayName: id.toUpperCase(),
  roles,
  skills: [{ name: 'billing', level: 3 }],
  languages: ['en'],
  contacts: { desk: { uri: `sip:${id}@desk.example.com` } },
  ...extra,
});
const agent = (id: string, extra: Partial<PersonInput> = {}) => person(id, ['agent'], extra);
const expert = (id: string, extra: Partial<PersonInput> = {}) => person(id, ['expert'], extra);

const caseBody = {
  customer: { id: 'C-1001', name: 'Eva Huber' },
  reason: 'Router reboots\r\nevery hour',
  summary: 'Since the firmware update on Monday.',
  notes: ['Factory reset did not help'],
  product: 'FritzBox 7590',
  fields: { contract: 'K-77' },
};


describe('escalation (fake telephony, real Redis)', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  let phone: FakeTelephony;
  const closers: (() => unknown)[] = [];

  async function start(settings: Record<string, string> = {}, extra: Parameters<typeof startTestApp>[1] = {}) {
    phone = new FakeTelephony();
    t = await startTestApp({ WRAPUP_SEC: '1', RING_TIMEOUT_SEC: '5', ...settings }, { telephony: phone, ...extra });
  }
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    await t.close();
  });

  async function available(...people: PersonInput[]) {
    for (const p of people) {
      await t.services.directory.create(personInputSchema.parse(p));
      await t.services.presence.set(p.id, 'available', '', 'self');
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  const dialTo = (id: string) =>
    eventually(() => {
      const dial = phone.dials.find((d) => d.request.uri === `sip:${id}@desk.example.com` && d.pending);
      if (!dial) throw new Error(`no ringing dial to ${id}`);
      return dial;
    });

  /** A customer talking with an agent. */
  async function connectedCall(agentId = 'ana', from = '+43111') {
    const inbound = phone.call(from);
    const agentLeg = (await dialTo(agentId)).answer();
    const call = await eventually(async () => {
      const found = (await t.services.calls.list()).find((c) => c.customer === from);
      expect(found?.state).toBe('connected');
      return found!;
    });
    return { inbound, customer: inbound.answered!, agentLeg, call };
  }

  const escalate = (callId: string, body: object, token: string = TOKENS.agentAna, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: `/v1/calls/${callId}/escalations`, headers: { ...auth(token), ...headers }, payload: body });
  const post = (url: string, token: string = TOKENS.agentAna) => t.app.inject({ method: 'POST', url, headers: auth(token) });
  const baseUrl = async () => {
    if (!t.app.server.listening) await t.app.listen({ port: 0, host: '127.0.0.1' });
    return `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  };
  const escalation = async (id: string) => (await t.services.stores.escalationStore.get(id))!;
  const eventTypes = async (prefix = 'escalation.') =>
    (await t.services.events.since('0')).map((e) => e.type).filter((type) => type.startsWith(prefix));
  const state = async (id: string) => (await t.services.directory.get(id)).presence;
  const roomOf = (callId: string) => phone.rooms.get(`call-${callId}`) ?? [];
  const participants = async (callId: string) =>
    (await t.app.inject({ url: `/v1/calls/${callId}/participants`, headers: auth(TOKENS.supervisor) })).json().items as {
      legId: string;
      role: string;
      personId?: string;
      muted: boolean;
      held: boolean;
      phoneHeld: boolean;
    }[];

  const expectNothingLeft = () => leftovers(phone, t.redis);

  /** Ana talking with the customer; bo escalated to in `mode`, answered, and the escalation at `state`. */
  async function boAnswered(mode: 'conference' | 'consult' | 'transfer', state: string) {
    await start();
    await available(agent('ana'), expert('bo'));
    const connected = await connectedCall();
    const { id } = (await escalate(connected.call.id, { target: { expertId: 'bo' }, mode, case: caseBody })).json();
    const expertLeg = (await dialTo('bo')).answer();
    await eventually(async () => expect((await escalation(id)).state).toBe(state));
    return { ...connected, id, expertLeg };
  }

  it("escalation: the expert's desk phone opens the case from Call-Info without a token, while the link is valid", async () => {
    await start({ CASE_LINK_SECRET: 'case-links-are-signed-with-this-secret', CASE_LINK_TTL_SEC: '600', PUBLIC_BASE_URL: 'https://cc.example.com' });
    await available(agent('ana'), expert('bo'));
    const { call } = await connectedCall();
    const res = await escalate(call.id, { target: { expertId: 'bo' }, mode: 'conference', case: { ...caseBody, notes: ['<script>alert(1)</script>'] } });
    const { caseId } = res.json();
    const callInfo = /^<(https:\/\/cc\.example\.com(\/v1\/cases\/[^>]+))>;purpose=info$/.exec((await dialTo('bo')).request.headers?.['Call-Info'] ?? '');
    expect(callInfo?.[2]).toMatch(new RegExp(`^/v1/cases/${caseId}/card\\?until=\\d+&sig=[0-9a-f]{64}$`));
    const path = callInfo![2]!;

    const card = await t.app.inject({ method: 'GET', url: path });
    expect(card.statusCode).toBe(200);
    expect(card.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(card.body).toContain(`<h1>${caseBody.reason}</h1>`);
    expect(card.body).toContain('<li>&lt;script&gt;alert(1)&lt;/script&gt;</li>');
    expect(card.body).not.toContain('<script>');

    // The link is for this case only, unaltered, and only until its time.
    const forged = await t.app.inject({ method: 'GET', url: path.replace(/sig=./, (m) => `sig=${m.endsWith('0') ? '1' : '0'}`) });
    expect([forged.statusCode, forged.json().message]).toEqual([403, 'this case link is not valid']);
    const later = await t.app.inject({ method: 'GET', url: path.replace(/until=(\d+)/, (_, until: string) => `until=${Number(until) + 1}`) });
    expect(later.statusCode).toBe(403);
    const expired = Math.floor(Date.now() / 1000) - 1;
    const old = new CaseLinks('', { secret: 'case-links-are-signed-with-this-secret', ttlSec: 1 }).forPhone(caseId, (expired - 1) * 1000);
    const gone = await t.app.inject({ method: 'GET', url: old });
    expect([gone.statusCode, gone.json().message]).toEqual([403, 'this case link has expired; read the case on your screen']);
    // The API's own URL still wants a token.
    expect((await t.app.inject({ method: 'GET', url: `/v1/cases/${caseId}` })).statusCode).toBe(401);
  });

  it('escalation: conference — the expert rings with the case, joins, and all three talk', async () => {
    const hook = await startWebhookReceiver([500]);
    closers.push(hook.close);
    await start({ CRM_WEBHOOK_URLS: hook.url, WEBHOOK_SECRET: 'crm-secret', PUBLIC_BASE_URL: 'https://cc.example.com' });
    await available(agent('ana'), expert('bo'));
    const screen = await openSse(`${await baseUrl()}/v1/experts/bo/stream`, TOKENS.expertBo);
    closers.push(screen.close);
    const { call, customer, agentLeg } = await connectedCall();

    const res = await escalate(call.id, { target: { expertId: 'bo' }, mode: 'conference', case: caseBody });
    expect(res.statusCode).toBe(202);
    const { id, caseId } = res.json();
    const dial = await dialTo('bo');
    expect(dial.request.headers).toMatchObject({
      'X-Call-Id': call.id,
      'X-Case-Id': caseId,
      'X-Case-Reason': 'Router reboots every hour',
      'Call-Info': `<https://cc.example.com/v1/cases/${caseId}>;purpose=info`,
    });
    // The pop reaches the expert's screen while the phone rings; agent and customer still talk.
    const pop = await screen.waitFor((e) => e.event === 'offer');
    expect(pop.data).toMatchObject({ escalation: { id, state: 'ringing' }, case: { id: caseId, reason: caseBody.reason, notes: caseBody.notes } });
    expect(roomOf(call.id)).toEqual([customer, agentLeg]);
    expect(phone.controls).toEqual([]);

    dial.ring();
    const expertLeg = dial.answer();
    await eventually(async () => expect((await escalation(id)).state).toBe('joined'));
    expect(roomOf(call.id)).toEqual([customer, agentLeg, expertLeg]);
    expect(await state('bo')).toMatchObject({ state: 'busy', activeClaims: 1 });
    expect(await eventTypes()).toEqual([
      'escalation.requested',
      'escalation.offered',
      'escalation.ringing',
      'escalation.answered',
      'escalation.joined',
    ]);

    // Every event reached the CRM; the first delivery got a 500 and was retried.
    const refused = await eventually(() => {
      if (!hook.received[0]) throw new Error('nothing delivered yet');
      return hook.received[0];
    });
    await eventually(() => expect(hook.received.filter((r) => r.body === refused.body).map((r) => r.status)).toEqual([500, 200]), 5000);
    // The offer carries the escalation and the case, signed with the shared secret.
    const offer = await eventually(() => {
      const found = hook.received.find((r) => r.headers['x-expert-bridge-event'] === 'escalation.offered');
      if (!found) throw new Error('no offer delivered yet');
      return found;
    });
    expect(offer.headers['x-expert-bridge-signature']).toBe(`sha256=${createHmac('sha256', 'crm-secret').update(offer.body).digest('hex')}`);
    expect(JSON.parse(offer.body)).toMatchObject({
      type: 'escalation.offered',
      data: { escalationId: id, expertId: 'bo' },
      escalation: { id, caseId },
      case: { id: caseId, customer: caseBody.customer },
    });

    // The expert hangs up: the call goes on with the agent; the escalation ends.
    expertLeg.remoteHangup();
    await eventually(async () => expect((await escalation(id)).state).toBe('ended'));
    expect((await escalation(id)).reason).toBe('expert_left');
    expect(roomOf(call.id)).toEqual([customer, agentLeg]);
    expect(await state('bo')).toMatchObject({ state: 'wrap-up', activeClaims: 0 });
    customer.remoteHangup();
    await expectNothingLeft();
  }, 15000);

  it('escalation: a decline moves on to the next expert with the skills; missed offers count', async () => {
    await start();
    await available(agent('ana'), expert('bo'), expert('cy'), expert('di', { skills: [{ name: 'tv', level: 5 }] }));
    const { call, customer } = await connectedCall();
    const res = await escalate(call.id, { target: { skills: [{ name: 'billing', minLevel: 2 }] }, mode: 'conference', case: caseBody });
    const { id } = res.json();

    (await dialTo('bo')).fail('declined', 603);
    const toCy = await dialTo('cy');
    expect(phone.dials.some((d) => d.request.uri.includes('di@'))).toBe(false);
    toCy.answer();
    await eventually(async () => expect((await escalation(id)).state).toBe('joined'));
    const done = await escalation(id);
    expect(done.attempts.map((a) => [a.expertId, a.outcome, a.status])).toEqual([
      ['bo', 'declined', 603],
      ['cy', 'answered', undefined],
    ]);
    expect(await eventTypes()).toContain('escalation.declined');
    // bo is free again (one miss, not yet away) and never got a second offer.
    expect(await state('bo')).toMatchObject({ state: 'available', activeClaims: 0 });
    customer.remoteHangup();
    await expectNothingLeft();
  });

  it('escalation: the expert declines from the screen while the phone rings', async () => {
    await start();
    await available(agent('ana'), expert('bo'), expert('cy'));
    const { call, customer } = await connectedCall();
    const { id } = (await escalate(call.id, { target: { skills: [{ name: 'billing', minLevel: 1 }] }, mode: 'conference', case: caseBody })).json();
    const toBo = await dialTo('bo');
    expect((await post(`/v1/escalations/${id}/decline`, TOKENS.expertCy)).statusCode).toBe(409);
    expect((await post(`/v1/escalations/${id}/decline`, TOKENS.expertBo)).statusCode).toBe(202);
    expect(toBo.cancelled).toBe(true);
    await dialTo('cy');
    const attempt = (await escalation(id)).attempts[0];
    expect(attempt).toMatchObject({ expertId: 'bo', outcome: 'declined' });
    const declined = (await t.services.events.since('0')).find((e) => e.type === 'escalation.declined');
    expect(declined?.data).toMatchObject({ expertId: 'bo', via: 'screen' });
    customer.remoteHangup();
    await expectNothingLeft();
  });

  it("escalation: a screen opened while the expert's phone rings shows the offer; opened once it stopped, it does not", async () => {
    await start();
    await available(agent('ana'), expert('bo'), expert('cy'));
    const { call, customer } = await connectedCall();
    const { id, caseId } = (
      await escalate(call.id, { target: { skills: [{ name: 'billing', minLevel: 1 }] }, mode: 'conference', case: caseBody })
    ).json();
    const toBo = await dialTo('bo');
    const screenOf = async (who: 'bo' | 'cy') => {
      const screen = await openSse(`${await baseUrl()}/v1/experts/${who}/stream`, who === 'bo' ? TOKENS.expertBo : TOKENS.expertCy);
      closers.push(screen.close);
      return screen;
    };

    const late = await screenOf('bo');
    const pop = await late.waitFor((e) => e.event === 'offer');
    expect(pop.data).toMatchObject({ escalation: { id, state: 'ringing' }, case: { id: caseId, reason: caseBody.reason } });
    expect(late.events.filter((e) => e.event === 'offer')).toHaveLength(1);

    toBo.fail('declined', 603);
    await dialTo('cy');
    const afterDecline = await screenOf('bo');
    const cyScreen = await screenOf('cy');
    await cyScreen.waitFor((e) => e.event === 'offer');
    await afterDecline.waitFor(() => true, 300).catch(() => undefined);
    expect(afterDecline.events).toEqual([]);
    customer.remoteHangup();
    await expectNothingLeft();
  });

  it('escalation: when the deadline passes with nobody, the agent keeps the customer and is told why', async () => {
    await start();
    await available(agent('ana'), expert('bo'));
    const screen = await openSse(`${await baseUrl()}/v1/experts/ana/stream`, TOKENS.agentAna);
    closers.push(screen.close);
    const { call, customer, agentLeg } = await connectedCall();
    const { id } = (
      await escalate(call.id, { target: { expertId: 'bo' }, mode: 'conference', case: caseBody, deadlineSec: 5, ringTimeoutSec: 5 })
    ).json();
    const toBo = await dialTo('bo');
    toBo.ring();
    await eventually(async () => expect((await escalation(id)).state).toBe('failed'), 7000);
    expect(toBo.cancelled).toBe(true);
    expect((await escalation(id)).reason).toBe('deadline');
    const notice = await screen.waitFor((e) => e.event === 'notice');
    expect((notice.data as { message: string }).message).toMatch(/No expert answered before the deadline/);
    expect(roomOf(call.id)).toEqual([customer, agentLeg]);
    expect(await state('bo')).toMatchObject({ activeClaims: 0 });
    customer.remoteHangup();
    await expectNothingLeft();
  }, 15000);

  it('escalation: consult holds the customer while the agent briefs the expert; merge brings everyone together', async () => {
    await start();
    await available(agent('ana'), expert('bo'));
    const { call, customer, agentLeg } = await connectedCall();
    const { id } = (await escalate(call.id, { target: { expertId: 'bo' }, mode: 'consult', case: caseBody })).json();
    expect((await post(`/v1/escalations/${id}/merge`)).statusCode).toBe(409);
    const expertLeg = (await dialTo('bo')).answer();
    await eventually(async () => expect((await escalation(id)).state).toBe('consulting'));
    expect(phone.controls.map((c) => [c.memberId, c.control])).toEqual([[customer.memberId, 'hold']]);
    expect(roomOf(call.id)).toEqual([customer, agentLeg, expertLeg]);
    const participants = await t.app.inject({ url: `/v1/calls/${call.id}/participants`, headers: auth(TOKENS.agentAna) });
    expect(participants.json().items.find((p: { role: string }) => p.role === 'customer')).toMatchObject({ held: true });

    expect((await post(`/v1/escalations/${id}/merge`)).statusCode).toBe(202);
    await eventually(async () => expect((await escalation(id)).state).toBe('merged'));
    expect(phone.controls.map((c) => c.control)).toEqual(['hold', 'unhold']);
    expect(roomOf(call.id)).toEqual([customer, agentLeg, expertLeg]);
    customer.remoteHangup();
    await expectNothingLeft();
    expect(await eventTypes()).toContain('escalation.merged');
  });

  it('escalation: consult then cancel drops the expert and gives the customer back', async () => {
    const { call, customer, agentLeg, id, expertLeg } = await boAnswered('consult', 'consulting');
    expect((await post(`/v1/escalations/${id}/cancel`)).statusCode).toBe(202);
    await eventually(async () => expect((await escalation(id)).state).toBe('cancelled'));
    expect(expertLeg.hungUp).toBe(true);
    expect(phone.controls.map((c) => c.control)).toEqual(['hold', 'unhold']);
    expect(roomOf(call.id)).toEqual([customer, agentLeg]);
    customer.remoteHangup();
    await expectNothingLeft();
  });

  it('escalation: warm transfer — on merge the agent leaves and the expert keeps the customer', async () => {
    const { call, customer, agentLeg, id, expertLeg } = await boAnswered('transfer', 'consulting');
    await post(`/v1/escalations/${id}/merge`);
    await eventually(async () => expect((await escalation(id)).state).toBe('transferred'));
    expect(agentLeg.hungUp).toBe(true);
    expect(roomOf(call.id)).toEqual([customer, expertLeg]);
    expect(await state('ana')).toMatchObject({ state: 'wrap-up', activeClaims: 0 });
    expect((await t.services.calls.get(call.id))?.state).toBe('connected');
    customer.remoteHangup();
    await expectNothingLeft();
  });

  it('escalation: blind — the agent leaves at once, a declining expert is skipped, the next one gets the customer', async () => {
    await start();
    await available(agent('ana'), expert('bo'), expert('cy'));
    const { call, customer, agentLeg } = await connectedCall();
    const { id } = (await escalate(call.id, { target: { skills: [{ name: 'billing', minLevel: 1 }] }, mode: 'blind', case: caseBody })).json();
    await eventually(() => expect(agentLeg.hungUp).toBe(true));
    expect(roomOf(call.id)).toEqual([customer]);
    (await dialTo('bo')).fail('busy', 486);
    const expertLeg = (await dialTo('cy')).answer();
    await eventually(async () => expect((await escalation(id)).state).toBe('joined'));
    expect(roomOf(call.id)).toEqual([customer, expertLeg]);
    // Nobody offered the call to an agent meanwhile.
    expect(phone.dials.filter((d) => d.request.uri.startsWith('sip:ana@'))).toHaveLength(1);
    customer.remoteHangup();
    await expectNothingLeft();
  });

  describe("the agent's desk phone transfer button (a blind REFER to a desk user)", () => {
    /** Ana talking with a customer; bo's desk phone registered as SIP user "bo-desk", reached at its contact. */
    async function callWithDeskExpert() {
      await start();
      await available(agent('ana'), expert('bo', { contacts: { desk: { user: 'bo-desk' } } }));
      await t.services.stores.registrationStore.save({ user: 'bo-desk', contact: 'sip:bo@desk.example.com', expiresSec: 600 });
      return connectedCall();
    }

    it('escalation: to an expert\'s desk user — a blind hand-over: the agent leaves, the expert rings and gets the customer', async () => {
      const { call, customer, agentLeg } = await callWithDeskExpert();
      expect(await agentLeg.pressTransfer('bo-desk')).toEqual({ accepted: true });
      await eventually(() => expect(agentLeg.hungUp).toBe(true));
      const expertLeg = (await dialTo('bo')).answer();
      const [handed] = (await t.services.events.since('0')).filter((e) => e.type === 'escalation.requested');
      expect(handed?.data).toMatchObject({ callId: call.id, mode: 'blind' });
      const { escalationId } = handed!.data as { escalationId: string };
      await eventually(async () => expect((await escalation(escalationId)).state).toBe('joined'));
      expect(await escalation(escalationId)).toMatchObject({ target: { expertId: 'bo' }, requestedBy: 'ana' });
      expect(roomOf(call.id)).toEqual([customer, expertLeg]);
      customer.remoteHangup();
      await expectNothingLeft();
    });

    it('escalation: as phones do it — hold, then transfer: the expert gets a customer who is no longer held', async () => {
      const { call, customer, agentLeg } = await callWithDeskExpert();
      agentLeg.phoneHold(true);
      await eventually(() => expect(phone.controls.map((c) => [c.memberId, c.control])).toEqual([[agentLeg.memberId, 'mute'], [customer.memberId, 'hold']]));
      expect(await agentLeg.pressTransfer('bo-desk')).toEqual({ accepted: true });
      const expertLeg = (await dialTo('bo')).answer();
      await eventually(() => expect(roomOf(call.id)).toEqual([customer, expertLeg]));
      await eventually(async () => expect((await participants(call.id)).map((p) => [p.role, p.held])).toEqual([['customer', false], ['expert', false]]));
      expect(phone.controls.at(-1)).toMatchObject({ memberId: customer.memberId, control: 'unhold' });
      customer.remoteHangup();
      await expectNothingLeft();
    });

    it('escalation: a phone that hangs up as soon as its transfer is accepted still hands the customer over, not back to the queue', async () => {
      const { call, customer, agentLeg } = await callWithDeskExpert();
      const transferring = agentLeg.pressTransfer('bo-desk');
      agentLeg.remoteHangup();
      expect(await transferring).toEqual({ accepted: true });
      const expertLeg = (await dialTo('bo')).answer();
      await eventually(async () => expect((await t.services.calls.get(call.id))?.state).toBe('connected'));
      await eventually(() => expect(roomOf(call.id)).toEqual([customer, expertLeg]));
      // Nobody offered the call to an agent meanwhile.
      expect(phone.dials.filter((d) => d.request.uri.startsWith('sip:ana@'))).toHaveLength(1);
      expect(await t.services.calls.queued()).toEqual([]);
      customer.remoteHangup();
      await expectNothingLeft();
    });

    it('escalation: refused, the agent keeps the customer — an unknown user (404), an expert who is not free (486), an expert pressing it (403)', async () => {
      const { call, customer, agentLeg } = await callWithDeskExpert();
      await available(expert('cy', { contacts: { desk: { user: 'cy-desk' } } }), agent('sam', { contacts: { desk: { user: 'sam-desk' } } }));
      await t.services.presence.set('cy', 'away', '', 'self');
      expect(await agentLeg.pressTransfer('nobody')).toEqual({ accepted: false, status: 404, reason: 'Not Found' });
      // A colleague, but no expert: hand-overs go to experts.
      expect(await agentLeg.pressTransfer('sam-desk')).toMatchObject({ accepted: false, status: 404 });
      expect(await agentLeg.pressTransfer('cy-desk')).toEqual({ accepted: false, status: 486, reason: 'Busy Here' });
      expect(agentLeg.hungUp).toBe(false);
      expect(roomOf(call.id)).toEqual([customer, agentLeg]);

      // In a three-way call the expert's phone cannot hand the call over.
      const { id } = (await escalate(call.id, { target: { expertId: 'bo' }, mode: 'conference', case: caseBody })).json();
      const expertLeg = (await dialTo('bo')).answer();
      await eventually(async () => expect((await escalation(id)).state).toBe('joined'));
      expect(await expertLeg.pressTransfer('cy-desk')).toMatchObject({ accepted: false, status: 403 });
      customer.remoteHangup();
      await expectNothingLeft();
    });
  });

  it('escalation: blind with nobody answering by the deadline — back to the original agent when free', async () => {
    await start({ WRAPUP_SEC: '0' });
    await available(agent('ana'), expert('bo'));
    const { call, customer } = await connectedCall();
    const { id } = (await escalate(call.id, { target: { expertId: 'bo' }, mode: 'blind', case: caseBody, deadlineSec: 5 })).json();
    (await dialTo('bo')).fail('declined', 603);
    const back = await eventually(() => {
      const dial = phone.dials.filter((d) => d.request.uri.startsWith('sip:ana@')).at(1);
      if (!dial?.pending) throw new Error('not back at the agent yet');
      return dial;
    }, 7000);
    // The agent's phone may ring before the failure is logged: the offer starts first.
    await eventually(async () => {
      const failed = (await t.services.events.since('0')).find((e) => e.type === 'escalation.failed');
      expect(failed?.data).toMatchObject({ escalationId: id, reason: 'deadline', returnedTo: 'agent' });
    });
    const agentAgain = back.answer();
    await eventually(async () => expect((await t.services.calls.get(call.id))?.state).toBe('connected'));
    expect(roomOf(call.id)).toEqual([customer, agentAgain]);
    customer.remoteHangup();
    await expectNothingLeft();
  }, 15000);

  it('escalation: blind past the deadline while the agent is busy elsewhere — the front of the queue', async () => {
    await start({ WRAPUP_SEC: '30' });
    await available(agent('ana'), expert('bo'));
    const { call, customer } = await connectedCall();
    const { id } = (await escalate(call.id, { target: { expertId: 'bo' }, mode: 'blind', case: caseBody, deadlineSec: 5 })).json();
    (await dialTo('bo')).fail('no_answer', 480);
    await eventually(async () => {
      const failed = (await t.services.events.since('0')).find((e) => e.type === 'escalation.failed');
      expect(failed?.data).toMatchObject({ escalationId: id, reason: 'deadline', returnedTo: 'queue' });
    }, 7000);
    expect(await t.services.calls.queued()).toEqual([call.id]);
    await available(agent('sam'));
    (await dialTo('sam')).answer();
    await eventually(async () => expect((await t.services.calls.get(call.id))?.state).toBe('connected'));
    customer.remoteHangup();
    await expectNothingLeft();
  }, 15000);

  it('escalation: the agent cancels while the expert rings — the INVITE is cancelled, nothing counts against the expert', async () => {
    await start();
    await available(agent('ana'), expert('bo'));
    const { call, customer, agentLeg } = await connectedCall();
    const { id } = (await escalate(call.id, { target: { expertId: 'bo' }, mode: 'consult', case: caseBody })).json();
    const toBo = await dialTo('bo');
    expect((await post(`/v1/escalations/${id}/cancel`, TOKENS.agentSam)).statusCode).toBe(403);
    expect((await post(`/v1/escalations/${id}/cancel`)).statusCode).toBe(202);
    await eventually(async () => expect(await escalation(id)).toMatchObject({ state: 'cancelled', reason: 'cancelled' }));
    expect(toBo.cancelled).toBe(true);
    expect((await escalation(id)).attempts[0]).toMatchObject({ outcome: 'cancelled' });
    expect(await state('bo')).toMatchObject({ state: 'available', activeClaims: 0 });
    expect(await t.redis.connect().hget(`${t.redis.prefix}missed-offers`, 'bo')).toBeNull();
    expect(roomOf(call.id)).toEqual([customer, agentLeg]);
    expect((await post(`/v1/escalations/${id}/cancel`)).statusCode).toBe(409);
    customer.remoteHangup();
    await expectNothingLeft();
  });

  it('escalation: the customer hangs up while the expert rings — the INVITE is cancelled and the claim released', async () => {
    await start();
    await available(agent('ana'), expert('bo'));
    const { call, customer } = await connectedCall();
    const { id } = (await escalate(call.id, { target: { expertId: 'bo' }, mode: 'conference', case: caseBody })).json();
    const toBo = await dialTo('bo');
    customer.remoteHangup();
    await expectNothingLeft();
    expect(toBo.cancelled).toBe(true);
    await eventually(async () => expect(await escalation(id)).toMatchObject({ state: 'ended', reason: 'call_ended' }));
    expect(await state('bo')).toMatchObject({ state: 'available', activeClaims: 0 });
  });

  it('escalation: the customer hangs up while the next expert is being claimed — nobody rings, the claim is released', async () => {
    await start();
    await available(agent('ana'), expert('bo'), expert('cy'));
    const { call, customer } = await connectedCall();
    const { id } = (await escalate(call.id, { target: { skills: [{ name: 'billing', minLevel: 2 }] }, mode: 'conference', case: caseBody })).json();
    const toBo = await dialTo('bo');
    // The hunt's next claim lands only after the call has ended.
    const tryClaim = t.services.claims.tryClaim.bind(t.services.claims);
    const claimLanded = new Promise((landed) => {
      jest.spyOn(t.services.claims, 'tryClaim').mockImplementationOnce(async (...args) => {
        customer.remoteHangup();
        await eventually(async () => expect((await t.services.calls.list()).some((c) => c.id === call.id)).toBe(false));
        const claim = await tryClaim(...args);
        landed(claim);
        return claim;
      });
    });
    toBo.fail('declined', 603);
    // Checked only once the claim is in: before, there is nothing to see yet.
    expect(await claimLanded).toMatchObject({ personId: 'cy' });
    await eventually(async () => expect(await escalation(id)).toMatchObject({ state: 'ended', reason: 'call_ended' }));
    await expectNothingLeft();
    expect(phone.dials.some((d) => d.request.uri.includes('cy@'))).toBe(false);
    expect(await state('cy')).toMatchObject({ state: 'available', activeClaims: 0 });
  });

  it('escalation: the phone rings before the offer is logged — the log still has the offer first', async () => {
    await start();
    await available(agent('ana'), expert('bo'));
    const { call } = await connectedCall();
    // Logging the offer is slow this time: the phone's 180 comes back first.
    let logOffer!: () => void;
    const offerHeld = new Promise<void>((resolve) => (logOffer = resolve));
    const append = t.services.events.append.bind(t.services.events);
    jest.spyOn(t.services.events, 'append').mockImplementation(async (type, data) => {
      if (type === 'escalation.offered') await offerHeld;
      return append(type, data);
    });
    await escalate(call.id, { target: { expertId: 'bo' }, mode: 'conference', case: caseBody });
    const toBo = await dialTo('bo');
    toBo.ring();
    await new Promise((r) => setTimeout(r, 50));
    logOffer();
    await eventually(async () => expect(await eventTypes()).toContain('escalation.ringing'));
    expect(await eventTypes()).toEqual(['escalation.requested', 'escalation.offered', 'escalation.ringing']);
  });

  it('escalation: the expert answers just as the customer hangs up — the answered leg is hung up', async () => {
    await start();
    await available(agent('ana'), expert('bo'));
    const { call, customer } = await connectedCall();
    await escalate(call.id, { target: { expertId: 'bo' }, mode: 'conference', case: caseBody });
    const toBo = await dialTo('bo');
    const late = toBo.answer();
    customer.remoteHangup();
    await expectNothingLeft();
    expect(late.hungUp).toBe(true);
    expect(await state('bo')).toMatchObject({ activeClaims: 0 });
  });

  it('escalation: two agents escalate to the one free expert at once — one gets them, the other a clear "none available"', async () => {
    await start();
    await available(agent('ana'), agent('sam'), expert('bo'));
    const first = await connectedCall('ana', '+1');
    const second = await connectedCall('sam', '+2');
    const [a, b] = await Promise.all([
      escalate(first.call.id, { target: { expertId: 'bo' }, mode: 'conference', case: caseBody }, TOKENS.agentAna),
      escalate(second.call.id, { target: { expertId: 'bo' }, mode: 'conference', case: caseBody }, TOKENS.agentSam),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([202, 409]);
    const loser = a.statusCode === 409 ? a : b;
    expect(loser.json()).toMatchObject({ error: 'none_available' });
    await dialTo('bo');
    expect(phone.dials.filter((d) => d.request.uri.startsWith('sip:bo@'))).toHaveLength(1);
    first.customer.remoteHangup();
    second.customer.remoteHangup();
    await expectNothingLeft();
  });

  it('escalation: two requests for one call at once — one runs, the other is refused and lets go of the expert it claimed', async () => {
    await start();
    await available(agent('ana'), expert('bo'), expert('cy'));
    const { call, customer } = await connectedCall();
    const [a, b] = await Promise.all([
      escalate(call.id, { target: { expertId: 'bo' }, mode: 'conference', case: caseBody }),
      escalate(call.id, { target: { expertId: 'cy' }, mode: 'conference', case: caseBody }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([202, 409]);
    const [winner, loser] = a.statusCode === 202 ? [a, b] : [b, a];
    expect(loser.json()).toMatchObject({ error: 'escalation_in_progress', details: { escalationId: winner.json().id } });
    const ringing = winner === a ? 'bo' : 'cy';
    const refused = winner === a ? 'cy' : 'bo';
    await dialTo(ringing);
    expect(await state(refused)).toMatchObject({ state: 'available', activeClaims: 0 });
    expect(phone.dials.filter((d) => d.request.uri.startsWith(`sip:${refused}@`))).toHaveLength(0);
    customer.remoteHangup();
    await expectNothingLeft();
  });

  it("escalation: the call's escalation slot cannot be read (a Redis error) — the request fails and lets go of the expert it claimed", async () => {
    await start();
    await available(agent('ana'), expert('bo'));
    const { call, customer } = await connectedCall();
    // Real Redis, a real error: with the slot's key of the wrong type, SET NX finds it taken and the read after it fails (WRONGTYPE).
    const slotKey = `${t.redis.prefix}call:${call.id}:escalation`;
    await t.redis.connect().hset(slotKey, 'not', 'a slot');

    const res = await escalate(call.id, { target: { expertId: 'bo' }, mode: 'conference', case: caseBody });
    expect([res.statusCode, res.json().error]).toEqual([500, 'internal']);
    expect(await state('bo')).toMatchObject({ state: 'available', activeClaims: 0 });
    expect(phone.dials.filter((d) => d.request.uri.startsWith('sip:bo@'))).toHaveLength(0);
    await t.redis.connect().del(slotKey);
    customer.remoteHangup();
    await expectNothingLeft();
  });

  it('escalation: an Idempotency-Key replay returns the same escalation; a second escalation waits its turn', async () => {
    await start();
    await available(agent('ana'), expert('bo'), expert('cy'));
    const { call, customer } = await connectedCall();
    const body = { target: { expertId: 'bo' }, mode: 'conference', case: caseBody };
    const once = await escalate(call.id, body, TOKENS.agentAna, { 'idempotency-key': 'req-1' });
    const again = await escalate(call.id, body, TOKENS.agentAna, { 'idempotency-key': 'req-1' });
    expect(once.statusCode).toBe(202);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(once.json().id);
    const other = await escalate(call.id, { ...body, target: { expertId: 'cy' } });
    expect(other.statusCode).toBe(409);
    expect(other.json()).toMatchObject({ error: 'escalation_in_progress', details: { escalationId: once.json().id } });
    // Cy was claimed while the slot was asked for, and let go when it was taken.
    expect(await state('cy')).toMatchObject({ state: 'available', activeClaims: 0 });
    customer.remoteHangup();
    await expectNothingLeft();
  });

  it('escalation: an expert who answers before the case is delivered joins at once; the case still reaches them first', async () => {
    await start();
    await available(agent('ana'), expert('bo'));
    const { call, customer } = await connectedCall();
    // Bo's phone answers the moment it is rung: before the run has logged the offer or pushed the case.
    const dial = phone.dial.bind(phone);
    phone.dial = (request) => {
      const placed = dial(request);
      if (request.memberName === 'bo') queueMicrotask(() => placed.answer());
      return placed;
    };
    const res = await escalate(call.id, { target: { expertId: 'bo' }, mode: 'conference', case: caseBody });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ state: 'hunting', attempts: [] });
    const { id, caseId } = res.json();
    await eventually(async () => expect((await escalation(id)).state).toBe('joined'));
    expect(roomOf(call.id)).toHaveLength(3);
    expect((await escalation(id)).attempts).toMatchObject([{ expertId: 'bo', outcome: 'answered' }]);
    expect(await eventTypes()).toEqual(['escalation.requested', 'escalation.offered', 'escalation.answered', 'escalation.joined']);
    expect((await t.services.stores.caseStore.get(caseId))?.readers).toEqual(['ana', 'bo']);
    customer.remoteHangup();
    await expectNothingLeft();
  });

  it('escalation: wrong requests get clear errors and change nothing', async () => {
    await start({ MAX_ROOM_SIZE: '3' });
    await available(agent('ana'), expert('bo'), expert('cy'));
    const { call, customer } = await connectedCall();
    const bad = await escalate(call.id, { target: { skills: [] }, mode: 'sideways', case: { reason: '' } });
    expect(bad.statusCode).toBe(400);
    const fields = bad.json().details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['body.mode', 'body.case.reason']));
    expect((await escalate(call.id, { target: { expertId: 'bo' }, mode: 'conference', case: caseBody }, TOKENS.agentSam)).statusCode).toBe(403);
    expect((await escalate(call.id, { target: { expertId: 'bo' }, mode: 'conference', case: caseBody }, TOKENS.expertBo)).statusCode).toBe(403);
    expect((await escalate(call.id, { target: { expertId: 'nobody' }, mode: 'conference', case: caseBody })).json()).toMatchObject({
      error: 'none_available',
    });
    const { id } = (await escalate(call.id, { target: { expertId: 'bo' }, mode: 'conference', case: caseBody })).json();
    (await dialTo('bo')).answer();
    await eventually(async () => expect((await escalation(id)).state).toBe('joined'));
    // Customer, agent and bo: the room is full.
    const full = await escalate(call.id, { target: { expertId: 'cy' }, mode: 'conference', case: caseBody });
    expect(full.json()).toMatchObject({ error: 'room_full', details: { maxRoomSize: 3 } });
    expect(phone.dials.filter((d) => d.request.uri.startsWith('sip:cy@'))).toHaveLength(0);
    customer.remoteHangup();
    await expectNothingLeft();
  });

  it('conference: participants, mute, hold, kick, leave and end', async () => {
    const { call, customer, agentLeg, id, expertLeg } = await boAnswered('conference', 'joined');

    const list = () => participants(call.id);
    const legs = await list();
    expect(legs.map((p) => [p.role, p.personId])).toEqual([['customer', undefined], ['agent', 'ana'], ['expert', 'bo']]);
    const customerLeg = legs[0]!.legId;
    const boLeg = legs[2]!.legId;
    expect((await post(`/v1/calls/${call.id}/participants/${customerLeg}/mute`)).statusCode).toBe(202);
    expect((await post(`/v1/calls/${call.id}/participants/${customerLeg}/hold`)).statusCode).toBe(202);
    expect((await list())[0]).toMatchObject({ muted: true, held: true });
    await post(`/v1/calls/${call.id}/participants/${customerLeg}/unmute`);
    await post(`/v1/calls/${call.id}/participants/${customerLeg}/unhold`);
    expect((await list())[0]).toMatchObject({ muted: false, held: false });
    expect(phone.controls.map((c) => c.control)).toEqual(['mute', 'hold', 'unmute', 'unhold']);
    expect((await post(`/v1/calls/${call.id}/participants/nope/mute`)).statusCode).toBe(404);
    expect((await post(`/v1/calls/${call.id}/participants/${customerLeg}/mute`, TOKENS.agentSam)).statusCode).toBe(403);

    // The agent leaves: customer and expert go on. Then the expert is kicked: the customer goes back to the queue.
    expect((await post(`/v1/calls/${call.id}/leave`)).statusCode).toBe(202);
    await eventually(() => expect(agentLeg.hungUp).toBe(true));
    expect(roomOf(call.id)).toEqual([customer, expertLeg]);
    expect((await post(`/v1/calls/${call.id}/leave`)).statusCode).toBe(403);
    expect((await post(`/v1/calls/${call.id}/participants/${boLeg}/kick`, TOKENS.supervisor)).statusCode).toBe(202);
    await eventually(async () => expect(await t.services.calls.queued()).toEqual([call.id]));
    expect(expertLeg.hungUp).toBe(true);
    expect(await eventTypes('participant.')).toEqual(
      expect.arrayContaining(['participant.muted', 'participant.held', 'participant.unheld', 'participant.kicked', 'participant.left']),
    );
    expect((await escalation(id)).state).toBe('ended');

    expect((await post(`/v1/calls/${call.id}/end`, TOKENS.supervisor)).statusCode).toBe(202);
    await expectNothingLeft();
    expect(customer.hungUp).toBe(true);
  });

  describe("a staff member's desk phone holds the call (its own hold button)", () => {
    const switches = () => phone.controls.map((c) => [c.memberId, c.control]);
    /** The room's switches are made before the event of the phone's hold or resume. */
    const phoneEvents = async () =>
      (await t.services.events.since('0')).filter((e) => e.type.startsWith('participant.phone_')).map((e) => e.type.slice(18));
    const flags = async (callId: string) =>
      (await participants(callId)).map((p) => [p.role, p.muted, p.held, p.phoneHeld].filter((f) => f !== false).join(' '));

    it('conference: alone with the customer, the agent holds: the customer hears our music, the agent is muted; resume undoes both', async () => {
      await start();
      await available(agent('ana'));
      const { call, customer, agentLeg } = await connectedCall();
      agentLeg.phoneHold(true);
      await eventually(() => expect(switches()).toEqual([[agentLeg.memberId, 'mute'], [customer.memberId, 'hold']]));
      await eventually(async () => expect(await flags(call.id)).toEqual(['customer true', 'agent true true']));
      const held = (await t.services.events.since('0')).find((e) => e.type === 'participant.held');
      expect(held?.data).toMatchObject({ role: 'customer', by: 'desk_phone' });

      agentLeg.phoneHold(false);
      await eventually(() => expect(switches().slice(2)).toEqual([[agentLeg.memberId, 'unmute'], [customer.memberId, 'unhold']]));
      await eventually(async () => expect(await flags(call.id)).toEqual(['customer', 'agent']));
      customer.remoteHangup();
      await expectNothingLeft();
    });

    it('conference: in a three-way call only the holding member is muted; once the other leaves, the customer is held until the phone resumes', async () => {
      const { call, customer, agentLeg, expertLeg } = await boAnswered('conference', 'joined');

      agentLeg.phoneHold(true);
      await eventually(async () => expect(await phoneEvents()).toEqual(['held']));
      expect(await flags(call.id)).toEqual(['customer', 'agent true true', 'expert']);
      expect(switches()).toEqual([[agentLeg.memberId, 'mute']]);
      expertLeg.remoteHangup();
      await eventually(() => expect(switches()).toEqual([[agentLeg.memberId, 'mute'], [customer.memberId, 'hold']]));
      // The agent is still in the room: the customer is held, not queued.
      expect(await t.services.calls.queued()).toEqual([]);

      agentLeg.phoneHold(false);
      await eventually(async () => expect(await flags(call.id)).toEqual(['customer', 'agent']));
      customer.remoteHangup();
      await expectNothingLeft();
    });

    /** Ana's desk phone holds her call with the customer; then bo is escalated to in `mode`, answers and reaches `state`. */
    async function heldThenEscalated(mode: 'conference' | 'consult', state: string) {
      await start();
      await available(agent('ana'), expert('bo'));
      const connected = await connectedCall();
      connected.agentLeg.phoneHold(true);
      await eventually(() => expect(switches()).toEqual([[connected.agentLeg.memberId, 'mute'], [connected.customer.memberId, 'hold']]));
      const { id } = (await escalate(connected.call.id, { target: { expertId: 'bo' }, mode, case: caseBody })).json();
      (await dialTo('bo')).answer();
      await eventually(async () => expect((await escalation(id)).state).toBe(state));
      return { ...connected, id };
    }

    it('conference: an expert who joins while the agent holds takes the customer off hold, to talk with them', async () => {
      const { call, customer } = await heldThenEscalated('conference', 'joined');
      await eventually(async () => expect(await flags(call.id)).toEqual(['customer', 'agent true true', 'expert']));
      expect(switches().slice(2)).toEqual([[customer.memberId, 'unhold']]);
      customer.remoteHangup();
      await expectNothingLeft();
    });

    it("consult: the briefing takes over a customer the agent's phone holds; the expert's join keeps them held, the merge resumes them", async () => {
      const { call, customer, agentLeg, id } = await heldThenEscalated('consult', 'consulting');
      agentLeg.phoneHold(false);
      await eventually(async () => expect(await phoneEvents()).toEqual(['held', 'resumed']));
      expect(await flags(call.id)).toEqual(['customer true', 'agent', 'expert']);

      expect((await post(`/v1/escalations/${id}/merge`)).statusCode).toBe(202);
      await eventually(async () => expect(await flags(call.id)).toEqual(['customer', 'agent', 'expert']));
      expect(switches().map(([, control]) => control)).toEqual(['mute', 'hold', 'unmute', 'unhold']);
      customer.remoteHangup();
      await expectNothingLeft();
    });

    it("conference: a switch from the console is the console's: the phone's resume leaves it as it is", async () => {
      await start();
      await available(agent('ana'));
      const { call, customer, agentLeg } = await connectedCall();
      const [customerLeg, ana] = (await participants(call.id)).map((p) => p.legId);
      await post(`/v1/calls/${call.id}/participants/${ana}/mute`, TOKENS.supervisor);
      agentLeg.phoneHold(true);
      await eventually(() => expect(switches()).toEqual([[agentLeg.memberId, 'mute'], [customer.memberId, 'hold']]));
      // The supervisor takes the customer off hold; the agent's phone still holds.
      await post(`/v1/calls/${call.id}/participants/${customerLeg}/unhold`, TOKENS.supervisor);
      await eventually(async () => expect(await flags(call.id)).toEqual(['customer', 'agent true true']));

      agentLeg.phoneHold(false);
      await eventually(async () => expect(await phoneEvents()).toEqual(['held', 'resumed']));
      expect(await flags(call.id)).toEqual(['customer', 'agent true']);
      expect(switches().map(([, control]) => control)).toEqual(['mute', 'hold', 'unhold']);
      customer.remoteHangup();
      await expectNothingLeft();
    });
  });

  it('escalation: the pop carries the customer\'s earlier contacts', async () => {
    await start({ WRAPUP_SEC: '0' });
    await available(agent('ana'), expert('bo'));
    const first = await connectedCall();
    const { id: firstEscalation } = (await escalate(first.call.id, { target: { expertId: 'bo' }, mode: 'conference', case: caseBody })).json();
    (await dialTo('bo')).fail('declined', 603);
    await eventually(async () => expect((await escalation(firstEscalation)).attempts[0]?.outcome).toBe('declined'));
    first.customer.remoteHangup();
    await expectNothingLeft();

    const screen = await openSse(`${await baseUrl()}/v1/experts/bo/stream`, TOKENS.expertBo);
    closers.push(screen.close);
    const second = await connectedCall();
    await escalate(second.call.id, { target: { expertId: 'bo' }, mode: 'conference', case: caseBody });
    const pop = await screen.waitFor((e) => e.event === 'offer');
    const { history } = pop.data as { history: { callId: string; escalated: boolean }[] };
    expect(history.map((h) => h.callId)).toEqual([first.call.id]);
    expect(history[0]).toMatchObject({ escalated: true });
    second.customer.remoteHangup();
    await expectNothingLeft();
  });

  it("escalation: the customer's erasure takes the cases escalated on their calls; a screen opened after it while the phone rings shows nothing of theirs", async () => {
    await start({ WRAPUP_SEC: '0' });
    await available(agent('ana'), expert('bo'));
    const first = await connectedCall();
    const { id: firstEscalation, caseId: firstCase } = (
      await escalate(first.call.id, { target: { expertId: 'bo' }, mode: 'conference', case: caseBody })
    ).json();
    (await dialTo('bo')).fail('declined', 603);
    await eventually(async () => expect((await escalation(firstEscalation)).attempts[0]?.outcome).toBe('declined'));
    first.customer.remoteHangup();
    await expectNothingLeft();

    const second = await connectedCall();
    const { caseId: secondCase } = (await escalate(second.call.id, { target: { expertId: 'bo' }, mode: 'conference', case: caseBody })).json();
    await dialTo('bo');
    const erased = await t.app.inject({ method: 'DELETE', url: `/v1/customers/${caseBody.customer.id}`, headers: auth(TOKENS.supervisor) });
    expect(erased.json()).toEqual({ erased: 2, cases: 2 });
    for (const id of [firstCase, secondCase]) {
      expect((await t.app.inject({ url: `/v1/cases/${id}`, headers: auth(TOKENS.supervisor) })).statusCode).toBe(404);
    }
    const late = await openSse(`${await baseUrl()}/v1/experts/bo/stream`, TOKENS.expertBo);
    closers.push(late.close);
    await late.waitFor(() => true, 300).catch(() => undefined);
    expect(late.events).toEqual([]);
    second.customer.remoteHangup();
    await expectNothingLeft();
  });

  it('escalation: its events replay on the events stream from any id, then arrive live', async () => {
    await start();
    await available(agent('ana'), expert('bo'));
    const { call, customer } = await connectedCall();
    const { id } = (await escalate(call.id, { target: { expertId: 'bo' }, mode: 'conference', case: caseBody })).json();
    await dialTo('bo');
    const stream = await openSse(`${await baseUrl()}/v1/events/stream?types=escalation,participant&since=0-0`, TOKENS.supervisor);
    closers.push(stream.close);
    await stream.waitFor((e) => e.event === 'escalation.offered');
    (await dialTo('bo')).answer();
    await stream.waitFor((e) => e.event === 'escalation.joined');
    // The agent's joining (replayed), then the escalation; the expert's joining runs alongside the answer.
    const types = stream.events.map((e) => e.event);
    expect(types[0]).toBe('participant.joined');
    expect(types.filter((type) => type.startsWith('escalation.'))).toEqual([
      'escalation.requested',
      'escalation.offered',
      'escalation.answered',
      'escalation.joined',
    ]);
    expect(types.filter((type) => type === 'participant.joined')).toHaveLength(2);
    const ids = stream.events.filter((e) => e.event.startsWith('escalation.')).map((e) => (e.data as { data: { escalationId: string } }).data.escalationId);
    expect(new Set(ids)).toEqual(new Set([id]));
    expect((await t.app.inject({ url: '/v1/events/stream', headers: auth(TOKENS.agentAna) })).statusCode).toBe(403);
    customer.remoteHangup();
    await expectNothingLeft();
  });

  it('cases: the agent and the offered expert read and update it, others may not', async () => {
    await start();
    await available(agent('ana'), expert('bo'));
    const { call, customer } = await connectedCall();
    const { caseId, id } = (await escalate(call.id, { target: { expertId: 'bo' }, mode: 'conference', case: caseBody })).json();
    await dialTo('bo');
    const read = (token: string) => t.app.inject({ url: `/v1/cases/${caseId}`, headers: auth(token) });
    expect((await read(TOKENS.agentAna)).json()).toMatchObject({ id: caseId, callId: call.id, customer: caseBody.customer, fields: caseBody.fields });
    await eventually(async () => expect((await read(TOKENS.expertBo)).statusCode).toBe(200));
    expect((await read(TOKENS.expertCy)).statusCode).toBe(403);
    const othersScreen = await t.app.inject({ url: '/v1/experts/bo/stream', headers: auth(TOKENS.expertCy) });
    expect(othersScreen.json()).toMatchObject({ error: 'forbidden', message: 'expert tokens may read only their own screen stream' });
    expect((await read(TOKENS.supervisor)).statusCode).toBe(200);

    const screen = await openSse(`${await baseUrl()}/v1/experts/bo/stream`, TOKENS.expertBo);
    closers.push(screen.close);
    const patch = (payload: object, token: string = TOKENS.agentAna) =>
      t.app.inject({ method: 'PATCH', url: `/v1/cases/${caseId}`, headers: auth(token), payload });
    const updated = await patch({ notes: [...caseBody.notes, 'Customer is on fibre'], touchpoint: 'phone/billing' });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ notes: ['Factory reset did not help', 'Customer is on fibre'], touchpoint: 'phone/billing', reason: caseBody.reason });
    const seen = await screen.waitFor((e) => e.event === 'case');
    expect(seen.data).toMatchObject({ case: { touchpoint: 'phone/billing' } });
    expect((await patch({ notes: ['x'.repeat(2001)] })).statusCode).toBe(400);
    expect((await patch({})).statusCode).toBe(400);
    expect((await patch({ summary: 'mine now' }, TOKENS.expertCy)).statusCode).toBe(403);
    expect((await t.app.inject({ url: `/v1/escalations/${id}`, headers: auth(TOKENS.expertCy) })).statusCode).toBe(403);
    expect((await t.app.inject({ url: `/v1/escalations/${id}`, headers: auth(TOKENS.expertBo) })).json()).toMatchObject({ id, attempts: [{ expertId: 'bo' }] });
    customer.remoteHangup();
    await expectNothingLeft();
  });
});
