import type { PhoneBinding } from '../../../src/domain/person';
import type { Registration, RegistrarHandlers } from '../../../src/services/ports/telephony';
import type { ParsedRegistration, SipRequest, SipResponse } from '../../../src/telephony/drachtio-api';
import { decideRegistration, defaultExpires, MAX_EXPIRES_SEC, MIN_EXPIRES_SEC, registrarHandler } from '../../../src/telephony/registrar';
import { flush, silentLog } from './fakes';

const registration = (overrides: Partial<ParsedRegistration> = {}): ParsedRegistration => ({
  type: 'register',
  expires: 300,
  contact: [{ uri: 'sip:ana@10.0.0.5:5060;transport=udp', params: {} }],
  aor: 'sip:ana@pbx.example',
  ...overrides,
});
const LAN = { address: '10.0.0.5', port: 5060, protocol: 'udp' };
const fromAna = (overrides: Partial<ParsedRegistration> = {}, source = LAN) => ({ registration: registration(overrides), authenticatedUser: 'ana', source });

describe('decideRegistration', () => {
  it('registers the first contact for the authenticated user', () => {
    expect(decideRegistration({ ...fromAna(), userAgent: 'Yealink T46U' })).toEqual({
      kind: 'register',
      registration: { user: 'ana', contact: 'sip:ana@10.0.0.5:5060;transport=udp', expiresSec: 300, userAgent: 'Yealink T46U' },
    });
  });

  it("keeps the phone's +sip.instance, unquoted, so its restart replaces its old binding", () => {
    const contact = [{ uri: 'sip:ana@10.0.0.5:5060', params: { '+sip.instance': '"<urn:uuid:00000000-0000-1000-8000-0004f2a1b2c3>"' } }];
    expect(decideRegistration(fromAna({ contact }))).toMatchObject({
      kind: 'register',
      registration: { contact: 'sip:ana@10.0.0.5:5060', instance: '<urn:uuid:00000000-0000-1000-8000-0004f2a1b2c3>' },
    });
  });

  it('shortens long registrations', () => {
    const decision = decideRegistration(fromAna({ expires: 86400 }));
    expect(decision.kind === 'register' && decision.registration.expiresSec).toBe(MAX_EXPIRES_SEC);
  });

  it('refuses a binding shorter than a minute with 423 and the Min-Expires to retry with', () => {
    expect(decideRegistration(fromAna({ expires: MIN_EXPIRES_SEC - 1 }))).toEqual({
      kind: 'refuse',
      status: 423,
      reason: 'Interval Too Brief',
      headers: { 'Min-Expires': String(MIN_EXPIRES_SEC) },
    });
    expect(decideRegistration(fromAna({ expires: MIN_EXPIRES_SEC }))).toMatchObject({ kind: 'register', registration: { expiresSec: MIN_EXPIRES_SEC } });
  });

  it('refuses an expiry that is no number of seconds (400), as the parser reads it', () => {
    for (const expires of [Number.NaN, -30, 90.5]) {
      expect(decideRegistration(fromAna({ expires }))).toMatchObject({ kind: 'refuse', status: 400, reason: 'Bad Expires' });
    }
  });

  it('refuses to let one user register as another (403)', () => {
    expect(decideRegistration({ ...fromAna(), authenticatedUser: 'bo' })).toMatchObject({ kind: 'refuse', status: 403 });
  });

  it('un-registers the contacts given, or every one for the wildcard', () => {
    expect(decideRegistration(fromAna({ type: 'unregister', expires: 0 }))).toEqual({
      kind: 'unregister',
      user: 'ana',
      contacts: [{ contact: 'sip:ana@10.0.0.5:5060;transport=udp', natAddress: undefined }],
    });
    // From behind a NAT: only its binding there may go.
    expect(decideRegistration(fromAna({ type: 'unregister', expires: 0 }, { address: '203.0.113.7', port: 40999, protocol: 'udp' }))).toEqual({
      kind: 'unregister',
      user: 'ana',
      contacts: [{ contact: 'sip:ana@10.0.0.5:5060;transport=udp', natAddress: '203.0.113.7' }],
    });
    expect(decideRegistration(fromAna({ type: 'unregister', expires: 0, contact: [{ uri: '*' }] }))).toEqual({
      kind: 'unregister',
      user: 'ana',
      contacts: '*',
    });
  });

  it('refuses malformed requests (400)', () => {
    expect(decideRegistration({ registration: undefined, authenticatedUser: 'ana' })).toMatchObject({ kind: 'refuse', status: 400 });
    expect(decideRegistration(fromAna({ aor: 'sip:pbx.example' }))).toMatchObject({ kind: 'refuse', status: 400 });
    expect(decideRegistration(fromAna({ contact: [{ uri: '*' }] }))).toMatchObject({ kind: 'refuse', status: 400 });
  });

  describe('a phone behind NAT (a private contact, a REGISTER from elsewhere)', () => {
    const natted = { address: '203.0.113.7', port: 40312, protocol: 'udp' };

    it('is called where its REGISTER came from, and keeps the contact it registered', () => {
      expect(decideRegistration(fromAna({}, natted))).toMatchObject({
        kind: 'register',
        registration: { contact: 'sip:ana@203.0.113.7:40312;transport=udp', phoneContact: 'sip:ana@10.0.0.5:5060;transport=udp' },
      });
    });

    it('over TCP or TLS keeps its contact: the source port is the connection, not where it listens', () => {
      const decision = decideRegistration(fromAna({}, { ...natted, protocol: 'tcp' }));
      expect(decision).toMatchObject({ registration: { contact: 'sip:ana@10.0.0.5:5060;transport=udp' } });
      expect(decision.kind === 'register' && decision.registration.phoneContact).toBeUndefined();
    });

    it('a public contact, or a private one that is the source itself, is dialled as registered', () => {
      const publicContact = [{ uri: 'sip:ana@198.51.100.4:5060' }];
      expect(decideRegistration(fromAna({ contact: publicContact }, natted))).toMatchObject({ registration: { contact: 'sip:ana@198.51.100.4:5060' } });
      expect(decideRegistration(fromAna({}, { ...LAN, port: 5062 }))).toMatchObject({ registration: { contact: 'sip:ana@10.0.0.5:5060;transport=udp' } });
    });
  });
});

describe('the registrar chain', () => {
  const request = (overrides: Partial<ParsedRegistration>, headers: Record<string, string> = {}) =>
    ({
      registration: registration(overrides),
      authorization: { username: 'ana', realm: 'pbx.example' },
      source_address: '203.0.113.7',
      source_port: 40312,
      protocol: 'udp',
      get: (name: string) => headers[name],
    }) as unknown as SipRequest;
  const respond = () => ({ send: jest.fn(), finalResponseSent: false }) as unknown as SipResponse & { send: jest.Mock };
  const handlers = (phones: PhoneBinding[] = []) => ({
    passwordFor: jest.fn(),
    onRegister: jest.fn(async (_r: Registration) => phones),
    onUnregister: jest.fn(async () => undefined),
  });

  it('answers a phone behind NAT with the binding it registered, and stores where to call it', async () => {
    const registrar = handlers([{ contact: 'sip:ana@203.0.113.7:40312;transport=udp', expiresMs: Date.now() + 300_000 }]);
    const res = respond();
    registrarHandler(registrar as RegistrarHandlers, silentLog)(request({}), res, jest.fn());
    await flush();
    expect(registrar.onRegister.mock.calls[0]?.[0]).toMatchObject({ contact: 'sip:ana@203.0.113.7:40312;transport=udp' });
    expect(res.send).toHaveBeenCalledWith(200, {
      headers: { Contact: '<sip:ana@10.0.0.5:5060;transport=udp>;expires=300', Expires: '300' },
    });
  });

  it("lists the user's other registered phones in the 200 too, with the seconds they have left", async () => {
    const registrar = handlers([
      { contact: 'sip:ana@198.51.100.4:5062', expiresMs: Date.now() + 120_000 },
      { contact: 'sip:ana@203.0.113.7:40312;transport=udp', expiresMs: Date.now() + 300_000 },
    ]);
    const res = respond();
    registrarHandler(registrar as RegistrarHandlers, silentLog)(request({}), res, jest.fn());
    await flush();
    expect(res.send).toHaveBeenCalledWith(200, {
      headers: { Contact: '<sip:ana@10.0.0.5:5060;transport=udp>;expires=300, <sip:ana@198.51.100.4:5062>;expires=120', Expires: '300' },
    });
  });

  it('sends the 423 with its Min-Expires, and stores nothing', async () => {
    const registrar = handlers();
    const res = respond();
    registrarHandler(registrar as RegistrarHandlers, silentLog)(request({ expires: 5 }), res, jest.fn());
    await flush();
    expect(registrar.onRegister).not.toHaveBeenCalled();
    expect(res.send).toHaveBeenCalledWith(423, 'Interval Too Brief', { headers: { 'Min-Expires': String(MIN_EXPIRES_SEC) } });
  });

  it('un-registers whatever contact the user has for the wildcard (Contact: *)', async () => {
    const registrar = handlers();
    const res = respond();
    registrarHandler(registrar as RegistrarHandlers, silentLog)(request({ type: 'unregister', expires: 0, contact: [{ uri: '*' }] }), res, jest.fn());
    await flush();
    expect(registrar.onUnregister).toHaveBeenCalledWith('ana');
    expect(res.send).toHaveBeenCalledWith(200);
  });

  it("gives a REGISTER that names no expiry the longest we allow, rather than drachtio's 400", () => {
    const register = (headers: Record<string, string>, contactParams: Record<string, string> = {}) => {
      const set = jest.fn((name: string, value: string) => (headers[name] = value));
      const req = { has: (name: string) => name in headers, set, getParsedHeader: () => [{ uri: 'sip:ana@10.0.0.5', params: contactParams }] };
      return { headers, set, req: req as unknown as SipRequest };
    };
    const next = jest.fn();
    const bare = register({ Contact: '<sip:ana@10.0.0.5>' });
    defaultExpires(bare.req, respond(), next);
    expect(bare.headers.Expires).toBe(String(MAX_EXPIRES_SEC));
    expect(next).toHaveBeenCalledTimes(1);
    // One that names it, in either place, keeps it.
    for (const named of [register({ Contact: '<sip:ana@10.0.0.5>', Expires: '60' }), register({ Contact: '<sip:ana@10.0.0.5>;expires=60' }, { expires: '60' })]) {
      defaultExpires(named.req, respond(), next);
      expect(named.set).not.toHaveBeenCalled();
    }
  });
});
