import type { Endpoint } from './drachtio-api';

/**
 * How long FreeSWITCH waits for RTP from a phone that holds the call. A phone
 * on hold often sends nothing, and FreeSWITCH's own hold timeout does not
 * apply to these channels: seen live, a desk phone that held and went quiet
 * was hung up one plain media timeout after its hold. A hold longer than this
 * is taken for a dead phone.
 */
export const HELD_MEDIA_TIMEOUT_MS = 3_600_000;

/**
 * Sets (or, for a resume, clears) the channel's own media timeout before the
 * phone's offer reaches FreeSWITCH: the channel reads it again with each
 * re-INVITE, and without it the media timeout of vars.xml applies. An api
 * call: a dialplan application would wait behind the conference.
 */
export async function setHeldMediaTimeout(endpoint: Pick<Endpoint, 'uuid' | 'api'>, held: boolean): Promise<void> {
  const reply = (await endpoint.api('uuid_setvar', `${endpoint.uuid} media_timeout_audio${held ? ` ${HELD_MEDIA_TIMEOUT_MS}` : ''}`)).getBody();
  if (!reply.startsWith('+OK')) throw new Error(`uuid_setvar: ${reply.trim()}`);
}
