import { compareForGlance, criteriaSchema, meetsCriteria, speaks } from '../../src/domain/matching';
import { personInputSchema } from '../../src/domain/person';
import type { Presence } from '../../src/domain/presence';

const person = (id: string, skills: [string, number][], languages = ['en'], roles = ['expert']) =>
  personInputSchema.parse({ id, displayName: id, roles, skills: skills.map(([name, level]) => ({ name, level })), languages });
const idle = (iso: string): Presence => ({ state: 'available', reason: '', since: iso, idleSince: iso, activeClaims: 0 });

describe('matching', () => {
  it('matches on role, every minimum level, language and exclusions', () => {
    const ana = person('ana', [['billing', 4], ['tv', 2]], ['pt-BR', 'en']);
    const criteria = (c: object) => criteriaSchema.parse({ role: 'expert', ...c });
    expect(meetsCriteria(ana, criteria({ skills: [{ name: 'billing', minLevel: 4 }] }))).toBe(true);
    expect(meetsCriteria(ana, criteria({ skills: [{ name: 'billing', minLevel: 4 }, { name: 'tv', minLevel: 3 }] }))).toBe(false);
    expect(meetsCriteria(ana, criteria({ skills: [{ name: 'mobile' }] }))).toBe(false);
    expect(meetsCriteria(ana, criteria({ language: 'pt' }))).toBe(true);
    expect(meetsCriteria(ana, criteria({ language: 'PT-br' }))).toBe(true);
    expect(meetsCriteria(ana, criteria({ language: 'de' }))).toBe(false);
    expect(meetsCriteria(ana, criteria({ exclude: ['ana'] }))).toBe(false);
    expect(meetsCriteria(ana, criteria({ role: 'agent' }))).toBe(false);
  });

  it('treats a language as spoken by speakers of its regional forms, not the reverse', () => {
    expect(speaks(['de-at'], 'de')).toBe(true);
    expect(speaks(['de'], 'de-at')).toBe(false);
    expect(speaks(['den'], 'de')).toBe(false);
  });

  it('orders the glance list by level in the asked skills, then longest idle', () => {
    const rows = [
      { person: person('a', [['billing', 3]]), presence: idle('2026-01-01T10:00:00.000Z') },
      { person: person('b', [['billing', 5]]), presence: idle('2026-01-01T11:00:00.000Z') },
      { person: person('c', [['billing', 3]]), presence: idle('2026-01-01T09:00:00.000Z') },
    ];
    expect(rows.sort(compareForGlance([{ name: 'billing', minLevel: 1 }])).map((r) => r.person.id)).toEqual(['b', 'c', 'a']);
    expect(rows.sort(compareForGlance([])).map((r) => r.person.id)).toEqual(['c', 'a', 'b']);
  });
});
