import pino from 'pino';
import type { Escalation } from '../../src/domain/escalation';
import { EscalationStore } from '../../src/store/escalation-store';
import { capturedLog } from '../support/captured-log';
import { testRedis } from '../support/test-redis';

describe('escalation store: the one-escalation-per-call slot', () => {
  const redis = testRedis();
  const store = new EscalationStore(redis.connect(), redis.prefix, pino({ level: 'silent' }));
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

describe('escalation store: reading records back', () => {
  const redis = testRedis();
  const { log, lines: errors } = capturedLog<{ msg: string; escalationId: string; key: string; problem: string }>('error');
  const store = new EscalationStore(redis.connect(), redis.prefix, log);
  afterAll(() => redis.close());

  const escalation = (id: string): Escalation => ({
    id,
    callId: 'c1',
    mode: 'conference',
    state: 'joined',
    target: { skills: [{ name: 'billing', minLevel: 2 }] },
    caseId: 'case-1',
    requestedBy: 'ana',
    agentId: 'ana',
    expertId: 'bo',
    attempts: [{ expertId: 'bo', startedAt: '2026-11-24T10:00:00.000Z', endedAt: '2026-11-24T10:00:03.000Z', outcome: 'answered', status: 200 }],
    ringTimeoutSec: 20,
    createdAt: '2026-11-24T10:00:00.000Z',
    deadlineAt: '2026-11-24T10:01:00.000Z',
  });

  it("leaves out and names each of a call's records it cannot read; the others are read, a newer version's field kept", async () => {
    const good = escalation('e-good');
    // A newer version's record, during an upgrade.
    const upgraded = { ...escalation('e-upgraded'), priority: 'high' };
    for (const e of [good, upgraded]) await store.save(e);
    const raw = redis.connect();
    const plant = (id: string, doc: string) =>
      raw.multi().set(`${redis.prefix}escalation:${id}`, doc).sadd(`${redis.prefix}call-escalations:c1`, id).exec();
    await plant('e-torn', '{"id":"e-torn",');
    await plant('e-odd', JSON.stringify({ ...escalation('e-odd'), state: 'paused' }));

    const read = await store.ofCall('c1');
    expect(read.sort((a, b) => a.id.localeCompare(b.id))).toEqual([good, upgraded]);
    expect(errors.map(({ msg, escalationId, key, problem }) => ({ msg, escalationId, key, problem })).sort((a, b) => a.escalationId.localeCompare(b.escalationId))).toEqual([
      { msg: 'escalation record cannot be read; left out', escalationId: 'e-odd', key: `${redis.prefix}escalation:e-odd`, problem: expect.stringMatching(/^state: /) },
      { msg: 'escalation record cannot be read; left out', escalationId: 'e-torn', key: `${redis.prefix}escalation:e-torn`, problem: 'not JSON' },
    ]);
    expect(await store.get('e-good')).toEqual(good);
    await expect(store.get('e-odd')).rejects.toThrow(`the record of escalation "e-odd" (${redis.prefix}escalation:e-odd) cannot be read: state: `);
  });
});
