import { z } from 'zod';
import { contactsSchema, ROLES, skillSchema } from '../domain/person';
import { PRESENCE_STATES } from '../domain/presence';

// Response shapes; they also make the OpenAPI document.

export const presenceSchema = z.object({
  state: z.enum(PRESENCE_STATES),
  reason: z.string(),
  since: z.string(),
  idleSince: z.string(),
  activeClaims: z.number().int(),
});

export const personViewSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  photoUrl: z.string().optional(),
  roles: z.array(z.enum(ROLES)),
  skills: z.array(skillSchema),
  languages: z.array(z.string()),
  contacts: contactsSchema,
  maxConcurrentCalls: z.number().int(),
  /** Whether a desk phone can register with this service (the password itself is never shown). */
  canRegister: z.boolean(),
  presence: presenceSchema,
});
export type PersonView = z.infer<typeof personViewSchema>;

export const idParams = z.object({ id: z.string().min(1).max(128) });
