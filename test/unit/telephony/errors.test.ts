import { endpointFailure, MediaOperationError, OfferNotAcceptedError } from '../../../src/telephony/errors';

// As drachtio-srf's SipError rejects a failed INVITE.
const sipError = (status: number) => Object.assign(new Error(`Sip non-success response: ${status}`), { status });

describe('endpointFailure', () => {
  it("is the caller's offer when FreeSWITCH answers its INVITE with 488 or 606", () => {
    expect(endpointFailure(sipError(488), true)).toBeInstanceOf(OfferNotAcceptedError);
    expect(endpointFailure(sipError(606), true)).toBeInstanceOf(OfferNotAcceptedError);
  });

  it("is the media server's otherwise: another status, a timeout, or an endpoint made without an offer", () => {
    expect(endpointFailure(sipError(503), true)).toBeInstanceOf(MediaOperationError);
    expect(endpointFailure(new Error('createEndpoint did not finish within 5000 ms'), true)).toBeInstanceOf(MediaOperationError);
    expect(endpointFailure(sipError(488), false)).toBeInstanceOf(MediaOperationError);
    expect(endpointFailure('a string fsmrf rejected with', true)).toBeInstanceOf(MediaOperationError);
  });
});
