import type { AddressInfo } from 'node:net';
import { screenshot, signIn } from '../support/browser';
import { ANA, BO, CY, consoleTest } from '../support/console-app';
import { TOKENS } from '../support/test-app';

jest.setTimeout(60_000);

describe('supervisor screen and the console shell (headless Chromium, real app)', () => {
  const c = consoleTest(ANA, BO, CY);

  const callRow = (customer: string) => c.page.locator('tr', { hasText: customer });

  it('shows a live call and who is in its room, and the presence board, without a reload', async () => {
    await c.app.setPresence('ana', 'available', TOKENS.agentAna);
    await signIn(c.page, c.app.base, TOKENS.supervisor);
    await c.page.getByText('No calls right now.').waitFor();
    await c.page.locator('tr[data-person="bo"]', { hasText: 'Offline' }).waitFor();

    c.app.phone.call('+43222');
    await callRow('+43222').getByText('Ringing an agent').waitFor();
    (await c.app.dialTo('ana')).answer();
    await callRow('+43222').getByText('Connected').waitFor();
    expect(await callRow('+43222').textContent()).toContain('Ana Lima (agent) · joined');

    await c.app.setPresence('bo', 'available', TOKENS.expertBo);
    await c.page.locator('tr[data-person="bo"]', { hasText: 'Available' }).waitFor();
    await c.page.locator('tr[data-person="ana"]', { hasText: 'On a call' }).waitFor();
    // Today's figures follow the reports: one call, answered.
    const figure = (label: string) => c.page.locator('.figure', { hasText: label }).locator('.value');
    await c.page.locator('.figure', { hasText: 'Calls' }).locator('.value', { hasText: /^1$/ }).waitFor();
    expect(await figure('Answered').textContent()).toBe('100%');
    await screenshot(c.page, 'supervisor');
  });

  it('says when the connection drops, reconnects, and catches up with what happened meanwhile', async () => {
    await c.app.setPresence('ana', 'available', TOKENS.agentAna);
    await signIn(c.page, c.app.base, TOKENS.supervisor);
    await c.page.getByText('No calls right now.').waitFor();

    // The server goes away for a while: streams end and reopening them fails.
    const server = c.app.app.server;
    const { port } = server.address() as AddressInfo;
    server.close();
    server.closeAllConnections();
    c.app.phone.call('+43333');
    const banner = c.page.getByText('Connection lost: reconnecting…');
    await banner.waitFor();
    await screenshot(c.page, 'connection-lost');
    server.listen(port, '127.0.0.1');
    await banner.waitFor({ state: 'hidden' });
    await callRow('+43333').waitFor();
  });

  it('reopens at once, without the banner, a stream the server ends after it was live (as after a lost Redis connection), and catches up', async () => {
    await signIn(c.page, c.app.base, TOKENS.supervisor);
    await c.page.getByText('No calls right now.').waitFor();
    await c.page.evaluate(`(() => {
      const banner = document.querySelector('.connection');
      window.bannerTexts = [];
      new MutationObserver(() => window.bannerTexts.push(banner.textContent)).observe(banner, { childList: true, characterData: true, subtree: true });
    })()`);
    // Live longer than the console's quiet-reopen threshold (3 s).
    await new Promise((resolve) => setTimeout(resolve, 4000));

    c.app.app.server.closeAllConnections();
    c.app.phone.call('+43444');
    await callRow('+43444').waitFor();
    expect(await c.page.evaluate('window.bannerTexts')).toEqual([]);
  });

  it('signs in with a token, refuses an unknown one, and signs out', async () => {
    await c.page.goto(`${c.app.base}/console/`);
    await screenshot(c.page, 'sign-in');
    await c.page.getByLabel('API token').fill('not-a-token-anyone-has');
    await c.page.getByRole('button', { name: 'Sign in' }).click();
    await c.page.getByRole('alert').getByText('the token is not known').waitFor();

    await c.page.getByLabel('API token').fill(TOKENS.agentAna);
    await c.page.getByRole('button', { name: 'Sign in' }).click();
    await c.page.getByRole('heading', { name: 'Expert Bridge Agent' }).waitFor();
    expect(await c.page.evaluate("sessionStorage.getItem('expert-bridge.token')")).toBe(TOKENS.agentAna);

    await c.page.getByRole('button', { name: 'Sign out' }).click();
    await c.page.getByLabel('API token').waitFor();
    expect(await c.page.evaluate("sessionStorage.getItem('expert-bridge.token')")).toBeNull();
  });
});
