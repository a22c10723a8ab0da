import type { Call } from '../../src/domain/call';
import { CallStore } from '../../src/store/call-store';
import { capturedLog } from '../support/captured-log';
import { testRedis } from '../support/test-redis';

describe('call store: reading records back', () => {
  const redis = testRedis();
  const { log, lines: errors } = capturedLog<{ msg: string; callId: string; key: string; problem: string }>('error');
  const store = new CallStore(redis.connect(), redis.prefix, log);
  afterAll(() => redis.close());

  const call = (id: string, createdAt: string): Call => ({
    id,
    sipCallId: `${id}@customer`,
    customer: '+43111',
    serviceNumber: '100',
    state: 'connected',
    room: `room-${id}`,
    mediaServer: '127.0.0.1:8021',
    owner: 'instance-a',
    createdAt,
    legs: [{ id: `${id}-customer`, role: 'customer', state: 'joined', startedAt: createdAt, handles: { dialogId: 'd1', channelId: 'ch1' } }],
  });

  it('leaves out and names each record it cannot read; the others are listed, oldest first', async () => {
    const older = call('older', '2026-11-24T10:00:00.000Z');
    const newer = call('newer', '2026-11-24T10:00:05.000Z');
    // A newer version's record, during an upgrade: a field this one does not know is kept.
    const upgraded = { ...call('upgraded', '2026-11-24T10:00:07.000Z'), transcript: 'on' };
    for (const c of [newer, older, upgraded]) await store.save(c);
    const raw = redis.connect();
    const plant = (id: string, doc: string) => raw.multi().set(`${redis.prefix}call:${id}`, doc).sadd(`${redis.prefix}calls`, id).exec();
    await plant('torn', '{"id":"torn","legs":[');
    await plant('legless', JSON.stringify({ ...call('legless', older.createdAt), legs: undefined }));
    await plant('odd-state', JSON.stringify({ ...call('odd-state', older.createdAt), state: 'parked' }));

    expect(await store.list()).toEqual([older, newer, upgraded]);
    expect(errors.map(({ msg, callId, key, problem }) => ({ msg, callId, key, problem })).sort((a, b) => a.callId.localeCompare(b.callId))).toEqual([
      { msg: 'call record cannot be read; left out', callId: 'legless', key: `${redis.prefix}call:legless`, problem: expect.stringMatching(/^legs: /) },
      { msg: 'call record cannot be read; left out', callId: 'odd-state', key: `${redis.prefix}call:odd-state`, problem: expect.stringMatching(/^state: /) },
      { msg: 'call record cannot be read; left out', callId: 'torn', key: `${redis.prefix}call:torn`, problem: 'not JSON' },
    ]);
    // Left where they are, for someone to look at.
    expect(await raw.exists(`${redis.prefix}call:torn`, `${redis.prefix}call:legless`, `${redis.prefix}call:odd-state`)).toBe(3);

    expect(await store.get('older')).toEqual(older);
    await expect(store.get('legless')).rejects.toThrow(`the record of call "legless" (${redis.prefix}call:legless) cannot be read: legs: `);
    await expect(store.get('torn')).rejects.toThrow('cannot be read: not JSON');
  });
});
