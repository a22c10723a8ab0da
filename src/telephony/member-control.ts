import { InvalidInputError } from '../domain/errors';
import type { MemberControl } from '../services/ports/telephony';
import { MediaOperationError, MemberNotFoundError } from './errors';
import type { MediaChannels } from './media-servers';

// Member audio control through the conference API: `conference <room> <verb>
// <member> [arg]`. ms.api resolves with the reply text even on -ERR, so the
// reply decides the outcome.
//
// FreeSWITCH's own `hold` only stops the member being heard: a held member
// still hears the room, and a file given to hold is mixed over the room's
// audio. A held customer must not overhear the agent briefing an expert, so
// hold here is `deaf` (hears nothing of the room) plus `hold <music>`, and
// unhold undoes both.

/** Default hold music: the service's FreeSWITCH configuration names its stream "default". */
export const DEFAULT_HOLD_MUSIC = 'local_stream://default';

// Room names, member ids and the music go into an API command line: no spaces or separators.
const ROOM_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@:-]{0,127}$/;
const MEMBER_ID = /^\d{1,10}$/;
const SOUND = /^[^\s]{1,512}$/;

/** The conference API commands for one control, in the order to send them. */
export function memberCommands(room: string, memberId: string, control: MemberControl, holdMusic = DEFAULT_HOLD_MUSIC): string[] {
  if (!ROOM_NAME.test(room)) throw new InvalidInputError(`"${room}" is not a room name`, { room });
  if (!MEMBER_ID.test(memberId)) throw new InvalidInputError(`"${memberId}" is not a member id`, { memberId });
  if (!SOUND.test(holdMusic)) throw new InvalidInputError(`"${holdMusic}" is not a sound to play`, { holdMusic });
  const command = (verb: string) => `conference ${room} ${verb} ${memberId}`;
  switch (control) {
    case 'hold':
      return [command('deaf'), `${command('hold')} ${holdMusic}`];
    case 'unhold':
      return [command('unhold'), command('undeaf')];
    default:
      return [command(control)];
  }
}

/**
 * Plays a sound to one member only (the others hear the room as before). A
 * sound naming a FreeSWITCH variable (${queue_timeout_message}) is expanded
 * there, so the file's path can live in FreeSWITCH's own configuration.
 */
export function playCommand(room: string, memberId: string, sound: string): string {
  if (!ROOM_NAME.test(room)) throw new InvalidInputError(`"${room}" is not a room name`, { room });
  if (!MEMBER_ID.test(memberId)) throw new InvalidInputError(`"${memberId}" is not a member id`, { memberId });
  if (!SOUND.test(sound)) throw new InvalidInputError(`"${sound}" is not a sound to play`, { sound });
  const command = `conference ${room} play ${sound} ${memberId}`;
  return sound.includes('${') ? `expand ${command}` : command;
}

export type ControlReply = 'ok' | 'not_found' | 'error';

/** What FreeSWITCH's reply to a member command means. */
export function interpretReply(reply: string): ControlReply {
  const text = reply.trim();
  if (text.startsWith('+OK')) return 'ok';
  // "-ERR Conference <room> not found", "-ERR Non-Existant ID <member>" (sic)
  if (/conference \S+ not found|non-exist[ae]nt id/i.test(text)) return 'not_found';
  return 'error';
}

async function send(media: MediaChannels, command: string, room: string, memberId: string, control: MemberControl): Promise<void> {
  const reply = await media.api(command);
  switch (interpretReply(reply)) {
    case 'ok':
      return;
    case 'not_found':
      throw new MemberNotFoundError(room, memberId);
    case 'error':
      throw new MediaOperationError(`${control} of member ${memberId} in room ${room}`, reply.trim() || 'empty reply');
  }
}

export async function controlMember(
  media: MediaChannels,
  room: string,
  memberId: string,
  control: MemberControl,
  holdMusic = DEFAULT_HOLD_MUSIC,
): Promise<void> {
  const [first, ...rest] = memberCommands(room, memberId, control, holdMusic);
  if (first) await send(media, first, room, memberId, control);
  try {
    for (const command of rest) await send(media, command, room, memberId, control);
  } catch (err) {
    // A hold that made the member deaf but could not hold them must not leave them deaf.
    if (control === 'hold') await media.api(`conference ${room} undeaf ${memberId}`).catch(() => undefined);
    throw err;
  }
}

export async function playToMember(media: MediaChannels, room: string, memberId: string, sound: string): Promise<void> {
  const reply = await media.api(playCommand(room, memberId, sound));
  if (interpretReply(reply) === 'ok') return;
  if (interpretReply(reply) === 'not_found') throw new MemberNotFoundError(room, memberId);
  throw new MediaOperationError(`playing ${sound} to member ${memberId} in room ${room}`, reply.trim() || 'empty reply');
}
