import { describe, expect, it } from 'vitest';
import { surpriseOf } from '../../../src/domain/detection/surprise.js';
import { oracleDigits, oracleSurprises, syntheticSeries } from '../../../src/domain/detection/synthetic.js';

const bucketMs = 5 * 60_000;

describe('the synthetic suite’s oracle (what is physically within reach)', () => {
  it('allows one window in 30 days: log10 of the windows in 30 days of 5-minute buckets', () => {
    expect(oracleDigits(bucketMs)).toBeCloseTo(Math.log10(8640), 10);
  });

  it('scores an injected incident under the true model: a 10× quarter hour at 50 a bucket is far out of reach of chance, no incident is not', () => {
    const spec = (size: number) => ({ family: 'poisson' as const, rate: 50, seed: 1, days: 10, bucketMs, incidents: { size, buckets: 3, everyDays: 3, firstDay: 4 } });
    const big = syntheticSeries(spec(10));
    const digits = oracleSurprises(big, 3);
    expect(digits).toHaveLength(big.incidents.length);
    for (const value of digits) expect(value).toBeGreaterThan(100);
    // Size 1 adds nothing: the windows are ordinary Poisson ones, under the oracle's bar.
    for (const value of oracleSurprises(syntheticSeries(spec(1)), 3)) expect(value).toBeLessThan(oracleDigits(bucketMs));
  });

  it('uses the true mean and dispersion of each bucket, not a learnt baseline', () => {
    const series = syntheticSeries({ family: 'overdispersed', rate: 5, seed: 2, days: 8, bucketMs, incidents: { size: 3, buckets: 3, everyDays: 3, firstDay: 4 } });
    expect(series.dispersion).toBe(0.3);
    const incident = series.incidents[0]!;
    // The window ending at the incident's last bucket, by hand.
    const window = [0, 1, 2].map((k) => incident.index + k);
    const mean = window.reduce((sum, i) => sum + series.means[i]!, 0);
    const squares = window.reduce((sum, i) => sum + series.means[i]! ** 2, 0);
    const observed = window.reduce((sum, i) => sum + series.buckets[i]!.negatives, 0);
    expect(oracleSurprises(series, 3)[0]).toBeGreaterThanOrEqual(surpriseOf(observed, mean, (0.3 * squares) / (mean * mean)));
  });
});
