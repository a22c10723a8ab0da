import { launchBrowser, type LaunchedBrowser, type Page, screenshot, signIn } from '../support/browser';
import { ANA, BO, CY, type ConsoleApp, startConsoleApp } from '../support/console-app';
import { TOKENS } from '../support/test-app';

jest.setTimeout(60_000);

describe('supervisor screen and the console shell (headless Chromium, real app)', () => {
  let browser: LaunchedBrowser;
  let app: ConsoleApp;
  let page: Page;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(() => browser.close());
  beforeEach(async () => {
    app = await startConsoleApp();
    await app.addPeople(ANA, BO, CY);
    page = await browser.context.newPage();
  });
  afterEach(async () => {
    await page.close();
    await app.close();
  });

  const callRow = (customer: string) => page.locator('tr', { hasText: customer });

  it('shows a live call and who is in its room, and the presence board, without a reload', async () => {
    await app.setPresence('ana', 'available', TOKENS.agentAna);
    await signIn(page, app.base, TOKENS.supervisor);
    await page.getByText('No calls right now.').waitFor();
    await page.locator('tr[data-person="bo"]', { hasText: 'Offline' }).waitFor();

    app.phone.call('+43222');
    await callRow('+43222').getByText('Ringing an agent').waitFor();
    (await app.dialTo('ana')).answer();
    await callRow('+43222').getByText('Connected').waitFor();
    expect(await callRow('+43222').textContent()).toContain('Ana Lima (agent) · joined');

    await app.setPresence('bo', 'available', TOKENS.expertBo);
    await page.locator('tr[data-person="bo"]', { hasText: 'Available' }).waitFor();
    await page.locator('tr[data-person="ana"]', { hasText: 'On a call' }).waitFor();
    await screenshot(page, 'supervisor');
  });

  it('says when the connection drops, reconnects, and catches up with what happened meanwhile', async () => {
    await app.setPresence('ana', 'available', TOKENS.agentAna);
    await signIn(page, app.base, TOKENS.supervisor);
    await page.getByText('No calls right now.').waitFor();

    app.app.server.closeAllConnections();
    app.phone.call('+43333');
    const banner = page.getByText('Connection lost: reconnecting…');
    await banner.waitFor();
    await screenshot(page, 'connection-lost');
    await banner.waitFor({ state: 'hidden' });
    await callRow('+43333').waitFor();
  });

  it('signs in with a token, refuses an unknown one, and signs out', async () => {
    await page.goto(`${app.base}/console/`);
    await screenshot(page, 'sign-in');
    await page.getByLabel('API token').fill('not-a-token-anyone-has');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('the token is not known').waitFor();

    await page.getByLabel('API token').fill(TOKENS.agentAna);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Expert Bridge Agent' }).waitFor();
    expect(await page.evaluate("sessionStorage.getItem('expert-bridge.token')")).toBe(TOKENS.agentAna);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor();
    expect(await page.evaluate("sessionStorage.getItem('expert-bridge.token')")).toBeNull();
  });
});
