import { z } from 'zod';
import type { WrapUp } from './wrap-up';

// One customer contact (a call) as the history keeps it: built from the call's
// events, completed by the wrap-ups of the people who were on it.

export interface ContactRecord {
  callId: string;
  /** The caller's number: the history key when no customer id is known. */
  caller: string;
  serviceNumber: string;
  skill?: string;
  /** The customer's id, from the escalation's case or a wrap-up. */
  customerId?: string;
  offeredAt: string;
  answeredAt?: string;
  endedAt?: string;
  endReason?: string;
  agents: string[];
  experts: string[];
  escalated: boolean;
  /** Oldest first. */
  wrapUps: WrapUp[];
  /** The earlier contact on the same reason this one repeats. */
  repeatOf?: string;
  /** A later contact on the same reason: this one was not resolved after all. */
  repeatedBy?: string;
}

// What a caller who withholds their number shows as (the From user; carriers
// send "anonymous", some PBXs the others).
const WITHHELD_CALLERS = /^(anonymous|unknown|unavailable|restricted|private|withheld)?$/i;

/**
 * Whether the caller's number is withheld. Such callers are no one customer:
 * filing their contacts under that name would show each of them the others' history.
 */
export const isWithheldCaller = (caller: string): boolean => WITHHELD_CALLERS.test(caller.trim());

/** A caller number or user we file a customer under, as a SIP header gives it: no spaces, quotes or brackets, and short. */
export const callerIdSchema = z.string().regex(/^[^\s<>"';,]{1,64}$/, 'a number or user of at most 64 characters');

export type ContactOutcome = 'in_progress' | 'abandoned' | 'not_answered' | 'not_wrapped_up' | 'resolved' | 'unresolved';

/** The first wrap-up decides the contact's reason and outcome; later ones add detail. */
export const primaryWrapUp = (c: ContactRecord): WrapUp | undefined => c.wrapUps[0];

export function contactOutcome(c: ContactRecord): ContactOutcome {
  const primary = primaryWrapUp(c);
  if (primary) return primary.resolved ? 'resolved' : 'unresolved';
  if (!c.endedAt) return 'in_progress';
  if (!c.answeredAt) return c.endReason === 'customer_hangup' ? 'abandoned' : 'not_answered';
  return 'not_wrapped_up';
}

/** Resolved on this contact, and the customer did not call again about it. */
export function firstContactResolved(c: ContactRecord): boolean {
  return primaryWrapUp(c)?.resolved === true && !c.repeatOf && !c.repeatedBy;
}

/**
 * The earlier contact this one repeats: the latest one on the same reason within
 * `days` before it that still counts as resolved on first contact.
 */
export function findRepeatedContact(
  earlier: readonly ContactRecord[],
  current: Pick<ContactRecord, 'callId' | 'offeredAt'>,
  reason: string,
  days: number,
): ContactRecord | undefined {
  const atMs = Date.parse(current.offeredAt);
  const fromMs = atMs - days * 86_400_000;
  return earlier
    .filter((c) => c.callId !== current.callId && primaryWrapUp(c)?.reason === reason && firstContactResolved(c))
    .filter((c) => Date.parse(c.offeredAt) >= fromMs && Date.parse(c.offeredAt) < atMs)
    .sort((a, b) => b.offeredAt.localeCompare(a.offeredAt))[0];
}

export interface FollowUpView {
  dueDate: string;
  note?: string;
  promisedBy: string;
  overdue: boolean;
}

export interface ContactHistoryEntry {
  callId: string;
  date: string;
  reason?: string;
  reasonText?: string;
  product?: string;
  touchpoint?: string;
  outcome: ContactOutcome;
  firstContactResolution: boolean;
  agents: string[];
  experts: string[];
  escalated: boolean;
  /** From the call's start to its end, when it was resolved. */
  timeToResolutionMs?: number;
  followUps: FollowUpView[];
  notes: { personId: string; text: string }[];
  repeatOf?: string;
  repeatedBy?: string;
}

export function historyEntry(c: ContactRecord, nowMs: number): ContactHistoryEntry {
  const primary = primaryWrapUp(c);
  const today = new Date(nowMs).toISOString().slice(0, 10);
  const outcome = contactOutcome(c);
  return {
    callId: c.callId,
    date: c.offeredAt,
    reason: primary?.reason,
    reasonText: primary?.reasonText,
    product: primary?.product ?? c.wrapUps.find((w) => w.product)?.product,
    touchpoint: primary?.touchpoint ?? c.wrapUps.find((w) => w.touchpoint)?.touchpoint,
    outcome,
    firstContactResolution: firstContactResolved(c),
    agents: c.agents,
    experts: c.experts,
    escalated: c.escalated,
    timeToResolutionMs: outcome === 'resolved' && c.endedAt ? Date.parse(c.endedAt) - Date.parse(c.offeredAt) : undefined,
    followUps: c.wrapUps.flatMap((w) =>
      w.followUp ? [{ dueDate: w.followUp.dueDate, note: w.followUp.note, promisedBy: w.personId, overdue: w.followUp.dueDate < today }] : [],
    ),
    notes: c.wrapUps.flatMap((w) => (w.notes ? [{ personId: w.personId, text: w.notes }] : [])),
    repeatOf: c.repeatOf,
    repeatedBy: c.repeatedBy,
  };
}
