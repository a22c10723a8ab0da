import { z } from 'zod';

// The directory model: agents and experts are the same kind of person; roles
// say which pools they are in. An agent can also be an expert.

export const ROLES = ['agent', 'expert'] as const;
export type Role = (typeof ROLES)[number];

export const personIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lowercase letters, digits, ".", "_" or "-", at most 64');

export const skillNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,47}$/, 'lowercase letters, digits, "_" or "-", at most 48');

export const skillLevelSchema = z.number().int().min(1).max(5);

/** "en", "de-AT"; kept lower-case so matching is exact. */
export const languageSchema = z
  .string()
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a language tag such as "en" or "de-AT"')
  .transform((tag) => tag.toLowerCase());

/** A SIP URI (sip:, sips:) or a phone number as a tel: URI. */
export const contactUriSchema = z
  .string()
  .max(256)
  .regex(/^(sips?:[^\s<>"]+@[^\s<>"]+|tel:\+?[0-9*#-]{2,32})$/, 'a sip:user@host or tel:+number URI');

/** The user part a desk phone registers (and is transferred to) with. */
export const sipUserSchema = z.string().regex(/^[A-Za-z0-9._+-]{1,64}$/, 'a SIP user name');

/** Either a URI dialled as given, or a user who registers with this service. */
export const contactSchema = z.union([z.object({ uri: contactUriSchema }).strict(), z.object({ user: sipUserSchema }).strict()]);
export type Contact = z.infer<typeof contactSchema>;

export const contactsSchema = z
  .object({
    desk: contactSchema.optional(),
    mobile: contactSchema.optional(),
    preferred: z.enum(['desk', 'mobile']).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.preferred && !c[c.preferred]) {
      ctx.addIssue({ code: 'custom', path: ['preferred'], message: `no ${c.preferred} contact is given` });
    }
  });
export type Contacts = z.infer<typeof contactsSchema>;

export const skillSchema = z.object({ name: skillNameSchema, level: skillLevelSchema }).strict();
export type Skill = z.infer<typeof skillSchema>;

const uniqueBy = <T>(key: (item: T) => string, what: string) => (items: T[], ctx: z.RefinementCtx) => {
  const seen = new Set<string>();
  for (const [i, item] of items.entries()) {
    if (seen.has(key(item))) ctx.addIssue({ code: 'custom', path: [i], message: `${what} "${key(item)}" is listed twice` });
    seen.add(key(item));
  }
};

const profileFields = {
  displayName: z.string().trim().min(1).max(120),
  photoUrl: z.url({ protocol: /^https?$/ }).max(2048).optional(),
  roles: z.array(z.enum(ROLES)).min(1).max(2).superRefine(uniqueBy((r) => r, 'role')),
  skills: z.array(skillSchema).max(100).superRefine(uniqueBy((s) => s.name, 'skill')).default([]),
  languages: z.array(languageSchema).max(20).default([]),
  contacts: contactsSchema.default({}),
  maxConcurrentCalls: z.number().int().min(1).max(10).default(1),
  /** Digest password for a desk phone that registers with this service; never returned. */
  sipPassword: z.string().min(8).max(128).optional(),
};

export const personInputSchema = z.object({ id: personIdSchema, ...profileFields }).strict();
export type PersonInput = z.input<typeof personInputSchema>;
export type Person = z.output<typeof personInputSchema>;

/** A PATCH: any profile field, none of them reset to defaults. */
export const personPatchSchema = z
  .object({
    displayName: profileFields.displayName,
    photoUrl: profileFields.photoUrl.nullable(),
    roles: profileFields.roles,
    skills: z.array(skillSchema).max(100).superRefine(uniqueBy((s) => s.name, 'skill')),
    languages: z.array(languageSchema).max(20),
    contacts: contactsSchema,
    maxConcurrentCalls: z.number().int().min(1).max(10),
    sipPassword: profileFields.sipPassword.nullable(),
  })
  .partial()
  .strict();
export type PersonPatch = z.infer<typeof personPatchSchema>;

export function applyPatch(person: Person, patch: PersonPatch): Person {
  const { photoUrl, sipPassword, ...rest } = patch;
  const next: Person = { ...person, ...rest };
  if (photoUrl !== undefined) next.photoUrl = photoUrl ?? undefined;
  if (sipPassword !== undefined) next.sipPassword = sipPassword ?? undefined;
  return personInputSchema.parse(next);
}

/** The contact to dial: the preferred one, else desk, else mobile. */
export function preferredContact(person: Person): Contact | undefined {
  const { contacts } = person;
  return (contacts.preferred && contacts[contacts.preferred]) ?? contacts.desk ?? contacts.mobile;
}

/**
 * The Contact a phone registers: a sip: or sips: URI whose host (a name, an
 * IPv4 address or a bracketed IPv6 one, with a port or not) we can send its
 * INVITEs to. Long enough for the parameters phones add (ob, rinstance …).
 */
export const registeredContactSchema = z
  .string()
  .max(512)
  .regex(/^sips?:(?:[^\s<>"@;?]+@)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?(?:[;?][^\s<>"]*)?$/, 'a sip: or sips: URI with a host');

/**
 * A phone's own id across its restarts (RFC 5626 +sip.instance), unquoted:
 * "<urn:uuid:…>". A phone that leaves out the brackets keeps its id (the same
 * with them): refusing its REGISTER would leave it with no phone at all.
 */
export const sipInstanceSchema = z
  .string()
  .max(256)
  .regex(/^(<urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:[^\s<>"]+>|urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:[^\s<>"]+)$/, 'a URN')
  .transform((urn) => (urn.startsWith('<') ? urn : `<${urn}>`));

/** One registered phone of a desk user: where to send its INVITEs, and until when. */
export interface PhoneBinding {
  contact: string;
  expiresMs: number;
}

/** A desk user's registered phones as stored (a desk phone and a softphone, say); none when not registered. */
export interface DeskRegistration {
  user: string;
  /** Freshest first. */
  phones: PhoneBinding[];
}

/** The contacts of the phones whose registration has not lapsed, freshest first. */
export function currentContacts(registration: Pick<DeskRegistration, 'phones'>, nowMs = Date.now()): string[] {
  return registration.phones.filter((phone) => phone.expiresMs > nowMs).map((phone) => phone.contact);
}

export function levelOf(person: Pick<Person, 'skills'>, skill: string): number {
  return person.skills.find((s) => s.name === skill)?.level ?? 0;
}
