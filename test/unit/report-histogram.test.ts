import { BUCKET_BOUNDS_MS, bucketIndex, percentile } from '../../src/domain/reports/histogram';
import { expandFields, parseField, weekOf } from '../../src/domain/reports/report-fields';

describe('report histograms and fields', () => {
  it('percentiles interpolate inside the bucket that holds the rank', () => {
    const counts = BUCKET_BOUNDS_MS.map(() => 0);
    for (const ms of [500, 1500, 1500, 4000]) counts[bucketIndex(ms)] = (counts[bucketIndex(ms)] ?? 0) + 1;
    expect(percentile(counts, 0.5)).toBe(1500); // rank 2 of 4: half-way through the 1-2 s bucket's two
    expect(percentile(counts, 0.25)).toBe(1000);
    expect(percentile(counts, 0.9)).toBeGreaterThan(3000);
    expect(percentile(counts, 0.9)).toBeLessThanOrEqual(5000);
    expect(percentile(BUCKET_BOUNDS_MS.map(() => 0), 0.5)).toBeUndefined();
    const open = BUCKET_BOUNDS_MS.map(() => 0);
    open[bucketIndex(10_000_000)] = 1;
    expect(percentile(open, 0.5)).toBe(1_800_000);
  });

  it('field names carry the metric, one dimension value and the bucket', () => {
    expect(expandFields('wait', { skill: 'tv', expert: ['bo', 'bo', 'cy'] }, 1, 3).map((f) => f.field)).toEqual([
      'wait#3', 'wait@skill=tv#3', 'wait@expert=bo#3', 'wait@expert=cy#3',
    ]);
    expect(parseField('wait@skill=tv#3')).toEqual({ metric: 'wait', dim: 'skill', value: 'tv', bucket: 3 });
    expect(parseField('contacts')).toEqual({ metric: 'contacts', dim: undefined, value: undefined, bucket: undefined });
    expect(weekOf('2024-03-03')).toBe('2024-02-26');
    expect(weekOf('2024-03-04')).toBe('2024-03-04');
  });
});
