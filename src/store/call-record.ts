import { z } from 'zod';
import type { Call } from '../domain/call';

// A call's record as read back from Redis. Another instance wrote it (maybe
// another version, during an upgrade): loose objects keep fields this version
// does not know, and what it relies on is checked.
const legSchema = z.looseObject({
  id: z.string(),
  role: z.enum(['customer', 'agent', 'expert']),
  personId: z.string().optional(),
  state: z.enum(['ringing', 'joined', 'ended']),
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

const callSchema = z.looseObject({
  id: z.string().min(1),
  sipCallId: z.string(),
  customer: z.string(),
  serviceNumber: z.string(),
  state: z.enum(['queued', 'offering', 'connected', 'ended']),
  room: z.string(),
  mediaServer: z.string(),
  owner: z.string().min(1),
  createdAt: z.iso.datetime(),
  queuedAt: z.string().optional(),
  answeredAt: z.string().optional(),
  legs: z.array(legSchema),
}) satisfies z.ZodType<Call>;

/** The call in `json`, or why it is not one (not JSON, or a field missing or of the wrong kind). */
export function readCallRecord(json: string): { call: Call } | { problem: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    return { problem: 'not JSON' };
  }
  const checked = callSchema.safeParse(doc);
  if (checked.success) return { call: checked.data };
  return { problem: checked.error.issues.map((i) => `${i.path.join('.') || 'record'}: ${i.message}`).join('; ') };
}
