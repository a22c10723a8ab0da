import { z } from 'zod';
import { InvalidInputError } from '../domain/errors';
import { compareForGlance, type SkillRequirement, speaks } from '../domain/matching';
import { type Person, type PersonPatch, applyPatch, levelOf, personInputSchema } from '../domain/person';
import { isClaimable, type PersonRecord, type PresenceState } from '../domain/presence';
import type { PeopleStore } from '../store/people-store';

export interface DirectoryFilter {
  role?: 'agent' | 'expert';
  skill?: string;
  minLevel?: number;
  language?: string;
  state?: PresenceState;
  /** Only people a claim could take now, best match first (the glance list). */
  available?: boolean;
}

/** Create, change, find and import people. */
export class DirectoryService {
  constructor(private readonly people: PeopleStore) {}

  async create(person: Person): Promise<PersonRecord> {
    await this.people.create(person);
    return this.people.require(person.id);
  }

  async update(id: string, patch: PersonPatch): Promise<PersonRecord> {
    const current = await this.people.require(id);
    await this.people.update(applyPatch(current.person, patch));
    return this.people.require(id);
  }

  delete(id: string): Promise<void> {
    return this.people.delete(id);
  }

  get(id: string): Promise<PersonRecord> {
    return this.people.require(id);
  }

  async list(filter: DirectoryFilter): Promise<PersonRecord[]> {
    const role = filter.role ?? (filter.available ? 'expert' : undefined);
    const ids = await this.people.candidateIds({ role, skill: filter.skill, claimableOnly: filter.available });
    const minLevel = filter.minLevel ?? 1;
    const found = (await this.people.getMany(ids)).filter(
      ({ person, presence }) =>
        (!role || person.roles.includes(role)) &&
        (!filter.skill || levelOf(person, filter.skill) >= minLevel) &&
        (!filter.language || speaks(person.languages, filter.language)) &&
        (!filter.state || presence.state === filter.state) &&
        // The available sets still hold people whose claims fill their limit.
        (!filter.available || isClaimable(presence.state, presence.activeClaims, person.maxConcurrentCalls)),
    );
    const skills: SkillRequirement[] = filter.skill ? [{ name: filter.skill, minLevel }] : [];
    return filter.available
      ? found.sort(compareForGlance(skills))
      : found.sort((a, b) => a.person.id.localeCompare(b.person.id));
  }

  /**
   * Loads the directory seed. Every entry is checked before anything is
   * written, so a bad file changes nothing and names every bad entry.
   */
  async importPeople(source: string, content: unknown): Promise<number> {
    const parsed = z.object({ people: z.array(z.unknown()) }).safeParse(content);
    if (!parsed.success) throw new InvalidInputError(`${source}: expected a "people:" list`);
    const problems: string[] = [];
    const people: Person[] = [];
    parsed.data.people.forEach((entry, i) => {
      const result = personInputSchema.safeParse(entry);
      if (result.success) people.push(result.data);
      else for (const issue of result.error.issues) problems.push(`people[${i}].${issue.path.join('.')}: ${issue.message}`);
    });
    const ids = people.map((p) => p.id);
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i) problems.push(`people: "${id}" is listed twice`);
    });
    const deskUsers = people.flatMap((p) => (p.contacts.desk && 'user' in p.contacts.desk ? [p.contacts.desk.user] : []));
    deskUsers.forEach((user, i) => {
      if (deskUsers.indexOf(user) !== i) problems.push(`people: desk user "${user}" is given to two people`);
    });
    if (problems.length) throw new InvalidInputError(`${source}: ${problems.length} problem(s)`, problems);
    for (const person of people) await this.people.upsert(person);
    return people.length;
  }
}
