import { currentContacts, personInputSchema } from '../../src/domain/person';
import { storedPerson } from '../../src/store/people-store';
import { expert } from '../support/people-fixtures';
import { auth, startTestApp, TOKENS } from '../support/test-app';

describe('claims', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(() => t.close());

  /** Adds people and makes them available one after another, so idle order is theirs. */
  async function addAvailable(...people: ReturnType<typeof expert>[]) {
    for (const p of people) {
      await t.services.directory.create(personInputSchema.parse(p));
      await t.services.presence.set(p.id, 'available', '', 'self');
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  const claim = (body: object, token: string = TOKENS.agentAna) =>
    t.app.inject({ method: 'POST', url: '/v1/claims', headers: auth(token), payload: body });

  it('claims the longest-idle match, and nobody twice', async () => {
    await addAvailable(expert('e1'), expert('e2'), expert('e3', { skills: [{ name: 'billing', level: 1 }] }));
    const first = await claim({ role: 'expert', skills: [{ name: 'billing', minLevel: 2 }] });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ expertId: 'e1', claimId: expect.any(String), expiresAt: expect.any(String) });
    const second = await claim({ role: 'expert', skills: [{ name: 'billing', minLevel: 2 }] });
    expect(second.json().expertId).toBe('e2');
    const third = await claim({ role: 'expert', skills: [{ name: 'billing', minLevel: 2 }] });
    expect(third.statusCode).toBe(409);
    expect(third.json()).toMatchObject({ error: 'none_available' });
  });

  it("routing's claim brings the profile it claimed, so whoever dials the person reads nothing more; the API's does not", async () => {
    await addAvailable(expert('e1', { languages: ['fr'], skills: [{ name: 'billing', level: 3 }] }), expert('e2'));
    const routed = await t.services.claims.tryClaim({ role: 'expert', skills: [], exclude: [] });
    expect(storedPerson('e1', routed?.profile ?? '')).toEqual((await t.services.directory.get('e1')).person);
    expect((await t.services.claims.claim({ role: 'expert', skills: [], exclude: [] })).profile).toBeUndefined();
  });

  it("routing's claim also brings the desk user's registered phones, so dialling looks up no contact either", async () => {
    await addAvailable(expert('e1'), expert('e2'));
    await t.services.stores.registrationStore.save({ user: 'e1', contact: 'sip:e1@10.0.0.5:5062', expiresSec: 600 });
    await t.services.stores.registrationStore.save({ user: 'e1', contact: 'sip:e1@10.0.0.9:5060', expiresSec: 60 });
    const registered = await t.services.claims.tryClaim({ role: 'expert', skills: [], exclude: [] });
    // Both of e1's phones, the one that stays registered longer first.
    expect(registered?.deskPhone).toEqual({
      user: 'e1',
      phones: [
        { contact: 'sip:e1@10.0.0.5:5062', expiresMs: expect.any(Number) },
        { contact: 'sip:e1@10.0.0.9:5060', expiresMs: expect.any(Number) },
      ],
    });
    expect(registered?.deskPhone && currentContacts(registered.deskPhone)).toEqual(['sip:e1@10.0.0.5:5062', 'sip:e1@10.0.0.9:5060']);
    expect(registered?.deskPhone && currentContacts(registered.deskPhone, Date.now() + 61_000)).toEqual(['sip:e1@10.0.0.5:5062']);
    // Not registered: the claim says so, and there is nothing to dial.
    const unregistered = await t.services.claims.tryClaim({ role: 'expert', skills: [], exclude: [] });
    expect(unregistered?.deskPhone).toEqual({ user: 'e2', phones: [] });
  });

  it('honours language, several skills and the exclude list', async () => {
    await addAvailable(
      expert('de1', { languages: ['de-AT'], skills: [{ name: 'billing', level: 4 }, { name: 'tv', level: 2 }] }),
      expert('de2', { languages: ['de'], skills: [{ name: 'billing', level: 4 }, { name: 'tv', level: 5 }] }),
      expert('en1', { skills: [{ name: 'billing', level: 5 }, { name: 'tv', level: 5 }] }),
    );
    const pick = async (body: object) => (await claim(body)).json().expertId as string | undefined;
    expect(await pick({ role: 'expert', language: 'de', skills: [{ name: 'tv', minLevel: 3 }] })).toBe('de2');
    expect(await pick({ role: 'expert', language: 'de', exclude: ['de1'] })).toBeUndefined();
    expect(await pick({ role: 'expert', language: 'de-at' })).toBe('de1');
    expect(await pick({ role: 'agent' })).toBeUndefined();
  });

  it('claims one named person only while they are free and match', async () => {
    await addAvailable(expert('e1'), expert('e2', { languages: ['fr'] }));
    const pick = async (body: object) => (await claim(body)).json().expertId as string | undefined;
    expect(await pick({ role: 'expert', personId: 'e2', language: 'de' })).toBeUndefined();
    expect(await pick({ role: 'expert', personId: 'e2' })).toBe('e2');
    expect(await pick({ role: 'expert', personId: 'e2' })).toBeUndefined();
    expect(await pick({ role: 'expert', personId: 'nobody' })).toBeUndefined();
    expect(await pick({ role: 'expert' })).toBe('e1');
  });

  it('lets 50 parallel claims take 10 free experts exactly once each', async () => {
    await addAvailable(...Array.from({ length: 10 }, (_, i) => expert(`x${i}`)));
    const results = await Promise.all(
      Array.from({ length: 50 }, () => claim({ role: 'expert', skills: [{ name: 'billing', minLevel: 1 }] })),
    );
    const won = results.filter((r) => r.statusCode === 201).map((r) => r.json().expertId as string);
    expect(won).toHaveLength(10);
    expect(new Set(won).size).toBe(10);
    expect(results.filter((r) => r.statusCode === 409)).toHaveLength(40);
  });

  it('frees the expert when the lease lapses, and renew keeps it', async () => {
    await addAvailable(expert('e1'), expert('e2'));
    const lapsing = (await claim({ role: 'expert', leaseSec: 1 })).json();
    const kept = (await claim({ role: 'expert', leaseSec: 1 })).json();
    expect([lapsing.expertId, kept.expertId]).toEqual(['e1', 'e2']);

    await new Promise((r) => setTimeout(r, 600));
    const renewed = await t.app.inject({
      method: 'POST',
      url: `/v1/claims/${kept.claimId}/renew`,
      headers: auth(TOKENS.agentAna),
      payload: { leaseSec: 30 },
    });
    expect(renewed.statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, 600));

    // e1's lease has lapsed (no sweep ran yet: the claim itself sweeps first).
    const again = await claim({ role: 'expert' });
    expect(again.json().expertId).toBe('e1');
    expect((await t.services.directory.get('e2')).presence.activeClaims).toBe(1);
    const renewLapsed = await t.app.inject({ method: 'POST', url: `/v1/claims/${lapsing.claimId}/renew`, headers: auth(TOKENS.agentAna) });
    expect(renewLapsed.statusCode).toBe(404);
  });

  it('renews a claim whose stored meta another writer garbled, naming its holder and new expiry', async () => {
    await addAvailable(expert('e1'));
    const held = (await claim({ role: 'expert' })).json();
    await t.redis.connect().hset(`${t.redis.prefix}claim:${held.claimId}`, 'meta', '{not json');
    const renewed = await t.app.inject({ method: 'POST', url: `/v1/claims/${held.claimId}/renew`, headers: auth(TOKENS.agentAna) });
    expect(renewed.statusCode).toBe(200);
    expect(renewed.json()).toMatchObject({ claimId: held.claimId, expertId: 'e1' });
    expect(Date.parse(renewed.json().expiresAt)).toBeGreaterThan(Date.parse(held.expiresAt) - 1);
  });

  it('the periodic sweep frees lapsed leases with no further claims', async () => {
    await addAvailable(expert('e1'));
    await claim({ role: 'expert', leaseSec: 1 });
    expect((await t.services.directory.list({ available: true })).map((r) => r.person.id)).toEqual([]);
    await new Promise((r) => setTimeout(r, 1100));
    await t.services.housekeeping.runOnce();
    expect((await t.services.directory.list({ available: true })).map((r) => r.person.id)).toEqual(['e1']);
  });

  it("a holder that never renews (a crashed instance) leaves nobody busy: a call's person holding nothing else is available again", async () => {
    await addAvailable(expert('e1'), expert('multi', { maxConcurrentCalls: 2 }));
    const stranded = (await claim({ role: 'expert', leaseSec: 1 })).json();
    const [lapsing, held] = [(await claim({ role: 'expert', leaseSec: 1 })).json(), (await claim({ role: 'expert', leaseSec: 30 })).json()];
    expect([stranded.expertId, lapsing.expertId, held.expertId]).toEqual(['e1', 'multi', 'multi']);
    for (const id of ['e1', 'multi']) await t.services.presence.startCall(id);
    await new Promise((r) => setTimeout(r, 1100));
    await t.services.housekeeping.runOnce();

    expect((await t.services.directory.get('e1')).presence).toMatchObject({ state: 'available', activeClaims: 0 });
    // Still on the call whose claim is renewed.
    expect((await t.services.directory.get('multi')).presence).toMatchObject({ state: 'busy', activeClaims: 1 });
    expect((await claim({ role: 'expert', personId: 'e1' })).json().expertId).toBe('e1');
  });

  it('releases a claim once; a second release is a 404', async () => {
    await addAvailable(expert('e1'));
    const { claimId } = (await claim({ role: 'expert' })).json();
    const release = () => t.app.inject({ method: 'DELETE', url: `/v1/claims/${claimId}`, headers: auth(TOKENS.agentAna) });
    expect((await release()).statusCode).toBe(204);
    expect((await release()).statusCode).toBe(404);
    expect((await t.services.directory.get('e1')).presence.activeClaims).toBe(0);
    expect((await claim({ role: 'expert' })).json().expertId).toBe('e1');
  });

  it('takes a second concurrent claim only for people who allow two calls', async () => {
    await addAvailable(expert('multi', { maxConcurrentCalls: 2 }));
    expect((await claim({ role: 'expert' })).statusCode).toBe(201);
    await t.services.presence.set('multi', 'busy', 'on a call', 'system');
    expect((await claim({ role: 'expert' })).json().expertId).toBe('multi');
    expect((await claim({ role: 'expert' })).statusCode).toBe(409);
  });

  it('validates the request and the role', async () => {
    const bad = await claim({ role: 'wizard', skills: [{ name: 'Billing!', minLevel: 7 }], leaseSec: 0 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.map((d: { field: string }) => d.field)).toEqual(
      expect.arrayContaining(['body.role', 'body.skills.0.name', 'body.skills.0.minLevel', 'body.leaseSec']),
    );
    expect((await claim({ role: 'expert' }, TOKENS.expertBo)).statusCode).toBe(403);
  });
});
