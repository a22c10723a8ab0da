import type { SipRequest } from '../../../src/telephony/drachtio-api';
import { callerOf, trustedPeerList, WITHHELD } from '../../../src/telephony/caller-identity';

const TRUNK = '203.0.113.7';
const trusted = trustedPeerList([{ address: TRUNK }, { address: '198.51.100.0', prefix: 24 }, { address: '2001:db8::', prefix: 32 }]);

const invite = (from: string, headers: Record<string, string> = {}, source = TRUNK) =>
  ({ source_address: source, get: (name: string) => headers[name], getParsedHeader: () => ({ uri: from }) }) as unknown as SipRequest;

describe('callerOf', () => {
  it("is the From user, or a tel: From's number", () => {
    expect(callerOf(invite('sip:+4315551234@carrier.example;user=phone'), trusted)).toBe('+4315551234');
    expect(callerOf(invite('tel:+4315551234;phone-context=example'), trusted)).toBe('+4315551234');
  });

  it('takes the number a trusted trunk asserts (P-Asserted-Identity), over the one the caller presents', () => {
    const presented = 'sip:+4318000@carrier.example';
    expect(callerOf(invite(presented, { 'P-Asserted-Identity': '<sip:+4315551234@carrier.example;user=phone>' }), trusted)).toBe('+4315551234');
    expect(callerOf(invite(presented, { 'P-Asserted-Identity': '"Ana" <tel:+4315551234>, <sip:ana@carrier.example>' }), trusted)).toBe('+4315551234');
    expect(callerOf(invite(presented, { 'P-Asserted-Identity': 'tel:+4315551234' }, '198.51.100.20'), trusted)).toBe('+4315551234');
    expect(callerOf(invite(presented, { 'P-Asserted-Identity': '<tel:+4315551234>' }, '2001:db8::5'), trusted)).toBe('+4315551234');
  });

  it('ignores an asserted identity from anyone else, or one with no number in it', () => {
    const presented = 'sip:+4318000@carrier.example';
    expect(callerOf(invite(presented, { 'P-Asserted-Identity': '<tel:+4315551234>' }, '192.0.2.9'), trusted)).toBe('+4318000');
    expect(callerOf(invite(presented, { 'P-Asserted-Identity': '<sip:carrier.example>' }), trusted)).toBe('+4318000');
    expect(callerOf(invite(presented, { 'P-Asserted-Identity': '<tel:+4315551234>' }), trustedPeerList([]))).toBe('+4318000');
  });

  it('is withheld when the caller asks for privacy, or names no caller we could file a customer under', () => {
    expect(callerOf(invite('sip:+4318000@carrier.example', { Privacy: 'id', 'P-Asserted-Identity': '<tel:+4315551234>' }), trusted)).toBe(WITHHELD);
    expect(callerOf(invite('sip:+4318000@carrier.example', { Privacy: 'header; ID' }), trusted)).toBe(WITHHELD);
    expect(callerOf(invite('sip:anonymous@anonymous.invalid', { Privacy: 'none' }), trusted)).toBe('anonymous');
    for (const from of ['sip:carrier.example', `sip:${'9'.repeat(65)}@carrier.example`, 'sip:"x"@carrier.example', 'http://carrier.example/']) {
      expect(callerOf(invite(from), trusted)).toBe(WITHHELD);
    }
  });
});
