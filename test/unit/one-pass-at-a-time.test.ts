import { OnePassAtATime } from '../../src/services/one-pass-at-a-time';
import { deferred } from './telephony/fakes';

describe('OnePassAtATime', () => {
  it('runs one pass at a time, and one more after it however often it was asked meanwhile', async () => {
    const gates: ReturnType<typeof deferred<void>>[] = [];
    let running = 0;
    let most = 0;
    const passes = new OnePassAtATime(async () => {
      running += 1;
      most = Math.max(most, running);
      const gate = deferred<void>();
      gates.push(gate);
      await gate.promise;
      running -= 1;
    });
    const first = passes.run();
    const second = passes.run();
    const third = passes.run();
    expect(gates).toHaveLength(1);
    gates[0]!.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(gates).toHaveLength(2);
    gates[1]!.resolve();
    await Promise.all([first, second, third]);
    expect(gates).toHaveLength(2);
    expect(most).toBe(1);
  });

  it('starts afresh once idle', async () => {
    let count = 0;
    const passes = new OnePassAtATime(async () => {
      count += 1;
    });
    await passes.run();
    await passes.run();
    expect(count).toBe(2);
  });
});
