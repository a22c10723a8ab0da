import type { LoggedEvent } from '../../src/domain/events';
import { RedisEventLog } from '../../src/store/event-log';
import { capturedLog } from '../support/captured-log';
import { eventually } from '../support/eventually';
import { testRedis } from '../support/test-redis';

// The event log on a real Redis, with entries and live messages written past
// it (as a hand edit or a bug would) beside the ones it appends itself.

type LogLine = { msg: string; eventId?: string; problem?: string };

describe('event log: an entry or a message that cannot be read is named and passed over', () => {
  const redis = testRedis();
  const raw = redis.connect();
  const { log: logger, lines } = capturedLog<LogLine>('warn');
  const events = new RedisEventLog(redis.connect(), redis.connect(), redis.prefix, logger);
  const stream = `${redis.prefix}events`;
  let n = 0;

  beforeAll(() => events.start());
  afterEach(() => lines.splice(0));
  afterAll(() => redis.close());

  const append = async () => (await events.append('call.queued', { callId: `c${(n += 1)}`, position: 'back' })).id;
  const torn = () => raw.xadd(stream, '*', 'type', 'call.queued', 'at', new Date().toISOString(), 'data', '{"callId":"c');
  const untyped = () => raw.xadd(stream, '*', 'at', new Date().toISOString(), 'data', '{"callId":"x"}');
  const ids = (list: LoggedEvent[]) => list.map((e) => e.id);

  it('reads the events around unreadable entries, naming each of those once', async () => {
    const first = await append();
    const bad1 = (await torn())!;
    const bad2 = (await untyped())!;
    const second = await append();

    expect(ids(await events.since(first))).toEqual([second]);
    expect(lines.map((l) => [l.msg, l.eventId])).toEqual([
      ['event cannot be read; passed over', bad1],
      ['event cannot be read; passed over', bad2],
    ]);
    expect(lines[0]!.problem).toMatch(/^data: /);
    expect(lines[1]!.problem).toMatch(/^type: /);

    lines.splice(0);
    expect(ids(await events.since(first))).toEqual([second]);
    expect(lines).toEqual([]);
  });

  it('fills a batch with readable events, reading on past a run of unreadable ones', async () => {
    const start = await append();
    for (let i = 0; i < 3; i += 1) await torn();
    const after = [await append(), await append()];

    expect(ids(await events.since(start, 2))).toEqual(after);
    expect(lines).toHaveLength(3);
  });

  it('returns nothing, and no error, when only unreadable entries follow the cursor', async () => {
    const last = await append();
    await torn();
    await expect(events.since(last)).resolves.toEqual([]);
  });

  it('ignores a live message that is not an event, and goes on telling the next ones', async () => {
    const heard: string[] = [];
    const stop = events.onEvent((e) => heard.push(e.id));
    await raw.publish(`${redis.prefix}events-live`, 'not json');
    await raw.publish(`${redis.prefix}events-live`, JSON.stringify({ id: '1-1', type: 'call.queued', at: 'yesterday', data: {} }));
    const id = await append();

    await eventually(() => expect(heard).toEqual([id]));
    stop();
    expect(lines.map((l) => l.msg)).toEqual(['live event cannot be read; ignored', 'live event cannot be read; ignored']);
    expect(lines[1]!.problem).toMatch(/^at: /);
  });
});
