/**
 * Calls made in the same turn of the event loop, run as one script call.
 * Every script call costs Redis a fixed part (the call itself, the shared
 * helpers, the clock, the lease sweep) larger than one claim's own work; under
 * load many claims and releases arrive together, so they share it. A lone call
 * waits only for the end of the current turn.
 */
export class ScriptBatch<In, Out> {
  private pending: { input: In; resolve: (out: Out) => void; reject: (err: unknown) => void }[] = [];

  constructor(
    /** Runs the inputs in order; one output per input. */
    private readonly run: (inputs: In[]) => Promise<Out[]>,
    private readonly maxSize = 64,
  ) {}

  add(input: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      // nextTick runs after the promise continuations of this turn: the calls they make join too.
      if (this.pending.length === 1) process.nextTick(() => this.flush());
    });
  }

  private flush(): void {
    const all = this.pending;
    this.pending = [];
    for (let i = 0; i < all.length; i += this.maxSize) {
      const batch = all.slice(i, i + this.maxSize);
      this.run(batch.map((call) => call.input)).then(
        (outs) => batch.forEach((call, j) => call.resolve(outs[j] as Out)),
        (err: unknown) => batch.forEach((call) => call.reject(err)),
      );
    }
  }
}
