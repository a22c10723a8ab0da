import type { ContactReason } from '../../domain/contact-reason';
import { InvalidInputError } from '../../domain/errors';
import { type Grouping, REPORTS, type ReportName } from '../../domain/reports/report-definitions';
import { columnsFor, reasonRows, reportRows, type ReportRow } from '../../domain/reports/report-table';
import type { ReportStore } from '../../store/report-store';
import type { ProjectionRunner } from '../projections/projection-runner';

export interface ReportQuery {
  from: string;
  to: string;
  groupBy?: Grouping;
  /** Reasons report: how many reasons. */
  top?: number;
}

export interface ReportResult {
  report: ReportName;
  from: string;
  to: string;
  groupBy: Grouping;
  columns: string[];
  rows: ReportRow[];
}

const MAX_DAYS = 400;
const DAY_MS = 86_400_000;
const shiftDay = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** Reports over whole UTC days, read from the day counters the projection keeps. */
export class ReportService {
  constructor(
    private readonly store: ReportStore,
    private readonly projection: ProjectionRunner,
    private readonly reasons: readonly ContactReason[],
  ) {}

  async run(report: ReportName, query: ReportQuery): Promise<ReportResult> {
    const { from, to } = query;
    const span = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
    if (span < 1) throw new InvalidInputError('"from" must not be after "to"', [{ field: 'querystring.from', message: 'is after to' }]);
    if (span > MAX_DAYS) throw new InvalidInputError(`a report covers at most ${MAX_DAYS} days`, [{ field: 'querystring.to', message: 'too far from from' }]);
    // Counters lag the log by a moment; a report reflects everything logged before it was asked for.
    await this.projection.catchUp();
    const days = await this.store.days(from, to);

    if (report === 'reasons') {
      const groupBy = query.groupBy ?? 'reason';
      if (groupBy !== 'reason' && groupBy !== 'day' && groupBy !== 'week') throw badGrouping(report, ['reason', 'day', 'week']);
      const previous = await this.store.days(shiftDay(from, -span), shiftDay(from, -1));
      const labels = new Map(this.reasons.map((r) => [r.code, r.label]));
      const rows = reasonRows(days, previous, groupBy, labels, query.top ?? 10);
      const columns = groupBy === 'reason' ? ['reason', 'label', 'contacts', 'share', 'previousContacts', 'change'] : [groupBy, 'reason', 'contacts'];
      return { report, from, to, groupBy, columns, rows };
    }
    const def = REPORTS[report];
    const groupBy = query.groupBy ?? (def.groupings[0] as Grouping);
    if (!def.groupings.includes(groupBy as never)) throw badGrouping(report, def.groupings);
    const rows = reportRows(def, days, groupBy);
    const columns = [groupBy, ...columnsFor(def, groupBy).map((c) => c.name)];
    return { report, from, to, groupBy, columns, rows };
  }
}

function badGrouping(report: string, allowed: readonly string[]) {
  return new InvalidInputError(`the ${report} report groups by ${allowed.join(', ')}`, [
    { field: 'querystring.groupBy', message: `one of ${allowed.join(', ')}` },
  ]);
}
