import { hostOf, userOf } from '../../../src/telephony/sip-uri';

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
});
