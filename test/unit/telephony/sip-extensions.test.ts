import type { SipRequest } from '../../../src/telephony/drachtio-api';
import { unsupportedExtensions } from '../../../src/telephony/sip-extensions';

const requiring = (require?: string) => ({ get: (name: string) => (name === 'Require' ? require : undefined) }) as Pick<SipRequest, 'get'>;

describe("the extensions an INVITE's Require names", () => {
  it('lets session timers and 100rel through, in any case and spacing', () => {
    expect(unsupportedExtensions(requiring())).toEqual([]);
    expect(unsupportedExtensions(requiring(' Timer ,100REL'))).toEqual([]);
  });

  it('lists every other option tag, for the 420 and its Unsupported header', () => {
    expect(unsupportedExtensions(requiring('precondition, timer, replaces'))).toEqual(['precondition', 'replaces']);
  });
});
