import type { Logger } from 'pino';
import type { LegHandles } from '../domain/call';
import { DeadlineError, withDeadline } from './deadline';
import type { Srf } from './drachtio-api';
import { errorText } from './errors';
import type { MediaChannels } from './media-servers';

// A leg whose instance stopped (a crash) outlives it: drachtio-server keeps
// the phone's dialog and FreeSWITCH the channel, in the room with the others,
// until someone hangs up by hand. drachtio sends a request inside any dialog
// it holds for any app that asks, so the instance that finds the call lost can
// BYE the phone; the channel it kills over its own event socket, and
// FreeSWITCH's BYE for it then ends that dialog in drachtio too (no app owns it).

// drachtio sends a request to this URI to the dialog's remote target instead (a
// CANCEL goes where its INVITE went, whatever its URI).
const IN_DIALOG = 'sip:placeholder';

// The channel id goes into an API command line.
const CHANNEL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function hangUpLostLeg(
  srf: Pick<Srf, 'request'>,
  media: MediaChannels | undefined,
  handles: LegHandles,
  timeoutMs: number,
  log: Logger,
): Promise<void> {
  const legLog = log.child({ dialogId: handles.dialogId, channelId: handles.channelId });
  const bye = async () => {
    try {
      await withDeadline(srf.request({ uri: IN_DIALOG, method: 'BYE', stackDialogId: handles.dialogId }), timeoutMs, () => new DeadlineError('BYE', timeoutMs));
    } catch (err) {
      // Gone already: the phone hung up meanwhile.
      legLog.info({ err: errorText(err) }, 'no BYE sent to the lost leg');
    }
  };
  const kill = async () => {
    if (!media || !CHANNEL_ID.test(handles.channelId)) {
      legLog.warn({ mediaServer: media?.name }, "cannot hang up the lost leg's channel: unknown media server or channel id");
      return;
    }
    try {
      const reply = await withDeadline(media.api(`uuid_kill ${handles.channelId}`), timeoutMs, () => new DeadlineError('uuid_kill', timeoutMs));
      if (!reply.startsWith('+OK')) legLog.info({ reply: reply.trim() }, "the lost leg's channel was already gone");
    } catch (err) {
      legLog.warn({ err: errorText(err) }, "could not hang up the lost leg's channel");
    }
  };
  await Promise.all([bye(), kill()]);
}

/** Stops a phone ringing for a lost call: a CANCEL of its INVITE, which drachtio still sends. */
export async function cancelLostInvite(srf: Pick<Srf, 'request'>, inviteId: string, timeoutMs: number, log: Logger): Promise<void> {
  try {
    await withDeadline(srf.request({ uri: IN_DIALOG, method: 'CANCEL', stackTxnId: inviteId }), timeoutMs, () => new DeadlineError('CANCEL', timeoutMs));
  } catch (err) {
    // Answered, refused or timed out meanwhile.
    log.info({ inviteId, err: errorText(err) }, 'no CANCEL sent for the lost leg');
  }
}
