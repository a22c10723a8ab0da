import pino from 'pino';
import { personInputSchema } from '../../src/domain/person';
import type { PresenceEvent } from '../../src/domain/presence-event';
import type { ScreenMessage } from '../../src/services/ports/screen-feed';
import { PeopleStore } from '../../src/store/people-store';
import { RedisPresenceFeed } from '../../src/store/presence-feed';
import { PresenceStore } from '../../src/store/presence-store';
import { RedisScreenFeed } from '../../src/store/screen-feed';
import { capturedLog } from '../support/captured-log';
import { eventually } from '../support/eventually';
import { expert } from '../support/people-fixtures';
import { testRedis } from '../support/test-redis';

// The live channels on a real Redis, with messages published past the
// service (a newer version's, a hand-typed PUBLISH) beside its own: each such
// one is named and ignored, and the feed goes on. Thrown, it would surface
// inside the Redis client's reader and take the process down.

type LogLine = { msg: string; problem?: string };

describe('live feeds: a message that cannot be read is named and ignored', () => {
  const redis = testRedis();
  const raw = redis.connect();
  const { log, lines } = capturedLog<LogLine>('warn');

  afterEach(() => lines.splice(0));
  afterAll(() => redis.close());

  it('presence: a change as the stores publish it still arrives, a removal too', async () => {
    const feed = new RedisPresenceFeed(redis.connect(), redis.prefix, log);
    await feed.start();
    const heard: PresenceEvent[] = [];
    feed.onChange((e) => heard.push(e));
    const people = new PeopleStore(redis.connect(), redis.prefix, pino({ level: 'silent' }));

    await raw.publish(`${redis.prefix}presence`, '{"personId":');
    await raw.publish(`${redis.prefix}presence`, JSON.stringify({ personId: 'bo', state: 'napping', reason: '', sinceMs: '1', idleMs: '1', activeClaims: 0 }));
    await people.create(personInputSchema.parse(expert('bo')));
    await new PresenceStore(redis.connect(), redis.prefix).compareAndSet('bo', 'offline', 'available', 'start');
    await people.delete('bo');

    await eventually(() => expect(heard.map((e) => ('removed' in e ? 'removed' : e.presence.state))).toEqual(['offline', 'available', 'removed']));
    expect(heard[1]).toMatchObject({ personId: 'bo', profileChanged: false, presence: { reason: 'start', activeClaims: 0 } });
    expect(lines.map((l) => l.msg)).toEqual(['presence change cannot be read; ignored', 'presence change cannot be read; ignored']);
    expect(lines[1]!.problem).toMatch(/state/);
  });

  it('screens: a message that is not JSON is ignored, the next one for that person arrives', async () => {
    const feed = new RedisScreenFeed(redis.connect(), redis.connect(), redis.prefix, log);
    await feed.start();
    const heard: ScreenMessage[] = [];
    feed.subscribe('bo', (m) => heard.push(m));

    await raw.publish(`${redis.prefix}screen:bo`, 'not json');
    await raw.publish(`${redis.prefix}screen:bo`, JSON.stringify({ data: {} }));
    await feed.push('bo', { kind: 'notice', data: { text: 'hello' } });

    await eventually(() => expect(heard).toEqual([{ kind: 'notice', data: { text: 'hello' } }]));
    expect(lines.map((l) => l.msg)).toEqual(['screen message cannot be read; ignored', 'screen message cannot be read; ignored']);
  });
});
