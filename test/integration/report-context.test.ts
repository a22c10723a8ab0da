import pino from 'pino';
import { ProjectionRunner } from '../../src/services/projections/projection-runner';
import { ReportProjection } from '../../src/services/reports/report-projection';
import { RedisEventLog } from '../../src/store/event-log';
import { ReportStore } from '../../src/store/report-store';
import { capturedLog } from '../support/captured-log';
import { testRedis } from '../support/test-redis';

// A call's report context that cannot be read (a hand edit, a bug) on a real
// Redis: the reports go on counting every other call.

describe('reports: a call context that cannot be read', () => {
  const redis = testRedis();
  const { log, lines } = capturedLog<{ msg: string; callId?: string; key?: string }>('error');
  const events = new RedisEventLog(redis.connect(), redis.connect(), redis.prefix, pino({ level: 'silent' }));
  const store = new ReportStore(redis.connect(), redis.prefix, { contextTtlSec: 3600 }, log);
  const runner = new ProjectionRunner(new ReportProjection(store), events, pino({ level: 'silent' }));
  const day = new Date().toISOString().slice(0, 10);

  afterAll(() => redis.close());

  it('is named and taken as none: that call is not counted further, the others are', async () => {
    for (const callId of ['c1', 'c2']) await events.append('call.offered', { callId, customer: '+1555', serviceNumber: '100' });
    await runner.catchUp();
    const contextKey = `${redis.prefix}report:${await store.currentGeneration()}:ctx:c1`;
    await redis.connect().set(contextKey, '{"day":1}');

    for (const callId of ['c1', 'c2']) await events.append('call.answered', { callId, agentId: 'ann', waitMs: 900 });
    const last = await events.append('call.ended', { callId: 'c2', reason: 'agent_hangup', durationMs: 5000 });
    await runner.catchUp();

    expect(await store.cursor(await store.currentGeneration())).toBe(last.id);
    const [counters] = await store.days(day, day);
    expect(counters!.fields.contacts).toBe(2);
    expect(counters!.fields.answered).toBe(1);
    expect(lines).toEqual([
      expect.objectContaining({ msg: 'report context cannot be read; its call is not counted further', callId: 'c1', key: contextKey }),
    ]);
  });
});
