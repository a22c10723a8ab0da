import type { SipRequest, SipResponse } from './drachtio-api';

/** The methods our SIP side takes, for the Allow header of an OPTIONS answer. */
export const ALLOWED_METHODS = 'INVITE, ACK, BYE, CANCEL, OPTIONS, REGISTER, REFER, NOTIFY, UPDATE';

/**
 * Phones (keep-alives through their NAT), SBCs and load balancers ping with
 * OPTIONS. Without a handler drachtio answers 503, which reads as down. The
 * answer follows whether calls can be taken: 200, or 503 while no media
 * server is connected, so that a balancer sends calls elsewhere meanwhile.
 */
export function answerOptions(canTakeCalls: () => boolean): (req: SipRequest, res: SipResponse) => void {
  return (_req, res) => {
    const headers = { Allow: ALLOWED_METHODS, Accept: 'application/sdp' };
    if (canTakeCalls()) res.send(200, { headers });
    else res.send(503, 'Media Unavailable', { headers });
  };
}
