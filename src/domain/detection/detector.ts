import type { Clock } from '../clock.js';
import { bucketStartOf, type BucketSample, type ChannelBucket } from './bucket.js';
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
  /** Typical absolute deviation of the window's log volume from its expectation. */
  logDeviation: number;
  /** Typical log(1 + negatives per bucket) of the window, rhythm taken out: a geometric mean, robust to bursts. */
  logLevel: number;
  /** Additive log offset per rhythm slot (same slots as `rhythm`). */
  logRhythm: number[];
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
    logLevel: 0,
    logRhythm: filled(rhythmSlots(settings), 0),
    rhythm: filled(rhythmSlots(settings), 1),
    negativeShare: 0,
    dailyPeaks: filled(settings.noveltyDays, 0),
    peakDay: 0,
    alert: null,
    quietSince: null,
    cooldownUntil: 0, // JSON has no -Infinity; epoch 0 is "long ago"
    lastAlertAt: null,
  };
}

/** Longest gap the detector fills with empty buckets; past it the baseline simply resumes. */
const MAX_CATCH_UP_MS = 14 * 24 * 3_600_000;

/** The window ending at the bucket being judged, as plain numbers (oldest first). */
interface WindowView {
  starts: number[];
  /** Rhythm slot of each start (-1 without rhythm), worked out once per bucket rather than per use. */
  slots: number[];
  negatives: number[];
  messages: number[];
  /** Looks up the full bucket (authors, terms, samples) when an alert needs explaining. */
  bucketAt: (start: number) => ChannelBucket | undefined;
}

/**
 * Folds every bucket that has closed by `clock.now()` and was not seen yet into the state, and
 * returns the decisions they raise (usually none, at most one per bucket). Missing buckets count as
 * quiet ones. `buckets` must hold at least the last `windowBuckets` closed buckets. Pure: `state`
 * is not changed; the returned state is a new object.
 */
export function evaluateChannel(
  buckets: readonly ChannelBucket[],
  state: DetectorState,
  settings: DetectorSettings,
  clock: Clock,
  onReading?: (reading: BucketReading) => void,
): { state: DetectorState; decisions: DetectorDecision[] } {
  const next = cloneState(state);
  const decisions = evaluateChannelInPlace(buckets, next, settings, clock.now(), onReading);
  return { state: decisions === null ? state : next, decisions: decisions ?? [] };
}

/**
 * `evaluateChannel` for a caller that owns `state` (the watcher's hot path): advances it in place.
 * Returns null when no bucket had closed.
 */
export function evaluateChannelInPlace(
  buckets: readonly ChannelBucket[],
  state: DetectorState,
  settings: DetectorSettings,
  now: number,
  onReading?: (reading: BucketReading) => void,
): DetectorDecision[] | null {
  fillMissingFields(state, settings);
  const { bucketMs, windowBuckets } = settings;
  const openStart = bucketStartOf(now, bucketMs);
  let from = state.lastBucketStart === null ? earliestStart(buckets) : state.lastBucketStart + bucketMs;
  if (!Number.isFinite(from) || from >= openStart) return null;
  if (openStart - from > MAX_CATCH_UP_MS) from = bucketStartOf(openStart - MAX_CATCH_UP_MS, bucketMs);

  const index = new BucketIndex(buckets, from - windowBuckets * bucketMs);
  const view: WindowView = { starts: [], slots: [], negatives: [], messages: [], bucketAt: (start) => buckets.find((bucket) => bucket.start === start) };
  for (let start = from - (windowBuckets - 1) * bucketMs; start < from; start += bucketMs) pushWindow(view, start, index.at(start), windowBuckets, settings);
  const rates = learningRates(settings, state);
  const decisions: DetectorDecision[] = [];
  for (let start = from; start < openStart; start += bucketMs) {
    pushWindow(view, start, index.at(start), windowBuckets, settings);
    const decision = advance(state, view, settings, rates, onReading);
    if (decision) decisions.push(decision);
  }
  return decisions;
}

function earliestStart(buckets: readonly ChannelBucket[]): number {
  let earliest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < buckets.length; i++) earliest = Math.min(earliest, (buckets[i] as ChannelBucket).start);
  return earliest;
}

/**
 * Buckets by start for one pass over ascending starts: a cursor over a sorted list (the watcher's
 * few buckets, a store's range query), a map otherwise.
 */
class BucketIndex {
  private cursor = 0;
  private readonly byStart: Map<number, ChannelBucket> | null = null;

  constructor(
    private readonly buckets: readonly ChannelBucket[],
    from: number,
  ) {
    for (let i = 1; i < buckets.length; i++) {
      if ((buckets[i] as ChannelBucket).start <= (buckets[i - 1] as ChannelBucket).start) {
        this.byStart = new Map();
        for (const bucket of buckets) if (bucket.start >= from) this.byStart.set(bucket.start, bucket);
        break;
      }
    }
  }

  /** The bucket starting at `start`; calls must come with ascending starts. */
  at(start: number): ChannelBucket | undefined {
    if (this.byStart) return this.byStart.get(start);
    const buckets = this.buckets;
    while (this.cursor < buckets.length && (buckets[this.cursor] as ChannelBucket).start < start) this.cursor++;
    const bucket = buckets[this.cursor];
    return bucket !== undefined && bucket.start === start ? bucket : undefined;
  }
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
  if (window.length === 0) throw new RangeError('stepDetector needs at least one bucket');
  const view: WindowView = { starts: [], slots: [], negatives: [], messages: [], bucketAt: (start) => window.find((bucket) => bucket.start === start) };
  for (const bucket of window) pushWindow(view, bucket.start, bucket, Number.POSITIVE_INFINITY, settings);
  const next = cloneState(state);
  fillMissingFields(next, settings);
  let reading: BucketReading | undefined;
  const decision = advance(next, view, settings, learningRates(settings, next), (r) => (reading = r));
  return { state: next, decision, reading: reading as unknown as BucketReading };
}

function pushWindow(view: WindowView, start: number, bucket: ChannelBucket | undefined, size: number, settings: DetectorSettings): void {
  const slot = settings.rhythm === 'none' ? -1 : rhythmSlot(start, settings);
  const negatives = bucket?.negatives ?? 0;
  const messages = bucket?.messages ?? 0;
  const { starts, slots } = view;
  const length = starts.length;
  if (length < size) {
    starts.push(start);
    slots.push(slot);
    view.negatives.push(negatives);
    view.messages.push(messages);
    return;
  }
  // Full: slide by hand; `shift` on these tiny arrays costs more than the copy.
  for (let i = 1; i < length; i++) {
    starts[i - 1] = starts[i] as number;
    slots[i - 1] = slots[i] as number;
    view.negatives[i - 1] = view.negatives[i] as number;
    view.messages[i - 1] = view.messages[i] as number;
  }
  starts[length - 1] = start;
  slots[length - 1] = slot;
  view.negatives[length - 1] = negatives;
  view.messages[length - 1] = messages;
}

/**
 * A state stored by an earlier version may lack fields added since, or have rhythm arrays sized for
 * other settings; fill them in so the detector resumes instead of failing.
 */
function fillMissingFields(state: DetectorState, settings: DetectorSettings): void {
  const slots = rhythmSlots(settings);
  if (!Array.isArray(state.rhythm) || state.rhythm.length !== slots) state.rhythm = filled(slots, 1);
  if (!Array.isArray(state.logRhythm) || state.logRhythm.length !== slots) state.logRhythm = filled(slots, 0);
  if (!Array.isArray(state.dailyPeaks)) state.dailyPeaks = [];
  if (typeof state.logLevel !== 'number') state.logLevel = Math.log1p(Math.max(0, state.level ?? 0));
  if (typeof state.logDeviation !== 'number') state.logDeviation = 0;
  if (typeof state.peakDay !== 'number') state.peakDay = 0;
  if (typeof state.cooldownUntil !== 'number') state.cooldownUntil = 0;
}

function cloneState(state: DetectorState): DetectorState {
  return { ...state, rhythm: state.rhythm?.slice() ?? [], logRhythm: state.logRhythm?.slice() ?? [], dailyPeaks: state.dailyPeaks?.slice() ?? [], alert: state.alert ? { ...state.alert } : null };
}

interface LearningRates {
  alpha: number;
  beta: number;
}

// Learning rates per settings object: two powers per call add up when every channel closes a bucket
// every few minutes. Checked against the inputs, so an edited settings object is recomputed.
const ratesCache = new WeakMap<DetectorSettings, LearningRates & { slots: number; bucketMs: number; baselineHalfLifeMs: number; rhythmHalfLifeMs: number }>();

function learningRates(settings: DetectorSettings, state: DetectorState): LearningRates {
  const slots = Math.max(state.rhythm.length, 1);
  const { bucketMs, baselineHalfLifeMs, rhythmHalfLifeMs } = settings;
  const cached = ratesCache.get(settings);
  if (cached && cached.slots === slots && cached.bucketMs === bucketMs && cached.baselineHalfLifeMs === baselineHalfLifeMs && cached.rhythmHalfLifeMs === rhythmHalfLifeMs) return cached;
  const slotUpdatesPerHalfLife = rhythmHalfLifeMs / (bucketMs * slots);
  const rates = { alpha: decayRate(bucketMs, baselineHalfLifeMs), beta: 1 - Math.pow(2, -1 / slotUpdatesPerHalfLife), slots, bucketMs, baselineHalfLifeMs, rhythmHalfLifeMs };
  ratesCache.set(settings, rates);
  return rates;
}

/** Judges the newest bucket of `view`, then teaches it to the baseline. Mutates `state` (owned by the caller). */
function advance(
  state: DetectorState,
  view: WindowView,
  settings: DetectorSettings,
  rates: LearningRates,
  onReading?: (reading: BucketReading) => void,
): DetectorDecision | null {
  const last = view.starts.length - 1;
  const bucketStart = view.starts[last] as number;
  const bucketNegatives = view.negatives[last] as number;
  const bucketMessages = view.messages[last] as number;
  const end = bucketStart + settings.bucketMs;
  const warm = state.bucketsSeen > 0;

  const logScale = settings.scale === 'log';
  const slot = state.logRhythm.length > 0 ? (view.slots[last] as number) : -1;
  // Expectation and spread of the window under the current baseline (the linear ones only on the linear scale).
  let expected = 0;
  let variance = 0;
  let observed = 0;
  let messages = 0;
  // A window can straddle two rhythm slots (17:55 and 18:00): expect the mix of both.
  let windowOffset = 0;
  for (let i = 0; i <= last; i++) {
    observed += view.negatives[i] as number;
    messages += view.messages[i] as number;
    if (logScale) {
      if (slot >= 0) windowOffset += state.logRhythm[view.slots[i] as number] ?? 0;
      continue;
    }
    const factor = rhythmFactorAt(state, view.slots[i] as number);
    const mean = state.level * factor;
    const spread = 1.25 * state.deviation * factor; // mean absolute deviation → standard deviation
    expected += mean;
    variance += Math.max(spread * spread, mean); // never tighter than Poisson noise
  }
  let deviations = 0;
  // Log scale: chat volume is bursty and multiplicative, so compare the log of the window's mean
  // bucket with the log of its expectation; the spread is learnt on the same statistic, floored at
  // Poisson noise.
  const n = last + 1;
  if (slot >= 0) windowOffset /= n;
  const logExpected = logScale ? state.logLevel + windowOffset : Math.log1p(expected / n);
  if (logScale) expected = n * Math.max(0, Math.expm1(logExpected));
  const logObserved = Math.log1p(observed / n);
  const logSpread = Math.max(Math.min(1.25 * state.logDeviation, settings.maxLogSpread), Math.sqrt(expected / n / n) / (1 + expected / n), settings.minLogSpread);
  if (warm) {
    if (settings.scale === 'log') {
      deviations = (logObserved - logExpected) / logSpread;
    } else {
      deviations = (observed - expected) / Math.max(Math.sqrt(variance), 1);
    }
  }

  let recentPeak = 0;
  const peaks = state.dailyPeaks;
  for (let i = 0; i < peaks.length; i++) recentPeak = Math.max(recentPeak, peaks[i] as number);
  // Bursty channels: with novelty on, an alert must also beat the channel's own recent ordinary peaks.
  const threshold = Math.max(settings.sensitivity, settings.noveltyFactor * recentPeak);
  let decision: DetectorDecision | null = null;

  if (state.alert) {
    state.alert.peakObserved = Math.max(state.alert.peakObserved, observed);
    if (deviations < settings.recoverySensitivity) {
      state.quietSince ??= bucketStart;
      if (end - state.quietSince >= settings.recoveryMs) {
        decision = { type: 'recovered', at: end, bucketStart, since: state.alert.since, peakObserved: state.alert.peakObserved };
        state.alert = null;
        state.quietSince = null;
      }
    } else {
      state.quietSince = null;
    }
  } else if (
    state.bucketsSeen >= settings.warmupBuckets &&
    end > state.cooldownUntil &&
    observed >= settings.minNegatives &&
    observed >= settings.minLift * expected &&
    deviations >= threshold &&
    shareStandsOut(observed, messages, state.negativeShare, settings)
  ) {
    const explanation = explain(view, state, settings, { expected, observed, messages, deviations });
    decision = { type: 'spike', at: end, bucketStart, explanation };
    state.alert = { since: end, kind: explanation.kind, peakObserved: observed, baselineAtStart: expected };
    state.quietSince = null;
    state.cooldownUntil = end + settings.cooldownMs;
    state.lastAlertAt = end;
  }

  if (!state.alert && settings.noveltyDays > 0 && state.bucketsSeen >= settings.warmupBuckets) recordPeak(state, bucketStart, deviations, settings);
  // The window statistic teaches the log spread, clipped like the level so bursts do not widen it.
  const rate = Math.max(rates.alpha, 1 / (state.bucketsSeen + 1));
  const clipped = warm ? Math.min(logObserved, logExpected + settings.baselineClip * logSpread) : logObserved;
  if (warm) state.logDeviation += rate * (Math.abs(clipped - logExpected) - state.logDeviation);
  const offset = state.logRhythm[slot] ?? 0;
  state.logLevel += rate * (clipped - offset - state.logLevel);
  if (slot >= 0 && warm) {
    const logRhythm = state.logRhythm;
    logRhythm[slot] = offset + Math.max(rates.beta, logRhythm.length / (logRhythm.length + state.bucketsSeen)) * (clipped - state.logLevel - offset);
    if (rhythmSlot(bucketStart + settings.bucketMs, settings) !== slot) {
      // Keep the offsets centred on zero so the level carries the channel's overall volume.
      let sum = 0;
      for (const value of logRhythm) sum += value;
      const mean = sum / logRhythm.length;
      for (let i = 0; i < logRhythm.length; i++) logRhythm[i] = (logRhythm[i] as number) - mean;
    }
  }
  learn(state, bucketStart, view.slots[last] as number, bucketNegatives, bucketMessages, settings, rates);
  if (onReading) {
    const score = decision?.type === 'spike' ? 1 : Math.min(0.49, Math.max(0, (0.5 * deviations) / settings.sensitivity));
    onReading({ bucketStart, negatives: bucketNegatives, observed, expected, deviations, score });
  }
  return decision;
}

function recordPeak(state: DetectorState, epochMs: number, deviations: number, settings: DetectorSettings): void {
  const day = Math.floor(epochMs / 86_400_000) | 0; // small integers: cheap remainders below
  // Settings may change under a stored state (a playbook edit): start the record afresh then.
  const peaks = state.dailyPeaks.length === settings.noveltyDays ? state.dailyPeaks : filled(settings.noveltyDays, 0);
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

/** Teaches the baseline one bucket, clipping outliers so a burst does not become the new normal. Mutates `state`. */
function learn(state: DetectorState, start: number, slot: number, negatives: number, messages: number, settings: DetectorSettings, rates: LearningRates): void {
  const n = state.bucketsSeen;
  const factor = rhythmFactorAt(state, slot);
  const mean = state.level * factor;
  const spread = Math.max(1.25 * state.deviation * factor, Math.sqrt(Math.max(mean, 0.25)));
  const value = n === 0 ? negatives : Math.min(negatives, mean + settings.baselineClip * spread);
  // Early on, average plainly; later, forget with the configured half-life.
  const alpha = Math.max(rates.alpha, 1 / (n + 1));
  if (n > 0) state.deviation += alpha * (Math.abs(value - mean) / factor - state.deviation);
  state.level += alpha * (value / factor - state.level);

  const rhythm = state.rhythm;
  if (rhythm.length > 0 && n > 0) {
    const beta = Math.max(rates.beta, rhythm.length / (rhythm.length + n));
    const current = rhythm[slot] ?? 1;
    const updated = current + beta * (Math.min(value / Math.max(state.level, 0.5), 10) - current);
    // Keep the factors averaging one: rescale all of them by the change of this one.
    rhythm[slot] = Math.max(0.05, updated);
    // Keep the factors averaging one; renormalising once per slot is enough.
    if (rhythmSlot(start + settings.bucketMs, settings) !== slot) {
      let sum = 0;
      for (const f of rhythm) sum += f;
      const norm = rhythm.length / sum;
      for (let i = 0; i < rhythm.length; i++) rhythm[i] = Math.max(0.05, (rhythm[i] as number) * norm);
    }
  }
  if (messages > 0) {
    const share = negatives / messages;
    state.negativeShare = n === 0 ? share : state.negativeShare + alpha * (Math.min(share, state.negativeShare * 2 + 0.05) - state.negativeShare);
  }
  state.bucketsSeen = n + 1;
  state.lastBucketStart = start;
}

/** A packed array of `length` copies of `value` (`new Array(n).fill` leaves a holey one, slower to scan). */
function filled(length: number, value: number): number[] {
  const array: number[] = [];
  for (let i = 0; i < length; i++) array.push(value);
  return array;
}

function decayRate(stepMs: number, halfLifeMs: number): number {
  return 1 - Math.pow(2, -stepMs / halfLifeMs);
}

function rhythmSlots(settings: DetectorSettings): number {
  return settings.rhythm === 'daily' ? 24 : settings.rhythm === 'weekly' ? 168 : 0;
}

function rhythmSlot(epochMs: number, settings: DetectorSettings): number {
  // Hours since 1970 fit in 32 bits for any date a chat can carry; integer remainders are much
  // cheaper than floating-point ones, and this runs several times per closed bucket.
  const hour = Math.floor(epochMs / 3_600_000) | 0;
  const slots = settings.rhythm === 'weekly' ? 168 : 24;
  const slot = (settings.rhythm === 'weekly' ? hour + 72 : hour) % slots; // +72 h: weeks start Monday
  return slot < 0 ? slot + slots : slot;
}

function rhythmFactorAt(state: DetectorState, slot: number): number {
  if (state.rhythm.length === 0) return 1;
  return state.rhythm[slot] ?? 1;
}

function explain(
  view: WindowView,
  state: DetectorState,
  settings: DetectorSettings,
  figures: { expected: number; observed: number; messages: number; deviations: number },
): SpikeExplanation {
  const authors = new Map<string, number>();
  const terms = new Map<string, number>();
  let authorsKnown = false;
  let overflow = 0;
  const samples: BucketSample[] = [];
  for (const start of view.starts) {
    const bucket = view.bucketAt(start);
    if (!bucket) continue;
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
  return {
    window: { start: view.starts[0] as number, end: (view.starts[view.starts.length - 1] as number) + settings.bucketMs },
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
