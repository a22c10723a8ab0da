import { BUCKET_BOUNDS_MS, percentile } from './histogram';
import { type Column, type Grouping, METRIC_DIMENSIONS, type ReportDefinition, TIME_GROUPINGS } from './report-definitions';
import { parseField, weekOf } from './report-fields';

// Turns day counters into report rows: sum the days of each group, then
// compute each column from the sums.

export interface DayCounters {
  day: string;
  fields: Record<string, number>;
}

export type ReportRow = Record<string, string | number | null>;

/** group key → metric (with `#bucket` for histograms) → sum. */
export type GroupSums = Map<string, Map<string, number>>;

const isTime = (g: Grouping): g is 'day' | 'week' => (TIME_GROUPINGS as readonly string[]).includes(g);

export function groupDays(days: readonly DayCounters[], grouping: Grouping): GroupSums {
  const groups: GroupSums = new Map();
  const add = (key: string, name: string, by: number) => {
    let sums = groups.get(key);
    if (!sums) groups.set(key, (sums = new Map()));
    sums.set(name, (sums.get(name) ?? 0) + by);
  };
  for (const { day, fields } of days) {
    const timeKey = grouping === 'day' ? day : weekOf(day);
    // Time groups exist even when empty, so a series has no holes.
    if (isTime(grouping) && !groups.has(timeKey)) groups.set(timeKey, new Map());
    for (const [field, by] of Object.entries(fields)) {
      const f = parseField(field);
      const name = f.bucket === undefined ? f.metric : `${f.metric}#${f.bucket}`;
      if (isTime(grouping)) {
        if (!f.dim) add(timeKey, name, by);
      } else if (f.dim === grouping && f.value) {
        add(f.value, name, by);
      }
    }
  }
  return groups;
}

const columnMetrics = (c: Column) => (c.kind === 'ratio' ? [c.numerator, c.denominator] : [c.metric]);

/** The columns that make sense for the grouping: by time all; by a dimension those counted with it. */
export function columnsFor(def: ReportDefinition, grouping: Grouping): Column[] {
  if (isTime(grouping)) return [...def.columns];
  return def.columns.filter((c) => columnMetrics(c).every((m) => METRIC_DIMENSIONS[m]?.includes(grouping)));
}

function value(column: Column, sums: Map<string, number>): number | null {
  const get = (metric: string) => sums.get(metric) ?? 0;
  switch (column.kind) {
    case 'count':
      return column.divideBy ? Math.round((get(column.metric) / column.divideBy) * 10) / 10 : get(column.metric);
    case 'ratio': {
      const den = get(column.denominator);
      return den === 0 ? null : Math.round((get(column.numerator) / den) * 10_000) / 10_000;
    }
    case 'percentile':
      return percentile(BUCKET_BOUNDS_MS.map((_, i) => get(`${column.metric}#${i}`)), column.p) ?? null;
  }
}

/** Rows keyed by the grouping's name: time in order, dimension values biggest first. */
export function reportRows(def: ReportDefinition, days: readonly DayCounters[], grouping: Grouping): ReportRow[] {
  const columns = columnsFor(def, grouping);
  const rows = [...groupDays(days, grouping)].map(([key, sums]) => {
    const row: ReportRow = { [grouping]: key };
    for (const c of columns) row[c.name] = value(c, sums);
    return row;
  });
  if (isTime(grouping)) return rows.sort((a, b) => String(a[grouping]).localeCompare(String(b[grouping])));
  const first = columns[0]?.name ?? grouping;
  return rows.sort((a, b) => Number(b[first] ?? 0) - Number(a[first] ?? 0) || String(a[grouping]).localeCompare(String(b[grouping])));
}

/**
 * Top reasons by contacts, each with its share and the previous period of the
 * same length for the trend; by day or week, the series of those reasons.
 */
export function reasonRows(
  current: readonly DayCounters[],
  previous: readonly DayCounters[],
  grouping: 'reason' | 'day' | 'week',
  labels: ReadonlyMap<string, string>,
  top: number,
): ReportRow[] {
  const contacts = (days: readonly DayCounters[]) =>
    new Map([...groupDays(days, 'reason')].map(([reason, sums]) => [reason, sums.get('contacts') ?? 0]));
  const now = contacts(current);
  const before = contacts(previous);
  const total = [...now.values()].reduce((a, b) => a + b, 0);
  const ranked = [...now].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, top);
  if (grouping === 'reason') {
    return ranked.map(([reason, n]) => {
      const prev = before.get(reason) ?? 0;
      return {
        reason,
        label: labels.get(reason) ?? reason,
        contacts: n,
        share: total === 0 ? null : Math.round((n / total) * 10_000) / 10_000,
        previousContacts: prev,
        change: prev === 0 ? null : Math.round(((n - prev) / prev) * 10_000) / 10_000,
      };
    });
  }
  const rows: ReportRow[] = [];
  const buckets = [...new Set(current.map((d) => (grouping === 'day' ? d.day : weekOf(d.day))))].sort();
  for (const bucket of buckets) {
    const inBucket = current.filter((d) => (grouping === 'day' ? d.day : weekOf(d.day)) === bucket);
    const sums = contacts(inBucket);
    for (const [reason] of ranked) rows.push({ [grouping]: bucket, reason, contacts: sums.get(reason) ?? 0 });
  }
  return rows;
}
