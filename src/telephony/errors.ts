import { AppError } from '../domain/errors';

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
