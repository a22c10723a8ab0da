import { DeadlineError, withDeadline } from './deadline';
import type { Endpoint } from './drachtio-api';

/** Gives the endpoint a phone's SDP (a 3PCC re-INVITE to FreeSWITCH); resolves with FreeSWITCH's, or rejects after `ms`. */
export function modifyEndpoint(endpoint: Pick<Endpoint, 'dialog'>, sdp: string, ms: number): Promise<string> {
  return withDeadline(endpoint.dialog.modify(sdp), ms, () => new DeadlineError('endpoint modify', ms));
}
