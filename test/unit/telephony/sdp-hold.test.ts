import { offerHolds } from '../../../src/telephony/sdp-hold';

const offer = (session: string[], audio: string[], more: string[] = []) =>
  ['v=0', 'o=phone 1 2 IN IP4 10.0.0.5', 's=-', ...session, 't=0 0', 'm=audio 4000 RTP/AVP 0', ...audio, ...more].join('\r\n');

describe('offerHolds: does a phone offer put the call on hold', () => {
  it('sendonly or inactive on the audio stream holds', () => {
    expect(offerHolds(offer(['c=IN IP4 10.0.0.5'], ['a=sendonly']))).toBe(true);
    expect(offerHolds(offer(['c=IN IP4 10.0.0.5'], ['a=inactive']))).toBe(true);
  });

  it('sendrecv, recvonly or no direction at all is talking', () => {
    expect(offerHolds(offer(['c=IN IP4 10.0.0.5'], ['a=sendrecv']))).toBe(false);
    expect(offerHolds(offer(['c=IN IP4 10.0.0.5'], ['a=recvonly']))).toBe(false);
    expect(offerHolds(offer(['c=IN IP4 10.0.0.5'], ['a=rtpmap:0 PCMU/8000']))).toBe(false);
  });

  it('the session-level direction counts unless the audio stream says otherwise', () => {
    expect(offerHolds(offer(['c=IN IP4 10.0.0.5', 'a=sendonly'], []))).toBe(true);
    expect(offerHolds(offer(['c=IN IP4 10.0.0.5', 'a=sendonly'], ['a=sendrecv']))).toBe(false);
  });

  it('an RFC 2543 hold: connection address 0.0.0.0, at session or stream level', () => {
    expect(offerHolds(offer(['c=IN IP4 0.0.0.0'], []))).toBe(true);
    expect(offerHolds(offer([], ['c=IN IP4 0.0.0.0']))).toBe(true);
    expect(offerHolds(offer(['c=IN IP4 0.0.0.0'], ['c=IN IP4 10.0.0.5']))).toBe(false);
  });

  it("reads the audio stream's own section, not a video stream's after it", () => {
    const video = ['m=video 4002 RTP/AVP 96', 'a=sendonly'];
    expect(offerHolds(offer(['c=IN IP4 10.0.0.5'], ['a=sendrecv'], video))).toBe(false);
    expect(offerHolds(offer(['c=IN IP4 10.0.0.5'], [], video))).toBe(false);
  });

  it('an offer without audio holds nothing', () => {
    expect(offerHolds('v=0\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\nm=video 4002 RTP/AVP 96\r\na=sendonly')).toBe(false);
  });
});
