import type { LoggedEvent } from '../../src/domain/events';
import { personInputSchema } from '../../src/domain/person';
import type { PresenceEvent } from '../../src/domain/presence-event';
import { eventually } from '../support/eventually';
import { expert } from '../support/people-fixtures';
import { openSse } from '../support/sse-client';
import { startTestApp, TOKENS } from '../support/test-app';

// An instance whose Redis connections drop (a Redis restart, a failover, a
// network blip), on the suite's real Redis with the service's own connection
// settings. Only its connections are cut (CLIENT KILL by id), so the other
// test files sharing the server go on. What the live channels carried while
// it was away never reaches it: its open event streams are ended, so their
// clients open them again and start from what is true now.

const within = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(what)), ms).unref())]);

describe('an instance whose Redis connections drop', () => {
  it('ends its open streams once back, so clients start over; it hears and writes again', async () => {
    const other = await startTestApp();
    const name = `reconnect-${other.config.redis.keyPrefix.replace(/\W/g, '')}`;
    const t = await startTestApp({ REDIS_KEY_PREFIX: other.config.redis.keyPrefix }, {}, name);
    const admin = other.redis.connect();
    let before: Awaited<ReturnType<typeof openSse>> | undefined;
    const ownClients = async () =>
      ((await admin.client('LIST')) as string).split('\n').filter((line) => line.includes(` name=${name} `));
    try {
      await other.services.directory.create(personInputSchema.parse(expert('bo')));
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const url = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}/v1/presence/stream`;
      before = await openSse(url, TOKENS.agentAna);
      await before.waitFor((e) => e.event === 'snapshot');

      const ids = (await ownClients()).map((line) => /^id=(\d+)/.exec(line)![1]!);
      expect(ids).toHaveLength(2);
      for (const id of ids) await admin.client('KILL', 'ID', id);
      // While it is away: a change it cannot hear.
      await other.services.presence.set('bo', 'available', 'back', 'self');

      await within(before.ended, 5000, 'the open stream was not ended');
      expect(before.events.filter((e) => e.event === 'presence')).toEqual([]);
      const after = await openSse(url, TOKENS.agentAna);
      const snapshot = await after.waitFor((e) => e.event === 'snapshot');
      after.close();
      expect((snapshot.data as { items: { id: string; presence: { state: string } }[] }).items).toEqual([
        expect.objectContaining({ id: 'bo', presence: expect.objectContaining({ state: 'available' }) }),
      ]);

      const changes: PresenceEvent[] = [];
      const events: LoggedEvent[] = [];
      t.services.feed.onChange((e) => changes.push(e));
      t.services.events.onEvent((e) => events.push(e));
      await t.services.presence.set('bo', 'away', 'lunch', 'self');
      await other.services.events.append('call.queued', { callId: 'c1', position: 'back' });
      await eventually(() => {
        expect(changes.map((e) => ('presence' in e ? e.presence.state : 'removed'))).toEqual(['away']);
        expect(events.map((e) => e.type)).toEqual(['call.queued']);
      });
      expect(await ownClients()).toHaveLength(2);
    } finally {
      before?.close();
      await t.close();
      await other.close();
    }
  }, 20_000);
});
