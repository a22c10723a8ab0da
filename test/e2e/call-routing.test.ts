import path from 'node:path';
import { DeskPhone } from './support/desk-phone';
import type { ConferenceMember } from './support/esl';
import { type CallView, describeLive, eventually, liveSuite, type TestPerson } from './support/live-suite';
import type { SippPhone } from './support/sipp-phone';
import { E2E_TOKENS } from './support/live-service';
import { startServiceProcess } from './support/service-process';

// Customer calls through drachtio-server into a FreeSWITCH room, agents'
// desk phones registered with the service: the live counterpart of
// test/integration/call-engine.test.ts.

describeLive('calls on the live stack', () => {
  const live = liveSuite();

  it('call: a customer reaches an agent — the agent phone rings with our headers and both are in the room', async () => {
    const ana = await live.person('ana', ['agent']);
    const anaPhone = await live.deskPhone(ana);
    const { phone: customer, number } = await live.customer(4000);

    await customer.waitForOutcome(/^answered$/, 5000);
    await anaPhone.calls.waitForOutcome(/^answered /, 5000);
    const call = await live.callOf(number, (c) => c.state === 'connected');
    const invite = anaPhone.calls.received('INVITE')[0];
    expect(invite?.header('X-Call-Id')).toBe(call.id);
    expect(invite?.header('X-Customer')).toBe(number);
    expect(invite?.header('X-Service-Number')).toBe('1000');

    const members = await live.roomHolds(call.room, [number, ana.user]);
    // Both talk: FreeSWITCH hears RTP from each (the phones play the project's tone).
    for (const member of members) expect(member.flags).toEqual(expect.arrayContaining(['hear', 'speak']));
    const customerLeg = call.legs.find((l) => l.role === 'customer');
    expect(members.find((m) => m.callerIdNumber === number)?.uuid).toBe(customerLeg?.id);
    expect(await live.presenceOf(ana)).toMatchObject({ state: 'busy', activeClaims: 1 });

    // The customer hangs up on cue: the agent's phone gets our BYE.
    await customer.waitForOutcome(/^local_bye$/, 8000);
    await anaPhone.calls.waitForOutcome(/^remote_bye /, 5000);
    await live.expectNothingLeft(call.room, members.map((m) => m.uuid), [ana]);
    await live.waitForEvent((e) => e.type === 'call.ended' && e.data.callId === call.id);
    expect(live.eventTypes(call.id, 'call.')).toEqual(['call.offered', 'call.queued', 'call.agent_ringing', 'call.answered', 'call.ended']);
    expect(live.events().find((e) => e.type === 'call.ended')?.data).toMatchObject({ reason: 'customer_hangup' });
    expect((await live.presenceOf(ana)).state).toMatch(/^(wrap-up|available)$/);
  });

  /**
   * A second instance on the suite's Redis, as a process of its own, to kill;
   * its heartbeat lapses 3 s after it dies. Needs the suite's own service (its
   * Redis prefix): the scenarios that use it skip with E2E_BASE_URL.
   */
  const doomedInstance = async (settings: Record<string, string> = {}) => {
    const id = `e2e-doomed-${live.tag}`;
    const { child } = await startServiceProcess(live.stack, {
      prefix: live.service.redis!.prefix,
      instanceId: id,
      adminToken: E2E_TOKENS.admin,
      logFile: path.join(live.outDir, 'doomed-instance.log'),
      entry: 'src',
      settings: { CLAIM_LEASE_SEC: '3', ...settings },
    });
    return { id, child };
  };
  const itOnOwnService = process.env.E2E_BASE_URL ? it.skip : it;

  itOnOwnService(
    "call: an instance killed mid-call — the one that finds its call lost sends both phones a BYE and empties the room; the surviving instance's call goes on",
    async () => {
      const doomed = await doomedInstance();
      const doomedId = doomed.id;
      try {
        // drachtio takes its apps in turn, skipping (and forgetting) ones that went away: a call
        // more, each with an agent of its own, until each instance holds one.
        const placed: { call: CallView; customer: SippPhone; agent: TestPerson; agentPhone: DeskPhone }[] = [];
        const holds = (mine: boolean) => placed.find((p) => (p.call.owner === doomedId) === mine);
        for (let i = 0; i < 4 && !(holds(true) && holds(false)); i += 1) {
          const agent = await live.person(`agent${i}`, ['agent']);
          const agentPhone = await live.deskPhone(agent);
          const { phone: customer, number } = await live.customer(60_000);
          await customer.waitForOutcome(/^answered$/, 5000);
          placed.push({ call: await live.callOf(number, (c) => c.state === 'connected'), customer, agent, agentPhone });
        }
        if (!holds(true) || !holds(false)) throw new Error(`drachtio gave all ${placed.length} calls to one instance`);
        const lost = placed.filter((p) => p.call.owner === doomedId);
        const kept = placed.filter((p) => p.call.owner !== doomedId);
        // Each call's agent is the one registered just before it (the others were busy).
        for (const p of placed) expect(p.call.legs.find((l) => l.role === 'agent')?.personId).toBe(p.agent.id);
        const lostMembers: ConferenceMember[] = [];
        for (const p of lost) lostMembers.push(...(await live.roomHolds(p.call.room, [p.call.customer, p.agent.user])));

        doomed.child.kill('SIGKILL');
        // Found lost at the suite's instance's next sweep (every 10 s) once the heartbeat lapsed.
        for (const p of lost) {
          await p.customer.waitForOutcome(/^remote_bye$/, 20_000);
          await p.agentPhone.calls.waitForOutcome(/^remote_bye /, 5000);
          await live.waitForEvent((e) => e.type === 'call.ended' && e.data.callId === p.call.id);
          expect(live.events().find((e) => e.type === 'call.ended' && e.data.callId === p.call.id)?.data).toMatchObject({ reason: 'owner_lost' });
        }

        // The surviving instance's calls are untouched: each still has both in its room. Then they end.
        const keptMembers: ConferenceMember[] = [];
        for (const p of kept) {
          keptMembers.push(...(await live.roomHolds(p.call.room, [p.call.customer, p.agent.user])));
          expect(p.customer.outcomes()).not.toContain('remote_bye');
          expect((await live.service.call('POST', `/v1/calls/${p.call.id}/hangup`)).status).toBe(202);
          await p.customer.waitForOutcome(/^remote_bye$/, 5000);
        }
        for (const p of kept) await live.expectNothingLeft(p.call.room, keptMembers.map((m) => m.uuid), [p.agent]);
        // The lost calls' claims lapse with the dead instance's lease.
        for (const p of lost) await live.expectNothingLeft(p.call.room, lostMembers.map((m) => m.uuid), [p.agent], 15_000);
      } finally {
        doomed.child.kill('SIGKILL');
      }
    },
    90_000,
  );

  itOnOwnService(
    "call: an instance killed while an agent's phone rings for its call — the one that finds the call lost cancels the ringing and hangs up the customer",
    async () => {
      // Its phones ring until it dies, and on.
      const doomed = await doomedInstance({ RING_TIMEOUT_SEC: '60' });
      const doomedId = doomed.id;
      try {
        const ana = await live.person('ana', ['agent']);
        const anaPhone = await live.deskPhone(ana, 'phone-no-answer');
        /** Until the phone says our CANCEL came for the INVITE of this call. */
        const cancelled = async (call: CallView, timeoutMs: number) => {
          const invite = await eventually(() => {
            const found = anaPhone.calls.received('INVITE').find((m) => m.header('X-Call-Id') === call.id);
            if (!found) throw new Error(`no INVITE for call ${call.id}`);
            return found;
          });
          const sipCallId = (invite.header('Call-ID') ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          await anaPhone.calls.waitForOutcome(new RegExp(`^cancelled ${sipCallId}$`), timeoutMs);
        };
        // A call at a time, until one is the second instance's (drachtio takes its apps in turn).
        let lost: { call: CallView; customer: SippPhone } | undefined;
        for (let i = 0; i < 4 && !lost; i += 1) {
          const { phone: customer, number } = await live.customer(60_000);
          // Answered into the room (the record has the customer's leg) while the agent's phone rings.
          const call = await live.callOf(number, (c) => c.legs.some((l) => l.role === 'customer' && l.state === 'joined') && c.legs.some((l) => l.role === 'agent' && l.state === 'ringing'));
          if (call.owner === doomedId) lost = { call, customer };
          else {
            expect((await live.service.call('POST', `/v1/calls/${call.id}/hangup`)).status).toBe(202);
            await cancelled(call, 5000);
            await customer.waitForOutcome(/^remote_bye$/, 5000);
          }
        }
        if (!lost) throw new Error('drachtio gave none of 4 calls to the second instance');

        doomed.child.kill('SIGKILL');
        // drachtio still sends the INVITE; the suite's instance, at its next sweep (every 10 s), cancels it.
        await cancelled(lost.call, 20_000);
        await lost.customer.waitForOutcome(/^remote_bye$/, 5000);
        await live.waitForEvent((e) => e.type === 'call.ended' && e.data.callId === lost.call.id);
        expect(live.events().find((e) => e.type === 'call.ended' && e.data.callId === lost.call.id)?.data).toMatchObject({ reason: 'owner_lost' });
        // Its claim on ana lapses with the dead instance's lease.
        await live.expectNothingLeft(lost.call.room, [], [ana], 15_000);
      } finally {
        doomed.child.kill('SIGKILL');
      }
    },
    120_000,
  );

  it('call: a customer whose INVITE carries no SDP (late offer) reaches an agent — our offer in the 200 OK, their answer in the ACK', async () => {
    const ana = await live.person('ana', ['agent']);
    const anaPhone = await live.deskPhone(ana);
    const { phone: customer, number } = await live.customer(4000, { offer: 'late' });

    await customer.waitForOutcome(/^answered$/, 5000);
    await anaPhone.calls.waitForOutcome(/^answered /, 5000);
    const call = await live.callOf(number, (c) => c.state === 'connected');
    const members = await live.roomHolds(call.room, [number, ana.user]);
    // FreeSWITCH took the answer from the ACK: it sends the customer's audio where the phone said.
    const customerLeg = members.find((m) => m.callerIdNumber === number);
    expect((await live.esl.api(`uuid_getvar ${customerLeg?.uuid} remote_media_port`)).trim()).toBe(String(customer.mediaPort));

    await customer.waitForOutcome(/^local_bye$/, 8000);
    await anaPhone.calls.waitForOutcome(/^remote_bye /, 5000);
    await live.expectNothingLeft(call.room, members.map((m) => m.uuid), [ana]);
  });

  it("call: an agent's phone that changes its media as soon as it answers — FreeSWITCH follows it (a 491 while the leg is set up, then the retry)", async () => {
    const ana = await live.person('ana', ['agent']);
    const anaPhone = await live.deskPhone(ana, 'phone-renegotiate');
    const { phone: customer, number } = await live.customer(4000);
    await customer.waitForOutcome(/^answered$/, 5000);
    // Answered 200 by the leg, at once or after a 491 while the endpoint took the phone's first answer.
    await anaPhone.calls.waitForOutcome(/^reinvite_answered 200 /, 5000);
    const call = await live.callOf(number, (c) => c.state === 'connected');
    const members = await live.roomHolds(call.room, [number, ana.user]);
    const agentLeg = members.find((m) => m.callerIdNumber === ana.user);
    // srf alone would have answered with our first offer, and FreeSWITCH kept sending to the old port.
    // The phone has our 200 before FreeSWITCH has taken its new media: give it a moment.
    await eventually(async () =>
      expect((await live.esl.api(`uuid_getvar ${agentLeg?.uuid} remote_media_port`)).trim()).toBe(String(anaPhone.calls.mediaPort + 2)),
    );

    await customer.waitForOutcome(/^local_bye$/, 8000);
    await anaPhone.calls.waitForOutcome(/^remote_bye /, 5000);
    await live.expectNothingLeft(call.room, members.map((m) => m.uuid), [ana]);
  });

  it("call: a carrier's session timer — our 200s to its INVITE and to its refresh carry the timer back, so it keeps refreshing; one that names no refresher is named it", async () => {
    // drachtio-server runs the timer and hangs up a call whose refresher stops; a 200 to
    // a refresh without Session-Expires would tell the caller to stop.
    const { phone: customer, number } = await live.customer(3000, { scenario: 'customer-refresh' });
    await customer.waitForOutcome(/^answered /, 5000);
    await customer.waitForOutcome(/^refreshed /, 5000);
    expect(customer.outcomes().slice(0, 2)).toEqual([
      'answered session_expires=90;refresher=uac require=timer',
      'refreshed session_expires=90;refresher=uac require=timer',
    ]);
    const call = await live.callOf(number, (c) => c.state === 'queued');
    const members = await live.roomHolds(call.room, [number]);
    await customer.waitForOutcome(/^local_bye$/, 5000);
    await live.expectNothingLeft(call.room, members.map((m) => m.uuid), []);

    // A carrier that names no refresher: we name it, and it refreshes.
    const { phone: unnamed } = await live.customer(3000, { scenario: 'customer-refresh', sessionExpires: '90' });
    await unnamed.waitForOutcome(/^refreshed /, 5000);
    expect(unnamed.outcomes().slice(0, 2)).toEqual([
      'answered session_expires=90;refresher=uac require=timer',
      'refreshed session_expires=90;refresher=uac require=timer',
    ]);
    await unnamed.waitForOutcome(/^local_bye$/, 5000);
  });

  it('call: a customer who offers only a codec FreeSWITCH lacks (G.722) is refused with 488, and nothing is left', async () => {
    const { phone: customer, number } = await live.customer(3000, { codec: { name: 'G722', payloadType: 9 } });
    await customer.waitForOutcome(/^rejected 488$/, 5000);
    const offered = await live.waitForEvent((e) => e.type === 'call.offered' && e.data.customer === number);
    const ended = await live.waitForEvent((e) => e.type === 'call.ended' && e.data.callId === offered.data.callId);
    expect(ended.data).toMatchObject({ reason: 'incompatible_media' });
    await live.expectNothingLeft(`call-${offered.data.callId as string}`, [], []);
  });

  it("call: the agent's desk phone holds the customer and takes them back — FreeSWITCH answers each re-INVITE, the customer hears our music meanwhile; a transfer to nobody is refused", async () => {
    const ana = await live.person('ana', ['agent']);
    const anaPhone = await live.deskPhone(ana, 'phone-buttons');
    const { phone: customer, number } = await live.customer(8000);
    const flagsOf = (members: ConferenceMember[], callerId: string) => members.find((m) => m.callerIdNumber === callerId)?.flags ?? [];

    await anaPhone.calls.waitForOutcome(/^answered /, 5000);
    const call = await live.callOf(number, (c) => c.state === 'connected');
    // The answers are FreeSWITCH's: it stops sending to a phone that holds, and resumes.
    await anaPhone.calls.waitForOutcome(/^hold_answered recvonly /, 5000);
    await live.waitForEvent((e) => e.type === 'participant.phone_held' && e.data.callId === call.id);
    // Held in the room: the customer hears our music, not the room, and the agent's phone is not heard.
    let members = await live.roomHolds(call.room, [number, ana.user]);
    expect(flagsOf(members, number)).not.toContain('hear');
    expect(flagsOf(members, ana.user)).not.toContain('speak');

    await anaPhone.calls.waitForOutcome(/^unhold_answered sendrecv /, 5000);
    await live.waitForEvent((e) => e.type === 'participant.phone_resumed' && e.data.callId === call.id);
    // Both still in the room and talking again, the call still up.
    members = await live.roomHolds(call.room, [number, ana.user]);
    for (const member of members) expect(member.flags).toEqual(expect.arrayContaining(['hear', 'speak']));
    await live.callOf(number, (c) => c.id === call.id && c.state === 'connected');
    expect(live.eventTypes(call.id, 'participant.')).toEqual(
      expect.arrayContaining(['participant.muted', 'participant.held', 'participant.unmuted', 'participant.unheld']),
    );
    // A transfer to a user nobody has: accepted, then refused in its NOTIFY; the phone keeps the call.
    await anaPhone.calls.waitForOutcome(/^refer_answered 202 /, 5000);
    await anaPhone.calls.waitForOutcome(/^transfer_notified 404 /, 5000);
    await live.roomHolds(call.room, [number, ana.user]);

    await customer.waitForOutcome(/^local_bye$/, 8000);
    await anaPhone.calls.waitForOutcome(/^remote_bye /, 5000);
    await live.expectNothingLeft(call.room, members.map((m) => m.uuid), [ana]);
  });

  it('call: the first agent does not answer and the second does', async () => {
    const ana = await live.person('ana', ['agent']);
    const sam = await live.person('sam', ['agent']);
    // ana registers first, so she is the longest idle and is offered the call first.
    const anaPhone = await live.deskPhone(ana, 'phone-no-answer');
    const samPhone = await live.deskPhone(sam);
    const { phone: customer, number } = await live.customer(8000);

    await customer.waitForOutcome(/^answered$/, 5000);
    await anaPhone.calls.waitForOutcome(/^invite /, 5000);
    // RING_TIMEOUT_SEC (4 s) later: CANCEL to ana, INVITE to sam.
    await anaPhone.calls.waitForOutcome(/^cancelled /, 8000);
    await samPhone.calls.waitForOutcome(/^answered /, 5000);
    const call = await live.callOf(number, (c) => c.state === 'connected');
    const members = await live.roomHolds(call.room, [number, sam.user]);
    const missed = await live.waitForEvent((e) => e.type === 'call.agent_missed' && e.data.callId === call.id);
    expect(missed.data).toMatchObject({ agentId: ana.id, outcome: 'no_answer' });
    expect(await live.presenceOf(ana)).toMatchObject({ state: 'available', activeClaims: 0 });

    await customer.waitForOutcome(/^local_bye$/, 10_000);
    await samPhone.calls.waitForOutcome(/^remote_bye /, 5000);
    await live.expectNothingLeft(call.room, members.map((m) => m.uuid), [ana, sam]);
    expect(anaPhone.calls.received('INVITE')).toHaveLength(1);
  });

  it('call: an agent with a desk phone and a softphone — both ring, the softphone answers, the desk phone is cancelled; she stays available until both un-register', async () => {
    const ana = await live.person('ana', ['agent']);
    const phone = (device: string, scenario: 'phone-no-answer' | 'phone-answer') =>
      DeskPhone.start({ user: ana.user, password: ana.password, registrar: live.sipTarget, outDir: live.outDir, scenario, device, answering: { pauseMs: 1500 } });
    const desk = await phone('desk', 'phone-no-answer');
    const soft = await phone('soft', 'phone-answer');
    try {
      await eventually(async () => expect(await live.presenceOf(ana)).toMatchObject({ state: 'available' }));
      const { phone: customer, number } = await live.customer(6000);
      await customer.waitForOutcome(/^answered$/, 5000);
      await desk.calls.waitForOutcome(/^invite /, 5000);
      await soft.calls.waitForOutcome(/^answered /, 5000);
      await desk.calls.waitForOutcome(/^cancelled /, 5000);
      const [toDesk] = desk.calls.received('INVITE');
      const [toSoft] = soft.calls.received('INVITE');
      expect(toDesk?.header('X-Call-Id')).toBeDefined();
      expect(toDesk?.header('X-Call-Id')).toBe(toSoft?.header('X-Call-Id'));
      const call = await live.callOf(number, (c) => c.state === 'connected');
      const members = await live.roomHolds(call.room, [number, ana.user]);
      expect(members).toHaveLength(2);
      // Her endpoints name her, so that none is left can be seen below.
      expect(await live.channelsNamed(ana.user)).not.toEqual([]);

      await customer.waitForOutcome(/^local_bye$/, 10_000);
      await soft.calls.waitForOutcome(/^remote_bye /, 5000);
      await live.expectNothingLeft(call.room, members.map((m) => m.uuid), [ana]);
      // The desk phone's branch had a media endpoint of its own: it is gone too.
      await eventually(async () => expect(await live.channelsNamed(ana.user)).toEqual([]));

      expect(await soft.register(0)).toBe('registered expires=0');
      await eventually(async () => expect(await live.presenceOf(ana)).toMatchObject({ state: 'available' }));
      expect(await desk.register(0)).toBe('registered expires=0');
      await eventually(async () => expect(await live.presenceOf(ana)).toMatchObject({ state: 'offline', reason: 'desk phone unregistered' }));
    } finally {
      await desk.stop();
      await soft.stop();
    }
  });

  it("call: a carrier's trunk asserts who calls (P-Asserted-Identity) — the call is the asserted number's; a caller who asks for privacy is anonymous", async () => {
    // Nobody is available: each call waits in its room until its customer hangs up.
    const asserted = `+4329${Date.now() % 100_000_000}`;
    const { phone: presenting } = await live.customer(2500, { header: `P-Asserted-Identity: <tel:${asserted}>` });
    await presenting.waitForOutcome(/^answered$/, 5000);
    const call = await live.callOf(asserted, (c) => c.state === 'queued');
    expect(live.events().find((e) => e.type === 'call.offered' && e.data.callId === call.id)?.data).toMatchObject({ customer: asserted });
    // The room's member is the asserted number too.
    const members = await live.roomHolds(call.room, [asserted]);
    await presenting.waitForOutcome(/^local_bye$/, 5000);
    await live.expectNothingLeft(call.room, members.map((m) => m.uuid), []);

    const { phone: withheld } = await live.customer(2500, { header: 'Privacy: id' });
    await withheld.waitForOutcome(/^answered$/, 5000);
    const hidden = await live.callOf('anonymous', (c) => c.state === 'queued');
    await withheld.waitForOutcome(/^local_bye$/, 5000);
    await live.waitForEvent((e) => e.type === 'call.ended' && e.data.callId === hidden.id);
  });

  it('call: a customer who hangs up while queued leaves nothing behind', async () => {
    // Nobody is available: the customer waits in the room with music, then gives up.
    const { phone: customer, number } = await live.customer(2500);
    await customer.waitForOutcome(/^answered$/, 5000);
    const call = await live.callOf(number, (c) => c.state === 'queued');
    const members = await live.roomHolds(call.room, [number]);

    await customer.waitForOutcome(/^local_bye$/, 5000);
    await live.expectNothingLeft(call.room, members.map((m) => m.uuid), []);
    await live.waitForEvent((e) => e.type === 'call.ended' && e.data.callId === call.id);
    expect(live.eventTypes(call.id)).toEqual(['call.offered', 'call.queued', 'call.ended']);
    expect(live.events().find((e) => e.type === 'call.ended')?.data).toMatchObject({ reason: 'customer_hangup' });
  });

  it("call: an agent whose desk phone holds the customer and then sends nothing stays in the call past FreeSWITCH's media timeout", async () => {
    const mediaTimeoutMs = Number(process.env.E2E_MEDIA_TIMEOUT_MS ?? 60_000);
    const ana = await live.person('ana', ['agent']);
    // It talks for 7 s (sipp's PCMA/30 recording), holds, and goes quiet.
    const anaPhone = await live.deskPhone(ana, 'phone-hold-quiet', { audio: 'PCMA/30' });
    const { phone: customer, number } = await live.customer(mediaTimeoutMs + 20_000);
    await customer.waitForOutcome(/^answered$/, 5000);
    await anaPhone.calls.waitForOutcome(/^hold_answered 200 /, 15_000);
    // A dead phone is hung up after the media timeout; a held one is not.
    await new Promise((r) => setTimeout(r, mediaTimeoutMs + 3000));
    const call = await live.callOf(number, (c) => c.state === 'connected');
    const members = await live.roomHolds(call.room, [number, ana.user]);
    expect(anaPhone.calls.outcomes().filter((o) => o.startsWith('remote_bye'))).toEqual([]);
    // Asked meanwhile whether it is still there (every HELD_PHONE_PROBE_SEC, 5 s here), it said yes.
    expect(anaPhone.calls.outcomes()).toContainEqual(expect.stringMatching(/^options_answered /));

    await customer.waitForOutcome(/^local_bye$/, 20_000);
    await anaPhone.calls.waitForOutcome(/^remote_bye /, 5000);
    await live.expectNothingLeft(call.room, members.map((m) => m.uuid), [ana]);
  });

  it('call: an agent whose desk phone dies while it holds the call leaves the call: the phone no longer answers our OPTIONS', async () => {
    const ana = await live.person('ana', ['agent']);
    const anaPhone = await live.deskPhone(ana, 'phone-hold-quiet', { audio: 'PCMA/30' });
    const { phone: customer, number } = await live.customer(600_000);
    await customer.waitForOutcome(/^answered$/, 5000);
    await anaPhone.calls.waitForOutcome(/^hold_answered 200 /, 15_000);
    const call = await live.callOf(number, (c) => c.state === 'connected');
    const members = await live.roomHolds(call.room, [number, ana.user]);

    // Held, it sends no RTP: FreeSWITCH's media timeout would wait an hour. Asked every 5 s, it is found gone.
    await anaPhone.calls.stop();
    await live.waitForEvent((e) => e.type === 'call.agent_left' && e.data.callId === call.id, 30_000);
    await live.roomHolds(call.room, [number]);

    await customer.stop();
    const mediaTimeoutMs = Number(process.env.E2E_MEDIA_TIMEOUT_MS ?? 60_000);
    await live.waitForEvent((e) => e.type === 'call.ended' && e.data.callId === call.id, mediaTimeoutMs + 10_000);
    await live.expectNothingLeft(call.room, members.map((m) => m.uuid), [ana]);
  }, 120_000);

  it("call: an agent whose desk phone dies without a BYE leaves the call after FreeSWITCH's media timeout", async () => {
    const mediaTimeoutMs = Number(process.env.E2E_MEDIA_TIMEOUT_MS ?? 60_000);
    const ana = await live.person('ana', ['agent']);
    const anaPhone = await live.deskPhone(ana, 'phone-answer', { hangUpAfterMs: 600_000 });
    const { phone: customer, number } = await live.customer(600_000);
    await anaPhone.calls.waitForOutcome(/^answered /, 5000);
    const call = await live.callOf(number, (c) => c.state === 'connected');
    const members = await live.roomHolds(call.room, [number, ana.user]);

    // Ana's leg was a standby endpoint (made without an offer): its media timeout must be on too.
    await anaPhone.calls.stop();
    await live.waitForEvent((e) => e.type === 'call.agent_left' && e.data.callId === call.id, mediaTimeoutMs + 10_000);
    await live.roomHolds(call.room, [number]);

    await customer.stop();
    await live.waitForEvent((e) => e.type === 'call.ended' && e.data.callId === call.id, mediaTimeoutMs + 10_000);
    await live.expectNothingLeft(call.room, members.map((m) => m.uuid), [ana]);
  }, 120_000);

  it('call: a customer whose phone dies without a BYE is hung up after FreeSWITCH\'s media timeout', async () => {
    // FS_MEDIA_TIMEOUT_MS of the stack under test; docker-compose.test.yml sets 5000.
    const mediaTimeoutMs = Number(process.env.E2E_MEDIA_TIMEOUT_MS ?? 60_000);
    const { phone: customer, number } = await live.customer(600_000);
    await customer.waitForOutcome(/^answered$/, 5000);
    const call = await live.callOf(number, (c) => c.state === 'queued');
    const members = await live.roomHolds(call.room, [number]);

    await customer.stop();
    await live.waitForEvent((e) => e.type === 'call.ended' && e.data.callId === call.id, mediaTimeoutMs + 10_000);
    await live.expectNothingLeft(call.room, members.map((m) => m.uuid), []);
  }, 120_000);
});
