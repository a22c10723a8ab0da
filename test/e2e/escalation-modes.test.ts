import { CASE, escalatedToBo, merge } from './support/escalation-steps';
import { describeLive, eventually, liveSuite } from './support/live-suite';

// Bringing an expert's desk phone into a live call in each mode that keeps
// the agent until the agent chooses otherwise: the live counterpart of the
// conference, consult and transfer cases of test/integration/escalation.test.ts.

describeLive('escalation modes on the live stack', () => {
  const live = liveSuite();

  it('escalation: conference mode — three members in the room, the case headers at the expert', async () => {
    // Bo's phone answers our offer (PCMU first, 20 ms) with A-law in 30 ms
    // packets: FreeSWITCH must switch the endpoint to what the phone chose.
    const { ana, bo, anaPhone, boPhone, boScreen, call, customer, number, requested } = await escalatedToBo(live, {
      mode: 'conference',
      hangUpAfterMs: 9000,
      skills: [{ name: 'billing', level: 4 }],
      boAudio: 'PCMA/30',
    });
    await live.escalation(requested.id, 'joined');
    const members = await live.roomHolds(call.room, [number, ana.user, bo.user]);
    for (const member of members) expect(member.flags).toEqual(expect.arrayContaining(['hear', 'speak']));
    const codecOf = (user: string) => live.codecOf(members.find((m) => m.callerIdNumber === user)?.uuid ?? 'none');
    // FreeSWITCH switches bo's leg when the phone's first packets arrive, which
    // can be a moment after the join (seen here: PCMU/20 read right after it).
    await eventually(async () => expect(await codecOf(bo.user)).toBe('PCMA/30'));
    expect(await codecOf(ana.user)).toBe('PCMU/20');
    expect(await codecOf(number)).toBe('PCMA/30');

    // What the expert's phone was told.
    const invite = boPhone.calls.received('INVITE')[0];
    expect(invite?.header('X-Case-Id')).toBe(requested.caseId);
    expect(invite?.header('X-Call-Id')).toBe(call.id);
    expect(invite?.header('X-Case-Reason')).toBe(CASE.reason);
    // The API's URL, or (CASE_LINK_SECRET set, as in the in-process service) a signed page the phone opens without a token.
    const callInfo = new RegExp(`^<[^>]+(/v1/cases/${requested.caseId}(/card\\?until=\\d+&sig=[0-9a-f]{64})?)>;purpose=info$`).exec(
      invite?.header('Call-Info') ?? '',
    );
    expect(callInfo).not.toBeNull();
    if (callInfo?.[2]) {
      const card = await fetch(`${live.service.baseUrl}${callInfo[1]}`);
      expect([card.status, card.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
      expect(await card.text()).toContain(`<h1>${CASE.reason}</h1>`);
    }
    // What the expert's screen was told: the case the agent collected, with the escalation it came with.
    const offer = await boScreen.waitFor((e) => e.event === 'offer');
    expect(offer.data).toMatchObject({
      escalation: { id: requested.id, callId: call.id },
      case: { id: requested.caseId, customer: CASE.customer, reason: CASE.reason, summary: CASE.summary, notes: CASE.notes },
      history: expect.any(Array),
    });
    const caseRecord = await live.service.call<{ reason: string; readers: string[] }>('GET', `/v1/cases/${requested.caseId}`);
    expect(caseRecord.body).toMatchObject({ reason: CASE.reason, readers: expect.arrayContaining([ana.id, bo.id]) });
    expect(await live.presenceOf(bo)).toMatchObject({ state: 'busy', activeClaims: 1 });

    await customer.waitForOutcome(/^local_bye$/, 12_000);
    await anaPhone.calls.waitForOutcome(/^remote_bye /, 5000);
    await boPhone.calls.waitForOutcome(/^remote_bye /, 5000);
    await live.expectNothingLeft(call.room, members.map((m) => m.uuid), [ana, bo]);
    await live.waitForEvent((e) => e.type === 'call.ended' && e.data.callId === call.id);
    expect(live.eventTypes(call.id, 'escalation.')).toEqual([
      'escalation.requested',
      'escalation.offered',
      'escalation.ringing',
      'escalation.answered',
      'escalation.joined',
      'escalation.ended',
    ]);
    expect(await live.escalation(requested.id)).toMatchObject({ state: 'ended', reason: 'call_ended' });
  });

  it('escalation: consult then merge — the customer is held while the agent briefs the expert', async () => {
    const { ana, bo, call, customer, number, requested } = await escalatedToBo(live, { mode: 'consult', hangUpAfterMs: 10_000 });
    await live.escalation(requested.id, 'consulting');
    // Held: the customer hears none of the briefing (deaf, music instead) and is not heard.
    let members = await live.roomHolds(call.room, [number, ana.user, bo.user]);
    const customerFlags = () => members.find((m) => m.callerIdNumber === number)?.flags ?? [];
    expect(customerFlags()).not.toContain('hear');

    expect((await merge(live, requested.id)).status).toBe(202);
    await live.escalation(requested.id, 'merged');
    members = await live.roomHolds(call.room, [number, ana.user, bo.user]);
    expect(customerFlags()).toEqual(expect.arrayContaining(['hear', 'speak']));
    expect(live.eventTypes(call.id, 'participant.')).toEqual(expect.arrayContaining(['participant.held', 'participant.unheld']));

    await customer.waitForOutcome(/^local_bye$/, 12_000);
    await live.expectNothingLeft(call.room, members.map((m) => m.uuid), [ana, bo]);
    expect(live.eventTypes(call.id, 'escalation.')).toContain('escalation.merged');
  });

  it('escalation: warm transfer — the agent leaves, customer and expert remain', async () => {
    const { ana, bo, anaPhone, boPhone, call, customer, number, requested } = await escalatedToBo(live, { mode: 'transfer', hangUpAfterMs: 10_000 });
    await live.escalation(requested.id, 'consulting');
    const briefing = await live.roomHolds(call.room, [number, ana.user, bo.user]);

    expect((await merge(live, requested.id)).status).toBe(202);
    await live.escalation(requested.id, 'transferred');
    await anaPhone.calls.waitForOutcome(/^remote_bye /, 5000);
    const members = await live.roomHolds(call.room, [number, bo.user]);
    expect(members.find((m) => m.callerIdNumber === number)?.flags).toEqual(expect.arrayContaining(['hear', 'speak']));
    expect((await live.callOf(number)).state).toBe('connected');
    expect(await live.presenceOf(ana)).toMatchObject({ activeClaims: 0 });
    expect(await live.presenceOf(bo)).toMatchObject({ state: 'busy', activeClaims: 1 });

    await customer.waitForOutcome(/^local_bye$/, 12_000);
    await boPhone.calls.waitForOutcome(/^remote_bye /, 5000);
    await live.expectNothingLeft(call.room, briefing.map((m) => m.uuid), [ana, bo]);
    expect(live.eventTypes(call.id)).toEqual(expect.arrayContaining(['escalation.transferred', 'call.agent_left', 'call.ended']));
  });
});
