import { EscalationStore } from '../../src/store/escalation-store';
import { testRedis } from '../support/test-redis';

describe('escalation store: the one-escalation-per-call slot', () => {
  const redis = testRedis();
  const store = new EscalationStore(redis.connect(), redis.prefix);
  afterAll(() => redis.close());

  it('is taken by one escalation, and freed only by the escalation that holds it', async () => {
    expect(await store.takeSlot('c1', 'esc-1')).toBeUndefined();
    expect(await store.takeSlot('c1', 'esc-2')).toBe('esc-1');

    // A late free from an escalation that lost the slot long ago leaves the holder alone.
    await store.freeSlot('c1', 'esc-2');
    expect(await store.takeSlot('c1', 'esc-3')).toBe('esc-1');

    await store.freeSlot('c1', 'esc-1');
    expect(await store.takeSlot('c1', 'esc-3')).toBeUndefined();
    expect(await redis.keys()).toEqual([`${redis.prefix}call:c1:escalation`]);
  });
});
