import type { LoggedEvent } from '../../domain/events';
import { type CallTally, type DayIncrement, callIdOf, relatedCallId, tally } from '../../domain/reports/tally';
import type { ReportStore } from '../../store/report-store';
import type { Projection } from '../projections/projection-runner';

/**
 * The report counters as a projection of the log. Bound to a generation for a
 * rebuild; otherwise follows whichever generation is current.
 */
export class ReportProjection implements Projection {
  readonly name = 'reports';

  constructor(
    private readonly store: ReportStore,
    private readonly generation?: string,
  ) {}

  private gen(): Promise<string> {
    return this.generation ? Promise.resolve(this.generation) : this.store.currentGeneration();
  }

  async cursor(): Promise<string> {
    return this.store.cursor(await this.gen());
  }

  async apply(prevId: string, events: readonly LoggedEvent[]): Promise<boolean> {
    const gen = await this.gen();
    const ids = [...new Set(events.flatMap((e) => [callIdOf(e), relatedCallId(e)]))].filter((id): id is string => id !== undefined);
    // Contexts and cursor read together: the tallies are right for exactly the
    // cursor they are applied against.
    const { cursor, contexts } = await this.store.snapshot(gen, ids);
    if (cursor !== prevId) return false;
    // Each event sees the contexts as the events before it in the batch left them.
    const known = new Map(ids.map((id, i) => [id, contexts[i]]));
    const changed = new Map<string, CallTally>();
    const increments: DayIncrement[] = [];
    for (const event of events) {
      const callId = callIdOf(event);
      if (!callId) continue;
      const repeatedId = relatedCallId(event);
      const result = tally(event, known.get(callId), repeatedId ? known.get(repeatedId) : undefined);
      increments.push(...result.increments);
      for (const [id, context] of [[callId, result.call], [repeatedId, result.repeated]] as const) {
        if (!id || !context) continue;
        known.set(id, context);
        changed.set(id, context);
      }
    }
    return this.store.apply(gen, prevId, events[events.length - 1]?.id ?? prevId, increments, changed);
  }
}
