// When sipp's main loop goes a while without a core, it logs an overload
// warning to its error file on its next pass: a phone that answered late.
// A bench's failed call next to such a stall is the phones' doing, not the
// stack's, when the phones share the stack's host.

// "1795484884.866261: Overload warning: the minor watchdog timer 500ms has been tripped (560), 119 trips remaining."
const TRIP = /(\d+\.\d+): Overload warning: the (?:minor|major) watchdog timer \d+ms has been tripped \((\d+)\)/g;

/** How long (ms) each of sipp's main-loop stalls logged in `errorLog` lasted, for those logged between `fromMs` and `toMs` (epoch). */
export function phoneStalls(errorLog: string, fromMs: number, toMs: number): number[] {
  const stalls: number[] = [];
  for (const [, at, lastedMs] of errorLog.matchAll(TRIP)) {
    const atMs = Number(at) * 1000;
    if (atMs >= fromMs && atMs <= toMs) stalls.push(Number(lastedMs));
  }
  return stalls;
}

/** "3 times, longest 3036 ms", or "none". */
export function describeStalls(stalls: readonly number[]): string {
  if (stalls.length === 0) return 'none';
  return `${stalls.length} time${stalls.length === 1 ? '' : 's'}, longest ${Math.max(...stalls)} ms`;
}
