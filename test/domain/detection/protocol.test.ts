import { describe, expect, it } from 'vitest';
import { CalibrationRecorder } from '../../../src/domain/detection/calibration.js';
import type { NabFileScore } from '../../../src/domain/detection/nab.js';
import { flatOptimum, gridCandidates, leaveOneFileOut, neighbourhood } from '../../../src/domain/detection/protocol.js';
import { resolveDetectorSettings } from '../../../src/domain/detection/settings.js';
import { detectOnCounts } from '../../../src/domain/detection/series.js';
import { replaySeries, scoreSeries, syntheticSeries } from '../../../src/domain/detection/synthetic.js';

/** A file score whose normalised NAB score is `percent` (one window: raw from −1 to 1). */
const fileScoring = (percent: number): NabFileScore => ({ raw: percent / 50 - 1, nullScore: -1, perfectScore: 1, truePositives: 0, falsePositives: 0, falseNegatives: 0, windows: 1 });

describe('the tuning protocol', () => {
  const axes = [{ name: 'threshold' as const, values: [1, 2, 3, 4, 5] }];
  const candidates = gridCandidates(axes);

  it('enumerates the grid and knows each candidate’s ±1-step neighbours', () => {
    expect(gridCandidates([...axes, { name: 'noveltyFactor', values: [0.5, 0.6] }])).toHaveLength(10);
    expect(neighbourhood(candidates, 0)).toEqual([0, 1]);
    expect(neighbourhood(candidates, 2)).toEqual([1, 2, 3]);
  });

  it('prefers a flat optimum to a sharp peak next to a cliff', () => {
    // threshold 5 scores best alone (90) but sits next to a cliff; 2 has good neighbours.
    const scores = [70, 80, 78, 20, 90].map((percent) => [fileScoring(percent)]);
    expect(flatOptimum(candidates, scores, [0])).toMatchObject({ index: 1, own: 80 });
  });

  it('scores each file only with settings chosen on the others', () => {
    // File 0 likes threshold 1, files 1 and 2 like threshold 5: file 0 held out is scored at 5.
    const scores = [1, 2, 3, 4, 5].map((t) => [fileScoring(t === 1 ? 100 : 10), fileScoring(t * 20), fileScoring(t * 20)]);
    const { folds, mean } = leaveOneFileOut(['a', 'b', 'c'], candidates, scores);
    expect(folds.map((fold) => fold.chosen)).toEqual([{ threshold: 5 }, { threshold: 5 }, { threshold: 5 }]);
    expect(folds[0]?.heldOutScore).toBeCloseTo(10);
    expect(mean).toBeCloseTo((10 + 100 + 100) / 3);
  });
});

describe('the synthetic suite', () => {
  const settings = resolveDetectorSettings();

  it('is the same series for the same seed, and another for another', () => {
    const spec = { family: 'overdispersed' as const, rate: 5, seed: 3, days: 3, bucketMs: settings.bucketMs };
    expect(syntheticSeries(spec).buckets).toEqual(syntheticSeries(spec).buckets);
    expect(syntheticSeries({ ...spec, seed: 4 }).buckets).not.toEqual(syntheticSeries(spec).buckets);
  });

  it('injects incidents of known size and start, and finds the large ones at once', () => {
    const outcome = scoreSeries({ family: 'poisson', rate: 20, seed: 1, days: 14, bucketMs: settings.bucketMs, incidents: { size: 10, buckets: 3, everyDays: 3, firstDay: 4 } }, settings);
    expect(outcome.incidents.map((incident) => incident.size)).toEqual([10, 10, 10]); // days 4, 7 and 10
    expect(outcome.incidents.every((incident) => incident.detected && (incident.delay ?? 9) <= 2)).toBe(true);
    expect(outcome.falseAlarms).toBe(0);
  });

  it('tells one member venting from a crisis', () => {
    const outcome = scoreSeries({ family: 'one_author_bursts', rate: 5, seed: 2, days: 20, bucketMs: settings.bucketMs }, settings);
    const decisions = replaySeries(syntheticSeries({ family: 'one_author_bursts', rate: 5, seed: 2, days: 20, bucketMs: settings.bucketMs }).buckets, settings);
    const spikes = decisions.filter((d) => d.type === 'spike');
    expect(spikes.every((d) => d.type === 'spike' && d.explanation.kind === 'single_author')).toBe(true);
    expect(outcome.falseAlarms).toBe(0);
  });
});

describe('per-channel calibration', () => {
  it('counts exactly the alerts of the shipped threshold, and finds one giving at most one per 30 days', () => {
    const settings = resolveDetectorSettings({ threshold: 6 });
    const { buckets } = syntheticSeries({ family: 'overdispersed', rate: 3, seed: 9, days: 30, bucketMs: settings.bucketMs });
    const { readings, decisions } = detectOnCounts(buckets.map((bucket) => ({ timestamp: bucket.start, value: bucket.negatives })), settings);
    const recorder = new CalibrationRecorder();
    for (const reading of readings) recorder.record(reading);
    const report = recorder.report('C1', settings);
    expect(report.alerts).toBe(decisions.filter((d) => d.type === 'spike').length);
    expect(report.days).toBeCloseTo(29, 0);
    expect(recorder.alertsAt(report.thresholdFor1Per30Days, settings)).toBeLessThanOrEqual(1);
    if (report.alerts > 1) expect(report.thresholdFor1Per30Days).toBeGreaterThan(settings.threshold);
  });

  it('asks a history shorter than 30 days for no alert, not one (one in 2 days is 15 per 30 days)', () => {
    const settings = resolveDetectorSettings({});
    const { buckets } = syntheticSeries({ family: 'poisson', rate: 20, seed: 1, days: 5, bucketMs: settings.bucketMs, incidents: { size: 20, buckets: 3, everyDays: 5, firstDay: 3 } });
    const { readings } = detectOnCounts(buckets.map((bucket) => ({ timestamp: bucket.start, value: bucket.negatives })), settings);
    const recorder = new CalibrationRecorder();
    for (const reading of readings) recorder.record(reading);
    const report = recorder.report('C1', settings);
    expect(report.alerts).toBe(1);
    expect(report.days).toBeLessThan(30);
    expect(report.thresholdFor1Per30Days).toBeGreaterThan(settings.threshold);
    expect(recorder.alertsAt(report.thresholdFor1Per30Days, settings)).toBe(0);
  });
});
