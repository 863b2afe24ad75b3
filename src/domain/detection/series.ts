import { ManualClock } from '../clock.js';
import { bucketStartOf, type ChannelBucket } from './bucket.js';
import { evaluateChannel, initialDetectorState, type BucketReading, type DetectorDecision } from './detector.js';
import type { DetectorSettings } from './settings.js';

export interface CountPoint {
  /** Epoch ms of the bucket. */
  timestamp: number;
  /** Negative messages in the bucket. */
  value: number;
}

/**
 * Runs the live detector over a series of bucket counts (one point per bucket, ascending), as the
 * backtest's `--counts` form and the NAB evaluation do. Authors and totals are unknown in a bare
 * series, so the share test is off. Returns one reading per input point plus the decisions.
 */
export function detectOnCounts(
  points: readonly CountPoint[],
  settings: DetectorSettings,
): { readings: (BucketReading & { timestamp: number; value: number })[]; decisions: DetectorDecision[] } {
  const effective: DetectorSettings = { ...settings, minShareLift: 0 };
  const { bucketMs } = effective;
  let state = initialDetectorState(effective);
  const clock = new ManualClock(0);
  const readings: (BucketReading & { timestamp: number; value: number })[] = [];
  const decisions: DetectorDecision[] = [];
  const pointByBucket = new Map<number, CountPoint>();
  const window: ChannelBucket[] = [];
  for (const point of points) {
    const start = bucketStartOf(point.timestamp, bucketMs);
    pointByBucket.set(start, point);
    window.push({ start, messages: point.value, negatives: point.value, positives: 0 });
    if (window.length > effective.windowBuckets + 1) window.shift();
    clock.set(start + bucketMs);
    const result = evaluateChannel(window, state, effective, clock, (reading) => {
      const source = pointByBucket.get(reading.bucketStart);
      if (source) readings.push({ ...reading, timestamp: source.timestamp, value: source.value });
    });
    pointByBucket.delete(start);
    state = result.state;
    decisions.push(...result.decisions);
  }
  return { readings, decisions };
}

/** The bucket size a series was sampled at: the most common gap between consecutive points. */
export function inferBucketMs(points: readonly CountPoint[]): number | undefined {
  const gaps = new Map<number, number>();
  for (let i = 1; i < points.length; i++) {
    const gap = (points[i] as CountPoint).timestamp - (points[i - 1] as CountPoint).timestamp;
    if (gap > 0) gaps.set(gap, (gaps.get(gap) ?? 0) + 1);
  }
  let best: number | undefined;
  let bestCount = 0;
  for (const [gap, count] of gaps) if (count > bestCount) [best, bestCount] = [gap, count];
  return best;
}
