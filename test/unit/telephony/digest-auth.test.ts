import { createHash } from 'node:crypto';
import type { SipRequest, SipResponse } from '../../../src/telephony/drachtio-api';
import { digestAuth, expectedResponse, parseDigest } from '../../../src/telephony/digest-auth';
import { FakeFailedLogins, flush, silentLog } from './fakes';

const md5 = (...parts: string[]) => createHash('md5').update(parts.join(':')).digest('hex');
const CONTACT = '<sip:ana@192.168.1.20:5060>';
const PASSWORDS: Record<string, string> = { ana: 'ana-secret-1' };

describe('digest authentication of REGISTERs', () => {
  let now = 1_800_000_000_000;
  const setup = () => {
    const failedLogins = new FakeFailedLogins(2);
    const looked: string[] = [];
    const passwordFor = async (user: string) => (looked.push(user), PASSWORDS[user]);
    const auth = digestAuth({ realm: 'expert-bridge', passwordFor, failedLogins, log: silentLog, nonceTtlMs: 300_000, now: () => now });
    /** One REGISTER through the middleware: what it answered, or that it let the request on. */
    const register = async (headers: Record<string, string>, address = '203.0.113.7') => {
      const req = { method: 'REGISTER', uri: 'sip:pbx.example', source_address: address, get: (name: string) => headers[name] } as unknown as SipRequest;
      const res = { send: jest.fn(), finalResponseSent: false };
      const next = jest.fn();
      auth(req, res as unknown as SipResponse, next);
      await flush();
      return { status: next.mock.calls.length > 0 ? 'next' : (res.send.mock.calls[0]?.[0] as number), headers: res.send.mock.calls[0]?.[1]?.headers, req };
    };
    return { register, looked };
  };
  /** What a phone sends back, for a nonce, as RFC 2617 has it (qop=auth). */
  const answer = (nonce: string, password: string, user = 'ana') => {
    const response = md5(md5(user, 'expert-bridge', password), nonce, '00000001', 'c0ffee', 'auth', md5('REGISTER', 'sip:pbx.example'));
    return `Digest username="${user}", realm="expert-bridge", nonce="${nonce}", uri="sip:pbx.example", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="c0ffee"`;
  };
  const nonceOf = (header: string | undefined) => /nonce="([^"]+)"/.exec(header ?? '')?.[1] as string;

  it('challenges (401, our realm, qop auth), then lets the right password through with the user set', async () => {
    const { register } = setup();
    const first = await register({ Contact: CONTACT });
    expect(first.status).toBe(401);
    expect(first.headers['WWW-Authenticate']).toMatch(/^Digest realm="expert-bridge", algorithm=MD5, qop="auth", nonce="[^"]+"$/);
    const second = await register({ Contact: CONTACT, Authorization: answer(nonceOf(first.headers['WWW-Authenticate']), 'ana-secret-1') });
    expect(second.status).toBe('next');
    expect(second.req.authorization).toEqual({ username: 'ana', realm: 'expert-bridge' });
  });

  it('refuses a wrong password and an unknown user alike (403)', async () => {
    const { register } = setup();
    const nonce = nonceOf((await register({ Contact: CONTACT })).headers['WWW-Authenticate']);
    expect((await register({ Contact: CONTACT, Authorization: answer(nonce, 'guess') })).status).toBe(403);
    expect((await register({ Contact: CONTACT, Authorization: answer(nonce, 'guess', 'nobody') })).status).toBe(403);
  });

  it('does not look up a user name no desk phone could have (403, like a wrong password)', async () => {
    const { register, looked } = setup();
    const nonce = nonceOf((await register({ Contact: CONTACT })).headers['WWW-Authenticate']);
    expect((await register({ Contact: CONTACT, Authorization: answer(nonce, 'guess', 'ana*{}') })).status).toBe(403);
    expect(looked).toEqual([]);
  });

  it("will not take a captured answer for another contact (someone else's phone): a new challenge", async () => {
    const { register } = setup();
    const nonce = nonceOf((await register({ Contact: CONTACT })).headers['WWW-Authenticate']);
    const captured = answer(nonce, 'ana-secret-1');
    expect((await register({ Contact: '<sip:ana@198.51.100.66:5060>', Authorization: captured })).status).toBe(401);
    expect((await register({ Contact: CONTACT, Authorization: captured }, '198.51.100.66')).status).toBe(401);
    expect((await register({ Contact: CONTACT, Authorization: captured })).status).toBe('next');
  });

  it('asks again (stale) once a nonce is older than its time', async () => {
    const { register } = setup();
    const nonce = nonceOf((await register({ Contact: CONTACT })).headers['WWW-Authenticate']);
    now += 300_001;
    const late = await register({ Contact: CONTACT, Authorization: answer(nonce, 'ana-secret-1') });
    expect(late.status).toBe(401);
    expect(late.headers['WWW-Authenticate']).toMatch(/, stale=true$/);
  });

  it('refuses a guesser for a while, right password or not (403 without a challenge)', async () => {
    const { register } = setup();
    const nonce = nonceOf((await register({ Contact: CONTACT })).headers['WWW-Authenticate']);
    await register({ Contact: CONTACT, Authorization: answer(nonce, 'guess-1') });
    await register({ Contact: CONTACT, Authorization: answer(nonce, 'guess-2') });
    expect((await register({ Contact: CONTACT, Authorization: answer(nonce, 'ana-secret-1') })).status).toBe(403);
    expect((await register({ Contact: CONTACT, Authorization: answer(nonce, 'ana-secret-1') }, '198.51.100.4')).status).not.toBe(403);
  });
});

describe('the digest parts', () => {
  it("computes RFC 2617's own example", () => {
    const credentials = parseDigest(
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    );
    expect(credentials).toMatchObject({ username: 'Mufasa', qop: 'auth', nc: '00000001', cnonce: '0a4f113b' });
    expect(expectedResponse(credentials!, 'GET', 'Circle Of Life')).toBe('6629fae49393a05397450978507c4ef1');
  });

  it('reads quoted commas, and refuses a header without the parts it needs or with another algorithm', () => {
    expect(parseDigest('Digest username="a,b", realm="r", nonce="n", uri="sip:x", response="f"')?.username).toBe('a,b');
    expect(parseDigest('Digest username="ana", realm="r", uri="sip:x", response="f"')).toBeUndefined();
    expect(parseDigest('Digest username="ana", realm="r", nonce="n", uri="sip:x", response="f", algorithm=SHA-256')).toBeUndefined();
    expect(parseDigest('Basic YW5hOnNlY3JldA==')).toBeUndefined();
  });
});
