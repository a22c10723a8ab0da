import { z } from 'zod';
import { OTHER_REASON, reasonCodeSchema, type ContactReason } from './contact-reason';
import { ConflictError, ForbiddenError, InvalidInputError } from './errors';

// The wrap-up someone on a call posts about it, and who may post it when.

const text = (max: number) => z.string().trim().min(1).max(max);

export const wrapUpInputSchema = z
  .object({
    /** Solved on this contact, without the customer having to call again. */
    resolved: z.boolean(),
    reason: reasonCodeSchema,
    /** Required with the reason "other". */
    reasonText: text(200).optional(),
    product: text(100).optional(),
    /** Channel or step of the customer journey the contact came from. */
    touchpoint: text(100).optional(),
    followUp: z.object({ dueDate: z.iso.date(), note: text(500).optional() }).strict().optional(),
    notes: text(4000).optional(),
    /** The customer's id when the call itself does not name it; else the caller number is the key. */
    customerKey: text(128).optional(),
  })
  .strict();
export type WrapUpInput = z.infer<typeof wrapUpInputSchema>;

export const WRAP_UP_ROLES = ['agent', 'expert'] as const;
export type WrapUpRole = (typeof WRAP_UP_ROLES)[number];

export interface WrapUp extends WrapUpInput {
  personId: string;
  role: WrapUpRole;
  at: string;
}

/** What the rules need to know about the call. */
export interface WrapUpTarget {
  agents: readonly string[];
  experts: readonly string[];
  endedAt?: string;
  wrapUps: readonly Pick<WrapUp, 'personId'>[];
}

/**
 * Checks a wrap-up against the call: only an agent or an expert who was on it,
 * once each, from joining until `windowSec` after the call ended. Returns the
 * poster's role on the call; throws the error the poster should see.
 */
export function checkWrapUp(
  target: WrapUpTarget,
  personId: string,
  input: WrapUpInput,
  reasons: readonly ContactReason[],
  windowSec: number,
  nowMs: number,
): WrapUpRole {
  const role: WrapUpRole | undefined = target.agents.includes(personId)
    ? 'agent'
    : target.experts.includes(personId)
      ? 'expert'
      : undefined;
  if (!role) throw new ForbiddenError(`"${personId}" was not on this call as its agent or an expert who joined; only they wrap it up`);
  if (target.wrapUps.some((w) => w.personId === personId)) {
    throw new ConflictError('already_wrapped_up', `"${personId}" has already wrapped up this call; a wrap-up cannot be replaced`, {
      personId,
    });
  }
  if (target.endedAt) {
    const deadlineMs = Date.parse(target.endedAt) + windowSec * 1000;
    if (nowMs > deadlineMs) {
      throw new ConflictError('wrapup_too_late', `the wrap-up window closed ${windowSec} s after the call ended`, {
        endedAt: target.endedAt,
        deadline: new Date(deadlineMs).toISOString(),
      });
    }
  }
  if (!reasons.some((r) => r.code === input.reason)) {
    throw new InvalidInputError(`"${input.reason}" is not a configured contact reason`, [
      { field: 'body.reason', message: `one of ${reasons.map((r) => r.code).join(', ')}` },
    ]);
  }
  if (input.reason === OTHER_REASON && !input.reasonText) {
    throw new InvalidInputError('the reason "other" needs a reasonText', [{ field: 'body.reasonText', message: 'is required with "other"' }]);
  }
  return role;
}
