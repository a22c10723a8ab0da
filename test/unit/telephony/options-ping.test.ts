import type { SipRequest, SipResponse } from '../../../src/telephony/drachtio-api';
import { ALLOWED_METHODS, answerOptions } from '../../../src/telephony/options-ping';

describe('answerOptions', () => {
  const ping = (canTakeCalls: boolean) => {
    const res = { send: jest.fn() };
    answerOptions(() => canTakeCalls)({} as SipRequest, res as unknown as SipResponse);
    return res.send;
  };
  const headers = { Allow: ALLOWED_METHODS, Accept: 'application/sdp' };

  it('answers 200 with what we take while calls can be taken', () => {
    expect(ping(true)).toHaveBeenCalledWith(200, { headers });
  });

  it('answers 503 while they cannot (no media server), so a balancer sends calls elsewhere', () => {
    expect(ping(false)).toHaveBeenCalledWith(503, 'Media Unavailable', { headers });
  });
});
