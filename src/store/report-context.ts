import { z } from 'zod';
import { ESCALATION_MODES } from '../domain/escalation';
import { type CallTally, ESCALATION_TALLY_OUTCOMES } from '../domain/reports/tally';

// A call's report context as read back from Redis (stored-record.ts): loose
// objects keep fields a newer version added, and what the tally relies on is checked.
const escalationTallySchema = z.looseObject({
  day: z.string(),
  mode: z.enum(ESCALATION_MODES),
  agent: z.string(),
  offered: z.boolean().optional(),
  expert: z.string().optional(),
  answeredMs: z.number().optional(),
  outcome: z.enum(ESCALATION_TALLY_OUTCOMES).optional(),
  resolved: z.boolean().optional(),
  ended: z.boolean().optional(),
});

export const reportContextSchema = z.looseObject({
  day: z.string(),
  skill: z.string().optional(),
  agent: z.string().optional(),
  experts: z.array(z.string()),
  answered: z.boolean().optional(),
  ended: z.boolean().optional(),
  wrapped: z.boolean().optional(),
  reason: z.string().optional(),
  fcr: z.boolean().optional(),
  escalations: z.record(z.string(), escalationTallySchema),
}) satisfies z.ZodType<CallTally>;
