import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { ConflictError, NotFoundError } from '../domain/errors';
import { type Person, personInputSchema } from '../domain/person';
import { INITIAL_PRESENCE_STATE, PRESENCE_STATES, type PersonRecord, type Presence, type PresenceState } from '../domain/presence';
import { type Keys, keys } from './keys';
import { LuaScripts } from './lua-scripts';
import { readStoredRecord } from './stored-record';

const PRESENCE_FIELDS = ['state', 'reason', 'sinceMs', 'idleMs', 'load'] as const;
const RECORD_FIELDS = ['profile', ...PRESENCE_FIELDS] as const;

const csv = (items: readonly string[]) => (items.length ? `,${items.join(',')},` : '');

/** "de-at" is also indexed as "de", so asking for "de" finds it. */
const languageTags = (languages: readonly string[]) =>
  [...new Set(languages.flatMap((l) => [l, l.split('-')[0] ?? l]))];

/**
 * A person from their stored profile, or why it cannot be read. Stored by
 * PeopleStore after validation; parsing again guards against records written
 * by an older version with other rules or defaults.
 */
function readPerson(id: string, profile: string): { record: Person } | { problem: string } {
  return readStoredRecord(personInputSchema, profile, { id });
}

/** A person from their stored profile; throws, naming them, when it cannot be read. */
export function storedPerson(id: string, profile: string): Person {
  const read = readPerson(id, profile);
  if ('record' in read) return read.record;
  throw new Error(`the profile of person "${id}" cannot be read: ${read.problem}`);
}

/** Presence from its stored fields (PRESENCE_FIELDS). */
function decodePresence([state, reason, sinceMs, idleMs, load]: (string | null)[]): Presence {
  return {
    state: (state ?? INITIAL_PRESENCE_STATE) as PresenceState,
    reason: reason ?? '',
    since: new Date(Number(sinceMs)).toISOString(),
    idleSince: new Date(Number(idleMs)).toISOString(),
    activeClaims: Number(load ?? 0),
  };
}

function decode(id: string, [profile, ...presence]: (string | null)[]): PersonRecord | undefined {
  if (profile == null) return undefined;
  return { person: storedPerson(id, profile), presence: decodePresence(presence) };
}

/** The expert directory, with each person's presence read alongside. */
export class PeopleStore {
  private readonly scripts: LuaScripts;
  private readonly k: Keys;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly log: Logger,
  ) {
    this.scripts = new LuaScripts(redis, prefix);
    this.k = keys(prefix);
  }

  async create(person: Person): Promise<void> {
    if ((await this.save(person, 'create')) === 'exists') {
      throw new ConflictError('already_exists', `person "${person.id}" already exists`, { id: person.id });
    }
  }

  async update(person: Person): Promise<void> {
    if ((await this.save(person, 'update')) === 'missing') throw new NotFoundError('person', person.id);
  }

  /** Create or replace, keeping presence: the directory import at start. */
  async upsert(person: Person): Promise<void> {
    await this.save(person, 'upsert');
  }

  /** The person whose desk phone registers as this SIP user. */
  async findByDeskUser(user: string): Promise<PersonRecord | undefined> {
    const id = await this.redis.get(this.k.deskUser(user));
    return id ? this.get(id) : undefined;
  }

  private async save(person: Person, mode: 'create' | 'update' | 'upsert') {
    const { id, ...profile } = person;
    const deskUser = person.contacts.desk && 'user' in person.contacts.desk ? person.contacts.desk.user : '';
    const result = await this.scripts.run(
      'person-save',
      id,
      mode,
      JSON.stringify(profile),
      csv(person.roles),
      csv(person.skills.map((s) => `${s.name}=${s.level}`)),
      csv(languageTags(person.languages)),
      person.maxConcurrentCalls,
      INITIAL_PRESENCE_STATE,
      deskUser,
    );
    if (result === 'user_taken') {
      throw new ConflictError('desk_user_taken', `desk user "${deskUser}" belongs to someone else`, { deskUser });
    }
    return result;
  }

  async delete(id: string): Promise<void> {
    const result = await this.scripts.run('person-delete', id);
    if (result === 'missing') throw new NotFoundError('person', id);
    if (result === 'claimed') {
      throw new ConflictError('person_claimed', `person "${id}" is on a call or being offered one; try again after it`, { id });
    }
  }

  async get(id: string): Promise<PersonRecord | undefined> {
    return decode(id, await this.redis.hmget(this.k.person(id), ...RECORD_FIELDS));
  }

  /**
   * Only the presence, without reading and parsing the profile: for the
   * system's own state changes, several on every call.
   */
  async presence(id: string): Promise<Presence | undefined> {
    // roles is written with every profile: the person exists while it is there.
    const [roles, ...fields] = await this.redis.hmget(this.k.person(id), 'roles', ...PRESENCE_FIELDS);
    return roles == null ? undefined : decodePresence(fields);
  }

  async require(id: string): Promise<PersonRecord> {
    const found = await this.get(id);
    if (!found) throw new NotFoundError('person', id);
    return found;
  }

  /** Those of `ids` who exist, without anyone whose profile cannot be read (logged): one such never hides the rest. */
  async getMany(ids: readonly string[]): Promise<PersonRecord[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hmget(this.k.person(id), ...RECORD_FIELDS);
    const replies = (await pipeline.exec()) ?? [];
    return ids.flatMap((id, i) => {
      const [err, fields] = replies[i] ?? [];
      if (err) throw err;
      const [profile, ...presence] = fields as (string | null)[];
      if (profile == null) return [];
      const read = readPerson(id, profile);
      if ('record' in read) return [{ person: read.record, presence: decodePresence(presence) }];
      this.log.error({ personId: id, key: this.k.person(id), problem: read.problem }, 'profile cannot be read; left out');
      return [];
    });
  }

  /** How many people are in each presence state. */
  async presenceCounts(): Promise<Record<PresenceState, number>> {
    const counts = Object.fromEntries(PRESENCE_STATES.map((s) => [s, 0])) as Record<PresenceState, number>;
    const ids = await this.redis.smembers(this.k.people);
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hget(this.k.person(id), 'state');
    for (const [err, state] of (await pipeline.exec()) ?? []) {
      if (!err && typeof state === 'string' && state in counts) counts[state as PresenceState] += 1;
    }
    return counts;
  }

  /** Ids of everyone, or of the smallest index the filter allows; callers check levels. */
  async candidateIds(filter: { role?: string; skill?: string; claimableOnly?: boolean }): Promise<string[]> {
    const { role, skill } = filter;
    if (filter.claimableOnly && role) return this.redis.zrange(this.k.available(role, skill), 0, -1);
    if (skill) return this.redis.smembers(this.k.skill(skill));
    if (role) return this.redis.smembers(this.k.role(role));
    return this.redis.smembers(this.k.people);
  }
}
