import { AppError } from '../domain/errors';
import { isSipError } from './sip-failure';

// What the telephony adapter throws, so callers branch on `code` and the edges
// map `kind` (unavailable → 503, not_found → 404 / 481 …) without string matching.

/** No media server is connected (or the named one is not). */
export class MediaUnavailableError extends AppError {
  constructor(mediaServer?: string) {
    super(
      'unavailable',
      'media_unavailable',
      mediaServer ? `media server ${mediaServer} is not connected` : 'no media server is connected',
      mediaServer ? { mediaServer } : undefined,
    );
  }
}

/** FreeSWITCH or drachtio refused or failed an operation it should have done. */
export class MediaOperationError extends AppError {
  constructor(operation: string, cause: string) {
    super('unavailable', 'media_failed', `${operation} failed: ${cause}`, { operation });
  }
}

/** FreeSWITCH takes nothing the caller offered (no common codec): the caller's to fix, with a 488. */
export class OfferNotAcceptedError extends AppError {
  constructor(cause: string) {
    super('invalid', 'offer_not_accepted', `FreeSWITCH accepted none of the caller's media: ${cause}`);
  }
}

/**
 * A failed createEndpoint, as we throw it. Given the caller's offer,
 * FreeSWITCH's 488 or 606 means the offer, not the media server, is at fault.
 */
export function endpointFailure(err: unknown, gaveOffer: boolean): AppError {
  if (gaveOffer && isSipError(err) && (err.status === 488 || err.status === 606)) return new OfferNotAcceptedError(errorText(err));
  return new MediaOperationError('creating a media endpoint', errorText(err));
}

/** A join that FreeSWITCH neither completed nor refused in time (e.g. a locked room). */
export class JoinTimeoutError extends AppError {
  constructor(room: string, timeoutMs: number) {
    super('unavailable', 'join_timeout', `joining room ${room} took longer than ${timeoutMs} ms`, { room });
  }
}

/** The leg hung up (or was hung up) before the operation. */
export class LegEndedError extends AppError {
  constructor(legId: string) {
    super('conflict', 'leg_ended', `leg ${legId} has ended`, { legId });
  }
}

/** The caller hung up (CANCEL) before we answered, or the call was already answered or rejected. */
export class CallNotPendingError extends AppError {
  constructor(sipCallId: string, state: string) {
    super('conflict', 'call_not_pending', `call ${sipCallId} is ${state}`, { sipCallId, state });
  }
}

/** The room or the member is not on that media server (any more). */
export class MemberNotFoundError extends AppError {
  constructor(room: string, memberId: string) {
    super('not_found', 'member_not_found', `member ${memberId} is not in room ${room}`, { room, memberId });
  }
}

/** A library error's message for a log line or an error detail (fsmrf sometimes rejects with strings). */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
