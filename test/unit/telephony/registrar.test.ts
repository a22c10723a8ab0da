import type { PhoneBinding } from '../../../src/domain/person';
import type { Registration, RegistrarHandlers } from '../../../src/services/ports/telephony';
import type { ParsedRegistration, SipRequest, SipResponse } from '../../../src/telephony/drachtio-api';
import {
  bindingsQuery,
  decideRegistration,
  defaultExpires,
  MAX_CONTACTS_PER_REGISTER,
  MAX_EXPIRES_SEC,
  MIN_EXPIRES_SEC,
  type RegisterRequest,
  registrarHandler,
} from '../../../src/telephony/registrar';
import { FakeFailedLogins, flush, silentLog } from './fakes';

const registration = (overrides: Partial<ParsedRegistration> = {}): ParsedRegistration => ({
  contact: [{ uri: 'sip:ana@10.0.0.5:5060;transport=udp', params: {} }],
  aor: 'sip:ana@pbx.example',
  ...overrides,
});
const LAN = { address: '10.0.0.5', port: 5060, protocol: 'udp' };
const fromAna = (overrides: Partial<ParsedRegistration> = {}, source = LAN, expiresHeader = '300') => ({
  registration: registration(overrides),
  expiresHeader,
  authenticatedUser: 'ana',
  source,
});
/** The one binding a REGISTER of one contact makes, or undefined. */
const boundBy = (request: RegisterRequest): Registration | undefined => {
  const decision = decideRegistration(request);
  return decision.kind === 'update' ? decision.bindings[0] : undefined;
};

describe('decideRegistration', () => {
  it('registers the contact for the authenticated user', () => {
    expect(decideRegistration({ ...fromAna(), userAgent: 'Yealink T46U' })).toEqual({
      kind: 'update',
      user: 'ana',
      bindings: [{ user: 'ana', contact: 'sip:ana@10.0.0.5:5060;transport=udp', expiresSec: 300, userAgent: 'Yealink T46U' }],
      unbindings: [],
    });
  });

  it("keeps the phone's +sip.instance, unquoted, so its restart replaces its old binding", () => {
    const contact = [{ uri: 'sip:ana@10.0.0.5:5060', params: { '+sip.instance': '"<urn:uuid:00000000-0000-1000-8000-0004f2a1b2c3>"' } }];
    expect(boundBy(fromAna({ contact }))).toMatchObject({ contact: 'sip:ana@10.0.0.5:5060', instance: '<urn:uuid:00000000-0000-1000-8000-0004f2a1b2c3>' });
  });

  it('takes a +sip.instance without its angle brackets as the same id, and refuses one that is no URN (400)', () => {
    const bare = [{ uri: 'sip:ana@10.0.0.5:5060', params: { '+sip.instance': '"urn:uuid:00000000-0000-1000-8000-0004f2a1b2c3"' } }];
    expect(boundBy(fromAna({ contact: bare }))?.instance).toBe('<urn:uuid:00000000-0000-1000-8000-0004f2a1b2c3>');
    for (const instance of ['"<http://phone.example/1>"', '"<urn:uuid:0004f2a1b2c3"', `"<urn:uuid:${'a'.repeat(300)}>"`, '""']) {
      const contact = [{ uri: 'sip:ana@10.0.0.5:5060', params: { '+sip.instance': instance } }];
      expect(decideRegistration(fromAna({ contact }))).toEqual({ kind: 'refuse', status: 400, reason: 'Bad +sip.instance' });
    }
  });

  it('shortens long registrations', () => {
    expect(boundBy(fromAna({}, LAN, '86400'))?.expiresSec).toBe(MAX_EXPIRES_SEC);
  });

  it('refuses a binding shorter than a minute with 423 and the Min-Expires to retry with', () => {
    expect(decideRegistration(fromAna({}, LAN, String(MIN_EXPIRES_SEC - 1)))).toEqual({
      kind: 'refuse',
      status: 423,
      reason: 'Interval Too Brief',
      headers: { 'Min-Expires': String(MIN_EXPIRES_SEC) },
    });
    expect(boundBy(fromAna({}, LAN, String(MIN_EXPIRES_SEC)))?.expiresSec).toBe(MIN_EXPIRES_SEC);
  });

  it('refuses an expiry that is no number of seconds (400), in the header or the contact', () => {
    for (const expires of ['soon', '-30', '90.5', '60abc', '']) {
      expect(decideRegistration(fromAna({}, LAN, expires))).toEqual({ kind: 'refuse', status: 400, reason: 'Bad Expires' });
      const contact = [{ uri: 'sip:ana@10.0.0.5:5060', params: { expires } }];
      expect(decideRegistration(fromAna({ contact }))).toEqual({ kind: 'refuse', status: 400, reason: 'Bad Expires' });
    }
  });

  it('refuses a contact we could not call (400): no sip: URI, no host, or far too long', () => {
    for (const uri of ['tel:+43123456', 'http://ana.example/', 'sip:ana@', 'sip:ana@host name', `sip:ana@10.0.0.5;x=${'a'.repeat(600)}`, '']) {
      expect(decideRegistration(fromAna({ contact: [{ uri, params: {} }] }))).toEqual({ kind: 'refuse', status: 400, reason: 'Bad Contact' });
    }
    // As phones send them: a host name, IPv6, a user-less contact, parameters.
    for (const uri of ['sips:ana@phone-7.office.example:5061;transport=tls', 'sip:ana@[2001:db8::7]:5060', 'sip:10.0.0.5:5060', 'sip:ana@10.0.0.5:5060;ob;rinstance=8a1f']) {
      expect(boundBy(fromAna({ contact: [{ uri, params: {} }] }))?.contact).toBe(uri);
    }
  });

  it('refuses to let one user register as another (403)', () => {
    expect(decideRegistration({ ...fromAna(), authenticatedUser: 'bo' })).toMatchObject({ kind: 'refuse', status: 403 });
  });

  it('un-registers the contacts with no time left, and every one for the wildcard', () => {
    expect(decideRegistration(fromAna({}, LAN, '0'))).toEqual({
      kind: 'update',
      user: 'ana',
      bindings: [],
      unbindings: [{ contact: 'sip:ana@10.0.0.5:5060;transport=udp', natAddress: undefined }],
    });
    // From behind a NAT: only its binding there may go.
    expect(decideRegistration(fromAna({}, { address: '203.0.113.7', port: 40999, protocol: 'udp' }, '0'))).toMatchObject({
      unbindings: [{ contact: 'sip:ana@10.0.0.5:5060;transport=udp', natAddress: '203.0.113.7' }],
    });
    expect(decideRegistration(fromAna({ contact: [{ uri: '*' }] }, LAN, '0'))).toEqual({ kind: 'unregister_all', user: 'ana' });
  });

  it('takes every contact of a REGISTER, each with its own expiry (RFC 3261 10.3)', () => {
    const contact = [
      { uri: 'sip:ana@10.0.0.5:5060', params: {} },
      { uri: 'sip:ana@10.0.0.5:5062', params: { expires: '600' } },
      { uri: 'sip:ana@10.0.0.5:5064', params: { expires: '0' } },
    ];
    expect(decideRegistration(fromAna({ contact }))).toEqual({
      kind: 'update',
      user: 'ana',
      bindings: [
        { user: 'ana', contact: 'sip:ana@10.0.0.5:5060', expiresSec: 300 },
        { user: 'ana', contact: 'sip:ana@10.0.0.5:5062', expiresSec: 600 },
      ],
      unbindings: [{ contact: 'sip:ana@10.0.0.5:5064', natAddress: undefined }],
    });
    // One wrong contact refuses them all: nothing half-applies.
    expect(decideRegistration(fromAna({ contact: [...contact, { uri: 'sip:ana@10.0.0.7', params: { expires: '10' } }] }))).toMatchObject({ status: 423 });
    const many = Array.from({ length: MAX_CONTACTS_PER_REGISTER + 1 }, (_, i) => ({ uri: `sip:ana@10.0.1.${i}`, params: {} }));
    expect(decideRegistration(fromAna({ contact: many }))).toEqual({ kind: 'refuse', status: 400, reason: 'Too Many Contacts' });
  });

  it('refuses malformed requests (400), the wildcard among them unless alone and with Expires: 0', () => {
    expect(decideRegistration({ registration: undefined, authenticatedUser: 'ana' })).toMatchObject({ kind: 'refuse', status: 400 });
    expect(decideRegistration(fromAna({ aor: 'sip:pbx.example' }))).toMatchObject({ kind: 'refuse', status: 400 });
    expect(decideRegistration(fromAna({ contact: [] }))).toMatchObject({ kind: 'refuse', status: 400 });
    expect(decideRegistration(fromAna({ contact: [{ uri: '*' }] }))).toMatchObject({ kind: 'refuse', status: 400 });
    expect(decideRegistration(fromAna({ contact: [{ uri: '*' }, { uri: 'sip:ana@10.0.0.5' }] }, LAN, '0'))).toMatchObject({ kind: 'refuse', status: 400 });
  });

  describe('a phone behind NAT (a private contact, a REGISTER from elsewhere)', () => {
    const natted = { address: '203.0.113.7', port: 40312, protocol: 'udp' };

    it('is called where its REGISTER came from, and keeps the contact it registered', () => {
      expect(boundBy(fromAna({}, natted))).toMatchObject({
        contact: 'sip:ana@203.0.113.7:40312;transport=udp',
        phoneContact: 'sip:ana@10.0.0.5:5060;transport=udp',
      });
    });

    it('over TCP or TLS keeps its contact: the source port is the connection, not where it listens', () => {
      const binding = boundBy(fromAna({}, { ...natted, protocol: 'tcp' }));
      expect(binding).toMatchObject({ contact: 'sip:ana@10.0.0.5:5060;transport=udp' });
      expect(binding?.phoneContact).toBeUndefined();
    });

    it('a public contact, or a private one that is the source itself, is dialled as registered', () => {
      const publicContact = [{ uri: 'sip:ana@198.51.100.4:5060' }];
      expect(boundBy(fromAna({ contact: publicContact }, natted))?.contact).toBe('sip:ana@198.51.100.4:5060');
      expect(boundBy(fromAna({}, { ...LAN, port: 5062 }))?.contact).toBe('sip:ana@10.0.0.5:5060;transport=udp');
    });
  });
});

describe('the registrar chain', () => {
  const request = (overrides: Partial<ParsedRegistration>, headers: Record<string, string> = { Expires: '300' }) =>
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
    failedLogins: new FakeFailedLogins(),
    phonesOf: jest.fn(async (_user: string) => phones),
    onRegister: jest.fn(async (_r: Registration) => phones),
    onUnregister: jest.fn(async (_user: string, _contact?: string, _nat?: string): Promise<PhoneBinding[]> => []),
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
    registrarHandler(registrar as RegistrarHandlers, silentLog)(request({}, { Expires: '5' }), res, jest.fn());
    await flush();
    expect(registrar.onRegister).not.toHaveBeenCalled();
    expect(res.send).toHaveBeenCalledWith(423, 'Interval Too Brief', { headers: { 'Min-Expires': String(MIN_EXPIRES_SEC) } });
  });

  it('un-registers whatever contact the user has for the wildcard (Contact: *)', async () => {
    const registrar = handlers();
    const res = respond();
    registrarHandler(registrar as RegistrarHandlers, silentLog)(request({ contact: [{ uri: '*' }] }, { Expires: '0' }), res, jest.fn());
    await flush();
    expect(registrar.onUnregister).toHaveBeenCalledWith('ana');
    expect(res.send).toHaveBeenCalledWith(200);
  });

  it('saves a moved binding before removing the old one, and answers with the phones left', async () => {
    const moved = { contact: 'sip:ana@203.0.113.7:40312;transport=udp', expiresMs: Date.now() + 300_000 };
    const registrar = handlers([moved, { contact: 'sip:ana@203.0.113.7:40999', expiresMs: Date.now() + 60_000 }]);
    registrar.onUnregister.mockResolvedValue([moved]);
    const res = respond();
    const contact = [
      { uri: 'sip:ana@10.0.0.5:5060;transport=udp', params: {} },
      { uri: 'sip:ana@10.0.0.5:5070', params: { expires: '0' } },
    ];
    registrarHandler(registrar as RegistrarHandlers, silentLog)(request({ contact }), res, jest.fn());
    await flush();
    expect(registrar.onUnregister).toHaveBeenCalledWith('ana', 'sip:ana@10.0.0.5:5070', '203.0.113.7');
    expect(registrar.onRegister.mock.invocationCallOrder[0]).toBeLessThan(registrar.onUnregister.mock.invocationCallOrder[0] as number);
    expect(res.send).toHaveBeenCalledWith(200, { headers: { Contact: '<sip:ana@10.0.0.5:5060;transport=udp>;expires=300', Expires: '300' } });
  });

  it('answers a REGISTER without Contact with the phones of the user who authenticated, before the parser would refuse it', async () => {
    const registrar = handlers([{ contact: 'sip:ana@198.51.100.4:5062', expiresMs: Date.now() + 120_000 }]);
    const query = (to: string, contact?: string) => {
      const req = {
        authorization: { username: 'ana', realm: 'pbx.example' },
        has: (name: string) => name === 'Contact' && contact !== undefined,
        getParsedHeader: () => ({ uri: to }),
      } as unknown as SipRequest;
      const res = respond();
      const next = jest.fn();
      bindingsQuery(registrar, silentLog)(req, res, next);
      return { res, next };
    };
    const asked = query('sip:ana@pbx.example');
    await flush();
    expect(asked.res.send).toHaveBeenCalledWith(200, { headers: { Contact: '<sip:ana@198.51.100.4:5062>;expires=120' } });
    // Someone else's phones are not told.
    const nosy = query('sip:bo@pbx.example');
    await flush();
    expect(nosy.res.send).toHaveBeenCalledWith(403);
    // A REGISTER with a Contact goes on to the parser.
    const binding = query('sip:ana@pbx.example', '<sip:ana@10.0.0.5>');
    await flush();
    expect(binding.next).toHaveBeenCalled();
    expect(binding.res.send).not.toHaveBeenCalled();
    expect(registrar.phonesOf).toHaveBeenCalledTimes(1);
  });

  it("gives a REGISTER without an Expires header the longest we allow for each contact that names none, rather than drachtio's 400", () => {
    const register = (headers: Record<string, string>) => {
      const set = jest.fn((name: string, value: string) => (headers[name] = value));
      const req = { has: (name: string) => name in headers, set };
      return { headers, set, req: req as unknown as SipRequest };
    };
    const next = jest.fn();
    const bare = register({ Contact: '<sip:ana@10.0.0.5>, <sip:ana@10.0.0.6>;expires=60' });
    defaultExpires(bare.req, respond(), next);
    expect(bare.headers.Expires).toBe(String(MAX_EXPIRES_SEC));
    expect(next).toHaveBeenCalledTimes(1);
    const named = register({ Contact: '<sip:ana@10.0.0.5>', Expires: '60' });
    defaultExpires(named.req, respond(), next);
    expect(named.set).not.toHaveBeenCalled();
  });
});
