import { z } from 'zod';
import { ATTEMPT_OUTCOMES, type Escalation, ESCALATION_MODES, ESCALATION_STATES, escalationTargetSchema } from '../domain/escalation';

// An escalation's record as read back from Redis (stored-record.ts): loose
// objects keep fields a newer version added, and what this one relies on is checked.
const attemptSchema = z.looseObject({
  expertId: z.string(),
  startedAt: z.string(),
  endedAt: z.string().optional(),
  outcome: z.enum(ATTEMPT_OUTCOMES),
  status: z.number().optional(),
});

export const escalationRecordSchema = z.looseObject({
  id: z.string().min(1),
  callId: z.string().min(1),
  mode: z.enum(ESCALATION_MODES),
  state: z.enum(ESCALATION_STATES),
  target: escalationTargetSchema,
  caseId: z.string(),
  requestedBy: z.string(),
  agentId: z.string().optional(),
  expertId: z.string().optional(),
  attempts: z.array(attemptSchema),
  ringTimeoutSec: z.number(),
  createdAt: z.string(),
  deadlineAt: z.string(),
  endedAt: z.string().optional(),
  reason: z.string().optional(),
}) satisfies z.ZodType<Escalation>;
