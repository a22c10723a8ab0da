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
  const state = { cursor: '0-0' };
  const batches: string[][] = [];
  const projection: Projection = {
    name: 'test',
    cursor: jest.fn(async () => state.cursor),
    apply: jest.fn(async (prevId: string, events: readonly LoggedEvent[]) => {
      if (prevId !== state.cursor) return false;
      batches.push(events.map((e) => e.id));
      state.cursor = events[events.length - 1]?.id ?? prevId;
      return true;
    }),
  };
  return { feed, projection, batches, state, applied: () => batches.flat() };
}

const silent = pino({ level: 'silent' });

describe('ProjectionRunner', () => {
  afterEach(() => jest.useRealTimers());

  it('applies a burst of events in one step, a moment after the first', async () => {
    jest.useFakeTimers();
    const { feed, projection, batches } = setUp();
    const runner = new ProjectionRunner(projection, feed, silent, 100, 200);
    runner.start();
    for (let i = 0; i < 30; i++) await feed.append('call.queued', { callId: `c${i}`, position: 'back' });
    jest.advanceTimersByTime(199);
    expect(batches).toEqual([]);
    jest.advanceTimersByTime(1);
    // close() waits for the pass the wake-up started.
    await runner.close();
    expect(batches).toEqual([Array.from({ length: 30 }, (_, i) => `${i + 1}-0`)]);
    // Less than a batch: that was all, no second read to find nothing left.
    expect(projection.cursor).toHaveBeenCalledTimes(1);
  });

  it('applies a long backlog in steps of at most the batch size, in log order', async () => {
    const { feed, projection, batches } = setUp();
    const runner = new ProjectionRunner(projection, feed, silent, 10, 60_000);
    for (let i = 0; i < 25; i++) await feed.append('call.queued', { callId: `c${i}`, position: 'back' });
    await runner.catchUp();
    expect(batches.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(batches.flat()).toEqual(Array.from({ length: 25 }, (_, i) => `${i + 1}-0`));
  });

  it('re-reads from the moved cursor when another instance applied first', async () => {
    const { feed, projection, batches, state } = setUp();
    for (let i = 0; i < 8; i++) await feed.append('call.queued', { callId: `c${i}`, position: 'back' });
    // The other instance applies the first five between our cursor read and our apply.
    jest.mocked(projection.cursor).mockImplementationOnce(async () => {
      const seen = state.cursor;
      state.cursor = '5-0';
      return seen;
    });
    const runner = new ProjectionRunner(projection, feed, silent, 100, 60_000);
    await runner.catchUp();
    expect(projection.apply).toHaveBeenCalledTimes(2);
    expect(batches).toEqual([['6-0', '7-0', '8-0']]);
  });

  it('lets a reader catch up at once, without waiting for the wake-up', async () => {
    const { feed, projection, applied } = setUp();
    const runner = new ProjectionRunner(projection, feed, silent, 100, 60_000);
    runner.start();
    await feed.append('call.queued', { callId: 'c1', position: 'back' });
    await runner.catchUp();
    expect(applied()).toEqual(['1-0']);
    await runner.close();
  });
});
