import { DeskPhone } from './support/desk-phone';
import { describeLive, eventually, liveSuite } from './support/live-suite';

// The service as the registrar of desk phones: digest authentication against
// the directory's sipPassword, and presence that follows the registration.

describeLive('desk-phone registration on the live stack', () => {
  const live = liveSuite();

  it('presence: an expert desk phone registers and un-registers — presence follows', async () => {
    const bo = await live.person('bo', ['expert']);
    expect(await live.presenceOf(bo)).toMatchObject({ state: 'offline' });

    const phone = await DeskPhone.start({ user: bo.user, password: bo.password, registrar: live.sipTarget, outDir: live.outDir, expiresSec: 120 });
    try {
      await eventually(async () => expect(await live.presenceOf(bo)).toMatchObject({ state: 'available', reason: 'desk phone registered', activeClaims: 0 }));
      // A wrong password is refused and changes nothing.
      expect(await phone.register(120, 'not-the-password')).toBe('forbidden');
      expect(await live.presenceOf(bo)).toMatchObject({ state: 'available' });

      const { phone: customer, number } = await live.customer(3000);
      await customer.waitForOutcome(/^answered$/, 5000);
      // bo is an expert, not an agent: the customer waits in the queue; bo's phone stays quiet.
      const call = await live.callOf(number, (c) => c.state === 'queued');
      expect(phone.calls.received('INVITE')).toEqual([]);
      await customer.waitForOutcome(/^local_bye$/, 5000);
      await live.expectNothingLeft(call.room, [], [bo]);

      expect(await phone.register(0)).toBe('registered expires=0');
      await eventually(async () => expect(await live.presenceOf(bo)).toMatchObject({ state: 'offline', reason: 'desk phone unregistered' }));

      // Registering again brings bo back.
      expect(await phone.register(120)).toBe('registered expires=120');
      await eventually(async () => expect(await live.presenceOf(bo)).toMatchObject({ state: 'available' }));
    } finally {
      await phone.stop();
    }
    await eventually(async () => expect(await live.presenceOf(bo)).toMatchObject({ state: 'offline' }));
  });
});
