import { z } from 'zod';
import { WRAP_UP_ROLES, type WrapUp, wrapUpInputSchema } from '../domain/wrap-up';

// A posted wrap-up as read back from its contact record (stored-record.ts):
// what was posted, as the input rules checked it then, and who posted it when.
// Loose: a newer version's fields are kept.
export const wrapUpRecordSchema = z.looseObject({
  ...wrapUpInputSchema.shape,
  personId: z.string().min(1),
  role: z.enum(WRAP_UP_ROLES),
  at: z.iso.datetime(),
}) satisfies z.ZodType<WrapUp>;
