import { z } from 'zod';

// The case: what the agent has collected about the customer's problem. It
// travels with the escalation (SIP headers, screen pop, CRM webhook), so it is
// bounded in size: a SIP INVITE and a screen must both stay small.

const text = (max: number) => z.string().trim().max(max);
const webUrl = z.url({ protocol: /^https?$/ }).max(2000);

export const caseCustomerSchema = z
  .object({
    id: text(128).min(1).optional(),
    name: text(200).min(1).optional(),
    phone: text(40).min(1).optional(),
  })
  .strict();

export const caseContentSchema = z
  .object({
    customer: caseCustomerSchema.default({}),
    reason: text(200).min(1, 'say why the customer called'),
    summary: text(4000).default(''),
    notes: z.array(text(2000).min(1)).max(100).default([]),
    product: text(200).min(1).optional(),
    touchpoint: text(200).min(1).optional(),
    crmUrl: webUrl.optional(),
    fields: z
      .record(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'field names: letters, digits, "_", "." or "-", at most 64'), text(1000))
      .refine((f) => Object.keys(f).length <= 50, 'at most 50 fields')
      .default({}),
    attachments: z.array(webUrl).max(20).default([]),
  })
  .strict();
export type CaseContent = z.output<typeof caseContentSchema>;
export type CaseInput = z.input<typeof caseContentSchema>;

/** A partial update: the fields given replace the stored ones (notes as a whole list). */
export const casePatchSchema = z
  .object({
    customer: caseCustomerSchema.optional(),
    reason: text(200).min(1).optional(),
    summary: text(4000).optional(),
    notes: z.array(text(2000).min(1)).max(100).optional(),
    product: text(200).min(1).optional(),
    touchpoint: text(200).min(1).optional(),
    crmUrl: webUrl.optional(),
    fields: caseContentSchema.shape.fields.unwrap().optional(),
    attachments: z.array(webUrl).max(20).optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'nothing to change');
export type CasePatch = z.output<typeof casePatchSchema>;

export interface Case extends CaseContent {
  id: string;
  callId: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  /** People who may read it besides supervisors: its author and every expert offered it. */
  readers: string[];
}

