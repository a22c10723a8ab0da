import { FailedLoginStore } from '../../src/store/failed-login-store';
import { testRedis } from '../support/test-redis';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('wrong desk-phone passwords, counted in Redis for every instance', () => {
  const redis = testRedis();
  const limits = { perUser: 3, perAddress: 5, windowMs: 60_000, blockMs: 60_000 };
  // Two instances: drachtio hands each REGISTER to either.
  const instances = () => [new FailedLoginStore(redis.connect(), redis.prefix, limits), new FailedLoginStore(redis.connect(), redis.prefix, limits)];
  afterAll(() => redis.close());

  it('blocks one user from one address at the per-user limit, whichever instance counted; other users there and that user elsewhere go on', async () => {
    const [a, b] = instances() as [FailedLoginStore, FailedLoginStore];
    expect([await a.failed('203.0.113.7', 'ana'), await b.failed('203.0.113.7', 'ana'), await a.failed('203.0.113.7', 'ana')]).toEqual([undefined, undefined, 'user']);
    expect(await b.blocked('203.0.113.7', 'ana')).toBe(true);
    expect(await b.blocked('203.0.113.7', 'bo')).toBe(false);
    expect(await b.blocked('203.0.113.7')).toBe(false);
    expect(await b.blocked('198.51.100.4', 'ana')).toBe(false);
  });

  it('blocks the address at the per-address limit, whichever users it tried (a spray)', async () => {
    const [a, b] = instances() as [FailedLoginStore, FailedLoginStore];
    const results = [];
    for (const [i, user] of ['a', 'b', 'c', 'd', 'e'].entries()) results.push(await (i % 2 ? a : b).failed('192.0.2.50', user));
    expect(results).toEqual([undefined, undefined, undefined, undefined, 'address']);
    expect(await a.blocked('192.0.2.50')).toBe(true);
    expect(await a.blocked('192.0.2.50', 'zed')).toBe(true);
  });

  it("a right password clears the user's count", async () => {
    const [a, b] = instances() as [FailedLoginStore, FailedLoginStore];
    await a.failed('198.51.100.9', 'ana');
    await b.failed('198.51.100.9', 'ana');
    await b.succeeded('198.51.100.9', 'ana');
    expect(await a.failed('198.51.100.9', 'ana')).toBeUndefined();
    expect(await a.failed('198.51.100.9', 'ana')).toBeUndefined();
  });

  it('forgets failures after the window and lifts a block after its time: nothing stays in Redis', async () => {
    const brief = new FailedLoginStore(redis.connect(), `${redis.prefix}brief:`, { perUser: 2, perAddress: 50, windowMs: 300, blockMs: 1200 });
    await brief.failed('203.0.113.8', 'ana');
    await sleep(400);
    // The first failure's window has passed: this one starts a new count.
    expect(await brief.failed('203.0.113.8', 'ana')).toBeUndefined();
    expect(await brief.failed('203.0.113.8', 'ana')).toBe('user');
    expect(await brief.blocked('203.0.113.8', 'ana')).toBe(true);
    await sleep(1300);
    expect(await brief.blocked('203.0.113.8', 'ana')).toBe(false);
    await sleep(100);
    expect((await redis.keys()).filter((key) => key.startsWith(`${redis.prefix}brief:`))).toEqual([]);
  });
});
