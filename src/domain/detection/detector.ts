import type { Clock } from '../clock.js';
import { bucketStartOf, emptyBucket, type BucketSample, type ChannelBucket } from './bucket.js';
import type { DetectorSettings } from './settings.js';

/**
 * The spike detector's memory for one channel: a compact baseline (level, spread, daily or weekly
 * rhythm, usual negative share) and the alert state. Plain JSON, stored next to the buckets, so a
 * restart or another instance resumes exactly where this one stopped. O(1) per channel.
 */
export interface DetectorState {
  version: 1;
  /** Start of the last bucket folded into the baseline; null before the first. */
  lastBucketStart: number | null;
  bucketsSeen: number;
  /** Expected negatives per bucket, rhythm taken out. */
  level: number;
  /** Typical absolute deviation from the expectation, rhythm taken out. */
  deviation: number;
  logDeviation: number;
  /** Multiplicative factor per hour of day (24) or of week (168); empty without rhythm. */
  rhythm: number[];
  /** Usual share of negative messages among all messages. */
  negativeShare: number;
  /** Highest deviation outside alerts on each of the last `noveltyDays` days (ring by day number). */
  dailyPeaks: number[];
  /** Day number (epoch days) of the newest entry of `dailyPeaks`. */
  peakDay: number;
  alert: ActiveAlert | null;
  /** When the window first went quiet during the current alert. */
  quietSince: number | null;
  /** No new alert before this time. */
  cooldownUntil: number;
  lastAlertAt: number | null;
}

export interface ActiveAlert {
  since: number;
  kind: SpikeKind;
  peakObserved: number;
  baselineAtStart: number;
}

export type SpikeKind = 'crisis' | 'single_author';

export interface SpikeExplanation {
  /** The observed window, [start, end) epoch ms. */
  window: { start: number; end: number };
  /** Negatives the baseline expected in the window. */
  baseline: number;
  observed: number;
  /** observed / baseline (baseline floored at one message). */
  ratio: number;
  /** How many deviations above the baseline. */
  deviations: number;
  messages: number;
  /** Negative share of the window and the channel's usual share. */
  negativeShare: number | null;
  usualNegativeShare: number;
  /** Distinct authors of negative messages; null when authors are unknown (bare counts). */
  distinctAuthors: number | null;
  /** Share of the negatives written by the loudest author. */
  topAuthorShare: number | null;
  topAuthorId: string | null;
  kind: SpikeKind;
  dominantTerms: { term: string; count: number }[];
  samples: BucketSample[];
}

export type DetectorDecision =
  | { type: 'spike'; at: number; bucketStart: number; explanation: SpikeExplanation }
  | { type: 'recovered'; at: number; bucketStart: number; since: number; peakObserved: number };

/** Per-bucket reading of the detector, for charts and backtest output. */
export interface BucketReading {
  bucketStart: number;
  /** Negative messages in this bucket alone. */
  negatives: number;
  observed: number;
  expected: number;
  deviations: number;
  /** In [0,1]; ≥ 0.5 exactly when an alert fired in this bucket. */
  score: number;
}

export function initialDetectorState(settings: DetectorSettings): DetectorState {
  return {
    version: 1,
    lastBucketStart: null,
    bucketsSeen: 0,
    level: 0,
    deviation: 0,
    logDeviation: 0,
    rhythm: new Array<number>(rhythmSlots(settings)).fill(1),
    negativeShare: 0,
    dailyPeaks: new Array<number>(settings.noveltyDays).fill(0),
    peakDay: 0,
    alert: null,
    quietSince: null,
    cooldownUntil: Number.NEGATIVE_INFINITY,
    lastAlertAt: null,
  };
}

/** Longest gap the detector fills with empty buckets; past it the baseline simply resumes. */
const MAX_CATCH_UP_MS = 14 * 24 * 3_600_000;

/**
 * Folds every bucket that has closed by `clock.now()` and was not seen yet into the state, and
 * returns the decisions they raise (usually none, at most one per bucket). Missing buckets count as
 * quiet ones. `buckets` must hold at least the last `windowBuckets` closed buckets.
 */
export function evaluateChannel(
  buckets: readonly ChannelBucket[],
  state: DetectorState,
  settings: DetectorSettings,
  clock: Clock,
  onReading?: (reading: BucketReading) => void,
): { state: DetectorState; decisions: DetectorDecision[] } {
  const { bucketMs } = settings;
  const openStart = bucketStartOf(clock.now(), bucketMs);
  const byStart = new Map<number, ChannelBucket>();
  let earliest = Number.POSITIVE_INFINITY;
  for (const bucket of buckets) {
    byStart.set(bucket.start, bucket);
    if (bucket.start < earliest) earliest = bucket.start;
  }
  let from = state.lastBucketStart === null ? earliest : state.lastBucketStart + bucketMs;
  if (!Number.isFinite(from)) return { state, decisions: [] };
  if (openStart - from > MAX_CATCH_UP_MS) from = bucketStartOf(openStart - MAX_CATCH_UP_MS, bucketMs);

  let current = state;
  const decisions: DetectorDecision[] = [];
  const window: ChannelBucket[] = [];
  for (let start = from - (settings.windowBuckets - 1) * bucketMs; start < from; start += bucketMs) {
    window.push(byStart.get(start) ?? emptyBucket(start));
  }
  for (let start = from; start < openStart; start += bucketMs) {
    window.push(byStart.get(start) ?? emptyBucket(start));
    if (window.length > settings.windowBuckets) window.shift();
    const step = stepDetector(current, window, settings);
    current = step.state;
    if (step.decision) decisions.push(step.decision);
    onReading?.(step.reading);
  }
  return { state: current, decisions };
}

/**
 * One closed bucket through the detector. `window` ends with that bucket and holds up to
 * `windowBuckets` consecutive buckets (oldest first). Pure: returns a new state.
 */
export function stepDetector(
  state: DetectorState,
  window: readonly ChannelBucket[],
  settings: DetectorSettings,
): { state: DetectorState; decision: DetectorDecision | null; reading: BucketReading } {
  const bucket = window[window.length - 1];
  if (!bucket) throw new RangeError('stepDetector needs at least one bucket');
  const { bucketMs } = settings;
  const end = bucket.start + bucketMs;
  const warm = state.bucketsSeen > 0;

  // Expectation and spread of the window under the current baseline.
  let expected = 0;
  let variance = 0;
  let observed = 0;
  let messages = 0;
  let observedT = 0;
  let expectedT = 0;
  for (const item of window) {
    const factor = rhythmFactor(state, item.start, settings);
    const mean = state.level * factor;
    const spread = 1.25 * state.deviation * factor; // mean absolute deviation → standard deviation
    expected += mean;
    variance += Math.max(spread * spread, mean); // never tighter than Poisson noise
    observed += item.negatives;
    messages += item.messages;
  }
  let deviations: number;
  if (settings.scale === 'log') {
    // counts are bursty and multiplicative: compare log volumes, floor the spread at Poisson noise
    const n = window.length;
    expectedT = Math.log1p(expected / n);
    observedT = Math.log1p(observed / n);
    const poisson = Math.sqrt(expected / n) / (1 + expected / n) / Math.sqrt(n);
    const spreadT = Math.max(1.25 * state.logDeviation, poisson, settings.minLogSpread);
    deviations = warm ? (observedT - expectedT) / spreadT : 0;
  } else {
    const sigma = Math.max(Math.sqrt(variance), 1);
    deviations = warm ? (observed - expected) / sigma : 0;
  }

  const next: DetectorState = { ...state, rhythm: state.rhythm };
  // Bursty channels: an alert must also beat the channel's own recent ordinary peaks.
  let recentPeak = 0;
  for (const peak of state.dailyPeaks) if (peak > recentPeak) recentPeak = peak;
  const threshold = Math.max(settings.sensitivity, settings.noveltyFactor * recentPeak);
  let decision: DetectorDecision | null = null;

  if (state.alert) {
    const alert = { ...state.alert, peakObserved: Math.max(state.alert.peakObserved, observed) };
    next.alert = alert;
    if (deviations < settings.recoverySensitivity) {
      next.quietSince = state.quietSince ?? bucket.start;
      if (end - next.quietSince >= settings.recoveryMs) {
        decision = { type: 'recovered', at: end, bucketStart: bucket.start, since: alert.since, peakObserved: alert.peakObserved };
        next.alert = null;
        next.quietSince = null;
      }
    } else {
      next.quietSince = null;
    }
  } else if (
    state.bucketsSeen >= settings.warmupBuckets &&
    end > state.cooldownUntil &&
    observed >= settings.minNegatives &&
    observed >= settings.minLift * expected &&
    deviations >= threshold &&
    shareStandsOut(observed, messages, state.negativeShare, settings)
  ) {
    const explanation = explain(window, state, settings, { expected, observed, messages, deviations });
    decision = { type: 'spike', at: end, bucketStart: bucket.start, explanation };
    next.alert = { since: end, kind: explanation.kind, peakObserved: observed, baselineAtStart: expected };
    next.quietSince = null;
    next.cooldownUntil = end + settings.cooldownMs;
    next.lastAlertAt = end;
  }

  if (!next.alert && settings.noveltyDays > 0 && state.bucketsSeen >= settings.warmupBuckets) recordPeak(next, bucket.start, deviations, settings);
  learn(next, bucket, settings);
  const score = decision?.type === 'spike' ? 1 : Math.min(0.49, Math.max(0, (0.5 * deviations) / settings.sensitivity));
  return { state: next, decision, reading: { bucketStart: bucket.start, negatives: bucket.negatives, observed, expected, deviations, score } };
}

function recordPeak(state: DetectorState, epochMs: number, deviations: number, settings: DetectorSettings): void {
  const day = Math.floor(epochMs / 86_400_000);
  // Settings may change under a stored state (a playbook edit): start the record afresh then.
  const peaks = state.dailyPeaks.length === settings.noveltyDays ? state.dailyPeaks.slice() : new Array<number>(settings.noveltyDays).fill(0);
  if (day !== state.peakDay) {
    for (let d = state.peakDay + 1; d <= day && d - state.peakDay <= peaks.length; d++) peaks[d % peaks.length] = 0;
    state.peakDay = day;
  }
  const slot = day % peaks.length;
  peaks[slot] = Math.max(peaks[slot] ?? 0, deviations);
  state.dailyPeaks = peaks;
}

function shareStandsOut(observed: number, messages: number, usualShare: number, settings: DetectorSettings): boolean {
  if (settings.minShareLift <= 0 || messages <= 0 || usualShare <= 0) return true;
  return observed / messages >= Math.min(1, settings.minShareLift * usualShare);
}

/** Teaches the baseline one bucket, clipping outliers so a burst does not become the new normal. */
function learn(state: DetectorState, bucket: ChannelBucket, settings: DetectorSettings): void {
  const n = state.bucketsSeen;
  const factor = rhythmFactor(state, bucket.start, settings);
  const mean = state.level * factor;
  const spread = Math.max(1.25 * state.deviation * factor, Math.sqrt(Math.max(mean, 0.25)));
  const value = n === 0 ? bucket.negatives : Math.min(bucket.negatives, mean + settings.baselineClip * spread);
  // Early on, average plainly; later, forget with the configured half-life.
  const alpha = Math.max(decayRate(settings.bucketMs, settings.baselineHalfLifeMs), 1 / (n + 1));
  const deseasonalised = value / factor;
  state.deviation = n === 0 ? 0 : state.deviation + alpha * (Math.abs(value - mean) / factor - state.deviation);
  state.logDeviation = n === 0 ? 0 : state.logDeviation + alpha * (Math.abs(Math.log1p(value) - Math.log1p(mean)) - state.logDeviation);
  state.level += alpha * (deseasonalised - state.level);

  if (state.rhythm.length > 0 && n > 0) {
    const slot = rhythmSlot(bucket.start, settings);
    const slotUpdatesPerHalfLife = settings.rhythmHalfLifeMs / (settings.bucketMs * state.rhythm.length);
    const beta = Math.max(1 - Math.pow(2, -1 / slotUpdatesPerHalfLife), 1 / (1 + n / state.rhythm.length));
    const rhythm = state.rhythm.slice();
    const observedFactor = value / Math.max(state.level, 0.5);
    rhythm[slot] = (rhythm[slot] ?? 1) + beta * (Math.min(observedFactor, 10) - (rhythm[slot] ?? 1));
    let sum = 0;
    for (const f of rhythm) sum += f;
    const norm = sum > 0 ? rhythm.length / sum : 1;
    for (let i = 0; i < rhythm.length; i++) rhythm[i] = Math.max(0.05, (rhythm[i] ?? 1) * norm);
    state.rhythm = rhythm;
  }
  if (bucket.messages > 0) {
    const share = bucket.negatives / bucket.messages;
    state.negativeShare = state.negativeShare === 0 && n === 0 ? share : state.negativeShare + alpha * (Math.min(share, state.negativeShare * 2 + 0.05) - state.negativeShare);
  }
  state.bucketsSeen = n + 1;
  state.lastBucketStart = bucket.start;
}

function decayRate(stepMs: number, halfLifeMs: number): number {
  return 1 - Math.pow(2, -stepMs / halfLifeMs);
}

function rhythmSlots(settings: DetectorSettings): number {
  return settings.rhythm === 'daily' ? 24 : settings.rhythm === 'weekly' ? 168 : 0;
}

function rhythmSlot(epochMs: number, settings: DetectorSettings): number {
  const hour = Math.floor(epochMs / 3_600_000);
  return settings.rhythm === 'weekly' ? (((hour + 72) % 168) + 168) % 168 : ((hour % 24) + 24) % 24; // +72 h: weeks start Monday
}

function rhythmFactor(state: DetectorState, epochMs: number, settings: DetectorSettings): number {
  if (state.rhythm.length === 0) return 1;
  return state.rhythm[rhythmSlot(epochMs, settings)] ?? 1;
}

function explain(
  window: readonly ChannelBucket[],
  state: DetectorState,
  settings: DetectorSettings,
  figures: { expected: number; observed: number; messages: number; deviations: number },
): SpikeExplanation {
  const authors = new Map<string, number>();
  const terms = new Map<string, number>();
  let authorsKnown = false;
  let overflow = 0;
  const samples: BucketSample[] = [];
  for (const bucket of window) {
    if (bucket.negativeAuthors) {
      authorsKnown = true;
      for (const [author, count] of Object.entries(bucket.negativeAuthors)) authors.set(author, (authors.get(author) ?? 0) + count);
      overflow += bucket.negativeAuthorsOverflow ?? 0;
    }
    for (const [term, count] of Object.entries(bucket.termCounts ?? {})) terms.set(term, (terms.get(term) ?? 0) + count);
    if (bucket.samples) samples.push(...bucket.samples);
  }
  let topAuthorId: string | null = null;
  let topCount = 0;
  for (const [author, count] of authors) {
    if (count > topCount) [topAuthorId, topCount] = [author, count];
  }
  const topAuthorShare = authorsKnown && figures.observed > 0 ? topCount / figures.observed : null;
  const kind: SpikeKind = topAuthorShare !== null && topAuthorShare >= settings.singleAuthorShare ? 'single_author' : 'crisis';
  const first = window[0] as ChannelBucket;
  const last = window[window.length - 1] as ChannelBucket;
  return {
    window: { start: first.start, end: last.start + settings.bucketMs },
    baseline: round(figures.expected),
    observed: figures.observed,
    ratio: round(figures.observed / Math.max(figures.expected, 1)),
    deviations: round(figures.deviations),
    messages: figures.messages,
    negativeShare: figures.messages > 0 ? round(figures.observed / figures.messages) : null,
    usualNegativeShare: round(state.negativeShare),
    distinctAuthors: authorsKnown ? authors.size + (overflow > 0 ? 1 : 0) : null,
    topAuthorShare: topAuthorShare === null ? null : round(topAuthorShare),
    topAuthorId,
    kind,
    dominantTerms: [...terms]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, 5)
      .map(([term, count]) => ({ term, count })),
    samples: samples.sort((a, b) => a.score - b.score).slice(0, settings.maxSamplesPerBucket),
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
