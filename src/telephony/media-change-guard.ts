import type { Dialog, SipRequest, SipResponse } from './drachtio-api';
import { refreshAnswerHeaders } from './session-timer';

/**
 * A phone may change its media at once after its answer (a re-INVITE narrowing
 * the codecs, or an UPDATE with an offer) while the endpoint is still taking
 * that answer and no leg listens yet. srf would then answer alone, with our
 * first offer, and FreeSWITCH would never hear of the change. Until the leg
 * exists such a request gets 491 Request Pending, which asks the phone to try
 * again within a few seconds (RFC 3261 14.1); the leg answers the retry.
 * Returns the function that stops it.
 */
export function refuseMediaChangesUntilLeg(dialog: Dialog): () => void {
  const answered = dialog.remote.sdp;
  const refuse = (_req: SipRequest, res: SipResponse) => {
    // srf took the refused offer as the phone's SDP already.
    dialog.remote.sdp = answered;
    res.send(491, 'Request Pending');
  };
  const refuseOffer = (req: SipRequest, res: SipResponse) => (req.body ? refuse(req, res) : res.send(200, { headers: refreshAnswerHeaders(req) }));
  dialog.on('modify', refuse);
  dialog.on('update', refuseOffer);
  return () => {
    dialog.off('modify', refuse);
    dialog.off('update', refuseOffer);
  };
}
