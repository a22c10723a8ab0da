import { z } from 'zod';
import { type Case, caseContentSchema } from '../domain/case';

// A case as read back from Redis: its content under the rules it was taken
// in by, and who made it when. Loose: a newer version's fields are kept.
export const caseRecordSchema = z.looseObject({
  ...caseContentSchema.shape,
  id: z.string().min(1),
  callId: z.string(),
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  readers: z.array(z.string()),
}) satisfies z.ZodType<Case>;
