import { z } from 'zod';
import { caseContentSchema } from './case';
import type { EscalationModeName, EscalationTargetView } from './events';
import { languageSchema, personIdSchema } from './person';
import { type Criteria, skillRequirementSchema } from './matching';

// An agent bringing an expert into a customer's call. The four modes differ in
// who stays and whether the customer is held while the expert is briefed.

export const ESCALATION_MODES = ['conference', 'consult', 'transfer', 'blind'] as const satisfies readonly EscalationModeName[];
export type EscalationMode = (typeof ESCALATION_MODES)[number];

export const escalationTargetSchema = z.union([
  z.object({ expertId: personIdSchema }).strict(),
  z
    .object({ skills: z.array(skillRequirementSchema).min(1).max(10), language: languageSchema.optional() })
    .strict(),
]);
export type EscalationTarget = z.output<typeof escalationTargetSchema> & EscalationTargetView;

export const escalationRequestSchema = z
  .object({
    target: escalationTargetSchema,
    mode: z.enum(ESCALATION_MODES),
    case: caseContentSchema,
    ringTimeoutSec: z.number().int().min(5).max(120).optional(),
    deadlineSec: z.number().int().min(5).max(3600).optional(),
  })
  .strict();
export type EscalationRequest = z.output<typeof escalationRequestSchema>;

/**
 * hunting: looking for a free expert; ringing: an expert's phone rings;
 * consulting: the expert talks with the agent, the customer is held (consult,
 * transfer); joined: all talk (conference, or the expert has the customer after
 * a blind hand-over); merged / transferred: a consult ended in a three-way call
 * / with the agent gone. The rest are final.
 */
export const ESCALATION_STATES = ['hunting', 'ringing', 'consulting', 'joined', 'merged', 'transferred', 'failed', 'cancelled', 'ended'] as const;
export type EscalationState = (typeof ESCALATION_STATES)[number];

export const FINAL_STATES: readonly EscalationState[] = ['failed', 'cancelled', 'ended'];

export const ATTEMPT_OUTCOMES = ['ringing', 'answered', 'declined', 'no_answer', 'busy', 'cancelled', 'failed'] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

export interface EscalationAttempt {
  expertId: string;
  startedAt: string;
  endedAt?: string;
  outcome: AttemptOutcome;
  status?: number;
}

export interface Escalation {
  id: string;
  callId: string;
  mode: EscalationMode;
  state: EscalationState;
  target: EscalationTarget;
  caseId: string;
  requestedBy: string;
  /** The agent whose call it is (the customer goes back to them after a failed blind hand-over). */
  agentId?: string;
  /** The expert who answered. */
  expertId?: string;
  attempts: EscalationAttempt[];
  ringTimeoutSec: number;
  createdAt: string;
  deadlineAt: string;
  endedAt?: string;
  /** Why it failed or ended. */
  reason?: string;
}

export const isFinal = (e: Pick<Escalation, 'state'>) => FINAL_STATES.includes(e.state);

/** merge and cancel only mean something while the agent is briefing the expert. */
export function mergeable(e: Escalation): boolean {
  return e.state === 'consulting';
}

/** A cancel is accepted until the expert is in the conversation with the customer. */
export function cancellable(e: Escalation): boolean {
  return e.state === 'hunting' || e.state === 'ringing' || e.state === 'consulting';
}

/** Whether the escalation is ringing this person's phone now. */
export function ringing(e: Escalation, personId: string): boolean {
  const attempt = e.attempts.at(-1);
  return e.state === 'ringing' && attempt?.outcome === 'ringing' && attempt.expertId === personId;
}

/** Who may be claimed for a target: experts with the skills (or the one named), none of `exclude`. */
export function criteriaFor(target: EscalationTarget, exclude: string[]): Criteria {
  if (target.expertId) return { role: 'expert', personId: target.expertId, skills: [], exclude };
  return { role: 'expert', skills: target.skills ?? [], language: target.language, exclude };
}
