import type { CallCommand } from '../../src/services/ports/command-bus';
import { RedisCommandBus } from '../../src/store/command-bus';
import { capturedLog } from '../support/captured-log';
import { eventually } from '../support/eventually';
import { testRedis } from '../support/test-redis';

describe('command bus between instances', () => {
  const redis = testRedis();
  afterAll(() => redis.close());

  it('hands on the commands it knows, and logs and skips any other message on its channel', async () => {
    const { log, lines: warnings } = capturedLog('warn');
    const bus = new RedisCommandBus(redis.connect(), redis.connect(), redis.prefix, 'owner', log);
    const received: CallCommand[] = [];
    await bus.start((command) => received.push(command));

    const raw = redis.connect();
    const channel = `${redis.prefix}commands:owner`;
    await raw.publish(channel, 'hang up c1, please');
    // From a newer version, say, during a rolling upgrade.
    await raw.publish(channel, JSON.stringify({ type: 'escalation.transfer', callId: 'c1' }));
    await raw.publish(channel, JSON.stringify({ type: 'hangup' }));
    expect(await bus.send('owner', { type: 'hangup', callId: 'c2' })).toBe(true);

    await eventually(() => expect(received).toEqual([{ type: 'hangup', callId: 'c2' }]));
    expect(warnings.map((w) => w.msg)).toEqual([
      'call command is not JSON; ignored',
      'call command not understood; ignored',
      'call command not understood; ignored',
    ]);
  });
});
