import { z } from 'zod';
import { ROLES, type Person, languageSchema, levelOf, personIdSchema, skillNameSchema, skillLevelSchema } from './person';
import type { Presence } from './presence';

// What a claim or the "glance" list asks for: a role, minimum skill levels, a
// language. A claim takes the longest-idle person who meets all of it.

export const skillRequirementSchema = z
  .object({ name: skillNameSchema, minLevel: skillLevelSchema.default(1) })
  .strict();
export type SkillRequirement = z.infer<typeof skillRequirementSchema>;

export const criteriaSchema = z
  .object({
    role: z.enum(ROLES),
    skills: z.array(skillRequirementSchema).max(10).default([]),
    language: languageSchema.optional(),
    exclude: z.array(personIdSchema).max(1000).default([]),
    /** Only this person, if they are free and match. */
    personId: personIdSchema.optional(),
  })
  .strict();
export type Criteria = z.output<typeof criteriaSchema>;

/** "de" is spoken by whoever speaks "de-AT"; "de-AT" only by them. */
export function speaks(languages: readonly string[], wanted: string): boolean {
  return languages.some((l) => l === wanted || l.startsWith(`${wanted}-`));
}

export function meetsCriteria(person: Person, criteria: Criteria): boolean {
  return (
    person.roles.includes(criteria.role) &&
    criteria.skills.every((s) => levelOf(person, s.name) >= s.minLevel) &&
    (criteria.language === undefined || speaks(person.languages, criteria.language)) &&
    !criteria.exclude.includes(person.id) &&
    (criteria.personId === undefined || criteria.personId === person.id)
  );
}

/**
 * The agent's glance list order: best match first. The best match is the highest
 * level in the asked-for skills (their sum), then the longest idle.
 */
export function compareForGlance(
  skills: readonly SkillRequirement[],
): (a: { person: Person; presence: Presence }, b: { person: Person; presence: Presence }) => number {
  const score = (p: Person) => skills.reduce((sum, s) => sum + levelOf(p, s.name), 0);
  return (a, b) =>
    score(b.person) - score(a.person) ||
    a.presence.idleSince.localeCompare(b.presence.idleSince) ||
    a.person.id.localeCompare(b.person.id);
}
