import type { DialFailed, DialFailure } from '../services/ports/telephony';
import type { SipErrorLike } from './drachtio-api';

/** Why we gave up on a ringing leg ourselves: the caller asked, or the ring timer ran out. */
export type LocalCancel = 'cancelled' | 'no_answer';

// Final responses in contact-centre terms. Anything not listed is a failure of
// the call set-up itself ('failed'): 401/407 challenges we cannot answer, 488
// codecs, 500 … 'unavailable' means this person cannot be reached right now, so
// the caller tries the next one.
const OUTCOME_BY_STATUS: Readonly<Record<number, DialFailure>> = {
  486: 'busy',
  600: 'busy',
  603: 'declined',
  607: 'declined',
  608: 'declined',
  408: 'no_answer',
  480: 'no_answer',
  404: 'unavailable',
  410: 'unavailable',
  484: 'unavailable',
  502: 'unavailable',
  503: 'unavailable',
  504: 'unavailable',
  604: 'unavailable',
};

/** The outcome of a final non-2xx response. `cancelledBy` is set when we had asked to give up. */
export function outcomeForStatus(status: number, cancelledBy?: LocalCancel): DialFailure {
  // Once we cancelled, whatever final response follows (487, or a 408 from a
  // phone that ignored the CANCEL) is the result of our own decision.
  if (cancelledBy) return cancelledBy;
  return OUTCOME_BY_STATUS[status] ?? 'failed';
}

export function isSipError(err: unknown): err is SipErrorLike {
  return typeof err === 'object' && err !== null && typeof (err as { status?: unknown }).status === 'number';
}

/** Turns whatever createUAC rejected with into a DialFailed. */
export function dialFailureOf(err: unknown, cancelledBy?: LocalCancel): DialFailed {
  if (isSipError(err)) {
    const failure: DialFailed = { outcome: outcomeForStatus(err.status, cancelledBy), status: err.status };
    if (err.reason) failure.reason = err.reason;
    return failure;
  }
  if (cancelledBy) return { outcome: cancelledBy };
  return { outcome: 'failed', reason: err instanceof Error ? err.message : String(err) };
}
