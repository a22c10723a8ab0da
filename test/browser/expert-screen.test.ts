import { screenshot, signIn } from '../support/browser';
import { ANA, BO, consoleTest } from '../support/console-app';
import { eventually } from '../support/eventually';
import { auth, TOKENS } from '../support/test-app';

jest.setTimeout(60_000);

describe('expert screen (headless Chromium, real app)', () => {
  const c = consoleTest(ANA, BO);

  const presenceOf = async (id: string) => (await c.app.services.directory.get(id)).presence;

  it('sets my presence: away with a reason, then available', async () => {
    await signIn(c.page, c.app.base, TOKENS.expertBo);
    const mine = c.page.getByRole('group', { name: 'My presence' });
    await mine.getByText('Offline').waitFor();
    await mine.getByLabel('Away because').selectOption('Lunch');
    await mine.getByRole('button', { name: 'Away' }).click();
    await eventually(async () => expect(await presenceOf('bo')).toMatchObject({ state: 'away', reason: 'Lunch' }));
    await mine.getByText('Away (Lunch)').waitFor();

    await mine.getByRole('button', { name: 'Available' }).click();
    await eventually(async () => expect((await presenceOf('bo')).state).toBe('available'));
    await mine.locator('.badge', { hasText: 'Available' }).waitFor();
    expect(await mine.getByRole('button', { name: 'Available' }).getAttribute('aria-pressed')).toBe('true');
    await screenshot(c.page, 'expert-idle');
  });

  describe('with the escalation API', () => {
    it('pops the case with a Decline button when an agent escalates to me', async () => {
      await c.app.setPresence('ana', 'available', TOKENS.agentAna);
      await c.app.setPresence('bo', 'available', TOKENS.expertBo);
      const call = await c.app.connectedCall('+43111', 'ana');
      await signIn(c.page, c.app.base, TOKENS.expertBo);
      await c.page.getByText('No offer right now.').waitFor();

      const res = await c.app.app.inject({
        method: 'POST',
        url: `/v1/calls/${call.id}/escalations`,
        headers: auth(TOKENS.agentAna),
        payload: {
          target: { expertId: 'bo' },
          mode: 'conference',
          case: { customer: { phone: '+43111', name: 'Maria Gomez' }, reason: 'Double charge', summary: 'Charged twice for March', notes: ['Has the bank statement'] },
        },
      });
      expect(res.statusCode).toBe(202);

      const offer = c.page.getByRole('alertdialog');
      await offer.waitFor();
      expect(await offer.textContent()).toContain('Charged twice for March');
      expect(await offer.textContent()).toContain('Maria Gomez');
      expect(await offer.getByText('Your desk phone is ringing').count()).toBe(1);
      await screenshot(c.page, 'expert-offer');

      const declined = c.page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/v1/escalations/${res.json().id}/decline`));
      await offer.getByRole('button', { name: 'Decline' }).click();
      expect((await declined).method()).toBe('POST');
      await offer.waitFor({ state: 'detached' });
    });

    it('pops the case when I open my screen after my phone started ringing', async () => {
      await c.app.setPresence('ana', 'available', TOKENS.agentAna);
      await c.app.setPresence('bo', 'available', TOKENS.expertBo);
      const call = await c.app.connectedCall('+43111', 'ana');
      const res = await c.app.app.inject({
        method: 'POST',
        url: `/v1/calls/${call.id}/escalations`,
        headers: auth(TOKENS.agentAna),
        payload: { target: { expertId: 'bo' }, mode: 'conference', case: { reason: 'Router reboots', summary: 'Every hour since Monday' } },
      });
      expect(res.statusCode).toBe(202);
      await eventually(async () => expect((await c.app.services.stores.escalationStore.get(res.json().id))?.state).toBe('ringing'));

      await signIn(c.page, c.app.base, TOKENS.expertBo);
      const offer = c.page.getByRole('alertdialog');
      await offer.waitFor();
      expect(await offer.textContent()).toContain('Every hour since Monday');
    });
  });
});
