/**
 * A pass over shared work (the queue, the event log) that runs one at a time.
 * Asking while a pass runs makes one more pass after it, however often it was
 * asked: whatever changed meanwhile is seen, and nothing runs twice at once.
 */
export class OnePassAtATime {
  private running?: Promise<void>;
  private again = false;

  constructor(private readonly pass: () => Promise<void>) {}

  /** Resolves once a pass that started after this call has finished. */
  run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.pass();
      } while (this.again);
    })().finally(() => (this.running = undefined));
    return this.running;
  }
}
