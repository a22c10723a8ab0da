import { ScriptBatch } from '../../src/store/script-batch';

describe('ScriptBatch', () => {
  it('runs the calls of one turn together, in order, each getting its own answer', async () => {
    const runs: number[][] = [];
    const batch = new ScriptBatch<number, number>(async (inputs) => {
      runs.push(inputs);
      return inputs.map((n) => n * 10);
    });
    const first = await Promise.all([batch.add(1), batch.add(2), batch.add(3)]);
    expect(first).toEqual([10, 20, 30]);
    // Calls made in the continuation of those answers form the next run.
    expect(await batch.add(4)).toBe(40);
    expect(runs).toEqual([[1, 2, 3], [4]]);
  });

  it('takes in the calls that promise continuations make in the same turn', async () => {
    const runs: number[][] = [];
    const batch = new ScriptBatch<number, number>(async (inputs) => {
      runs.push(inputs);
      return inputs;
    });
    const later = Promise.resolve().then(() => batch.add(2));
    await Promise.all([batch.add(1), later]);
    expect(runs).toEqual([[1, 2]]);
  });

  it('splits a long queue into runs of at most its size', async () => {
    const sizes: number[] = [];
    const batch = new ScriptBatch<number, number>(async (inputs) => {
      sizes.push(inputs.length);
      return inputs;
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((n) => batch.add(n)));
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('fails every call of a run that fails, and only those', async () => {
    const batch = new ScriptBatch<number, number>(async (inputs) => {
      if (inputs.includes(2)) throw new Error('NOSCRIPT');
      return inputs;
    }, 2);
    const results = await Promise.allSettled([1, 2, 3].map((n) => batch.add(n)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
  });
});
