import type { PersonInput } from '../../src/domain/person';

/** An expert with sensible defaults; override what the test is about. */
export const expert = (id: string, extra: Partial<PersonInput> = {}): PersonInput => ({
  id,
  displayName: id.toUpperCase(),
  roles: ['expert'],
  skills: [{ name: 'billing', level: 3 }],
  languages: ['en'],
  contacts: { desk: { user: id } },
  ...extra,
});
