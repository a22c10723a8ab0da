import { randomUUID } from 'node:crypto';
import type { CallLeg } from '../../src/domain/call';
import type { Escalation } from '../../src/domain/escalation';
import type { LoggedEvent } from '../../src/domain/events';
import { personInputSchema, type PersonInput } from '../../src/domain/person';
import { MISSED_OFFERS, PHONE_GONE_DURING_CALL } from '../../src/services/presence-service';
import { MAX_PHONES_PER_USER } from '../../src/store/registration-store';
import { OfferNotAcceptedError } from '../../src/telephony/errors';
import { eventually } from '../support/eventually';
import { expectNothingLeft as leftovers } from '../support/leftovers';
import { FakeTelephony, type FakeDial } from '../support/fake-telephony';
import { auth, startTestApp, TOKENS } from '../support/test-app';

const agent = (id: string, extra: Partial<PersonInput> = {}): PersonInput => ({
  id,
  displayName: id,
  roles: ['agent'],
  contacts: { desk: { uri: `sip:${id}@desk.example.com` } },
  ...extra,
});


describe('call engine (fake telephony, real Redis)', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  let phone: FakeTelephony;

  async function start(settings: Record<string, string> = {}) {
    phone = new FakeTelephony();
    t = await startTestApp({ WRAPUP_SEC: '1', RING_TIMEOUT_SEC: '5', ...settings }, { telephony: phone });
  }
  afterEach(() => t.close());

  async function available(...people: PersonInput[]) {
    for (const p of people) {
      await t.services.directory.create(personInputSchema.parse(p));
      await t.services.presence.set(p.id, 'available', '', 'self');
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  const state = async (id: string) => (await t.services.directory.get(id)).presence;
  const dialTo = (id: string) => eventually(() => {
    const dial = phone.dials.find((d) => d.request.uri === `sip:${id}@desk.example.com` && d.pending);
    if (!dial) throw new Error(`no ringing dial to ${id}`);
    return dial;
  });
  const liveCall = () => eventually(async () => {
    const [call] = await t.services.calls.list();
    if (!call) throw new Error('no live call');
    return call;
  });
  /** A leg of the call as its record in Redis has it. */
  const recordedLeg = async (callId: string, role: CallLeg['role']) => (await t.services.calls.get(callId))?.legs.find((l) => l.role === role);
  /** Holds an answer or a join until opened. */
  const gate = () => {
    let open!: () => void;
    const promise = new Promise<void>((resolve) => (open = resolve));
    return { promise, open };
  };
  const eventTypes = async () => (await t.services.events.since('0')).map((e) => e.type);

  const expectNothingLeft = () => leftovers(phone, t.redis);

  /** The service started, and ana, an agent whose desk phone (user ana) registers with us: the registrar the phone talks to. */
  async function anaWithDeskPhone() {
    await start();
    await t.services.directory.create(
      personInputSchema.parse(agent('ana', { contacts: { desk: { user: 'ana' } }, sipPassword: 'ana-secret-1' })),
    );
    return phone.registrar!;
  }

  /** A customer's call that ana answered: its live record once connected. */
  async function anaTalking() {
    await start();
    await available(agent('ana'));
    const inbound = phone.call('+43111', '100');
    (await dialTo('ana')).answer();
    const call = await eventually(async () => {
      const found = await liveCall();
      expect(found.state).toBe('connected');
      return found;
    });
    return { inbound, call };
  }

  it("call: an agent's registered desk phone rings without a look-up of its contact: the claim read it", async () => {
    await start();
    await available(agent('ana', { contacts: { desk: { user: 'ana-desk' } } }));
    await t.services.stores.registrationStore.save({ user: 'ana-desk', contact: 'sip:ana-desk@10.0.0.5:5062', expiresSec: 600 });
    const lookUp = jest.spyOn(t.services.stores.registrationStore, 'contactsOf');
    const inbound = phone.call('+43111', '100');
    const dial = await eventually(() => {
      const found = phone.dials.find((d) => d.request.uri === 'sip:ana-desk@10.0.0.5:5062' && d.pending);
      if (!found) throw new Error('no ringing dial to the desk phone');
      return found;
    });
    expect(lookUp).not.toHaveBeenCalled();
    // A phone that registers with us: asked, when it holds, whether it is still there.
    expect(await dial.request.registeredPhones).toBe(true);
    dial.fail('busy');
    await eventually(() => expect(inbound.answered).toBeDefined());
    inbound.answered!.remoteHangup();
    await expectNothingLeft();
  });

  it('call: the instance that holds a call reads its live record, with no round trip; a call held elsewhere comes from Redis', async () => {
    const { inbound, call } = await anaTalking();
    const stored = jest.spyOn(t.services.calls, 'get');
    const read = (id: string) => t.app.inject({ method: 'GET', url: `/v1/calls/${id}`, headers: auth(TOKENS.supervisor) });
    expect((await read(call.id)).json()).toMatchObject({ id: call.id, state: 'connected' });
    expect(stored).not.toHaveBeenCalled();
    // Another instance's call: here there is only its stored record.
    const elsewhere = { ...call, id: randomUUID(), owner: 'another-instance' };
    await t.services.calls.save(elsewhere);
    expect((await read(elsewhere.id)).json()).toMatchObject({ id: elsewhere.id, owner: 'another-instance' });
    expect(stored).toHaveBeenCalledWith(elsewhere.id);
    stored.mockRestore();
    await t.services.calls.remove(elsewhere.id);
    inbound.answered!.remoteHangup();
    await expectNothingLeft();
  });

  it("call: the call's record keeps each answered leg's phone dialog and media channel, for another instance to hang up; the API leaves them out", async () => {
    const { inbound, call } = await anaTalking();
    const stored = await t.services.calls.get(call.id);
    const agentLeg = phone.legs.find((l) => l.label === 'sip:ana@desk.example.com')!;
    expect(stored?.legs.map((l) => l.handles)).toEqual([
      { dialogId: inbound.answered!.dialogId, channelId: inbound.answered!.id },
      { dialogId: agentLeg.dialogId, channelId: agentLeg.id },
    ]);
    const api = await t.app.inject({ url: `/v1/calls/${call.id}`, headers: auth(TOKENS.supervisor) });
    expect(api.json().legs).toHaveLength(2);
    for (const leg of api.json().legs) expect(leg).not.toHaveProperty('handles');
    inbound.answered!.remoteHangup();
    await expectNothingLeft();
  });

  it("call: while an agent's phones ring, the call's record names their INVITEs, a later phone's too (for another instance to cancel); once answered, it no longer does", async () => {
    await start();
    await available(agent('ana'));
    const inbound = phone.call('+43111', '100');
    const dial = await dialTo('ana');
    dial.ring();
    const callId = (await liveCall()).id;
    const agentLeg = () => recordedLeg(callId, 'agent');
    await eventually(async () => expect((await agentLeg())?.invites).toEqual(['invite-to-sip:ana@desk.example.com']));
    // Her softphone, a later branch of the fork, starts ringing too.
    dial.ring('sip:ana@soft.example.com');
    await eventually(async () =>
      expect((await agentLeg())?.invites).toEqual(['invite-to-sip:ana@desk.example.com', 'invite-to-sip:ana@soft.example.com']),
    );
    dial.answer();
    await eventually(async () => expect(await agentLeg()).toMatchObject({ state: 'joined', handles: expect.any(Object) }));
    expect((await agentLeg())?.invites).toBeUndefined();
    inbound.answered!.remoteHangup();
    await expectNothingLeft();
  });

  it("call: an answered agent's phone is in the call's record before its room join ends (if this instance stops meanwhile, another hangs it up)", async () => {
    await start();
    await available(agent('ana'));
    const inbound = phone.call('+43111', '100');
    const dial = await dialTo('ana');
    const callId = (await liveCall()).id;
    const joining = gate();
    const agentLeg = dial.answer();
    agentLeg.joinGate = joining.promise;
    const recorded = () => recordedLeg(callId, 'agent');
    try {
      await eventually(async () =>
        expect(await recorded()).toMatchObject({ state: 'ringing', handles: { dialogId: agentLeg.dialogId, channelId: agentLeg.id } }),
      );
    } finally {
      // A join held for good would hold the service's shutdown too.
      joining.open();
    }
    await eventually(async () => expect(await recorded()).toMatchObject({ state: 'joined' }));
    inbound.answered!.remoteHangup();
    await expectNothingLeft();
  });

  it("call: an answered customer is in the call's record before their room join ends, as a staff leg is", async () => {
    await start();
    const answering = gate();
    const joining = gate();
    const inbound = phone.call('+43111', '100', { answerGate: answering.promise, joinGate: joining.promise });
    // Queued (nobody is available) and saved before the answer.
    const callId = (await liveCall()).id;
    answering.open();
    const recorded = async () => (await t.services.calls.get(callId))?.legs;
    try {
      await eventually(async () =>
        expect(await recorded()).toEqual([
          expect.objectContaining({ role: 'customer', state: 'ringing', handles: { dialogId: inbound.answered?.dialogId, channelId: inbound.answered?.id } }),
        ]),
      );
    } finally {
      joining.open();
    }
    await eventually(async () => expect(await recorded()).toEqual([expect.objectContaining({ role: 'customer', state: 'joined' })]));
    inbound.answered!.remoteHangup();
    await expectNothingLeft();
  });

  it("call: the record of a call whose instance is gone (crashed, or this one before a restart) is removed and its end logged once; live owners' calls stay", async () => {
    const { inbound, call: mine } = await anaTalking();
    // Each lost call's phones are still connected: in the room, and one of them still ringing.
    const legs = (owner: string): CallLeg[] => [
      { id: randomUUID(), role: 'customer', state: 'joined', startedAt: mine.createdAt, handles: { dialogId: `customer-of-${owner}`, channelId: randomUUID() } },
      { id: randomUUID(), role: 'agent', personId: 'ana', state: 'ended', startedAt: mine.createdAt, handles: { dialogId: `gone-of-${owner}`, channelId: randomUUID() } },
      // Answered just after it rang: its record had not dropped the INVITE yet.
      { id: randomUUID(), role: 'agent', personId: 'sam', state: 'joined', startedAt: mine.createdAt, handles: { dialogId: `agent-of-${owner}`, channelId: randomUUID() }, invites: [`answered-of-${owner}`] },
      { id: randomUUID(), role: 'expert', personId: 'bo', state: 'ringing', startedAt: mine.createdAt, invites: [`desk-of-${owner}`, `softphone-of-${owner}`] },
      { id: randomUUID(), role: 'expert', personId: 'cy', state: 'ringing', startedAt: mine.createdAt },
    ];
    const other = (owner: string) => ({ ...mine, id: randomUUID(), owner, createdAt: new Date(Date.now() - 60_000).toISOString(), legs: legs(owner) });
    const [crashed, restarted, running] = [other('crashed-instance'), other(mine.owner), other('running-instance')];
    // Ours, without a session, but younger than a lease: a late write its own end undoes.
    const young = { ...other(mine.owner), createdAt: new Date().toISOString() };
    await t.services.calls.saveQueued(crashed, Date.now());
    for (const call of [restarted, running, young]) await t.services.calls.save(call);
    // The crashed call had an expert in the room, after an escalation that failed earlier.
    const escalation = (id: string, state: Escalation['state']): Escalation => ({
      id,
      callId: crashed.id,
      mode: 'conference',
      state,
      target: { expertId: 'bo' },
      caseId: randomUUID(),
      requestedBy: 'ana',
      attempts: [],
      ringTimeoutSec: 20,
      createdAt: crashed.createdAt,
      deadlineAt: crashed.createdAt,
    });
    const [joined, failed] = [escalation(randomUUID(), 'joined'), escalation(randomUUID(), 'failed')];
    for (const e of [joined, failed]) await t.services.stores.escalationStore.save(e);
    await t.services.stores.instances.beat('running-instance', 30);
    // This instance beats from its start.
    expect(await t.services.stores.instances.alive([mine.owner, 'crashed-instance'])).toEqual(new Set([mine.owner]));

    // Two instances sweep at once: each lost call is ended by one of them.
    const engine = t.services.engine!;
    await Promise.all([engine.sweepLostCalls(), engine.sweepLostCalls()]);
    await engine.sweepLostCalls();
    expect((await t.services.calls.list()).map((c) => c.id).sort()).toEqual([mine.id, running.id, young.id].sort());
    expect(await t.services.calls.queued()).toEqual([]);
    const ended = (await t.services.events.since('0')).flatMap((e) => (e.type === 'call.ended' ? [e.data as LoggedEvent<'call.ended'>['data']] : []));
    const byId = (a: { callId: string }, b: { callId: string }) => a.callId.localeCompare(b.callId);
    expect(ended.sort(byId)).toEqual([crashed, restarted].map((c) => ({ callId: c.id, reason: 'owner_lost', durationMs: expect.any(Number) })).sort(byId));
    expect(ended.every((e) => e.durationMs >= 60_000)).toBe(true);
    // Their answered legs still up are hung up, once each; the one that left has nothing to end.
    const hungUp = (call: typeof crashed) => call.legs.flatMap((l) => (l.state === 'joined' ? [{ mediaServer: call.mediaServer, handles: l.handles }] : []));
    expect(phone.lostHangUps).toHaveLength(4);
    expect(phone.lostHangUps).toEqual(expect.arrayContaining([...hungUp(crashed), ...hungUp(restarted)]));
    // The phones still ringing are cancelled, once each (not the answered leg's stale INVITE).
    expect([...phone.lostInvitesCancelled].sort()).toEqual(
      ['desk-of-crashed-instance', 'softphone-of-crashed-instance', `desk-of-${mine.owner}`, `softphone-of-${mine.owner}`].sort(),
    );
    // Its escalation still under way is ended once; the finished one is left as it was.
    expect(await t.services.stores.escalationStore.get(joined.id)).toMatchObject({ state: 'ended', reason: 'call_ended' });
    expect(await t.services.stores.escalationStore.get(failed.id)).toEqual(failed);
    const escalationsEnded = (await t.services.events.since('0')).filter((e) => e.type === 'escalation.ended');
    expect(escalationsEnded.map((e) => e.data)).toEqual([{ escalationId: joined.id, callId: crashed.id, reason: 'call_ended' }]);

    for (const call of [running, young]) await t.services.calls.remove(call.id);
    inbound.answered!.remoteHangup();
    await expectNothingLeft();
  });

  it('call: a record that cannot be read hides no other call: the sweep ends the lost ones and the API lists the rest', async () => {
    const { inbound, call: mine } = await anaTalking();
    const crashed = { ...mine, id: randomUUID(), owner: 'crashed-instance', createdAt: new Date(Date.now() - 60_000).toISOString() };
    await t.services.calls.save(crashed);
    const raw = t.redis.connect();
    const torn = randomUUID();
    await raw.multi().set(`${t.redis.prefix}call:${torn}`, `{"id":"${torn}",`).sadd(`${t.redis.prefix}calls`, torn).exec();
    // The lost call's escalation record is torn too: its end is logged all the same.
    await raw.multi().set(`${t.redis.prefix}escalation:${torn}`, '{').sadd(`${t.redis.prefix}call-escalations:${crashed.id}`, torn).exec();

    await t.services.engine!.sweepLostCalls();
    const ended = (await t.services.events.since('0')).filter((e) => e.type === 'call.ended');
    expect(ended.map((e) => e.data)).toEqual([{ callId: crashed.id, reason: 'owner_lost', durationMs: expect.any(Number) }]);

    const listed = await t.app.inject({ method: 'GET', url: '/v1/calls', headers: auth(TOKENS.supervisor) });
    expect(listed.statusCode).toBe(200);
    expect(listed.json<{ items: { id: string }[] }>().items.map((c) => c.id)).toEqual([mine.id]);
    const read = await t.app.inject({ method: 'GET', url: `/v1/calls/${torn}`, headers: auth(TOKENS.supervisor) });
    expect(read.statusCode).toBe(500);

    await raw
      .multi()
      .del(`${t.redis.prefix}call:${torn}`, `${t.redis.prefix}escalation:${torn}`, `${t.redis.prefix}call-escalations:${crashed.id}`)
      .srem(`${t.redis.prefix}calls`, torn)
      .exec();
    inbound.answered!.remoteHangup();
    await expectNothingLeft();
  });

  it('call: a customer reaches the longest-idle agent, who rings with our headers and joins the room', async () => {
    await start();
    await available(agent('ana'), agent('sam'));
    const lookUp = jest.spyOn(t.services.directory, 'get');
    const inbound = phone.call('+43111', '100');

    const dial = await dialTo('ana');
    // The claim brought ana's profile: the hunt read nobody back.
    expect(lookUp).not.toHaveBeenCalled();
    // A SIP URI elsewhere: not a phone of ours, never asked whether it is there.
    expect(await dial.request.registeredPhones).toBe(false);
    expect(dial.request.headers).toMatchObject({ 'X-Customer': '+43111', 'X-Service-Number': '100' });
    const call = await liveCall();
    expect(dial.request.headers['X-Call-Id']).toBe(call.id);
    expect(dial.request.mediaServer).toBe('fs-test');
    expect(phone.rooms.get(call.room)).toEqual([inbound.answered]);

    dial.ring();
    dial.answer();
    await eventually(async () => expect((await t.services.calls.get(call.id))?.state).toBe('connected'));
    expect(phone.rooms.get(call.room)).toHaveLength(2);
    expect(await state('ana')).toMatchObject({ state: 'busy', activeClaims: 1 });
    expect(await eventTypes()).toEqual(['call.offered', 'call.queued', 'call.agent_ringing', 'participant.joined', 'call.answered']);

    const api = await t.app.inject({ url: `/v1/calls/${call.id}`, headers: auth(TOKENS.supervisor) });
    expect(api.statusCode).toBe(200);
    expect(api.json()).toMatchObject({
      id: call.id,
      state: 'connected',
      customer: '+43111',
      legs: [{ role: 'customer', state: 'joined' }, { role: 'agent', personId: 'ana', state: 'joined' }],
    });

    inbound.answered!.remoteHangup();
    await expectNothingLeft();
    expect(await state('ana')).toMatchObject({ state: 'wrap-up', activeClaims: 0 });
    await t.services.presence.finishDueWrapUps(Date.now() + 1500);
    expect((await state('ana')).state).toBe('available');
    expect((await eventTypes()).at(-1)).toBe('call.ended');
  });

  it('call: the first agent does not answer, the next one does; missed offers set the first away', async () => {
    await start({ MAX_MISSED_OFFERS: '1' });
    await available(agent('ana'), agent('sam'));
    phone.call('+43111');

    (await dialTo('ana')).fail('no_answer', 408);
    const second = await dialTo('sam');
    second.answer();
    await eventually(async () => expect((await state('sam')).state).toBe('busy'));
    expect(await state('ana')).toMatchObject({ state: 'away', reason: MISSED_OFFERS, activeClaims: 0 });
    // sam is busy before the call's answered event is written.
    await eventually(async () =>
      expect(await eventTypes()).toEqual(expect.arrayContaining(['call.agent_missed', 'presence.missed_offers', 'call.answered'])),
    );
  });

  it('call: a busy or declining agent is skipped, and the call waits for the next free one', async () => {
    await start();
    await available(agent('ana'));
    phone.call('+43111');
    (await dialTo('ana')).fail('busy', 486);
    await eventually(async () => expect((await liveCall()).state).toBe('queued'));
    expect(phone.pendingDials()).toEqual([]);
    // ana is excluded for this call: only someone else can take it.
    await available(agent('sam'));
    (await dialTo('sam')).answer();
    await eventually(async () => expect((await liveCall()).state).toBe('connected'));
  });

  it('call: callers are served first come, first served as agents free up', async () => {
    await start();
    const first = phone.call('+1');
    await eventually(async () => expect(await t.services.calls.queued()).toHaveLength(1));
    const second = phone.call('+2');
    await eventually(async () => expect(await t.services.calls.queued()).toHaveLength(2));

    await available(agent('ana'));
    const toAna = await dialTo('ana');
    expect(toAna.request.headers['X-Customer']).toBe('+1');
    toAna.answer();
    await available(agent('sam'));
    expect((await dialTo('sam')).request.headers['X-Customer']).toBe('+2');
    first.answered!.remoteHangup();
    second.answered!.remoteHangup();
    await expectNothingLeft();
  });

  it('call: a customer who hangs up while queued leaves nothing behind', async () => {
    await start();
    const inbound = phone.call('+43111');
    await liveCall();
    inbound.answered!.remoteHangup();
    await expectNothingLeft();
    expect((await eventTypes()).at(-1)).toBe('call.ended');
    expect((await t.services.events.since('0')).at(-1)?.data).toMatchObject({ reason: 'customer_hangup' });
  });

  it('call: a customer who hangs up while an agent is being claimed — nobody rings, the claim is released', async () => {
    await start();
    await available(agent('ana'));
    // The hunt's claim lands only after the call has ended.
    const tryClaim = t.services.claims.tryClaim.bind(t.services.claims);
    const claimLanded = new Promise((landed) => {
      jest.spyOn(t.services.claims, 'tryClaim').mockImplementationOnce(async (...args) => {
        const answered = await eventually(() => {
          if (!inbound.answered) throw new Error('not answered yet');
          return inbound.answered;
        });
        answered.remoteHangup();
        await eventually(async () => expect(await t.services.calls.list()).toEqual([]));
        const claim = await tryClaim(...args);
        landed(claim);
        return claim;
      });
    });
    const inbound = phone.call('+43111');
    // Checked only once the claim is in: before, there is nothing to see yet.
    expect(await claimLanded).toMatchObject({ personId: 'ana' });
    await expectNothingLeft();
    expect(phone.dials).toHaveLength(0);
    expect(await state('ana')).toMatchObject({ state: 'available', activeClaims: 0 });
  });

  it("call: a customer who hangs up while the agent rings cancels the agent's INVITE and frees them", async () => {
    await start();
    await available(agent('ana'));
    const inbound = phone.call('+43111');
    const dial = await dialTo('ana');
    inbound.answered!.remoteHangup();
    await eventually(() => expect(dial.cancelled).toBe(true));
    await expectNothingLeft();
    expect(await state('ana')).toMatchObject({ state: 'available', activeClaims: 0 });
  });

  it('call: an answer that crosses the customer hang-up is hung up at once', async () => {
    await start();
    await available(agent('ana'));
    const inbound = phone.call('+43111');
    const dial = await dialTo('ana');
    // The agent's 200 OK is already on its way when the customer's BYE arrives.
    const late = dial.answer();
    inbound.answered!.remoteHangup();
    await expectNothingLeft();
    expect(late.hungUp).toBe(true);
    expect((await state('ana')).activeClaims).toBe(0);
  });

  // The hunt starts while the customer is being answered (the answer and the room take tens of ms).
  it('call: the agent rings while the customer is still being answered; both end up in the room', async () => {
    await start();
    await available(agent('ana'));
    const answering = gate();
    const inbound = phone.call('+43111', '100', { answerGate: answering.promise });
    const dial = await dialTo('ana');
    expect(inbound.answered).toBeUndefined();
    expect(dial.request.mediaServer).toBe('fs-test');
    // The agent even answers first: they wait in the room, the customer joins them.
    const agentLeg = dial.answer();
    const call = await liveCall();
    await eventually(() => expect(phone.rooms.get(call.room)).toEqual([agentLeg]));
    answering.open();
    await eventually(async () => expect((await t.services.calls.get(call.id))?.state).toBe('connected'));
    await eventually(() => expect(phone.rooms.get(call.room)).toEqual([agentLeg, inbound.answered]));
    const api = await t.app.inject({ url: `/v1/calls/${call.id}`, headers: auth(TOKENS.supervisor) });
    await eventually(async () =>
      expect((await t.services.calls.get(call.id))?.legs).toMatchObject([
        { role: 'customer', state: 'joined' },
        { role: 'agent', personId: 'ana', state: 'joined' },
      ]),
    );
    expect(api.statusCode).toBe(200);
    inbound.answered!.remoteHangup();
    await expectNothingLeft();
    expect(agentLeg.hungUp).toBe(true);
  });

  it('call: a caller who cancels while being answered withdraws the agent\'s ringing offer', async () => {
    await start();
    await available(agent('ana'));
    const answering = gate();
    const inbound = phone.call('+43111', '100', { answerGate: answering.promise });
    const dial = await dialTo('ana');
    inbound.cancel();
    await eventually(() => expect(dial.cancelled).toBe(true));
    answering.open();
    await expectNothingLeft();
    expect(inbound.rejected).toBeUndefined();
    expect(await state('ana')).toMatchObject({ state: 'available', activeClaims: 0 });
    expect((await t.services.events.since('0')).at(-1)).toMatchObject({ type: 'call.ended', data: { reason: 'customer_hangup' } });
  });

  it('call: an answer that fails while the agent rings is a 503, and the offer is withdrawn', async () => {
    await start();
    await available(agent('ana'));
    const answering = gate();
    const inbound = phone.call('+43111', '100', { answerGate: answering.promise });
    const dial = await dialTo('ana');
    phone.mediaDown = true;
    answering.open();
    await eventually(() => expect(inbound.rejected?.status).toBe(503));
    expect(dial.cancelled).toBe(true);
    phone.mediaDown = false;
    await expectNothingLeft();
    expect(await state('ana')).toMatchObject({ state: 'available', activeClaims: 0 });
  });

  it('call: an agent\'s answer that crosses the caller\'s CANCEL is hung up', async () => {
    await start();
    await available(agent('ana'));
    const answering = gate();
    const inbound = phone.call('+43111', '100', { answerGate: answering.promise });
    const dial = await dialTo('ana');
    const late = dial.answer();
    inbound.cancel();
    answering.open();
    await expectNothingLeft();
    expect(late.hungUp).toBe(true);
    expect((await state('ana')).activeClaims).toBe(0);
  });

  it('call: an agent hanging up puts the customer back at the front of the queue', async () => {
    await start();
    await available(agent('ana'));
    const waiting = phone.call('+2-waiting');
    (await dialTo('ana')).fail('no_answer');
    await eventually(async () => expect((await liveCall()).state).toBe('queued'));
    const customer = phone.call('+1');
    await eventually(async () => expect(await t.services.calls.queued()).toHaveLength(2));

    await available(agent('sam'));
    const toSam = await dialTo('sam');
    expect(toSam.request.headers['X-Customer']).toBe('+2-waiting');
    const samLeg = toSam.answer();
    await eventually(async () => expect(await t.services.calls.queued()).toHaveLength(1));
    samLeg.remoteHangup();
    await eventually(async () => {
      const queue = await t.services.calls.queued();
      const calls = await t.services.calls.list();
      const waitingCall = calls.find((c) => c.customer === '+2-waiting');
      expect(queue[0]).toBe(waitingCall?.id);
    });
    expect((await state('sam')).state).toBe('wrap-up');
    // The next free agent gets it before the caller who came later.
    await available(agent('tom'));
    expect((await dialTo('tom')).request.headers['X-Customer']).toBe('+2-waiting');
    waiting.answered!.remoteHangup();
    customer.answered!.remoteHangup();
    await expectNothingLeft();
  });

  it('call: with AGENT_HANGUP_POLICY=end, an agent hanging up ends the call', async () => {
    await start({ AGENT_HANGUP_POLICY: 'end' });
    await available(agent('ana'));
    const inbound = phone.call('+43111');
    const leg = (await dialTo('ana')).answer();
    await eventually(async () => expect((await liveCall()).state).toBe('connected'));
    leg.remoteHangup();
    await expectNothingLeft();
    expect(inbound.answered!.hungUp).toBe(true);
  });

  it('call: the API hangs up a live call, ringing agent and all', async () => {
    await start();
    await available(agent('ana'));
    phone.call('+43111');
    await dialTo('ana');
    const call = await liveCall();
    const res = await t.app.inject({ method: 'POST', url: `/v1/calls/${call.id}/hangup`, headers: auth(TOKENS.supervisor) });
    expect(res.statusCode).toBe(202);
    await expectNothingLeft();
    expect((await t.app.inject({ method: 'POST', url: `/v1/calls/${call.id}/hangup`, headers: auth(TOKENS.supervisor) })).statusCode).toBe(404);
  });

  it('call: a caller who waits past the maximum hears why, then is let go; nobody is offered the call meanwhile', async () => {
    await start({ QUEUE_MAX_WAIT_SEC: '1', QUEUE_TIMEOUT_MESSAGE_SEC: '2' });
    const inbound = phone.call('+43111');
    const call = await liveCall();
    await eventually(() => expect(phone.plays).toHaveLength(1), 3000);
    expect(phone.plays[0]).toEqual({ room: call.room, memberId: inbound.answered!.memberId, sound: '${queue_timeout_message}' });
    expect(inbound.answered!.hungUp).toBe(false);
    await available(agent('ana'));
    await eventually(() => expect(inbound.answered!.hungUp).toBe(true), 4000);
    expect(phone.dials).toHaveLength(0);
    await expectNothingLeft();
    expect((await t.services.events.since('0')).at(-1)?.data).toMatchObject({ reason: 'queue_timeout' });
  });

  it('call: with no queue time-out message configured the caller is let go at once', async () => {
    await start({ QUEUE_MAX_WAIT_SEC: '1', QUEUE_TIMEOUT_MESSAGE: '' });
    const inbound = phone.call('+43111');
    await liveCall();
    await eventually(() => expect(inbound.answered!.hungUp).toBe(true), 3000);
    expect(phone.plays).toEqual([]);
    await expectNothingLeft();
  });

  it('call: numbers we do not serve are refused; a media outage is a 503', async () => {
    await start({ SERVICE_NUMBERS: '100,200:billing' });
    const wrongNumber = phone.call('+1', '999');
    await eventually(() => expect(wrongNumber.rejected).toEqual({ status: 404, reason: 'Not a service number' }));
    phone.mediaDown = true;
    const down = phone.call('+1', '100');
    await eventually(() => expect(down.rejected?.status).toBe(503));
  });

  it('call: a caller whose offer FreeSWITCH refuses (no common codec) gets 488, and the call ends as incompatible_media', async () => {
    await start();
    const refused = phone.call('+1', '100', { answerError: new OfferNotAcceptedError('Sip non-success response: 488') });
    await eventually(() => expect(refused.rejected).toEqual({ status: 488, reason: 'Not Acceptable Here' }));
    await eventually(async () =>
      expect((await t.services.events.since('0')).at(-1)).toMatchObject({ type: 'call.ended', data: { reason: 'incompatible_media' } }),
    );
    await expectNothingLeft();
  });

  it('call: a service number with a skill only reaches agents who have it', async () => {
    await start({ SERVICE_NUMBERS: '200:billing' });
    await available(agent('ana'), agent('bil', { skills: [{ name: 'billing', level: 2 }] }));
    phone.call('+1', '200');
    const dial: FakeDial = await dialTo('bil');
    expect(dial.request.uri).toBe('sip:bil@desk.example.com');
    expect(phone.dials).toHaveLength(1);
  });

  it('presence: a desk phone registering makes its person reachable and available; un-registering, offline', async () => {
    const registrar = await anaWithDeskPhone();
    expect(await registrar.passwordFor('ana')).toBe('ana-secret-1');
    expect(await registrar.passwordFor('nobody')).toBeUndefined();

    await registrar.onRegister({ user: 'ana', contact: 'sip:ana@10.0.0.7:5060', expiresSec: 60 });
    expect(await state('ana')).toMatchObject({ state: 'available', reason: 'desk phone registered' });
    phone.call('+43111');
    await eventually(() => expect(phone.dials[0]?.request.uri).toBe('sip:ana@10.0.0.7:5060'));
    phone.dials[0]!.fail('declined', 603);

    await registrar.onUnregister('ana', 'sip:ana@10.0.0.7:5060');
    expect(await state('ana')).toMatchObject({ state: 'offline', reason: 'desk phone unregistered' });

    await registrar.onRegister({ user: 'ana', contact: 'sip:ana@10.0.0.8:5060', expiresSec: 1 });
    await t.services.registrations.expireLapsed(Date.now() + 1500);
    expect(await state('ana')).toMatchObject({ state: 'offline', reason: 'desk phone registration expired' });
  });

  it('presence: a desk phone that un-registers during a call leaves its person on the call, and offline after it', async () => {
    const registrar = await anaWithDeskPhone();
    await registrar.onRegister({ user: 'ana', contact: 'sip:ana@10.0.0.7:5060', expiresSec: 60 });
    const inbound = phone.call('+43111');
    await eventually(() => expect(phone.dials[0]?.request.uri).toBe('sip:ana@10.0.0.7:5060'));
    phone.dials[0]!.answer();
    await eventually(async () => expect(await state('ana')).toMatchObject({ state: 'busy' }));

    await registrar.onUnregister('ana', 'sip:ana@10.0.0.7:5060');
    expect(await state('ana')).toMatchObject({ state: 'busy' });
    inbound.answered!.remoteHangup();
    await expectNothingLeft();
    expect(await state('ana')).toMatchObject({ state: 'offline', reason: PHONE_GONE_DURING_CALL });

    // With her phone still there, the call ends in wrap-up as usual.
    await registrar.onRegister({ user: 'ana', contact: 'sip:ana@10.0.0.7:5060', expiresSec: 60 });
    const again = phone.call('+43111');
    await eventually(() => expect(phone.dials[1]?.request.uri).toBe('sip:ana@10.0.0.7:5060'));
    phone.dials[1]!.answer();
    await eventually(async () => expect(await state('ana')).toMatchObject({ state: 'busy' }));
    again.answered!.remoteHangup();
    await expectNothingLeft();
    expect(await state('ana')).toMatchObject({ state: 'wrap-up' });
  });

  it("presence: a desk phone that un-registers just after the call's end found it still there sends its person offline all the same", async () => {
    const registrar = await anaWithDeskPhone();
    const store = t.services.stores.registrationStore;
    await registrar.onRegister({ user: 'ana', contact: 'sip:ana@10.0.0.7:5060', expiresSec: 60 });
    const inbound = phone.call('+43111');
    await eventually(() => expect(phone.dials[0]?.request.uri).toBe('sip:ana@10.0.0.7:5060'));
    phone.dials[0]!.answer();
    await eventually(async () => expect(await state('ana')).toMatchObject({ state: 'busy' }));

    // The un-REGISTER lands between the call's end reading her phones and its going on.
    const read = store.contactsOf.bind(store);
    jest.spyOn(store, 'contactsOf').mockImplementationOnce(async (user, nowMs) => {
      const phones = await read(user, nowMs);
      await registrar.onUnregister('ana', 'sip:ana@10.0.0.7:5060');
      return phones;
    });
    inbound.answered!.remoteHangup();
    await expectNothingLeft();
    expect(await state('ana')).toMatchObject({ state: 'offline', reason: 'desk phone unregistered' });
  });

  it('presence: a phone that registers again while its lapsed binding is being expired keeps it, and its person stays available', async () => {
    const registrar = await anaWithDeskPhone();
    const store = t.services.stores.registrationStore;
    const phone8 = { user: 'ana', contact: 'sip:ana@10.0.0.8:5060' };
    await registrar.onRegister({ ...phone8, expiresSec: 1 });
    const read = store.expired.bind(store);
    // The refresh lands between the housekeeping's read and its removal.
    jest.spyOn(store, 'expired').mockImplementationOnce(async (nowMs) => {
      const lapsed = await read(nowMs);
      await registrar.onRegister({ ...phone8, expiresSec: 600 });
      return lapsed;
    });
    const expireAndExpectRenewed = async () => {
      await t.services.registrations.expireLapsed(Date.now() + 1500);
      expect(await store.contactsOf('ana')).toEqual([phone8.contact]);
      expect(await state('ana')).toMatchObject({ state: 'available', reason: 'desk phone registered' });
    };
    await expireAndExpectRenewed();

    // Or between the removal and her going offline: she comes back.
    await registrar.onRegister({ ...phone8, expiresSec: 1 });
    const removeLapsed = store.removeLapsed.bind(store);
    jest.spyOn(store, 'removeLapsed').mockImplementationOnce(async (user, nowMs) => {
      const removed = await removeLapsed(user, nowMs);
      await registrar.onRegister({ ...phone8, expiresSec: 600 });
      return removed;
    });
    await expireAndExpectRenewed();
  });

  it("presence: a phone behind NAT is dialled where its REGISTER came from, and un-registers by the contact it registered or by the wildcard", async () => {
    const registrar = await anaWithDeskPhone();
    const behindNat = { user: 'ana', contact: 'sip:ana@203.0.113.7:40312', phoneContact: 'sip:ana@192.168.1.20:5060', expiresSec: 60 };
    await registrar.onRegister(behindNat);
    // Someone else's contact is not hers; her own is, as her phone knows it.
    await registrar.onUnregister('ana', 'sip:ana@192.168.1.21:5060');
    expect(await state('ana')).toMatchObject({ state: 'available' });
    await registrar.onUnregister('ana', 'sip:ana@192.168.1.20:5060');
    expect(await state('ana')).toMatchObject({ state: 'offline', reason: 'desk phone unregistered' });

    await registrar.onRegister(behindNat);
    phone.call('+43111');
    await eventually(() => expect(phone.dials[0]?.request.uri).toBe('sip:ana@203.0.113.7:40312'));
    phone.dials[0]!.fail('declined', 603);
    await registrar.onUnregister('ana');
    expect(await state('ana')).toMatchObject({ state: 'offline', reason: 'desk phone unregistered' });
  });

  it('presence: a person with a desk phone and a softphone has both ring, and stays available until the last of them leaves', async () => {
    const registrar = await anaWithDeskPhone();
    const desk = { user: 'ana', contact: 'sip:ana@10.0.0.7:5060' };
    const soft = { user: 'ana', contact: 'sip:ana@10.0.0.20:52341;transport=tcp' };
    await registrar.onRegister({ ...desk, expiresSec: 600 });
    // The 200 to the softphone's REGISTER lists both.
    expect((await registrar.onRegister({ ...soft, expiresSec: 60 })).map((p) => p.contact)).toEqual([desk.contact, soft.contact]);
    phone.call('+43111');
    await eventually(() => expect(phone.dials[0]?.uris).toEqual([desk.contact, soft.contact]));
    phone.dials[0]!.fail('no_answer');

    const { since } = await state('ana');
    await new Promise((r) => setTimeout(r, 5));
    // The 200 to the desk phone's un-REGISTER lists the softphone that is left.
    expect((await registrar.onUnregister('ana', desk.contact)).map((p) => p.contact)).toEqual([soft.contact]);
    // Not offline for a moment either: she has been available since before.
    expect(await state('ana')).toMatchObject({ state: 'available', since });
    await t.services.registrations.expireLapsed(Date.now() + 61_000);
    expect(await state('ana')).toMatchObject({ state: 'offline', reason: 'desk phone registration expired' });
    expect(await t.services.stores.registrationStore.contactsOf('ana')).toEqual([]);
  });

  it('presence: a phone that comes back under another address (same +sip.instance) replaces its old binding; past five phones, the first to lapse goes', async () => {
    const registrar = await anaWithDeskPhone();
    const store = t.services.stores.registrationStore;
    const instance = '<urn:uuid:00000000-0000-1000-8000-0004f2a1b2c3>';
    await registrar.onRegister({ user: 'ana', contact: 'sip:ana@203.0.113.7:40312', instance, expiresSec: 600 });
    await registrar.onRegister({ user: 'ana', contact: 'sip:ana@203.0.113.7:40999', instance, expiresSec: 600 });
    expect(await store.contactsOf('ana')).toEqual(['sip:ana@203.0.113.7:40999']);

    for (let i = 1; i <= MAX_PHONES_PER_USER; i += 1) {
      await registrar.onRegister({ user: 'ana', contact: `sip:ana@10.0.1.${i}:5060`, expiresSec: 600 + i });
    }
    const contacts = await store.contactsOf('ana');
    expect(contacts).toHaveLength(MAX_PHONES_PER_USER);
    expect(contacts).not.toContain('sip:ana@203.0.113.7:40999');
    expect(contacts[0]).toBe(`sip:ana@10.0.1.${MAX_PHONES_PER_USER}:5060`);
  });

  it('presence: two phones of one user behind two NATs that know themselves by the same private contact: one un-registering leaves the other', async () => {
    const registrar = await anaWithDeskPhone();
    const store = t.services.stores.registrationStore;
    const privateContact = 'sip:ana@192.168.1.20:5060';
    await registrar.onRegister({ user: 'ana', contact: 'sip:ana@203.0.113.7:40312', phoneContact: privateContact, expiresSec: 600 });
    await registrar.onRegister({ user: 'ana', contact: 'sip:ana@198.51.100.9:61000', phoneContact: privateContact, expiresSec: 600 });
    // The office phone un-registers, from another port of its NAT.
    await registrar.onUnregister('ana', privateContact, '203.0.113.7');
    expect(await store.contactsOf('ana')).toEqual(['sip:ana@198.51.100.9:61000']);
    expect(await state('ana')).toMatchObject({ state: 'available' });

    // A phone whose contact has no user part is found at its NAT the same way.
    await registrar.onRegister({ user: 'ana', contact: 'sip:203.0.113.7:40400', phoneContact: 'sip:192.168.1.30:5060', expiresSec: 600 });
    await registrar.onUnregister('ana', 'sip:192.168.1.30:5060', '198.51.100.9');
    expect(await store.contactsOf('ana')).toHaveLength(2);
    await registrar.onUnregister('ana', 'sip:192.168.1.30:5060', '203.0.113.7');
    expect(await store.contactsOf('ana')).toEqual(['sip:ana@198.51.100.9:61000']);
  });

  it("presence: a registration stored before several phones per user is read as one phone, and kept beside a new one", async () => {
    const registrar = await anaWithDeskPhone();
    const store = t.services.stores.registrationStore;
    const expiresMs = Date.now() + 600_000;
    const redis = t.redis.connect();
    await redis.hset(`${t.redis.prefix}reg:ana`, {
      contact: 'sip:ana@203.0.113.7:40312',
      phoneContact: 'sip:ana@192.168.1.20:5060',
      expiresMs,
      userAgent: 'Yealink T46U',
    });
    await redis.zadd(`${t.redis.prefix}reg-expiries`, expiresMs, 'ana');
    expect(await store.contactsOf('ana')).toEqual(['sip:ana@203.0.113.7:40312']);
    await registrar.onRegister({ user: 'ana', contact: 'sip:ana@10.0.0.20:52341', expiresSec: 60 });
    expect(await store.contactsOf('ana')).toEqual(['sip:ana@203.0.113.7:40312', 'sip:ana@10.0.0.20:52341']);
    // The old phone un-registers by the contact it knows itself by.
    await registrar.onUnregister('ana', 'sip:ana@192.168.1.20:5060');
    expect(await store.contactsOf('ana')).toEqual(['sip:ana@10.0.0.20:52341']);
  });
});
