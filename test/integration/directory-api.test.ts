import { auth, startTestApp, TOKENS } from '../support/test-app';

const ana = {
  id: 'ana',
  displayName: 'Ana Lima',
  roles: ['agent'],
  skills: [{ name: 'billing', level: 2 }],
  languages: ['en', 'pt-BR'],
  contacts: { desk: { user: 'ana' }, preferred: 'desk' },
};
const bo = {
  id: 'bo',
  displayName: 'Bo Berg',
  photoUrl: 'https://example.com/bo.jpg',
  roles: ['expert', 'agent'],
  skills: [{ name: 'billing', level: 5 }, { name: 'tv', level: 3 }],
  languages: ['de-AT', 'en'],
  contacts: { desk: { uri: 'sip:2001@pbx.example.com' }, mobile: { uri: 'tel:+4366412345' } },
  maxConcurrentCalls: 2,
  sipPassword: 'secret-password',
};

describe('directory API', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(() => t.close());

  const post = (body: object, token: string = TOKENS.admin) =>
    t.app.inject({ method: 'POST', url: '/v1/experts', headers: auth(token), payload: body });

  it('creates, reads, lists, updates and deletes a person', async () => {
    const created = await post(bo);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      id: 'bo',
      languages: ['de-at', 'en'],
      maxConcurrentCalls: 2,
      canRegister: true,
      presence: { state: 'offline', activeClaims: 0 },
    });
    expect(created.json()).not.toHaveProperty('sipPassword');

    const read = await t.app.inject({ url: '/v1/experts/bo', headers: auth(TOKENS.agentAna) });
    expect(read.statusCode).toBe(200);
    expect(read.json().contacts.mobile).toEqual({ uri: 'tel:+4366412345' });

    const patched = await t.app.inject({
      method: 'PATCH',
      url: '/v1/experts/bo',
      headers: auth(TOKENS.supervisor),
      payload: { skills: [{ name: 'tv', level: 4 }], photoUrl: null },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().skills).toEqual([{ name: 'tv', level: 4 }]);
    expect(patched.json()).not.toHaveProperty('photoUrl');
    expect(patched.json().displayName).toBe('Bo Berg');

    const bySkill = await t.app.inject({ url: '/v1/experts?skill=billing', headers: auth(TOKENS.admin) });
    expect(bySkill.json().items).toEqual([]);

    const deleted = await t.app.inject({ method: 'DELETE', url: '/v1/experts/bo', headers: auth(TOKENS.admin) });
    expect(deleted.statusCode).toBe(204);
    expect((await t.app.inject({ url: '/v1/experts/bo', headers: auth(TOKENS.admin) })).statusCode).toBe(404);
    expect(await t.redis.keys()).toEqual([]);
  });

  it('filters by role, skill, minimum level, language and state', async () => {
    await post(ana);
    await post(bo);
    const list = async (query: string) =>
      (await t.app.inject({ url: `/v1/experts?${query}`, headers: auth(TOKENS.admin) })).json().items.map((p: { id: string }) => p.id);
    expect(await list('')).toEqual(['ana', 'bo']);
    expect(await list('role=expert')).toEqual(['bo']);
    expect(await list('role=agent')).toEqual(['ana', 'bo']);
    expect(await list('skill=billing&minLevel=3')).toEqual(['bo']);
    expect(await list('language=pt')).toEqual(['ana']);
    expect(await list('language=de')).toEqual(['bo']);
    expect(await list('state=offline')).toEqual(['ana', 'bo']);
    expect(await list('state=available')).toEqual([]);
  });

  it("lists everyone else when one profile cannot be read (an older version's, a hand edit); reading that one is a 500", async () => {
    await post(ana);
    await post(bo);
    // An older version stored bo without the roles this one needs.
    const { roles: _, ...older } = bo;
    await t.redis.connect().hset(`${t.redis.prefix}person:bo`, 'profile', JSON.stringify(older));
    const list = await t.app.inject({ url: '/v1/experts', headers: auth(TOKENS.admin) });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((p: { id: string }) => p.id)).toEqual(['ana']);
    expect((await t.app.inject({ url: '/v1/experts/bo', headers: auth(TOKENS.admin) })).statusCode).toBe(500);
  });

  it('rejects bad input naming every bad field, and writes nothing', async () => {
    const res = await post({ ...bo, id: 'Bad Id', skills: [{ name: 'tv', level: 9 }], contacts: { preferred: 'desk' } });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error).toBe('invalid_input');
    const fields = body.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['body.id', 'body.skills.0.level', 'body.contacts.preferred']));
    expect(await t.redis.keys()).toEqual([]);
  });

  it('refuses a duplicate id with 409 and an unknown one with 404', async () => {
    await post(bo);
    const again = await post(bo);
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toBe('already_exists');
    const missing = await t.app.inject({ method: 'PATCH', url: '/v1/experts/zed', headers: auth(TOKENS.admin), payload: {} });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: 'not_found', message: 'person "zed" does not exist' });
  });

  it('needs a token (401) of a role that may write (403)', async () => {
    const none = await t.app.inject({ method: 'POST', url: '/v1/experts', payload: bo });
    expect(none.statusCode).toBe(401);
    expect(none.json().error).toBe('unauthorized');
    const unknown = await t.app.inject({ url: '/v1/experts', headers: auth('not-a-token-of-ours') });
    expect(unknown.statusCode).toBe(401);
    const expert = await post(bo, TOKENS.expertBo);
    expect(expert.statusCode).toBe(403);
    expect(expert.json().error).toBe('forbidden');
  });

  it('imports a directory seed, and a bad seed changes nothing', async () => {
    expect(await t.services.directory.importPeople('seed.yaml', { people: [ana, bo] })).toBe(2);
    await t.services.directory.importPeople('seed.yaml', { people: [{ ...bo, displayName: 'Bo B.' }] });
    expect((await t.services.directory.get('bo')).person.displayName).toBe('Bo B.');

    const before = await t.redis.keys();
    await expect(
      t.services.directory.importPeople('bad.yaml', { people: [{ ...ana, id: 'new-one' }, { id: 'x' }, ana, ana] }),
    ).rejects.toMatchObject({ code: 'invalid_input', details: expect.arrayContaining(['people: "ana" is listed twice']) });
    expect(await t.redis.keys()).toEqual(before);

    const sharedPhone = { contacts: { desk: { user: 'shared' } } };
    await expect(
      t.services.directory.importPeople('bad.yaml', { people: [{ ...ana, id: 'p1', ...sharedPhone }, { ...ana, id: 'p2', ...sharedPhone }] }),
    ).rejects.toMatchObject({ details: ['people: desk user "shared" is given to two people'] });
    expect(await t.redis.keys()).toEqual(before);
  });

  it('refuses a desk user that belongs to someone else', async () => {
    await post(ana);
    const clash = await post({ ...bo, contacts: { desk: { user: 'ana' } } });
    expect(clash.statusCode).toBe(409);
    expect(clash.json()).toMatchObject({ error: 'desk_user_taken' });
  });

  it('serves health without a token and the OpenAPI document at /docs', async () => {
    expect((await t.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().dependencies.redis.state).toBe('connected');
    expect(ready.json().dependencies.drachtio.configured).toBe(false);
    const doc = await t.app.inject({ url: '/docs/json' });
    expect(doc.statusCode).toBe(200);
    expect(Object.keys(doc.json().paths)).toEqual(expect.arrayContaining(['/v1/experts', '/v1/claims']));
  });
});
