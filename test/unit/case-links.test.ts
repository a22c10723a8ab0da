import { ForbiddenError } from '../../src/domain/errors';
import { CaseLinks } from '../../src/services/escalations/case-links';

describe('case links for desk phones', () => {
  const signing = { secret: 'case-links-are-signed-with-this-secret', ttlSec: 600 };
  const now = Date.UTC(2026, 10, 23, 9, 0, 0);
  const parts = (url: string) => {
    const { pathname, searchParams } = new URL(url);
    return { pathname, until: Number(searchParams.get('until')), sig: searchParams.get('sig') ?? '' };
  };

  it('without a secret: the API URL, and no link opens a case', () => {
    const links = new CaseLinks('https://cc.example.com');
    expect(links.forPhone('c1', now)).toBe('https://cc.example.com/v1/cases/c1');
    expect(() => links.check('c1', now / 1000 + 60, '0'.repeat(64), now)).toThrow(/not enabled/);
  });

  it('with one: opens its own case until its time, and nothing else', () => {
    const links = new CaseLinks('https://cc.example.com', signing);
    const { pathname, until, sig } = parts(links.forPhone('c1', now));
    expect(pathname).toBe('/v1/cases/c1/card');
    expect(until).toBe(now / 1000 + 600);

    expect(() => links.check('c1', until, sig, now + 599_000)).not.toThrow();
    expect(() => links.check('c1', until, sig, now + 601_000)).toThrow(/expired/);
    expect(() => links.check('c2', until, sig, now)).toThrow(ForbiddenError);
    expect(() => links.check('c1', until + 600, sig, now)).toThrow(/not valid/);
    expect(() => links.check('c1', until, sig.slice(2), now)).toThrow(/not valid/);
    // Another deployment's secret signs other links.
    const theirs = parts(new CaseLinks('https://cc.example.com', { ...signing, secret: 'x'.repeat(40) }).forPhone('c1', now));
    expect(() => links.check('c1', theirs.until, theirs.sig, now)).toThrow(/not valid/);
  });
});
