// Whether a phone's SDP offer puts the call on hold. RFC 3264 says so with the
// audio stream's direction (sendonly, or inactive when it was recvonly), the
// media section's attribute overriding the session's; older phones (RFC 2543)
// send a connection address of 0.0.0.0 instead.

const HOLDING_DIRECTIONS = new Set(['sendonly', 'inactive']);
const DIRECTIONS = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);

interface Section {
  direction?: string;
  address?: string;
}

export function offerHolds(sdp: string): boolean {
  const session: Section = {};
  let audio: Section | undefined;
  let current = session;
  for (const raw of sdp.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('m=')) {
      // The first audio stream is the call's; a later section ends what we read.
      if (audio) break;
      current = line.startsWith('m=audio ') ? (audio = {}) : {};
    } else if (line.startsWith('a=') && DIRECTIONS.has(line.slice(2))) {
      current.direction = line.slice(2);
    } else if (line.startsWith('c=')) {
      current.address = line.split(/\s+/)[2];
    }
  }
  if (!audio) return false;
  const direction = audio.direction ?? session.direction ?? 'sendrecv';
  const address = audio.address ?? session.address;
  return HOLDING_DIRECTIONS.has(direction) || address === '0.0.0.0';
}
