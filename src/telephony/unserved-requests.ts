import type { SipRequest, SipResponse } from './drachtio-api';
import { ALLOWED_METHODS } from './options-ping';

// Requests outside a dialog that we do not serve. Without a handler drachtio
// answers them 503, which phones and SBCs read as this server being down: a
// desk phone that subscribes to its voicemail light (message-summary) at its
// registrar retries for ever, or fails over to a backup.

type Handler = (req: SipRequest, res: SipResponse) => void;

/** SUBSCRIBE: no event package is served here (RFC 6665 4.2.1.1). */
export const refuseSubscription: Handler = (_req, res) => res.send(489, 'Bad Event');

/** NOTIFY and INFO belong to a subscription or dialog, and none of ours is gone to this one. */
export const noSuchDialog: Handler = (_req, res) => res.send(481, 'Call/Transaction Does Not Exist');

/** PUBLISH, MESSAGE: methods we do not take; the answer says which we do (RFC 3261 8.2.1). */
export const methodNotAllowed: Handler = (_req, res) => res.send(405, 'Method Not Allowed', { headers: { Allow: ALLOWED_METHODS } });
