import { z } from 'zod';

// What customers call about: a configured taxonomy of codes and labels, and
// always an "other" that takes free text.

export interface ContactReason {
  code: string;
  label: string;
}

export const OTHER_REASON = 'other';

export const reasonCodeSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,47}$/, 'lowercase letters, digits, "_" or "-", at most 48');

export const DEFAULT_CONTACT_REASONS: ContactReason[] = [
  { code: 'billing', label: 'Billing and payments' },
  { code: 'technical', label: 'Technical problem' },
  { code: 'order', label: 'Order or delivery' },
  { code: 'account', label: 'Account and login' },
  { code: 'complaint', label: 'Complaint' },
  { code: OTHER_REASON, label: 'Other' },
];

/** "code:Label" entries; "other" is added when the list lacks it. */
export const contactReasonsSchema = z
  .array(
    z.string().transform((entry, ctx) => {
      const at = entry.indexOf(':');
      const code = (at < 0 ? entry : entry.slice(0, at)).trim();
      const label = (at < 0 ? entry : entry.slice(at + 1)).trim();
      if (!reasonCodeSchema.safeParse(code).success || !label) {
        ctx.addIssue({ code: 'custom', message: `"${entry}" is not code:Label (code in lowercase letters, digits, "_", "-")` });
        return z.NEVER;
      }
      return { code, label };
    }),
  )
  .min(1, 'name at least one reason')
  .superRefine((reasons, ctx) => {
    const seen = new Set<string>();
    for (const r of reasons) {
      if (seen.has(r.code)) ctx.addIssue({ code: 'custom', message: `reason "${r.code}" is listed twice` });
      seen.add(r.code);
    }
  })
  .transform((reasons) =>
    reasons.some((r) => r.code === OTHER_REASON) ? reasons : [...reasons, { code: OTHER_REASON, label: 'Other' }],
  );
