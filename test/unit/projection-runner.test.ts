import pino from 'pino';
import type { LoggedEvent } from '../../src/domain/events';
import type { EventFeed } from '../../src/services/ports/event-feed';
import { type Projection, ProjectionRunner } from '../../src/services/projections/projection-runner';

/** An in-memory log and a projection that records what it applied. */
function setUp() {
  const log: LoggedEvent[] = [];
  const listeners: ((event: LoggedEvent) => void)[] = [];
  const feed: EventFeed = {
    append: async (type, data) => {
      const event = { id: `${log.length + 1}-0`, type, at: new Date().toISOString(), data };
      log.push(event as LoggedEvent);
      for (const listener of listeners) listener(event as LoggedEvent);
      return event;
    },
    since: async (afterId, count = 1000) => log.filter((e) => Number.parseInt(e.id) > Number.parseInt(afterId)).slice(0, count),
    onEvent: (listener) => {
      listeners.push(listener);
      return () => listeners.splice(listeners.indexOf(listener), 1);
    },
  };
  let cursor = '0-0';
  const applied: string[] = [];
  const projection: Projection = {
    name: 'test',
    cursor: jest.fn(async () => cursor),
    apply: async (prevId, event) => {
      if (prevId !== cursor) return false;
      applied.push(event.id);
      cursor = event.id;
      return true;
    },
  };
  return { feed, projection, applied };
}

const silent = pino({ level: 'silent' });

describe('ProjectionRunner', () => {
  afterEach(() => jest.useRealTimers());

  it('applies a burst of events in one pass, a moment after the first', async () => {
    jest.useFakeTimers();
    const { feed, projection, applied } = setUp();
    const runner = new ProjectionRunner(projection, feed, silent, 500, 200);
    runner.start();
    for (let i = 0; i < 30; i++) await feed.append('call.queued', { callId: `c${i}`, position: 'back' });
    jest.advanceTimersByTime(199);
    expect(applied).toEqual([]);
    jest.advanceTimersByTime(1);
    // close() waits for the pass the wake-up started.
    await runner.close();
    expect(applied).toHaveLength(30);
    expect(applied).toEqual([...applied].sort((a, b) => Number.parseInt(a) - Number.parseInt(b)));
    // One pass: the cursor is read for the batch and once more to find nothing left.
    expect(projection.cursor).toHaveBeenCalledTimes(2);
  });

  it('lets a reader catch up at once, without waiting for the wake-up', async () => {
    const { feed, projection, applied } = setUp();
    const runner = new ProjectionRunner(projection, feed, silent, 500, 60_000);
    runner.start();
    await feed.append('call.queued', { callId: 'c1', position: 'back' });
    await runner.catchUp();
    expect(applied).toEqual(['1-0']);
    await runner.close();
  });
});
