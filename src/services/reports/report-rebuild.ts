import type { Logger } from 'pino';
import type { ReportStore } from '../../store/report-store';
import type { EventFeed } from '../ports/event-feed';
import { ProjectionRunner } from '../projections/projection-runner';
import { ReportProjection } from './report-projection';

/**
 * Recomputes every report counter from the log into a new generation while
 * the live one keeps serving, then switches to it. Events logged during the
 * rebuild are picked up by the live projection after the switch, from the new
 * generation's cursor.
 */
export async function rebuildReports(store: ReportStore, feed: EventFeed, log: Logger): Promise<{ generation: string }> {
  const generation = await store.newGeneration();
  const runner = new ProjectionRunner(new ReportProjection(store, generation), feed, log);
  await runner.catchUp();
  await store.switchTo(generation);
  // What arrived between the last read and the switch.
  await runner.catchUp();
  return { generation };
}
