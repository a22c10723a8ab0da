import { personInputSchema, type PersonInput } from '../../src/domain/person';
import { ContactStore } from '../../src/store/contact-store';
import { capturedLog } from '../support/captured-log';
import { eventually } from '../support/eventually';
import { FakeTelephony } from '../support/fake-telephony';
import { auth, startTestApp, TOKENS } from '../support/test-app';

const agent = (id: string): PersonInput => ({
  id,
  displayName: id,
  roles: ['agent'],
  contacts: { desk: { uri: `sip:${id}@desk.example.com` } },
});

const wrapUp = { resolved: true, reason: 'billing', product: 'fibre-100', touchpoint: 'invoice' };

describe('wrap-up, customer history and retention (fake telephony, real Redis)', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  let phone: FakeTelephony;

  async function start(settings: Record<string, string> = {}) {
    phone = new FakeTelephony();
    t = await startTestApp({ WRAPUP_SEC: '1', ...settings }, { telephony: phone });
    await t.services.directory.create(personInputSchema.parse(agent('ana')));
    await t.services.presence.set('ana', 'available', '', 'self');
  }
  afterEach(() => t.close());

  const state = async (id: string) => (await t.services.directory.get(id)).presence.state;

  /** A customer calls, ana answers, the customer hangs up: the call id. */
  async function callHandledByAna(from = '+43111'): Promise<string> {
    const inbound = phone.call(from, '100');
    const dial = await eventually(() => {
      const d = phone.pendingDials()[0];
      if (!d) throw new Error('no dial yet');
      return d;
    });
    dial.answer();
    const call = await eventually(async () => {
      const [c] = await t.services.calls.list();
      if (c?.state !== 'connected') throw new Error('not connected yet');
      return c;
    });
    inbound.answered!.remoteHangup();
    await eventually(async () => expect(await state('ana')).toBe('wrap-up'));
    return call.id;
  }

  /** Ends ana's wrap-up time, as the housekeeping timer would. */
  const freeAna = () => t.services.presence.finishDueWrapUps(Date.now() + 1500);

  const post = (callId: string, body: object, token: string = TOKENS.agentAna) =>
    t.app.inject({ method: 'POST', url: `/v1/calls/${callId}/wrapup`, headers: auth(token), payload: body });
  const history = async (key: string) =>
    (await t.app.inject({ url: `/v1/customers/${encodeURIComponent(key)}/history`, headers: auth(TOKENS.supervisor) })).json();

  it('wrap-up: the agent posts it after the call ended; it shows in the history with follow-up and notes', async () => {
    await start();
    const callId = await callHandledByAna();
    const res = await post(callId, { ...wrapUp, followUp: { dueDate: '2099-01-31', note: 'send the credit note' }, notes: 'double charge in May' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ personId: 'ana', role: 'agent', reason: 'billing' });

    const { contacts } = await history('+43111');
    expect(contacts).toEqual([
      expect.objectContaining({
        callId,
        reason: 'billing',
        product: 'fibre-100',
        touchpoint: 'invoice',
        outcome: 'resolved',
        firstContactResolution: true,
        agents: ['ana'],
        experts: [],
        escalated: false,
        followUps: [{ dueDate: '2099-01-31', note: 'send the credit note', promisedBy: 'ana', overdue: false }],
        notes: [{ personId: 'ana', text: 'double charge in May' }],
      }),
    ]);
    expect(contacts[0].timeToResolutionMs).toBeGreaterThanOrEqual(0);
    const logged = (await t.services.events.since('0')).find((e) => e.type === 'call.wrapped_up');
    // Notes and follow-up text stay out of the log, which cannot be erased per customer.
    expect(logged?.data).toEqual({ callId, personId: 'ana', role: 'agent', resolved: true, reason: 'billing', product: 'fibre-100', touchpoint: 'invoice', followUp: true });
  });

  it('wrap-up: a duplicate, the wrong person, an unknown call or a bad reason get clear 4xx errors', async () => {
    await start();
    const callId = await callHandledByAna();
    expect((await post(callId, wrapUp)).statusCode).toBe(201);

    const dup = await post(callId, wrapUp);
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({ error: 'already_wrapped_up', details: { personId: 'ana' } });

    const stranger = await post(callId, wrapUp, TOKENS.expertBo);
    expect(stranger.statusCode).toBe(403);
    expect(stranger.json()).toMatchObject({ error: 'forbidden', message: expect.stringContaining('was not on this call') });

    const supervisor = await post(callId, wrapUp, TOKENS.supervisor);
    expect(supervisor.statusCode).toBe(403);

    const unknown = await post('00000000-0000-4000-8000-000000000000', wrapUp);
    expect(unknown.statusCode).toBe(404);

    await freeAna();
    const second = await callHandledByAna('+43222');
    const badReason = await post(second, { ...wrapUp, reason: 'weather' });
    expect(badReason.statusCode).toBe(400);
    expect(badReason.json()).toMatchObject({ error: 'invalid_input', details: [{ field: 'body.reason' }] });
    const otherWithoutText = await post(second, { ...wrapUp, reason: 'other' });
    expect(otherWithoutText.json()).toMatchObject({ error: 'invalid_input', details: [{ field: 'body.reasonText' }] });
    const missing = await post(second, { reason: 'billing' });
    expect(missing.json()).toMatchObject({ error: 'invalid_input', details: [{ field: 'body.resolved' }] });
    expect((await post(second, { ...wrapUp, reason: 'other', reasonText: 'asked for a paper bill' })).statusCode).toBe(201);
  });

  it('wrap-up: after the window (WRAPUP_WINDOW_SEC after the call ended) it is too late', async () => {
    await start({ WRAPUP_WINDOW_SEC: '1' });
    const callId = await callHandledByAna();
    await new Promise((r) => setTimeout(r, 1100));
    const late = await post(callId, wrapUp);
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ error: 'wrapup_too_late', details: { endedAt: expect.any(String), deadline: expect.any(String) } });
  });

  it('history: a repeat on the same reason revokes the first contact resolution; a customer key files it under the id too', async () => {
    await start();
    const firstId = await callHandledByAna();
    expect((await post(firstId, wrapUp)).statusCode).toBe(201);
    await freeAna();
    const second = await callHandledByAna();
    expect((await post(second, { ...wrapUp, customerKey: 'C-42' })).statusCode).toBe(201);

    const { contacts } = await history('+43111');
    expect(contacts.map((c: { callId: string }) => c.callId)).toEqual([second, firstId]);
    expect(contacts[0]).toMatchObject({ repeatOf: firstId, firstContactResolution: false, outcome: 'resolved' });
    expect(contacts[1]).toMatchObject({ repeatedBy: second, firstContactResolution: false, outcome: 'resolved' });
    expect((await history('C-42')).contacts.map((c: { callId: string }) => c.callId)).toEqual([second]);

    const today = new Date().toISOString().slice(0, 10);
    const fcr = await t.app.inject({ url: `/v1/reports/first-contact-resolution?from=${today}&to=${today}`, headers: auth(TOKENS.supervisor) });
    expect(fcr.json().rows).toEqual([{ day: today, wrappedUp: 2, resolvedFirstContact: 0, repeatContacts: 1, rate: 0 }]);
  });

  it('history: a wrap-up that cannot be read is named and left out; the contact and the other wrap-up still show', async () => {
    await start();
    const callId = await callHandledByAna();
    expect((await post(callId, wrapUp)).statusCode).toBe(201);
    const contactKey = `${t.redis.prefix}contact:${callId}`;
    await t.redis.connect().hset(contactKey, 'wrapup:bo', '{"personId":"bo","role":"expert"');

    const res = await t.app.inject({ url: '/v1/customers/%2B43111/history', headers: auth(TOKENS.supervisor) });
    expect(res.statusCode).toBe(200);
    expect(res.json().contacts).toEqual([expect.objectContaining({ callId, reason: 'billing', outcome: 'resolved' })]);

    const { log, lines } = capturedLog<{ msg: string; key?: string; field?: string }>('error');
    const contact = await new ContactStore(t.redis.connect(), t.redis.prefix, 1, log).get(callId);
    expect(contact?.wrapUps.map((w) => w.personId)).toEqual(['ana']);
    expect(lines).toEqual([expect.objectContaining({ msg: 'wrap-up cannot be read; left out', key: contactKey, field: 'wrapup:bo' })]);
  });

  it("history: callers who withhold their number are no one customer — none sees another's contacts, nor repeats them", async () => {
    await start();
    const first = await callHandledByAna('anonymous');
    expect((await post(first, wrapUp)).statusCode).toBe(201);
    await freeAna();
    const second = await callHandledByAna('anonymous');
    expect((await post(second, wrapUp)).statusCode).toBe(201);
    expect((await history('anonymous')).contacts).toEqual([]);
    expect((await t.redis.keys()).filter((k) => k.endsWith('customer:anonymous'))).toEqual([]);
    // What the versions before filed under 'anonymous' is not read either.
    const probe = t.redis.connect();
    await probe.zadd(`${t.redis.prefix}customer:anonymous`, Date.now(), first, Date.now(), second);
    expect((await history('anonymous')).contacts).toEqual([]);
    await probe.del(`${t.redis.prefix}customer:anonymous`);
    // A customer key still files a withheld caller's contact under the customer.
    await freeAna();
    const third = await callHandledByAna('anonymous');
    expect((await post(third, { ...wrapUp, customerKey: 'C-9' })).statusCode).toBe(201);
    expect((await history('C-9')).contacts).toEqual([expect.objectContaining({ callId: third, firstContactResolution: true })]);
    // Nor is a stranger's call on the same reason a repeat of theirs.
    const today = new Date().toISOString().slice(0, 10);
    const fcr = await t.app.inject({ url: `/v1/reports/first-contact-resolution?from=${today}&to=${today}`, headers: auth(TOKENS.supervisor) });
    expect(fcr.json().rows).toEqual([{ day: today, wrappedUp: 3, resolvedFirstContact: 3, repeatContacts: 0, rate: 1 }]);
  });

  it('retention: contact records expire, and DELETE /v1/customers/:key erases them at once', async () => {
    await start({ HISTORY_RETENTION_DAYS: '30' });
    const callId = await callHandledByAna();
    expect((await post(callId, { ...wrapUp, customerKey: 'C-7', notes: 'private' })).statusCode).toBe(201);
    const probe = t.redis.connect();
    const ttl = await probe.ttl(`${t.redis.prefix}contact:${callId}`);
    expect(ttl).toBeGreaterThan(29 * 86_400);
    expect(ttl).toBeLessThanOrEqual(30 * 86_400);

    const forbidden = await t.app.inject({ method: 'DELETE', url: '/v1/customers/C-7', headers: auth(TOKENS.agentAna) });
    expect(forbidden.statusCode).toBe(403);
    const erased = await t.app.inject({ method: 'DELETE', url: '/v1/customers/C-7', headers: auth(TOKENS.supervisor) });
    expect(erased.json()).toEqual({ erased: 1, cases: 0 });
    expect((await history('C-7')).contacts).toEqual([]);
    expect((await history('+43111')).contacts).toEqual([]);
    expect((await t.redis.keys()).filter((k) => /:(contact:[^c]|customer:)/.test(k))).toEqual([]);
    const again = await t.app.inject({ method: 'DELETE', url: '/v1/customers/C-7', headers: auth(TOKENS.supervisor) });
    expect(again.statusCode).toBe(404);
  });

  it('wrap-up required: the timer does not end wrap-up until it is posted; posting then frees the agent at once', async () => {
    await start({ WRAPUP_REQUIRED: 'true' });
    const callId = await callHandledByAna();
    await t.services.presence.finishDueWrapUps(Date.now() + 1500);
    expect(await state('ana')).toBe('wrap-up');
    const self = await t.app.inject({
      method: 'PUT', url: '/v1/experts/ana/presence', headers: auth(TOKENS.agentAna), payload: { state: 'available' },
    });
    expect(self.statusCode).toBe(409);
    expect(self.json()).toMatchObject({ error: 'wrapup_required' });
    expect((await post(callId, wrapUp)).statusCode).toBe(201);
    expect(await state('ana')).toBe('available');
  });

  it('wrap-up required: posted before the timer, the agent stays in wrap-up until the timer ends it', async () => {
    await start({ WRAPUP_REQUIRED: 'true', WRAPUP_SEC: '60' });
    const callId = await callHandledByAna();
    expect((await post(callId, wrapUp)).statusCode).toBe(201);
    expect(await state('ana')).toBe('wrap-up');
    await t.services.presence.finishDueWrapUps(Date.now() + 61_000);
    expect(await state('ana')).toBe('available');
  });

  it('wrap-up required: when the window closes without one, the agent is let go', async () => {
    await start({ WRAPUP_REQUIRED: 'true', WRAPUP_WINDOW_SEC: '2' });
    await callHandledByAna();
    await t.services.presence.finishDueWrapUps(Date.now() + 1500);
    expect(await state('ana')).toBe('wrap-up');
    await t.services.presence.finishDueWrapUps(Date.now() + 2500);
    expect(await state('ana')).toBe('available');
  });

  it('contact reasons: the configured taxonomy, with "other" always present', async () => {
    await start({ CONTACT_REASONS: 'billing:Billing,tv:TV and streaming' });
    const res = await t.app.inject({ url: '/v1/contact-reasons', headers: auth(TOKENS.agentAna) });
    expect(res.json()).toEqual({
      reasons: [{ code: 'billing', label: 'Billing' }, { code: 'tv', label: 'TV and streaming' }, { code: 'other', label: 'Other' }],
    });
  });
});
