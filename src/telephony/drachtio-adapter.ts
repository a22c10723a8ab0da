import type { Socket } from 'node:net';
import DrachtioSrf from 'drachtio-srf';
import DrachtioMrf from 'drachtio-fsmrf';
import registrationParser from 'drachtio-mw-registration-parser';
import { type DigestAuthOptions, digestAuth } from './digest-auth';
import type { MediaServer, Mrf, SipMiddleware, Srf } from './drachtio-api';

// The one place where drachtio-srf and drachtio-fsmrf objects get the types of
// drachtio-api.ts, and where we reach into their internals (all of it here, so
// a library upgrade has one file to check).

export function createSrf(): Srf {
  return new DrachtioSrf() as unknown as Srf;
}

export function createMrf(srf: Srf): Mrf {
  return new DrachtioMrf(srf) as unknown as Mrf;
}

/**
 * Our digest authentication (req.authorization), then what must see a REGISTER
 * before drachtio's parser does (it refuses one without Contact), then the
 * parser (req.registration), in front of a registrar handler.
 */
export function registrarMiddleware(auth: DigestAuthOptions, beforeParser: SipMiddleware): SipMiddleware[] {
  return [digestAuth(auth), beforeParser, registrationParser as unknown as SipMiddleware];
}

interface SrfInternals {
  _app?: {
    client?: {
      mapServer?: Map<Socket, unknown>;
      wp?: { closing?: boolean; reconnectVars?: { retryTimer?: NodeJS.Timeout | null } };
    };
  };
}

const srfClient = (srf: Srf) => (srf as unknown as SrfInternals)._app?.client;

/**
 * srf sets TCP no-delay on its first socket to drachtio-server but not on the
 * sockets it opens when reconnecting; without it every request waits on Nagle.
 */
export function setSignallingNoDelay(srf: Srf): void {
  for (const socket of srfClient(srf)?.mapServer?.keys() ?? []) socket.setNoDelay(true);
}

/** Whether srf holds an authenticated socket to drachtio-server now. */
export function signallingSocketCount(srf: Srf): number {
  return srfClient(srf)?.mapServer?.size ?? 0;
}

/**
 * Stops srf for good. `srf.disconnect()` throws while no socket is up and does
 * not stop a pending reconnect timer, so stop the retry loop first.
 */
export function stopSignalling(srf: Srf): void {
  const wp = srfClient(srf)?.wp;
  if (wp) {
    wp.closing = true;
    if (wp.reconnectVars?.retryTimer) clearTimeout(wp.reconnectVars.retryTimer);
  }
  if (signallingSocketCount(srf) > 0) {
    try {
      srf.disconnect();
    } catch {
      // already gone
    }
  }
}

interface MediaServerInternals {
  _server?: { on(event: 'connection::open', listener: (conn: EslSocketOwner) => void): void };
}

interface EslSocketOwner {
  socket?: Socket | null;
  send?: (command: string, args?: Record<string, string>) => void;
  subscribe?: (events: string | string[], callback?: unknown) => void;
}

/**
 * modesl writes each line of a command with its own socket write: a sendmsg
 * costs five syscalls and five packets. Corked, it goes out in one.
 */
function sendInOneWrite(conn: EslSocketOwner): void {
  const send = conn.send;
  if (!send) return;
  conn.send = function (this: EslSocketOwner, command, args) {
    const socket = this.socket;
    socket?.cork();
    try {
      send.call(this, command, args);
    } finally {
      socket?.uncork();
    }
  };
}

/**
 * fsmrf subscribes each channel's connection to CHANNEL_EXECUTE and
 * CHANNEL_EXECUTE_COMPLETE. Each is a ~7 kB JSON event with all the channel's
 * variables, which FreeSWITCH writes and we parse, and together they were
 * about half of a call's event-socket bytes. Nothing of ours waits on them:
 * a join settles on the room's add-member event, a hang-up on FreeSWITCH's
 * BYE, and naming a standby endpoint is not awaited. So a channel's executes
 * report failure to send, never completion (see Endpoint.execute).
 */
const UNREAD_CHANNEL_EVENTS = new Set(['CHANNEL_EXECUTE', 'CHANNEL_EXECUTE_COMPLETE']);

function withoutExecuteEvents(conn: EslSocketOwner): void {
  const subscribe = conn.subscribe;
  if (!subscribe) return;
  conn.subscribe = function (this: EslSocketOwner, events, callback) {
    const names = (Array.isArray(events) ? events : events.split(' ')).filter((name) => !UNREAD_CHANNEL_EVENTS.has(name));
    subscribe.call(this, names.join(' '), callback);
  };
}

/**
 * Every event-socket connection of a media server (the inbound one, and the
 * outbound one of each channel): no-delay, and one write per command; a
 * channel's connection also leaves out the events nothing reads. Nagle is
 * on by default: each api costs ~44 ms and each execute ~64 ms on loopback
 * instead of ~0.3 ms and ~22 ms.
 */
export function tuneMediaSockets(ms: MediaServer): void {
  const tune = (conn: EslSocketOwner) => {
    conn.socket?.setNoDelay(true);
    sendInOneWrite(conn);
  };
  tune(ms.conn as unknown as EslSocketOwner);
  (ms as unknown as MediaServerInternals)._server?.on('connection::open', (conn) => {
    tune(conn);
    withoutExecuteEvents(conn);
  });
}
