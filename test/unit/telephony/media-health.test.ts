import { mediaHealth } from '../../../src/telephony/health';

describe('mediaHealth', () => {
  it('is not configured without media servers', () => {
    expect(mediaHealth([])).toEqual({ configured: false, state: 'not_configured' });
  });

  it('is connected while any server is, and names the ones that are not', () => {
    expect(
      mediaHealth([
        { name: 'fs-a:8021', state: 'connected', load: 3 },
        { name: 'fs-b:8021', state: 'disconnected', load: 0, detail: 'connect ECONNREFUSED' },
      ]),
    ).toEqual({ configured: true, state: 'connected', detail: '1/2 connected; fs-b:8021: connect ECONNREFUSED' });
    expect(mediaHealth([{ name: 'fs-a:8021', state: 'connected', load: 0 }])).toEqual({ configured: true, state: 'connected' });
  });

  it('is connecting while one is on its way, disconnected otherwise', () => {
    expect(mediaHealth([{ name: 'a', state: 'connecting', load: 0 }, { name: 'b', state: 'disconnected', load: 0 }]).state).toBe('connecting');
    expect(mediaHealth([{ name: 'a', state: 'disconnected', load: 0 }]).state).toBe('disconnected');
  });
});
