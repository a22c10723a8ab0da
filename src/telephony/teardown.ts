import type { Logger } from 'pino';
import type { Dialog, Endpoint } from './drachtio-api';
import { DeadlineError, withDeadline } from './deadline';
import { errorText } from './errors';

// Ending a SIP dialog or a media endpoint: both wait on the far end, so each is
// bounded by a deadline, and neither ever throws (teardown must go on).

/**
 * srf's error when drachtio-server no longer has the dialog: it already ended
 * it, e.g. it ACKs and BYEs by itself a 200 OK that crossed our CANCEL.
 */
function dialogAlreadyGone(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'ENODIALOG' || /unable to find dialog/i.test(errorText(err));
}

/** Sends BYE. */
export async function endDialog(dialog: Dialog, timeoutMs: number, log: Logger): Promise<void> {
  try {
    await withDeadline(dialog.destroy(), timeoutMs, () => new DeadlineError('BYE', timeoutMs));
  } catch (err) {
    if (dialogAlreadyGone(err)) log.debug('dialog already ended by drachtio');
    else log.warn({ err: errorText(err) }, 'BYE failed');
  }
}

/** Hangs up the FreeSWITCH channel. */
export async function endEndpoint(endpoint: Endpoint, timeoutMs: number, log: Logger): Promise<void> {
  try {
    await withDeadline(endpoint.destroy(), timeoutMs, () => new DeadlineError('endpoint hangup', timeoutMs));
  } catch (err) {
    log.warn({ err: errorText(err), endpoint: endpoint.uuid }, 'endpoint hangup failed');
  }
}
