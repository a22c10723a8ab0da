import { FailedLogins } from '../../../src/telephony/failed-logins';

describe('FailedLogins', () => {
  const limits = { perUser: 3, perAddress: 5, windowMs: 1000, blockMs: 5000 };
  const setup = () => {
    let now = 0;
    const logins = new FailedLogins(limits, () => now);
    return { logins, at: (ms: number) => (now = ms) };
  };

  it("blocks one user from one address at the per-user limit; other users there and that user elsewhere go on", () => {
    const { logins } = setup();
    expect([logins.failed('203.0.113.7', 'ana'), logins.failed('203.0.113.7', 'ana'), logins.failed('203.0.113.7', 'ana')]).toEqual([undefined, undefined, 'user']);
    expect(logins.blocked('203.0.113.7', 'ana')).toBe(true);
    expect(logins.blocked('203.0.113.7', 'bo')).toBe(false);
    expect(logins.blocked('203.0.113.7')).toBe(false);
    expect(logins.blocked('198.51.100.4', 'ana')).toBe(false);
  });

  it('blocks the address at the per-address limit, whichever users it tried (a spray)', () => {
    const { logins } = setup();
    const results = ['a', 'b', 'c', 'd', 'e'].map((user) => logins.failed('203.0.113.7', user));
    expect(results.at(-1)).toBe('address');
    expect(logins.blocked('203.0.113.7')).toBe(true);
    expect(logins.blocked('203.0.113.7', 'zed')).toBe(true);
  });

  it('forgets failures after the window and lifts a block after its time', () => {
    const { logins, at } = setup();
    logins.failed('203.0.113.7', 'ana');
    logins.failed('203.0.113.7', 'ana');
    at(1001);
    expect(logins.failed('203.0.113.7', 'ana')).toBeUndefined();
    logins.failed('203.0.113.7', 'ana');
    expect(logins.failed('203.0.113.7', 'ana')).toBe('user');
    at(1001 + 4999);
    expect(logins.blocked('203.0.113.7', 'ana')).toBe(true);
    at(1001 + 5000);
    expect(logins.blocked('203.0.113.7', 'ana')).toBe(false);
  });

  it("a right password clears the user's count", () => {
    const { logins } = setup();
    logins.failed('203.0.113.7', 'ana');
    logins.failed('203.0.113.7', 'ana');
    logins.succeeded('203.0.113.7', 'ana');
    expect(logins.failed('203.0.113.7', 'ana')).toBeUndefined();
  });
});
