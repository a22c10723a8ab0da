import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, get, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { personInputSchema } from '../../src/domain/person';
import { consoleRoutes } from '../../src/http/routes/console';
import { expert } from '../support/people-fixtures';
import { auth, startTestApp, TOKENS } from '../support/test-app';

describe('GET /v1/session', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    t = await startTestApp();
    await t.services.directory.create(personInputSchema.parse(expert('bo', { displayName: 'Bo Berg' })));
  });
  afterAll(() => t.close());

  const session = (token?: string) => t.app.inject({ url: '/v1/session', headers: token ? auth(token) : {} });

  it("tells the console the token's role, person and name", async () => {
    const res = await session(TOKENS.expertBo);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ role: 'expert', personId: 'bo', displayName: 'Bo Berg' });
  });

  it('leaves the name out for a person not in the directory, and the person for a token without one', async () => {
    expect((await session(TOKENS.agentAna)).json()).toEqual({ role: 'agent', personId: 'ana' });
    expect((await session(TOKENS.supervisor)).json()).toEqual({ role: 'supervisor' });
  });

  it('answers 401 without a known token', async () => {
    expect((await session()).statusCode).toBe(401);
    expect((await session('not-a-known-token-at-all')).json()).toMatchObject({ error: 'unauthorized' });
  });
});

describe('/console', () => {
  const dirs: string[] = [];
  const appWith = async (files: Record<string, string>) => {
    const root = mkdtempSync(join(tmpdir(), 'eb-console-'));
    dirs.push(root);
    for (const [name, content] of Object.entries(files)) writeFileSync(join(root, name), content);
    const app = Fastify();
    await app.register(consoleRoutes, { root });
    return app;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('serves the built page without a token, with a policy that loads nothing from elsewhere', async () => {
    const app = await appWith({ 'index.html': '<!doctype html><title>console</title>', 'console.js': 'void 0' });
    const page = await app.inject({ url: '/console/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect((await app.inject({ url: '/console/console.js' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/console/nothing.js' })).statusCode).toBe(404);
    const bare = await app.inject({ url: '/console' });
    expect(bare.statusCode).toBe(302);
    expect(bare.headers.location).toBe('/console/');
  });

  it('says how to build the console when the bundle is missing', async () => {
    const app = await appWith({});
    const res = await app.inject({ url: '/console/' });
    expect(res.statusCode).toBe(503);
    expect(res.json().message).toMatch(/npm run build/);
  });

  it('is public in the real app, while the API still needs a token', async () => {
    const t = await startTestApp();
    try {
      expect((await t.app.inject({ url: '/console' })).statusCode).toBe(302);
      expect((await t.app.inject({ url: '/v1/calls' })).statusCode).toBe(401);
    } finally {
      await t.close();
    }
  });
});

describe('shutdown', () => {
  it('does not wait on a browser keeping the connection of a reply that finished while closing', async () => {
    const t = await startTestApp();
    const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    // Like a browser's pool: the connection stays open for reuse after the reply.
    const agent = new Agent({ keepAlive: true });
    let closing: Promise<void> | undefined;
    t.app.server.prependListener('request', () => (closing ??= t.close()));
    try {
      const res = await new Promise<IncomingMessage>((resolve, reject) =>
        get(`${base}/v1/session`, { agent, headers: auth(TOKENS.agentAna) }, resolve).on('error', reject),
      );
      res.resume();
      expect(res.statusCode).toBe(200);
      // The reply tells the client not to keep the connection, so close() need not wait for it.
      expect(res.headers.connection).toBe('close');
      await closing;
    } finally {
      agent.destroy();
      await closing;
    }
  });

  it('does not wait on a connection a browser opened ahead of need and never used', async () => {
    const t = await startTestApp();
    const base = new URL(await t.app.listen({ host: '127.0.0.1', port: 0 }));
    const socket = connect(Number(base.port), base.hostname);
    try {
      await new Promise((resolve) => socket.once('connect', resolve));
      const droppedByServer = new Promise((resolve) => socket.once('close', resolve));
      // Without the fix close() waits until the client gives up, which the test never does.
      await t.close();
      await droppedByServer;
      expect(socket.destroyed).toBe(true);
    } finally {
      socket.destroy();
    }
  });
});
