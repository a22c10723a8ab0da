import { customerWithAgent, escalate, tokenAgent } from './support/escalation-steps';
import { describeLive, eventually, liveSuite } from './support/live-suite';

// Escalations that must hunt: declines from real phones, and a deadline that
// gives the customer back to the agent.

describeLive('escalation hunts on the live stack', () => {
  const live = liveSuite();

  it('escalation: blind to a skill — the first expert declines (603), the next is busy (486), the third gets the customer', async () => {
    const skill = `billing-${live.tag}`;
    const ana = await tokenAgent(live);
    const bo = await live.person('bo', ['expert'], [{ name: skill, level: 3 }]);
    const cy = await live.person('cy', ['expert'], [{ name: skill, level: 3 }]);
    const dee = await live.person('dee', ['expert'], [{ name: skill, level: 3 }]);
    const anaPhone = await live.deskPhone(ana);
    // In the order they register: the longest idle is offered first.
    const boPhone = await live.deskPhone(bo, 'phone-decline');
    const cyPhone = await live.deskPhone(cy, 'phone-busy');
    const deePhone = await live.deskPhone(dee);
    const { call, customer, number } = await customerWithAgent(live, ana, anaPhone, 9000);
    const agentInRoom = await live.room(call.room);

    const requested = await escalate(live, call.id, { target: { skills: [{ name: skill, minLevel: 2 }] }, mode: 'blind' });
    // The agent leaves at once; bo's phone declines, cy's is busy; dee answers.
    await anaPhone.calls.waitForOutcome(/^remote_bye /, 5000);
    await boPhone.calls.waitForOutcome(/^refused_603 /, 5000);
    await cyPhone.calls.waitForOutcome(/^refused_486 /, 5000);
    await deePhone.calls.waitForOutcome(/^answered /, 5000);
    const done = await live.escalation(requested.id, 'joined');
    expect(done.attempts.map((a) => [a.expertId, a.outcome, a.status])).toEqual([
      [bo.id, 'declined', 603],
      [cy.id, 'busy', 486],
      [dee.id, 'answered', undefined],
    ]);
    const members = await live.roomHolds(call.room, [number, dee.user]);
    const declined = await live.waitForEvent((e) => e.type === 'escalation.declined' && e.data.callId === call.id);
    expect(declined.data).toMatchObject({ expertId: bo.id, via: 'phone', status: 603 });
    // dee's INVITE carried the case too.
    expect(deePhone.calls.received('INVITE')[0]?.header('X-Case-Id')).toBe(requested.caseId);
    for (const passedOver of [bo, cy]) expect(await live.presenceOf(passedOver)).toMatchObject({ state: 'available', activeClaims: 0 });
    expect(await live.presenceOf(ana)).toMatchObject({ activeClaims: 0 });

    await customer.waitForOutcome(/^local_bye$/, 12_000);
    await deePhone.calls.waitForOutcome(/^remote_bye /, 5000);
    await live.expectNothingLeft(call.room, [...agentInRoom, ...members].map((m) => m.uuid), [ana, bo, cy, dee]);
    // Nobody offered the call to an agent while the hunt held the customer.
    expect(anaPhone.calls.received('INVITE')).toHaveLength(1);
  });

  it("escalation: the agent's desk phone transfers the call to an expert's desk phone — a blind hand-over, the agent's phone is let go", async () => {
    const ana = await live.person('ana', ['agent']);
    const bo = await live.person('bo', ['expert']);
    const boPhone = await live.deskPhone(bo);
    const anaPhone = await live.deskPhone(ana, 'phone-buttons', {}, bo.user);
    const { phone: customer, number } = await live.customer(12_000);

    await anaPhone.calls.waitForOutcome(/^answered /, 5000);
    const call = await live.callOf(number, (c) => c.state === 'connected');
    // After its hold and resume the phone presses transfer: accepted, told it went (200), and the call leaves it.
    await anaPhone.calls.waitForOutcome(/^refer_answered 202 /, 10_000);
    await anaPhone.calls.waitForOutcome(/^transfer_notified 200 /, 5000);
    await anaPhone.calls.waitForOutcome(/^remote_bye /, 5000);
    await boPhone.calls.waitForOutcome(/^answered /, 8000);
    const members = await live.roomHolds(call.room, [number, bo.user]);
    const requested = await live.waitForEvent((e) => e.type === 'escalation.requested' && e.data.callId === call.id);
    expect(requested.data).toMatchObject({ mode: 'blind', requestedBy: ana.id });
    await live.waitForEvent((e) => e.type === 'escalation.joined' && e.data.callId === call.id);

    await customer.waitForOutcome(/^local_bye$/, 15_000);
    await boPhone.calls.waitForOutcome(/^remote_bye /, 5000);
    await live.expectNothingLeft(call.room, members.map((m) => m.uuid), [ana, bo]);
  });

  it('escalation: the deadline passes with no expert answering — the call returns to the agent', async () => {
    const ana = await tokenAgent(live);
    const bo = await live.person('bo', ['expert']);
    const anaPhone = await live.deskPhone(ana);
    const boPhone = await live.deskPhone(bo, 'phone-no-answer');
    const { call, customer, number } = await customerWithAgent(live, ana, anaPhone, 16_000);

    // Blind: the agent leaves at once; bo rings past the 5 s deadline.
    const requested = await escalate(live, call.id, { target: { expertId: bo.id }, mode: 'blind', deadlineSec: 5, ringTimeoutSec: 10 });
    await anaPhone.calls.waitForOutcome(/^remote_bye /, 5000);
    await boPhone.calls.waitForOutcome(/^invite /, 5000);
    await live.roomHolds(call.room, [number]);
    await boPhone.calls.waitForOutcome(/^cancelled /, 8000);
    const failed = await live.escalation(requested.id, 'failed');
    expect(failed.reason).toBe('deadline');
    const event = await live.waitForEvent((e) => e.type === 'escalation.failed' && e.data.callId === call.id);
    expect(event.data).toMatchObject({ reason: 'deadline', returnedTo: 'agent' });

    // ana's phone rings again and she has the customer back.
    await eventually(() => expect(anaPhone.calls.outcomes().filter((o) => o.startsWith('answered '))).toHaveLength(2), 8000);
    const members = await live.roomHolds(call.room, [number, ana.user]);
    await live.callOf(number, (c) => c.state === 'connected');
    expect(await live.presenceOf(bo)).toMatchObject({ activeClaims: 0 });

    await customer.waitForOutcome(/^local_bye$/, 15_000);
    await live.expectNothingLeft(call.room, members.map((m) => m.uuid), [ana, bo]);
  });
});
