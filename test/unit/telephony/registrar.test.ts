import type { ParsedRegistration } from '../../../src/telephony/drachtio-api';
import { decideRegistration, MAX_EXPIRES_SEC } from '../../../src/telephony/registrar';

const registration = (overrides: Partial<ParsedRegistration> = {}): ParsedRegistration => ({
  type: 'register',
  expires: 300,
  contact: [{ uri: 'sip:ana@10.0.0.5:5060;transport=udp', params: {} }],
  aor: 'sip:ana@pbx.example',
  ...overrides,
});

describe('decideRegistration', () => {
  it('registers the first contact for the authenticated user', () => {
    expect(decideRegistration(registration(), 'ana', 'Yealink T46U')).toEqual({
      kind: 'register',
      registration: { user: 'ana', contact: 'sip:ana@10.0.0.5:5060;transport=udp', expiresSec: 300, userAgent: 'Yealink T46U' },
    });
  });

  it('shortens long registrations', () => {
    const decision = decideRegistration(registration({ expires: 86400 }), 'ana');
    expect(decision.kind === 'register' && decision.registration.expiresSec).toBe(MAX_EXPIRES_SEC);
  });

  it('refuses to let one user register as another (403)', () => {
    expect(decideRegistration(registration(), 'bo')).toMatchObject({ kind: 'refuse', status: 403 });
  });

  it('un-registers every contact, the wildcard included', () => {
    expect(decideRegistration(registration({ type: 'unregister', expires: 0 }), 'ana')).toEqual({
      kind: 'unregister',
      user: 'ana',
      contacts: ['sip:ana@10.0.0.5:5060;transport=udp'],
    });
    expect(decideRegistration(registration({ type: 'unregister', expires: 0, contact: [{ uri: '*' }] }), 'ana')).toEqual({
      kind: 'unregister',
      user: 'ana',
      contacts: ['*'],
    });
  });

  it('refuses malformed requests (400)', () => {
    expect(decideRegistration(undefined, 'ana')).toMatchObject({ kind: 'refuse', status: 400 });
    expect(decideRegistration(registration({ aor: 'sip:pbx.example' }), 'ana')).toMatchObject({ kind: 'refuse', status: 400 });
    expect(decideRegistration(registration({ contact: [{ uri: '*' }] }), 'ana')).toMatchObject({ kind: 'refuse', status: 400 });
  });
});
