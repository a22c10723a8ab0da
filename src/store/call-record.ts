import { z } from 'zod';
import { type Call, CALL_STATES, LEG_ROLES, LEG_STATES } from '../domain/call';

// A call's record as read back from Redis (stored-record.ts): loose objects
// keep fields a newer version added, and what this one relies on is checked.
const legSchema = z.looseObject({
  id: z.string(),
  role: z.enum(LEG_ROLES),
  personId: z.string().optional(),
  state: z.enum(LEG_STATES),
  memberId: z.string().optional(),
  muted: z.boolean().optional(),
  held: z.boolean().optional(),
  phoneHeld: z.boolean().optional(),
  startedAt: z.string(),
  joinedAt: z.string().optional(),
  endedAt: z.string().optional(),
  handles: z.looseObject({ dialogId: z.string(), channelId: z.string() }).optional(),
  invites: z.array(z.string()).optional(),
});

export const callRecordSchema = z.looseObject({
  id: z.string().min(1),
  sipCallId: z.string(),
  customer: z.string(),
  serviceNumber: z.string(),
  state: z.enum(CALL_STATES),
  room: z.string(),
  mediaServer: z.string(),
  owner: z.string().min(1),
  // A time, not any string: it orders the list and ages the call in the sweep.
  createdAt: z.iso.datetime(),
  queuedAt: z.string().optional(),
  answeredAt: z.string().optional(),
  legs: z.array(legSchema),
}) satisfies z.ZodType<Call>;
