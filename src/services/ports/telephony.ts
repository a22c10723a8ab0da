// The telephony ports: what call orchestration needs from SIP signalling
// (drachtio) and media (FreeSWITCH), and nothing more. src/telephony
// implements them; tests use in-memory fakes. Every room lives on one media
// server; every leg is a media endpoint joined (or to be joined) to a room.

import type { LegHandles } from '../../domain/call';
import type { FailedLoginBlock } from '../../domain/failed-logins';
import type { PhoneBinding } from '../../domain/person';

/** Why a leg ended or a dial failed, in contact-centre terms. */
export type DialFailure = 'busy' | 'declined' | 'no_answer' | 'unavailable' | 'cancelled' | 'failed';

export interface DialFailed {
  outcome: DialFailure;
  /** The SIP status behind it (486, 603, 480, 408, 487, 503 …), when there was one. */
  status?: number;
  reason?: string;
}

/** What became of a phone's transfer (its REFER), as the phone is told it in a SIP status. */
export type TransferOutcome = { accepted: true } | { accepted: false; status: number; reason: string };

/** A member's audio switches in a room. */
export type MemberControl = 'mute' | 'unmute' | 'hold' | 'unhold' | 'kick';

/** A party connected to a media endpoint: the customer's, agent's or expert's call. */
export interface Leg {
  /** The media endpoint's id (FreeSWITCH channel uuid). */
  readonly id: string;
  readonly mediaServer: string;
  /** The phone's SIP dialog, as the signalling server names it. */
  readonly dialogId: string;
  /** Joins the room (created on the first join); resolves with the member id. Times out with an error. */
  join(room: string): Promise<{ memberId: string }>;
  /** Hangs up the call and frees the endpoint. Idempotent; never throws. */
  hangup(): Promise<void>;
  /** Called once when the far end hangs up or the media server drops the channel. */
  onEnded(listener: (by: 'remote' | 'media') => void): void;
  /**
   * Called when the phone puts the call on hold (its hold button) or takes it
   * back, once the media server follows: each time the state changes.
   */
  onPhoneHold(listener: (held: boolean) => void): void;
  /**
   * Handles the phone's transfer button: a blind transfer to `target` (the
   * user of the URI it was given, e.g. a desk phone's). Without a handler, and
   * for an attended transfer, the phone is refused (501) and keeps the call.
   */
  onTransferRequest(handler: (target: string) => Promise<TransferOutcome>): void;
}

export interface InboundCall {
  /** The SIP Call-ID of the customer's INVITE. */
  readonly sipCallId: string;
  /** Caller number or user, from the From header. */
  readonly from: string;
  /** The dialled number or user, from the Request-URI. */
  readonly to: string;
  /**
   * The media server answer() will use: the least loaded one when the INVITE
   * arrived, so the room's other legs can be started there while we answer.
   * Undefined when none is connected (answer() then fails).
   */
  readonly mediaServer?: string;
  /** Answers into a media endpoint on `mediaServer`; headers go in the 200 OK. */
  answer(headers?: Record<string, string>): Promise<Leg>;
  /** Rejects before answering (e.g. 480 when nobody can ever take it, 503 when media is down). */
  reject(status: number, reason?: string): Promise<void>;
  /** The caller gave up before we answered (CANCEL). */
  onCancelled(listener: () => void): void;
}

export interface DialRequest {
  /**
   * A SIP URI: a desk phone on another PBX, a gateway. Or the look-up of a
   * person's URIs, still under way: a media endpoint is made meanwhile (name the
   * member then); every URI found rings at once (a user's registered phones),
   * and none fails the dial as 'unavailable'.
   */
  uri: string | Promise<readonly string[]>;
  /**
   * The URIs are phones that register with us (a desk user's). Only these are
   * asked, while they hold the call, whether they are still there: what
   * answers for a phone elsewhere (a gateway, another PBX) may not answer well.
   */
  registeredPhones?: Promise<boolean>;
  /** How the room lists the member (its caller id); the URI's user when not given. */
  memberName?: string;
  /** The media server the room lives on: the new endpoint must be there too. */
  mediaServer: string;
  /** Extra headers on the INVITE (X-Call-Id, X-Case-Id, Call-Info …). */
  headers: Record<string, string>;
  /** Shown to the called phone as the caller. */
  callingNumber?: string;
  /** Gives up (CANCEL) when nobody answers within this. */
  ringTimeoutSec: number;
}

/** How a dial ends: answered with a Leg (not yet joined to any room), or failed. */
export type DialResult = { answered: Leg } | { failed: DialFailed };

/**
 * An outbound 3PCC leg being placed. `result` settles once: answered with a
 * Leg (not yet joined to any room), or failed. `cancel()` after answer hangs
 * the leg up, so a cancel that crosses an answer never leaves a leg behind.
 */
export interface OutboundDial {
  readonly result: Promise<DialResult>;
  /** Called on the first provisional response (the phone is ringing). */
  onRinging(listener: () => void): void;
  /** Called each time one more phone starts ringing: once for one phone, once per phone of a fork. */
  onPhoneRinging(listener: () => void): void;
  /** The signalling server's ids of its INVITEs sent and not yet answered, one per phone rung. */
  pendingInvites(): string[];
  cancel(): void;
}

export interface Registration {
  /** The user part of the AOR (To header): the person's desk user. */
  user: string;
  /** Where to send INVITEs to that user. */
  contact: string;
  /** The Contact the phone registered, when its INVITEs go elsewhere (a phone behind NAT). */
  phoneContact?: string;
  /** The phone's own id (RFC 5626 +sip.instance), the same across its restarts, when it sends one. */
  instance?: string;
  expiresSec: number;
  userAgent?: string;
}

/** Wrong desk-phone passwords by source address, shared by every instance. */
export interface FailedLoginCounter {
  /** Whether the address, or the address for this user, is refused now. */
  blocked(address: string, user?: string): Promise<boolean>;
  /** Counts a wrong password; returns what became blocked by it, if anything. */
  failed(address: string, user: string): Promise<FailedLoginBlock | undefined>;
  /** A right password clears the user's count from that address. */
  succeeded(address: string, user: string): Promise<void>;
}

export interface RegistrarHandlers {
  /** The digest password for a user, or undefined to refuse them (403). */
  passwordFor(user: string): Promise<string | undefined>;
  readonly failedLogins: FailedLoginCounter;
  /** The user's registered phones, freshest first (a REGISTER without Contact asks for them). */
  phonesOf(user: string): Promise<PhoneBinding[]>;
  /** Saves one phone's binding; returns every registered phone of the user, freshest first. */
  onRegister(registration: Registration): Promise<PhoneBinding[]>;
  /**
   * Removes the user's phone with this contact (as dialled or as it registered
   * it: from behind the NAT at natAddress, when given); without one, all of them.
   * Returns the phones the user has left, freshest first.
   */
  onUnregister(user: string, contact?: string, natAddress?: string): Promise<PhoneBinding[]>;
}

export type ConnectionState = 'connected' | 'connecting' | 'disconnected';

export interface MediaServerStatus {
  name: string;
  state: ConnectionState;
  /** Calls (channels) it carries now; the least loaded takes the next room. */
  load: number;
}

export interface Telephony {
  /** Every new INVITE to us. The handler owns the call from then on. */
  onInboundCall(handler: (call: InboundCall) => void): void;
  dial(request: DialRequest): OutboundDial;
  /** Audio control of a member in a room. Throws when the room or member is gone. */
  controlMember(mediaServer: string, room: string, memberId: string, control: MemberControl): Promise<void>;
  /** Starts a sound (a FreeSWITCH file, tone_stream://…) for one member only; resolves once it plays. */
  playToMember(mediaServer: string, room: string, memberId: string, sound: string): Promise<void>;
  /**
   * Hangs up a leg that another instance answered and can no longer end (it
   * stopped): a BYE to the phone and the media channel's hangup. Never throws.
   */
  hangUpLost(mediaServer: string, handles: LegHandles): Promise<void>;
  /** Stops phones ringing for another instance that stopped: a CANCEL of each INVITE, by its id. Never throws. */
  cancelLost(inviteIds: readonly string[]): Promise<void>;
  serveRegistrar(handlers: RegistrarHandlers): void;
  signallingState(): ConnectionState;
  mediaServers(): MediaServerStatus[];
  close(): Promise<void>;
}
