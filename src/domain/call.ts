// A customer call as the API shows it: one conference room with its legs.
// The instance that holds the customer's SIP dialog owns the call; the record
// in Redis lets any instance answer reads about it.

export const CALL_STATES = ['queued', 'offering', 'connected', 'ended'] as const;
export type CallState = (typeof CALL_STATES)[number];

export const LEG_ROLES = ['customer', 'agent', 'expert'] as const;
export type LegRole = (typeof LEG_ROLES)[number];

export const LEG_STATES = ['ringing', 'joined', 'ended'] as const;
export type LegState = (typeof LEG_STATES)[number];

/**
 * Where an answered leg lives outside the service: the phone's SIP dialog (as
 * drachtio-server names it) and the FreeSWITCH channel. Kept with the call, so
 * that if its instance stops another can hang the leg up.
 */
export interface LegHandles {
  dialogId: string;
  channelId: string;
}

export interface CallLeg {
  id: string;
  role: LegRole;
  /** The person on this leg (agents and experts). */
  personId?: string;
  state: LegState;
  /** Conference member id once joined. */
  memberId?: string;
  /** Audio switches set through the conference controls. */
  muted?: boolean;
  held?: boolean;
  /** A staff member's desk phone has the call on hold (its own hold button). */
  phoneHeld?: boolean;
  startedAt: string;
  joinedAt?: string;
  endedAt?: string;
  /** Once answered. */
  handles?: LegHandles;
  /** While its phones ring: the signalling server's ids of the INVITEs, so that another instance can cancel them if ours stops. */
  invites?: string[];
}

export interface Call {
  id: string;
  /** The SIP Call-ID of the customer's INVITE. */
  sipCallId: string;
  customer: string;
  serviceNumber: string;
  state: CallState;
  room: string;
  mediaServer: string;
  /** The instance that holds the call's dialogs. */
  owner: string;
  createdAt: string;
  queuedAt?: string;
  answeredAt?: string;
  legs: CallLeg[];
}

/** Why a call ended, for the event log and the reports. */
export type CallEndReason =
  | 'customer_hangup'
  | 'agent_hangup'
  | 'hung_up_by_api'
  | 'ended_by_staff'
  | 'queue_timeout'
  | 'overflowed'
  | 'media_lost'
  /** The customer offered no media FreeSWITCH takes (no common codec): refused with 488. */
  | 'incompatible_media'
  /** The instance that held the call's dialogs stopped without ending it (a crash). */
  | 'owner_lost'
  | 'shutdown';
