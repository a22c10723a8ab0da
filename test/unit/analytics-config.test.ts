import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/load';

describe('analytics settings', () => {
  it('defaults: wrap-up not required, a one-hour window, seven repeat days, the default taxonomy', () => {
    const config = loadConfig({ AUTH_TOKENS_FILE: 't.yaml' });
    expect(config.presence.wrapUpRequired).toBe(false);
    expect(config.contacts).toMatchObject({ wrapUpWindowSec: 3600, repeatContactDays: 7, historyRetentionDays: 365 });
    expect(config.contacts.reasons.map((r) => r.code)).toContain('other');
    expect(config.metricsToken).toBeUndefined();
  });

  it('reads CONTACT_REASONS from the environment or a YAML list, adding "other"', () => {
    expect(loadConfig({ AUTH_TOKENS_FILE: 't', WRAPUP_REQUIRED: 'true', CONTACT_REASONS: 'tv:TV,net:Internet access' })).toMatchObject({
      presence: { wrapUpRequired: true },
      contacts: { reasons: [{ code: 'tv', label: 'TV' }, { code: 'net', label: 'Internet access' }, { code: 'other', label: 'Other' }] },
    });
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 's.yaml'), 'CONTACT_REASONS:\n  - "tv: TV"\n  - "other: Something else"\n');
    expect(loadConfig({ AUTH_TOKENS_FILE: 't', CONFIG_FILE: join(dir, 's.yaml') }).contacts.reasons).toEqual([
      { code: 'tv', label: 'TV' },
      { code: 'other', label: 'Something else' },
    ]);
  });

  it('names a bad or repeated reason', () => {
    expect(() => loadConfig({ AUTH_TOKENS_FILE: 't', CONTACT_REASONS: 'Bad Code:x' })).toThrow(ConfigError);
    expect(() => loadConfig({ AUTH_TOKENS_FILE: 't', CONTACT_REASONS: 'tv:TV,tv:Again' })).toThrow(/listed twice/);
  });
});
