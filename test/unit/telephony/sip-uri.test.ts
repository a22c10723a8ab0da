import { hostOf, userOf, withHostOf } from '../../../src/telephony/sip-uri';

describe('sip-uri', () => {
  it.each([
    ['sip:1000@pbx.example;transport=tcp', '1000', 'pbx.example'],
    ['sips:ana@10.0.0.1:5061', 'ana', '10.0.0.1:5061'],
    ['<sip:+4930123@gw.example:5080>', '+4930123', 'gw.example:5080'],
    ['sip:gw.example', undefined, 'gw.example'],
    ['tel:+4930123', undefined, undefined],
  ])('%s', (uri, user, host) => {
    expect(userOf(uri)).toBe(user);
    expect(hostOf(uri)).toBe(host);
  });

  it('swaps the host[:port] and keeps the rest', () => {
    expect(withHostOf('sip:ana@10.0.0.5:5060;transport=udp', '203.0.113.7:40312')).toBe('sip:ana@203.0.113.7:40312;transport=udp');
    expect(withHostOf('<sip:ana@10.0.0.5>;expires=60', '203.0.113.7:5060')).toBe('<sip:ana@203.0.113.7:5060>;expires=60');
  });
});
