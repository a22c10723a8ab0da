import { dialFailureOf, outcomeForStatus } from '../../../src/telephony/sip-failure';

describe('outcomeForStatus', () => {
  it.each([
    [486, 'busy'],
    [600, 'busy'],
    [603, 'declined'],
    [480, 'no_answer'],
    [408, 'no_answer'],
    [404, 'unavailable'],
    [503, 'unavailable'],
    [487, 'failed'],
    [488, 'failed'],
    [401, 'failed'],
    [500, 'failed'],
  ])('%i → %s', (status, outcome) => {
    expect(outcomeForStatus(status)).toBe(outcome);
  });

  it('after our own cancel, any final response is what we decided', () => {
    expect(outcomeForStatus(487, 'cancelled')).toBe('cancelled');
    expect(outcomeForStatus(487, 'no_answer')).toBe('no_answer');
    expect(outcomeForStatus(408, 'cancelled')).toBe('cancelled');
  });
});

describe('dialFailureOf', () => {
  it('keeps status and reason of a SipError', () => {
    const err = Object.assign(new Error('Sip non-success response: 486'), { status: 486, reason: 'Busy Here' });
    expect(dialFailureOf(err)).toEqual({ outcome: 'busy', status: 486, reason: 'Busy Here' });
  });

  it('calls anything else a failure, with its message', () => {
    expect(dialFailureOf(new Error('cannot call app#request in unconnected state'))).toEqual({
      outcome: 'failed',
      reason: 'cannot call app#request in unconnected state',
    });
    expect(dialFailureOf('boom', 'cancelled')).toEqual({ outcome: 'cancelled' });
  });
});
