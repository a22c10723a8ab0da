// How the counters of one day are named in its hash: `metric` is the total,
// `metric@dim=value` the same count for one value of a dimension, and a
// trailing `#i` the histogram bucket i. Codes and ids never contain @ = #.

export const DIMENSIONS = ['reason', 'skill', 'agent', 'expert', 'mode'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export type DimensionValues = Partial<Record<Dimension, string | readonly string[]>>;

export interface FieldIncrement {
  field: string;
  by: number;
}

/**
 * The total field and one per dimension value, each incremented by `by`.
 * withTotal false: a dimension learnt later for something already counted.
 */
export function expandFields(metric: string, dims: DimensionValues, by: number, bucket?: number, withTotal = true): FieldIncrement[] {
  const tail = bucket === undefined ? '' : `#${bucket}`;
  const out: FieldIncrement[] = withTotal ? [{ field: `${metric}${tail}`, by }] : [];
  for (const [dim, value] of Object.entries(dims)) {
    const values = typeof value === 'string' ? [value] : (value ?? []);
    for (const v of new Set(values)) if (v) out.push({ field: `${metric}@${dim}=${v}${tail}`, by });
  }
  return out;
}

export interface ParsedField {
  metric: string;
  dim?: Dimension;
  value?: string;
  bucket?: number;
}

export function parseField(field: string): ParsedField {
  const match = /^([^@#]+)(?:@([^=]+)=([^#]+))?(?:#(\d+))?$/.exec(field);
  if (!match) return { metric: field };
  return {
    metric: match[1] as string,
    dim: match[2] as Dimension | undefined,
    value: match[3],
    bucket: match[4] === undefined ? undefined : Number(match[4]),
  };
}

/** UTC day of an ISO time: reports are bucketed by UTC day. */
export const dayOf = (iso: string) => iso.slice(0, 10);

/** Monday of the ISO week the day falls in. */
export function weekOf(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  const sinceMonday = (date.getUTCDay() + 6) % 7;
  return new Date(date.getTime() - sinceMonday * 86_400_000).toISOString().slice(0, 10);
}
