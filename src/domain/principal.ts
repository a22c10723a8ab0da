import { z } from 'zod';
import { personIdSchema } from './person';

// Who is calling the API, as configured in the tokens file.

export const PRINCIPAL_ROLES = ['admin', 'supervisor', 'agent', 'expert'] as const;
export type PrincipalRole = (typeof PRINCIPAL_ROLES)[number];

export const tokenEntrySchema = z
  .object({
    token: z.string().min(16, 'tokens must be at least 16 characters'),
    role: z.enum(PRINCIPAL_ROLES),
    personId: personIdSchema.optional(),
  })
  .strict()
  .refine((t) => t.personId !== undefined || t.role === 'admin' || t.role === 'supervisor', {
    message: 'agent and expert tokens need a personId',
    path: ['personId'],
  });

export const tokenFileSchema = z.array(tokenEntrySchema).superRefine((entries, ctx) => {
  const seen = new Set<string>();
  entries.forEach((e, i) => {
    if (seen.has(e.token)) ctx.addIssue({ code: 'custom', path: [i, 'token'], message: 'token is listed twice' });
    seen.add(e.token);
  });
});

export interface Principal {
  role: PrincipalRole;
  personId?: string;
}

export const isStaffManager = (p: Principal) => p.role === 'admin' || p.role === 'supervisor';
