import type { LoggedEvent } from '../../domain/events';
import { callIdOf, relatedCallId, tally } from '../../domain/reports/tally';
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

  async apply(prevId: string, event: LoggedEvent): Promise<boolean> {
    const gen = await this.gen();
    const callId = callIdOf(event);
    const repeatedId = relatedCallId(event);
    // Context and cursor read together: the tally is right for exactly the
    // cursor it is applied against.
    const ids = [callId, repeatedId].filter((id): id is string => id !== undefined);
    const { cursor, contexts } = await this.store.snapshot(gen, ids);
    if (cursor !== prevId) return false;
    const result = callId ? tally(event, contexts[0], repeatedId ? contexts[1] : undefined) : { increments: [] };
    return this.store.apply(gen, prevId, event.id, callId, result, repeatedId);
  }
}
