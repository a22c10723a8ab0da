import { personInputSchema } from '../../src/domain/person';
import { HEARTBEAT_MISSED } from '../../src/services/presence-service';
import { expert } from '../support/people-fixtures';
import { openSse } from '../support/sse-client';
import { auth, startTestApp, TOKENS } from '../support/test-app';

describe('presence', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  beforeEach(async () => {
    t = await startTestApp({ PRESENCE_HEARTBEAT_SEC: '1', PRESENCE_OFFLINE_AFTER_SEC: '2' });
    for (const id of ['bo', 'cy']) await t.services.directory.create(personInputSchema.parse(expert(id)));
  });
  afterEach(() => t.close());

  const setPresence = (id: string, body: object, token: string) =>
    t.app.inject({ method: 'PUT', url: `/v1/experts/${id}/presence`, headers: auth(token), payload: body });

  it('lets an expert set their own presence with a reason', async () => {
    const res = await setPresence('bo', { state: 'available' }, TOKENS.expertBo);
    expect(res.statusCode).toBe(200);
    expect(res.json().presence).toMatchObject({ state: 'available', reason: '' });
    const away = await setPresence('bo', { state: 'away', reason: 'lunch' }, TOKENS.expertBo);
    expect(away.json().presence).toMatchObject({ state: 'away', reason: 'lunch' });
    expect(Date.parse(away.json().presence.since)).toBeGreaterThan(0);
  });

  it('refuses an illegal transition with 409 and the reason', async () => {
    const res = await setPresence('bo', { state: 'busy' }, TOKENS.expertBo);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: 'illegal_transition', message: 'busy is set by calls, not by hand' });
    expect((await t.services.directory.get('bo')).presence.state).toBe('offline');
  });

  it("forbids changing someone else's presence, but lets a supervisor override", async () => {
    expect((await setPresence('cy', { state: 'available' }, TOKENS.expertBo)).statusCode).toBe(403);
    const override = await setPresence('cy', { state: 'busy', reason: 'in a meeting' }, TOKENS.supervisor);
    expect(override.statusCode).toBe(200);
    expect(override.json().presence.state).toBe('busy');
    expect((await setPresence('nobody', { state: 'away' }, TOKENS.supervisor)).statusCode).toBe(404);
    expect((await setPresence('bo', { state: 'napping' }, TOKENS.expertBo)).statusCode).toBe(400);
  });

  it('follows calls: busy, then wrap-up, then available again, idle from then on', async () => {
    await t.services.presence.set('bo', 'available', '', 'self');
    const before = (await t.services.directory.get('bo')).presence.idleSince;
    await t.services.presence.set('bo', 'busy', 'on a call', 'system');
    await t.services.presence.set('bo', 'wrap-up', '', 'system');
    await new Promise((r) => setTimeout(r, 5));
    const after = await t.services.presence.set('bo', 'available', '', 'system');
    expect(after.presence.idleSince > before).toBe(true);
  });

  it("the system's call changes read only the presence, and skip a person deleted meanwhile", async () => {
    const { people, registrationStore } = t.services.stores;
    await registrationStore.save({ user: 'bo', contact: 'sip:bo@10.0.0.9:5060', expiresSec: 600 });
    await t.services.presence.set('bo', 'available', '', 'self');
    await t.services.presence.startCall('bo');
    expect(await people.presence('bo')).toEqual((await t.services.directory.get('bo')).presence);
    expect((await people.presence('bo'))?.state).toBe('busy');
    const reads = jest.spyOn(people, 'presence');
    await t.services.presence.endCall('bo');
    // One read of the presence serves both the check for another call and the change itself.
    expect(reads).toHaveBeenCalledTimes(1);
    reads.mockRestore();
    expect((await people.presence('bo'))?.state).toBe('wrap-up');

    await t.services.directory.delete('bo');
    expect(await people.presence('bo')).toBeUndefined();
    expect(await t.services.presence.trySystem('bo', 'available', '')).toBe(false);
    await expect(t.services.presence.endCall('bo')).resolves.toBeUndefined();
  });

  it("lists the glance list: free now, best level first, then longest idle", async () => {
    await t.services.directory.create(personInputSchema.parse(expert('dee', { skills: [{ name: 'billing', level: 5 }] })));
    for (const id of ['cy', 'bo', 'dee']) {
      await t.services.presence.set(id, 'available', '', 'self');
      await new Promise((r) => setTimeout(r, 3));
    }
    const claim = await t.services.claims.claim({ role: 'expert', skills: [], exclude: ['cy', 'bo'] });
    const res = await t.app.inject({ url: '/v1/experts?available=true&skill=billing', headers: auth(TOKENS.agentAna) });
    expect(res.json().items.map((p: { id: string }) => p.id)).toEqual(['cy', 'bo']);
    await t.services.claims.release(claim.claimId);
    const freed = await t.app.inject({ url: '/v1/experts?available=true&skill=billing', headers: auth(TOKENS.agentAna) });
    expect(freed.json().items.map((p: { id: string }) => p.id)).toEqual(['dee', 'cy', 'bo']);
    await t.services.presence.set('cy', 'away', '', 'self');
    const later = await t.app.inject({ url: '/v1/experts?available=true', headers: auth(TOKENS.agentAna) });
    expect(later.json().items.map((p: { id: string }) => p.id)).toEqual(['bo', 'dee']);
  });

  it('turns a silent console away, then offline; a heartbeat brings it back from away', async () => {
    await t.services.presence.set('bo', 'available', '', 'self');
    const beat = await t.app.inject({ method: 'POST', url: '/v1/presence/heartbeat', headers: auth(TOKENS.expertBo) });
    expect(beat.statusCode).toBe(200);
    const now = Date.now();

    await t.services.presence.sweepHeartbeats(now + 1500);
    expect((await t.services.directory.get('bo')).presence).toMatchObject({ state: 'away', reason: HEARTBEAT_MISSED });

    await t.app.inject({ method: 'POST', url: '/v1/presence/heartbeat', headers: auth(TOKENS.expertBo) });
    expect((await t.services.directory.get('bo')).presence.state).toBe('available');

    await t.services.presence.sweepHeartbeats(Date.now() + 2500);
    expect((await t.services.directory.get('bo')).presence).toMatchObject({ state: 'offline', reason: HEARTBEAT_MISSED });
    const adminBeat = await t.app.inject({ method: 'POST', url: '/v1/presence/heartbeat', headers: auth(TOKENS.admin) });
    expect(adminBeat.statusCode).toBe(403);
  });

  it('streams every change to clients of any instance through Redis', async () => {
    const other = await startTestApp({ REDIS_KEY_PREFIX: t.config.redis.keyPrefix });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as { port: number };
    const stream = await openSse(`http://127.0.0.1:${port}/v1/presence/stream`, TOKENS.agentAna);
    try {
      const snapshot = await stream.waitFor((e) => e.event === 'snapshot');
      expect((snapshot.data as { items: { id: string }[] }).items.map((p) => p.id)).toEqual(['bo', 'cy']);

      await other.services.presence.set('cy', 'available', 'back', 'self');
      const change = await stream.waitFor((e) => e.event === 'presence');
      expect(change.data).toMatchObject({ personId: 'cy', presence: { state: 'available', reason: 'back' } });
    } finally {
      stream.close();
      await other.close();
    }
  });
});
