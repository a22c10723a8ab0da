import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/load';
import { loadTokens } from '../../src/config/tokens';

const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

describe('config', () => {
  it('applies defaults and reads the fixed variable names', () => {
    const config = loadConfig({
      AUTH_TOKENS_FILE: 'tokens.yaml',
      DRACHTIO_HOST: 'sbc',
      FREESWITCH_SERVERS: 'fs1, fs2:8022,[::1]:8023',
      FREESWITCH_LISTEN_ADDRESS: '10.0.0.5',
    });
    expect(config.http).toEqual({ host: '0.0.0.0', port: 3000, publicBaseUrl: 'http://localhost:3000' });
    expect(config.drachtio).toEqual({ host: 'sbc', port: 9022, secret: 'cymru' });
    expect(config.freeswitch.servers).toEqual([
      { host: 'fs1', port: 8021 },
      { host: 'fs2', port: 8022 },
      { host: '::1', port: 8023 },
    ]);
    expect(config.freeswitch.listenAddress).toBe('10.0.0.5');
  });

  it('reads the peers trusted to assert callers: addresses and subnets, IPv4 and IPv6', () => {
    const config = loadConfig({ AUTH_TOKENS_FILE: 't', SIP_TRUSTED_PEERS: '203.0.113.7, 198.51.100.0/24,2001:db8::/32' });
    expect(config.calls.trustedPeers).toEqual([{ address: '203.0.113.7' }, { address: '198.51.100.0', prefix: 24 }, { address: '2001:db8::', prefix: 32 }]);
    expect(loadConfig({ AUTH_TOKENS_FILE: 't' }).calls.trustedPeers).toEqual([]);
    for (const wrong of ['carrier.example', '203.0.113.0/33', '203.0.113.0/', '2001:db8::/129', '10.0.0.1/8x']) {
      expect(() => loadConfig({ AUTH_TOKENS_FILE: 't', SIP_TRUSTED_PEERS: wrong })).toThrow(/SIP_TRUSTED_PEERS\.0: .*not an IP address or address\/prefix/);
    }
  });

  it('reads how often a held phone is asked whether it is there: 30 s unless set, 0 for never, whole seconds up to an hour', () => {
    expect(loadConfig({ AUTH_TOKENS_FILE: 't' }).calls.heldPhoneProbeSec).toBe(30);
    expect(loadConfig({ AUTH_TOKENS_FILE: 't', HELD_PHONE_PROBE_SEC: '0' }).calls.heldPhoneProbeSec).toBe(0);
    for (const wrong of ['-1', '2.5', '3601', 'often']) {
      expect(() => loadConfig({ AUTH_TOKENS_FILE: 't', HELD_PHONE_PROBE_SEC: wrong })).toThrow(/HELD_PHONE_PROBE_SEC/);
    }
  });

  it('leaves telephony unconfigured without DRACHTIO_HOST', () => {
    expect(loadConfig({ AUTH_TOKENS_FILE: 't', DRACHTIO_HOST: '' }).drachtio).toBeUndefined();
  });

  it('lists every problem in one message', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ PORT: 'eighty', REDIS_URL: 'http://x', FREESWITCH_SERVERS: 'fs1:99999', LOG_LEVEL: 'loud', CASE_LINK_SECRET: 'short' });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.problems.map((p) => p.split(':')[0])).toEqual(
      expect.arrayContaining(['PORT', 'REDIS_URL', 'FREESWITCH_SERVERS.0', 'LOG_LEVEL', 'AUTH_TOKENS_FILE', 'CASE_LINK_SECRET']),
    );
    expect(error?.message).toMatch(/^invalid configuration:\n {2}- /);
  });

  it('reads a settings file under the environment', () => {
    const path = file('settings.yaml', 'PORT: 8080\nLOG_LEVEL: debug\nAUTH_TOKENS_FILE: from-file.yaml\n');
    const config = loadConfig({ CONFIG_FILE: path, LOG_LEVEL: 'warn' });
    expect(config.http.port).toBe(8080);
    expect(config.logLevel).toBe('warn');
    expect(config.authTokensFile).toBe('from-file.yaml');
    expect(() => loadConfig({ CONFIG_FILE: join(dir, 'missing.yaml') })).toThrow(/missing.yaml: cannot be read \(ENOENT\)/);
  });

  it('checks the tokens file', () => {
    const good = file('tokens.yaml', '- {token: aaaaaaaaaaaaaaaa, role: admin}\n- {token: bbbbbbbbbbbbbbbb, role: expert, personId: bo}\n');
    expect(loadTokens(good)).toHaveLength(2);
    const bad = file('bad.yaml', '- {token: short, role: admin}\n- {token: cccccccccccccccc, role: expert}\n');
    expect(() => loadTokens(bad)).toThrow(/\[0.token\] tokens must be at least 16 characters[\s\S]*\[1.personId\] agent and expert tokens need a personId/);
  });
});
