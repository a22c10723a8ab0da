import type { SipRequest } from '../../../src/telephony/drachtio-api';
import { answerTimerHeaders, refreshAnswerHeaders } from '../../../src/telephony/session-timer';

const request = (headers: Record<string, string>) => ({ get: (name: string) => headers[name] }) as Pick<SipRequest, 'get'>;

describe('session timers in our 200s (RFC 4028)', () => {
  describe('to a refresh (re-INVITE or UPDATE)', () => {
    it('echoes the interval and refresher; a caller that refreshes is told it must', () => {
      expect(refreshAnswerHeaders(request({ 'Session-Expires': '1800;refresher=uac', Supported: 'replaces, timer' }))).toEqual({
        'Session-Expires': '1800;refresher=uac',
        Require: 'timer',
      });
      expect(refreshAnswerHeaders(request({ 'Session-Expires': '1800; refresher=UAS', Supported: 'timer' }))).toEqual({
        'Session-Expires': '1800;refresher=uas',
      });
    });

    it('leaves the refreshing to the caller when the request names nobody', () => {
      expect(refreshAnswerHeaders(request({ 'Session-Expires': '900', Supported: 'timer' }))).toEqual({
        'Session-Expires': '900;refresher=uac',
        Require: 'timer',
      });
    });

    it('reads the compact forms (x, k), which srf does not expand', () => {
      expect(refreshAnswerHeaders(request({ x: '600;refresher=uac', k: 'timer,100rel' }))).toEqual({
        'Session-Expires': '600;refresher=uac',
        Require: 'timer',
      });
    });

    it('adds no Require for a caller that never said it does timers, and nothing without a timer or with a garbled one', () => {
      expect(refreshAnswerHeaders(request({ 'Session-Expires': '1800;refresher=uac', Supported: 'timers' }))).toEqual({
        'Session-Expires': '1800;refresher=uac',
      });
      expect(refreshAnswerHeaders(request({}))).toEqual({});
      expect(refreshAnswerHeaders(request({ 'Session-Expires': 'soon' }))).toEqual({});
    });
  });

  describe('to a new call', () => {
    it('adds only Require: timer when the caller named itself the refresher (drachtio echoes the rest)', () => {
      expect(answerTimerHeaders(request({ 'Session-Expires': '1800;refresher=uac', Supported: 'timer' }))).toEqual({ Require: 'timer' });
      expect(answerTimerHeaders(request({ 'Session-Expires': '1800;refresher=uas', Supported: 'timer' }))).toEqual({});
      expect(answerTimerHeaders(request({ Supported: 'timer' }))).toEqual({});
    });

    it('names the caller the refresher when it named none but does timers; one that does not gets no timer', () => {
      expect(answerTimerHeaders(request({ 'Session-Expires': '1800', Supported: 'replaces, timer' }))).toEqual({
        'Session-Expires': '1800;refresher=uac',
        Require: 'timer',
      });
      expect(answerTimerHeaders(request({ x: '600', k: 'timer' }))).toEqual({ 'Session-Expires': '600;refresher=uac', Require: 'timer' });
      expect(answerTimerHeaders(request({ 'Session-Expires': '1800' }))).toEqual({});
    });
  });
});
