import type { SipHeaders, SipRequest } from './drachtio-api';

// RFC 4028 session timers. drachtio-server runs each dialog's timer itself: it
// re-arms it on every re-INVITE or UPDATE that carries one, refreshes when it
// is the refresher, and ends with a BYE a dialog whose refresher fell silent.
// What it leaves to us is what our 200s say about the timer.

interface RequestedTimer {
  seconds: string;
  refresher?: 'uac' | 'uas';
  /** The caller said it does timers (Supported or Require: timer). */
  supported: boolean;
}

function requestedTimer(req: Pick<SipRequest, 'get'>): RequestedTimer | undefined {
  // 'x' and 'k' are the compact forms, which srf does not expand.
  const sessionExpires = /^\s*(\d+)\s*(;.*)?$/.exec(req.get('Session-Expires') ?? req.get('x') ?? '');
  if (!sessionExpires?.[1]) return undefined;
  const refresher = /;\s*refresher\s*=\s*(uac|uas)\s*(;|$)/i.exec(sessionExpires[2] ?? '')?.[1]?.toLowerCase() as RequestedTimer['refresher'];
  const extensions = `${req.get('Supported') ?? req.get('k') ?? ''},${req.get('Require') ?? ''}`;
  return { seconds: sessionExpires[1], refresher, supported: /(^|,)\s*timer\s*(,|$)/i.test(extensions) };
}

/**
 * Our 200 to a refresh (a re-INVITE or UPDATE with Session-Expires). Without
 * the header, the caller takes it that the session has no timer any more
 * (RFC 4028 7.4) and stops refreshing, and drachtio hangs the call up one
 * interval later. A refresher the request leaves open is the caller, who then
 * goes on as before, whichever drachtio expects.
 */
export function refreshAnswerHeaders(req: Pick<SipRequest, 'get'>): SipHeaders {
  const timer = requestedTimer(req);
  if (!timer) return {};
  const refresher = timer.refresher ?? 'uac';
  const headers: SipHeaders = { 'Session-Expires': `${timer.seconds};refresher=${refresher}` };
  // The caller must refresh: it is told so (RFC 4028 9).
  if (refresher === 'uac' && timer.supported) headers.Require = 'timer';
  return headers;
}

/**
 * Our 200 to a new call. drachtio echoes a Session-Expires that names its
 * refresher, but not the Require: timer that goes with refresher=uac. One that
 * names none it neither echoes nor times, so the refresher is ours to choose
 * (RFC 4028 9): the caller, when it does timers; drachtio then runs the timer
 * our header gives it. A caller that does not is left without a timer, as
 * naming ourselves would have drachtio refresh a call and end it on any non-200.
 */
export function answerTimerHeaders(req: Pick<SipRequest, 'get'>): SipHeaders {
  const timer = requestedTimer(req);
  if (!timer?.supported || timer.refresher === 'uas') return {};
  if (timer.refresher === 'uac') return { Require: 'timer' };
  return { 'Session-Expires': `${timer.seconds};refresher=uac`, Require: 'timer' };
}
