import { screenshot, signIn } from '../support/browser';
import { ANA, BO, CY, consoleTest } from '../support/console-app';
import { eventually } from '../support/eventually';
import { auth, TOKENS } from '../support/test-app';

jest.setTimeout(60_000);

describe('agent screen (headless Chromium, real app)', () => {
  const c = consoleTest(ANA, BO, CY);

  const freeExperts = () => c.page.locator('ul.experts');

  it('shows an expert who becomes available without a reload', async () => {
    await c.app.setPresence('cy', 'available', TOKENS.expertCy);
    await signIn(c.page, c.app.base, TOKENS.agentAna);
    await freeExperts().getByText('Cy Osei').waitFor();
    expect(await freeExperts().getByText('Bo Berg').count()).toBe(0);

    await c.app.setPresence('bo', 'available', TOKENS.expertBo);
    const bo = freeExperts().locator('button', { hasText: 'Bo Berg' });
    await bo.waitFor();
    // Best match first: nobody is filtered, so the longer idle one leads.
    expect(await freeExperts().locator('.expert-name').allTextContents()).toEqual(['Cy Osei', 'Bo Berg']);
    expect(await bo.textContent()).toContain('billing 5/5');

    // Filtering by skill asks the server again.
    await c.page.getByLabel('Skill', { exact: true }).first().selectOption('billing');
    await freeExperts().getByText('Cy Osei').waitFor({ state: 'detached' });
    expect(await freeExperts().locator('.expert-name').allTextContents()).toEqual(['Bo Berg']);
    await screenshot(c.page, 'agent-idle');
  });

  /** Fills the case form as an agent would; returns the reason the form will send. */
  async function fillCase(): Promise<string> {
    const reason = c.page.getByLabel('Reason', { exact: true });
    await reason.waitFor();
    // A configured list (issue 7) makes it a select; until then it is free text.
    let sent = 'Double charge';
    if ((await reason.evaluate((el) => el.tagName)) === 'SELECT') {
      sent = await reason.locator('option:nth-child(2)').getAttribute('value') as string;
      await reason.selectOption(sent);
    } else {
      await reason.fill(sent);
    }
    await c.page.getByLabel('Customer name').fill('Maria Gomez');
    await c.page.getByLabel('Summary').fill('Charged twice for March');
    await c.page.getByLabel('Add a note').fill('Has the bank statement at hand');
    await c.page.getByRole('button', { name: 'Add note' }).click();
    await c.page.getByLabel('Add a note').fill('Tried a refund in the app: failed');
    await c.page.getByLabel('Add a note').press('Enter');
    await c.page.getByLabel('Product').fill('Fibre 100');
    await c.page.getByLabel('Touchpoint').selectOption('web');
    await c.page.getByRole('button', { name: 'Add field' }).click();
    await c.page.getByLabel('Field 1 name').fill('contract');
    await c.page.getByLabel('Field 1 value').fill('C-778');
    return sent;
  }

  const expectedCase = (reason: string) => ({
    customer: { phone: '+43111', name: 'Maria Gomez' },
    reason,
    summary: 'Charged twice for March',
    notes: ['Has the bank statement at hand', 'Tried a refund in the app: failed'],
    product: 'Fibre 100',
    touchpoint: 'web',
    fields: { contract: 'C-778' },
  });

  const escalationRequest = (callId: string) =>
    c.page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/v1/calls/${callId}/escalations`));

  it('shows my call and sends an escalation to the picked expert with the case form as its body', async () => {
    await c.app.setPresence('ana', 'available', TOKENS.agentAna);
    await c.app.setPresence('bo', 'available', TOKENS.expertBo);
    const call = await c.app.connectedCall('+43111', 'ana');
    await signIn(c.page, c.app.base, TOKENS.agentAna);
    await c.page.locator('.customer-number', { hasText: '+43111' }).waitFor();
    await c.page.locator('ul.participants').getByText('Ana Lima (you)').waitFor();

    const reason = await fillCase();
    await freeExperts().locator('button', { hasText: 'Bo Berg' }).click();
    expect(await c.page.getByLabel('This expert:').isChecked()).toBe(true);
    const sent = escalationRequest(call.id);
    await c.page.getByRole('button', { name: 'Conference' }).click();
    const request = await sent;
    expect(request.postDataJSON()).toEqual({ target: { expertId: 'bo' }, mode: 'conference', case: expectedCase(reason) });
    expect(request.headers()['idempotency-key']).toMatch(/^[0-9a-f]{32}$/);
    await screenshot(c.page, 'agent-call');
  });

  it("shows, without a reload, my desk phone holding the call and the customer hearing music, and the resume", async () => {
    await c.app.setPresence('ana', 'available', TOKENS.agentAna);
    await c.app.connectedCall('+43111', 'ana');
    await signIn(c.page, c.app.base, TOKENS.agentAna);
    const participants = c.page.locator('ul.participants');
    await participants.getByText('Ana Lima (you)').waitFor();
    const deskPhone = c.app.phone.liveLegs().find((leg) => leg.label.includes('ana'));
    deskPhone?.phoneHold(true);
    await participants.getByText('joined, muted, holding on their phone').waitFor();
    await participants.getByText('joined, on hold').waitFor();
    await screenshot(c.page, 'agent-desk-phone-hold');
    deskPhone?.phoneHold(false);
    await participants.getByText('holding on their phone').waitFor({ state: 'detached' });
    expect(await participants.getByText('on hold').count()).toBe(0);
  });

  it('keeps the case across a reload while the call lasts, and escalates to a skill', async () => {
    await c.app.setPresence('ana', 'available', TOKENS.agentAna);
    const call = await c.app.connectedCall('+43111', 'ana');
    await signIn(c.page, c.app.base, TOKENS.agentAna);
    const reason = await fillCase();

    await c.page.reload();
    await c.page.locator('.customer-number', { hasText: '+43111' }).waitFor();
    expect(await c.page.getByLabel('Summary').inputValue()).toBe('Charged twice for March');
    await c.page.locator('ul.notes').getByText('Tried a refund in the app: failed').waitFor();

    await c.page.getByLabel('Anyone free with the skill').check();
    await c.page.getByRole('group', { name: 'Bring in' }).getByLabel('Skill', { exact: true }).selectOption('billing');
    await c.page.getByLabel('Level').selectOption('3');
    await c.page.getByRole('group', { name: 'Bring in' }).getByLabel('Language').fill('en');
    const sent = escalationRequest(call.id);
    await c.page.getByRole('button', { name: 'Blind transfer' }).click();
    expect((await sent).postDataJSON()).toEqual({
      target: { skills: [{ name: 'billing', minLevel: 3 }], language: 'en' },
      mode: 'blind',
      case: expectedCase(reason),
    });
  });

  it('refuses to escalate without a reason, and says so', async () => {
    await c.app.setPresence('ana', 'available', TOKENS.agentAna);
    await c.app.connectedCall('+43111', 'ana');
    await signIn(c.page, c.app.base, TOKENS.agentAna);
    await c.page.getByLabel('Reason', { exact: true }).waitFor();
    let sent = false;
    c.page.on('request', (r) => (sent ||= r.url().includes('/escalations')));
    await c.page.getByRole('button', { name: 'Conference' }).click();
    await c.page.getByText('Give the reason for the call first.').waitFor();
    expect(sent).toBe(false);
  });

  it('turns the call into a wrap-up form when the customer hangs up, and records the wrap-up', async () => {
    await c.app.setPresence('ana', 'available', TOKENS.agentAna);
    const call = await c.app.connectedCall('+43111', 'ana');
    await signIn(c.page, c.app.base, TOKENS.agentAna);
    await c.page.getByLabel('Reason', { exact: true }).selectOption('billing');
    c.app.phone.liveLegs().find((l) => l.label.startsWith('customer'))?.remoteHangup();
    await c.page.getByRole('heading', { name: 'Wrap-up: call with +43111' }).waitFor();
    // The case's reason carries over; the list is the server's taxonomy.
    await eventually(async () => expect(await c.page.getByLabel('Reason', { exact: true }).inputValue()).toBe('billing'));
    await c.page.getByLabel('Follow-up due').fill('2030-01-31');
    await c.page.getByLabel('Wrap-up notes').fill('Refund promised');
    await screenshot(c.page, 'agent-wrap-up');
    await c.page.getByRole('button', { name: 'Finish wrap-up' }).click();
    await c.page.getByRole('heading', { name: 'Wrap-up: call with +43111' }).waitFor({ state: 'detached' });
    const history = await c.app.app.inject({ url: '/v1/customers/+43111/history', headers: auth(TOKENS.supervisor) });
    expect(history.json().contacts[0]).toMatchObject({
      callId: call.id,
      reason: 'billing',
      firstContactResolution: true,
      followUps: [expect.objectContaining({ dueDate: '2030-01-31' })],
    });
  });

  describe('with the escalation API', () => {
    it('shows the escalation progress: ringing the expert, then joined', async () => {
      await c.app.setPresence('ana', 'available', TOKENS.agentAna);
      await c.app.setPresence('bo', 'available', TOKENS.expertBo);
      await c.app.connectedCall('+43111', 'ana');
      await signIn(c.page, c.app.base, TOKENS.agentAna);
      await fillCase();
      await freeExperts().locator('button', { hasText: 'Bo Berg' }).click();
      await c.page.getByRole('button', { name: 'Conference' }).click();
      await c.page.getByText('Ringing Bo Berg…').first().waitFor();
      (await c.app.dialTo('bo')).answer();
      await c.page.getByText('Bo Berg joined').waitFor();
      await c.page.locator('ul.participants').getByText('Bo Berg').waitFor();
      await screenshot(c.page, 'agent-escalation');
    });

    it('keeps the pushed progress when the 202 (still hunting) arrives after it', async () => {
      await c.app.setPresence('ana', 'available', TOKENS.agentAna);
      await c.app.setPresence('bo', 'available', TOKENS.expertBo);
      await c.app.connectedCall('+43111', 'ana');
      await signIn(c.page, c.app.base, TOKENS.agentAna);
      await fillCase();
      await freeExperts().locator('button', { hasText: 'Bo Berg' }).click();
      // The 202 and the pushes come on different connections: hold the 202 until the push has shown.
      let pushShown!: () => void;
      const shown = new Promise<void>((resolve) => (pushShown = resolve));
      await c.page.route('**/escalations', async (route) => {
        const response = await route.fetch();
        await shown;
        await route.fulfill({ response });
      });
      const accepted = c.page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/escalations'));
      await c.page.getByRole('button', { name: 'Conference' }).click();
      const headline = c.page.locator('.progress .headline');
      await headline.getByText('Ringing Bo Berg…').waitFor();
      pushShown();
      await accepted;
      await c.page.waitForLoadState('networkidle');
      expect(await headline.textContent()).toBe('Ringing Bo Berg…');
    });
  });
});
