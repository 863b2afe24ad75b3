import type { Clock } from '../clock.js';
import { bucketStartOf, type BucketSample, type ChannelBucket } from './bucket.js';
import type { DetectorSettings } from './settings.js';
import { surpriseOf, zeroProbability } from './surprise.js';
import { isShownTerm, listedSpelling, surfaceForms } from '../sentiment/surface.js';

/**
 * The spike detector's memory for one channel: its learnt count model (level, daily or weekly
 * rhythm, over-dispersion, usual negative share), the recent ordinary peaks of surprise, and the
 * episode state. Plain JSON, stored next to the buckets, so a restart or another instance resumes
 * exactly where this one stopped. O(1) per channel.
 */
export interface DetectorState {
  version: 2;
  /** Start of the last bucket folded into the baseline; null before the first. */
  lastBucketStart: number | null;
  bucketsSeen: number;
  /** Expected negatives per bucket, rhythm taken out (an outlier-clipped moving mean). */
  level: number;
  /** The same level followed quickly and unclipped: what the baseline adopts after a lasting shift. */
  fastLevel: number;
  /** Multiplicative factor per hour of day (24) or of week (168); empty without rhythm. */
  rhythm: number[];
  /**
   * Multiplicative factor per day of the week (7, Monday first; empty when off), applied on top of the
   * hour-of-day rhythm, times `weekdayTrust`.
   */
  weekday: number[];
  /** Per day of the week: how much one visit's ratio strays from the factor (moving mean square), and visits so far. */
  weekdayNoise: number[];
  weekdayVisits: number[];
  /** Today's clipped negatives and what the level and hour-of-day rhythm expected of them. */
  dayObserved: number;
  dayExpected: number;
  /**
   * Share of the weekday effect to apply (0…1), an empirical-Bayes shrinkage: the spread of the factors
   * against the noise of their estimates. A channel whose days differ by chance keeps near 0.
   */
  weekdayTrust: number;
  /**
   * The over-dispersion the model would have with the weekday factors (same form as
   * `dispersionNumerator` / `dispersionDenominator`, which are without them): the factors are used only
   * once they explain most of the channel's noise (`WEEKDAY_SELECT`).
   */
  weekdayDispersionNumerator: number;
  weekdayDispersionDenominator: number;
  /**
   * Over-dispersion of the window's count, learnt as a ratio of two moving means:
   * E[(S − m)² − S] / E[m·M] (0 for Poisson noise; M the window at the plain level, see `advance`).
   */
  dispersionNumerator: number;
  dispersionDenominator: number;
  /** Usual share of negative messages among all messages. */
  negativeShare: number;
  /** Highest surprise outside alerts on each of the last `noveltyDays` days (ring by day number). */
  dailyPeaks: number[];
  /** Day number (epoch days) of the newest entry of `dailyPeaks`. */
  peakDay: number;
  alert: ActiveAlert | null;
  /** When the window first went quiet during the current alert or elevation. */
  quietSince: number | null;
  /** Start of the current run of windows above normal (alert or not); null when normal. */
  elevatedSince: number | null;
  /** No new alert before this time. */
  cooldownUntil: number;
  lastAlertAt: number | null;
}

export interface ActiveAlert {
  since: number;
  kind: SpikeKind;
  peakObserved: number;
  baselineAtStart: number;
  /** Negatives of the window last alerted on (the first alert or the latest escalation). */
  alertedObserved: number;
}

export type SpikeKind = 'crisis' | 'single_author';

export interface SpikeExplanation {
  /** The observed window, [start, end) epoch ms. */
  window: { start: number; end: number };
  /** Negatives the channel's model expected in the window (the mean the tail probability uses). */
  baseline: number;
  observed: number;
  /** observed / baseline (baseline floored at one message). */
  ratio: number;
  /** How many standard deviations (of the over-dispersed model) above the baseline. */
  deviations: number;
  /** Chance of at least `observed` negatives under the model of the test that decided (`test`, `dispersion`). */
  tailProbability: number;
  /**
   * The figure compared with `threshold`: −log10 of `tailProbability` for the ratio test; for the
   * fitted-model test, its digits over `fittedThresholdShare` (so one threshold serves both).
   */
  surprise: number;
  threshold: number;
  /**
   * Which test decided: `ratio` (over-dispersion held within the configured bounds, so a noisy channel
   * still alerts on a many-fold jump) or `fitted` (the channel's own learnt over-dispersion, trusted at
   * a lower threshold where the model fits). Absent on explanations stored before it existed.
   */
  test?: 'ratio' | 'fitted';
  /** Over-dispersion of the model behind `tailProbability` (variance = mean + dispersion × mean²). */
  dispersion?: number;
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
  dominantTerms: DominantTerm[];
  samples: BucketSample[];
}

/** A term that drove many of the window's negative messages. */
export interface DominantTerm {
  /** As members wrote it (most often, among the window's samples); the key when none has it. */
  term: string;
  /** The lexicon's key scoring counted: lower case, accents folded, expressions joined with "-". */
  key: string;
  /** Negative messages of the window it drove. */
  count: number;
}

export type DetectorDecision =
  | { type: 'spike'; at: number; bucketStart: number; explanation: SpikeExplanation }
  /** A clearly larger window during an alert: update the open incident, do not open another. */
  | { type: 'escalated'; at: number; bucketStart: number; since: number; explanation: SpikeExplanation }
  | { type: 'recovered'; at: number; bucketStart: number; since: number; peakObserved: number };

/** Per-bucket reading of the detector, for charts, backtest output and calibration. */
export interface BucketReading {
  bucketStart: number;
  /** Negative messages in this bucket alone. */
  negatives: number;
  observed: number;
  expected: number;
  deviations: number;
  /** The figure compared with the threshold: the larger of the two tests' (`SpikeExplanation.surprise`). */
  surprise: number;
  /** Past the learning period. */
  learnt: boolean;
  /** Every test but the threshold and the episode state passed (learnt, volume, lift, share, novelty). */
  eligible: boolean;
  /** In [0,1]; ≥ 0.5 exactly when an alert fired in this bucket. */
  score: number;
}

export function initialDetectorState(settings: DetectorSettings): DetectorState {
  return {
    version: 2,
    lastBucketStart: null,
    bucketsSeen: 0,
    level: 0,
    fastLevel: 0,
    rhythm: filled(rhythmSlots(settings), 1),
    weekday: filled(weekdaySlots(settings), 1),
    weekdayNoise: filled(weekdaySlots(settings), 0),
    weekdayVisits: filled(weekdaySlots(settings), 0),
    dayObserved: 0,
    dayExpected: 0,
    weekdayTrust: 0,
    weekdayDispersionNumerator: 0,
    weekdayDispersionDenominator: 0,
    dispersionNumerator: 0,
    dispersionDenominator: 0,
    negativeShare: 0,
    dailyPeaks: filled(settings.noveltyDays, 0),
    peakDay: 0,
    alert: null,
    quietSince: null,
    elevatedSince: null,
    cooldownUntil: 0, // JSON has no -Infinity; epoch 0 is "long ago"
    lastAlertAt: null,
  };
}

/** Whether the channel is still learning its baseline (no alerts yet), and until when at the earliest. */
export function learningStatus(state: DetectorState | null | undefined, settings: DetectorSettings, now: number): { learning: boolean; until: number | null } {
  const seen = state?.bucketsSeen ?? 0;
  if (seen >= settings.warmupBuckets) return { learning: false, until: null };
  const from = state?.lastBucketStart != null ? state.lastBucketStart + settings.bucketMs : bucketStartOf(now, settings.bucketMs);
  return { learning: true, until: from + (settings.warmupBuckets - seen) * settings.bucketMs };
}

const DAY_MS = 86_400_000;

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
 * is not changed; the returned state is a new object. `settings.threshold` is the channel's alert
 * threshold: pass a per-channel value to make one channel stricter or keener.
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
  upgradeState(state, settings);
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
  upgradeState(next, settings);
  let reading: BucketReading | undefined;
  const decision = advance(next, view, settings, learningRates(settings, next), (r) => (reading = r));
  return { state: next, decision, reading: reading as unknown as BucketReading };
}

function pushWindow(view: WindowView, start: number, bucket: ChannelBucket | undefined, size: number, settings: DetectorSettings): void {
  const slot = settings.rhythm === 'none' ? -1 : rhythmSlot(start);
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
 * A state stored by an earlier version may lack fields added since, or have arrays sized for other
 * settings; fill them in so the detector resumes instead of failing. A version-1 state (the log-scale
 * detector) keeps its learnt level, rhythm and negative share; its peaks were in other units and
 * start afresh.
 */
function upgradeState(state: DetectorState, settings: DetectorSettings): void {
  const old = state as unknown as { version?: number; logDeviation?: number };
  if (old.version !== 2) {
    const logSpread = 1.25 * (typeof old.logDeviation === 'number' ? old.logDeviation : 0);
    state.dispersionNumerator = logSpread * logSpread; // a log spread σ is a dispersion of about σ²
    state.dispersionDenominator = 1;
    state.dailyPeaks = filled(settings.noveltyDays, 0);
    for (const key of ['logLevel', 'logRhythm', 'logDeviation', 'deviation']) delete (state as unknown as Record<string, unknown>)[key];
    state.version = 2;
  }
  const slots = rhythmSlots(settings);
  if (!Array.isArray(state.rhythm) || state.rhythm.length !== slots) state.rhythm = filled(slots, 1);
  const days = weekdaySlots(settings);
  if (!Array.isArray(state.weekday) || state.weekday.length !== days || !Array.isArray(state.weekdayNoise) || !Array.isArray(state.weekdayVisits)) {
    state.weekday = filled(days, 1);
    state.weekdayNoise = filled(days, 0);
    state.weekdayVisits = filled(days, 0);
    state.weekdayTrust = 0;
  }
  if (typeof state.dayObserved !== 'number') state.dayObserved = 0;
  if (typeof state.dayExpected !== 'number') state.dayExpected = 0;
  if (typeof state.weekdayTrust !== 'number') state.weekdayTrust = 0;
  if (typeof state.weekdayDispersionNumerator !== 'number') state.weekdayDispersionNumerator = 0;
  if (typeof state.weekdayDispersionDenominator !== 'number') state.weekdayDispersionDenominator = 0;
  if (!Array.isArray(state.dailyPeaks)) state.dailyPeaks = [];
  if (typeof state.level !== 'number' || !Number.isFinite(state.level)) state.level = 0;
  if (typeof state.fastLevel !== 'number') state.fastLevel = state.level;
  if (typeof state.dispersionNumerator !== 'number') state.dispersionNumerator = 0;
  if (typeof state.dispersionDenominator !== 'number') state.dispersionDenominator = 0;
  if (typeof state.negativeShare !== 'number') state.negativeShare = 0;
  if (typeof state.peakDay !== 'number') state.peakDay = 0;
  if (typeof state.cooldownUntil !== 'number') state.cooldownUntil = 0;
  if (state.elevatedSince === undefined) state.elevatedSince = null;
  if (state.quietSince === undefined) state.quietSince = null;
  if (state.alert && typeof state.alert.alertedObserved !== 'number') state.alert.alertedObserved = state.alert.peakObserved;
}

function cloneState(state: DetectorState): DetectorState {
  return { ...state, rhythm: state.rhythm?.slice() ?? [], weekday: state.weekday?.slice() ?? [], weekdayNoise: state.weekdayNoise?.slice() ?? [], weekdayVisits: state.weekdayVisits?.slice() ?? [], dailyPeaks: state.dailyPeaks?.slice() ?? [], alert: state.alert ? { ...state.alert } : null };
}

interface LearningRates {
  alpha: number;
  beta: number;
  /** Rate of each weekday factor per visit (a half-life of `WEEKDAY_HALF_LIFE_WEEKS` visits). */
  gamma: number;
  /** Rate of the fast level (a half-life of a quarter of `rebaseAfterMs`). */
  fast: number;
}

// Learning rates per settings object: three powers per call add up when every channel closes a bucket
// every few minutes. Checked against the inputs, so an edited settings object is recomputed.
const ratesCache = new WeakMap<DetectorSettings, LearningRates & { slots: number; bucketMs: number; baselineHalfLifeMs: number; rhythmHalfLifeMs: number; rebaseAfterMs: number }>();

function learningRates(settings: DetectorSettings, state: DetectorState): LearningRates {
  const slots = Math.max(state.rhythm.length, 1);
  const { bucketMs, baselineHalfLifeMs, rhythmHalfLifeMs, rebaseAfterMs } = settings;
  const cached = ratesCache.get(settings);
  if (cached && cached.slots === slots && cached.bucketMs === bucketMs && cached.baselineHalfLifeMs === baselineHalfLifeMs && cached.rhythmHalfLifeMs === rhythmHalfLifeMs && cached.rebaseAfterMs === rebaseAfterMs) return cached;
  const slotUpdatesPerHalfLife = rhythmHalfLifeMs / (bucketMs * slots);
  const rates = {
    alpha: decayRate(bucketMs, baselineHalfLifeMs),
    beta: 1 - Math.pow(2, -1 / slotUpdatesPerHalfLife),
    fast: rebaseAfterMs > 0 ? decayRate(bucketMs, rebaseAfterMs / 4) : 0,
    gamma: 1 - Math.pow(2, -1 / WEEKDAY_HALF_LIFE_WEEKS),
    slots,
    bucketMs,
    baselineHalfLifeMs,
    rhythmHalfLifeMs,
    rebaseAfterMs,
  };
  ratesCache.set(settings, rates);
  return rates;
}

/** The channel's learnt over-dispersion (with or without the weekday factors), within the configured bounds. */
function dispersionOf(state: DetectorState, settings: DetectorSettings, withWeekdays: boolean): number {
  const learnt = withWeekdays ? ratioOf(state.weekdayDispersionNumerator, state.weekdayDispersionDenominator) : ratioOf(state.dispersionNumerator, state.dispersionDenominator);
  return Math.min(settings.maxDispersion, Math.max(settings.minDispersion, learnt));
}

/**
 * The fitted-model test's over-dispersion: the learnt one, floored at `fittedMinDispersion`, and only
 * where it is under `minDispersion` (null otherwise). A channel that regular is judged under its own
 * model; a count model learnt from moments says nothing of the tails beyond, and real chat is
 * heavier-tailed than a negative binomial (docs/detection.md: a fitted dispersion near 0.05 still
 * sees 3× windows at 10⁻¹⁰ every week on the NAB files).
 */
function fittedDispersionOf(state: DetectorState, settings: DetectorSettings, withWeekdays: boolean): number | null {
  const learnt = withWeekdays ? ratioOf(state.weekdayDispersionNumerator, state.weekdayDispersionDenominator) : ratioOf(state.dispersionNumerator, state.dispersionDenominator);
  return learnt < settings.minDispersion ? Math.max(settings.fittedMinDispersion, learnt) : null;
}

function ratioOf(numerator: number, denominator: number): number {
  return denominator > 0 ? numerator / denominator : 0;
}

/**
 * The weekday factors are used once, learnt alongside, they leave under this share of the plain
 * model's over-dispersion: a channel whose week explains its noise (quiet weekends) gains from them; on
 * one whose days differ by news, they only move which bursts look large.
 */
const WEEKDAY_SELECT = 0.5;

function weekdaysInUse(state: DetectorState): boolean {
  if (state.weekday.length !== 7 || state.weekdayTrust <= 0) return false;
  return ratioOf(state.weekdayDispersionNumerator, state.weekdayDispersionDenominator) < WEEKDAY_SELECT * ratioOf(state.dispersionNumerator, state.dispersionDenominator);
}

/** Bursts add talk: the over-dispersion grows as the expectation falls below the plain level (`dispersionLevelWeight`). */
function burstScaleOf(plain: number, expected: number, settings: DetectorSettings): number {
  return settings.dispersionLevelWeight > 0 && plain > 0 ? Math.pow(Math.min(4, Math.max(0.25, plain / expected)), settings.dispersionLevelWeight) : 1;
}

/** A window this improbably empty means the channel went silent (an outage, an archive), not calm: do not learn from it. */
const SILENT_PROBABILITY = 1e-3;

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
  const end = bucketStart + settings.bucketMs;
  const n = last + 1;

  // The window's expected count under the current model (a window can straddle two rhythm slots).
  // Both with the weekday factors and without: the one in use is judged, both are taught.
  let withoutWeekdays = 0;
  let withWeekdays = 0;
  let observed = 0;
  let messages = 0;
  const weekdayTrust = state.weekday.length === 7 ? state.weekdayTrust : 0;
  for (let i = 0; i <= last; i++) {
    observed += view.negatives[i] as number;
    messages += view.messages[i] as number;
    const slot = view.slots[i] as number;
    const hourly = state.level * hourFactorAt(state, slot);
    withoutWeekdays += hourly;
    withWeekdays += hourly * weekdayFactorAt(state, slot, weekdayTrust);
  }
  // A channel that has been silent still expects about one negative a day: silence is no proof that
  // a handful of complaints is a one-in-a-trillion event.
  const floor = (n * settings.bucketMs) / DAY_MS;
  withoutWeekdays = Math.max(withoutWeekdays, floor);
  withWeekdays = Math.max(withWeekdays, floor);
  const useWeekdays = weekdaysInUse(state);
  const expected = useWeekdays ? withWeekdays : withoutWeekdays;
  const weekdayWeight = useWeekdays ? weekdayTrust : 0;
  // Bursts of talk add to a channel's volume rather than multiply it: at a quiet hour or weekend the
  // same burst is a larger share of the expectation, so the over-dispersion is scaled by how far the
  // rhythm takes the expectation below (or above) the channel's plain level.
  const plain = state.level * n;
  const burstScale = burstScaleOf(plain, expected, settings);
  const dispersion = dispersionOf(state, settings, useWeekdays) * burstScale;
  const spread = Math.sqrt(expected + dispersion * expected * expected);
  const warm = state.bucketsSeen >= n;
  const learnt = state.bucketsSeen >= settings.warmupBuckets;
  const ratioSurprise = warm ? surpriseOf(observed, expected, dispersion) : 0;
  const deviations = warm ? (observed - expected) / Math.max(spread, 0.5) : 0;
  // Episodes end on the ratio test alone: the learning and hysteresis stay what they were.
  const quiet = ratioSurprise < settings.recoveryThreshold;
  // The fitted-model test, for a channel more regular than the ratio test's floor, on the same
  // scale: its digits over its share of the threshold. Its one more tail is worked out only for a
  // window that could alert (volume and lift), so a quiet channel's every stray negative costs nothing.
  const couldAlert = observed >= settings.minNegatives && observed >= settings.minLift * expected && observed > expected;
  const fittedBase = warm && settings.fittedThresholdShare > 0 && couldAlert ? fittedDispersionOf(state, settings, useWeekdays) : null;
  const fittedDispersion = fittedBase === null ? 0 : fittedBase * burstScale;
  const fittedDigits = fittedBase === null ? 0 : surpriseOf(observed, expected, fittedDispersion);
  const fitted = fittedBase !== null && fittedDigits / settings.fittedThresholdShare > ratioSurprise;
  const surprise = fitted ? fittedDigits / settings.fittedThresholdShare : ratioSurprise;

  let recentPeak = 0;
  const peaks = state.dailyPeaks;
  for (let i = 0; i < peaks.length; i++) recentPeak = Math.max(recentPeak, peaks[i] as number);
  // Every test but the threshold and the episode state (what calibration replays at other thresholds).
  const eligible =
    learnt &&
    observed >= settings.minNegatives &&
    observed >= settings.minLift * expected &&
    surprise >= settings.noveltyFactor * recentPeak &&
    shareStandsOut(observed, messages, state.negativeShare, settings);
  const figures = fitted
    ? { expected, observed, messages, surprise, deviations: (observed - expected) / Math.max(Math.sqrt(expected + fittedDispersion * expected * expected), 0.5), test: 'fitted' as const, dispersion: fittedDispersion, digits: fittedDigits }
    : { expected, observed, messages, surprise, deviations, test: 'ratio' as const, dispersion, digits: ratioSurprise };
  let decision: DetectorDecision | null = null;

  if (state.alert) {
    // Escalation: clearly above everything this episode has shown so far (not just its ramp-up).
    const previousPeak = Math.max(state.alert.peakObserved, state.alert.alertedObserved);
    state.alert.peakObserved = Math.max(state.alert.peakObserved, observed);
    if (settings.escalationFactor > 0 && surprise >= settings.threshold && observed >= settings.escalationFactor * previousPeak) {
      decision = { type: 'escalated', at: end, bucketStart, since: state.alert.since, explanation: explain(view, state, settings, figures) };
      state.alert.alertedObserved = observed;
    } else if (quiet) {
      state.quietSince ??= bucketStart;
      if (end - state.quietSince >= settings.recoveryMs) {
        decision = { type: 'recovered', at: end, bucketStart, since: state.alert.since, peakObserved: state.alert.peakObserved };
        state.alert = null;
        state.quietSince = null;
        state.elevatedSince = null;
      }
    } else {
      state.quietSince = null;
    }
  } else if (eligible && end > state.cooldownUntil && surprise >= settings.threshold) {
    const explanation = explain(view, state, settings, figures);
    decision = { type: 'spike', at: end, bucketStart, explanation };
    state.alert = { since: end, kind: explanation.kind, peakObserved: observed, baselineAtStart: expected, alertedObserved: observed };
    state.quietSince = null;
    state.cooldownUntil = end + settings.cooldownMs;
    state.lastAlertAt = end;
  }

  // Ordinary peaks only: an alert's own windows would make the next real incident look ordinary.
  if (!state.alert && settings.noveltyDays > 0 && learnt) recordPeak(state, bucketStart, surprise, settings);
  // The window teaches the over-dispersion (of both models when the weekday factors are on).
  if (state.bucketsSeen >= n && !silentWindow(observed, expected, dispersion)) {
    const alpha = Math.max(rates.alpha, 1 / (state.bucketsSeen + 1));
    learnDispersion(state, false, withoutWeekdays, observed, plain, settings, alpha);
    if (state.weekday.length === 7) learnDispersion(state, true, withWeekdays, observed, plain, settings, alpha);
  }
  learn(state, view, expected, observed, dispersion, quiet, settings, rates, weekdayWeight);
  if (onReading) {
    const score = decision?.type === 'spike' ? 1 : Math.min(0.49, Math.max(0, (0.5 * surprise) / settings.threshold));
    onReading({ bucketStart, negatives: bucketNegatives, observed, expected, deviations, surprise, learnt, eligible, score });
  }
  return decision;
}

function recordPeak(state: DetectorState, epochMs: number, surprise: number, settings: DetectorSettings): void {
  const day = Math.floor(epochMs / 86_400_000) | 0; // small integers: cheap remainders below
  // Settings may change under a stored state (a playbook edit): start the record afresh then.
  const peaks = state.dailyPeaks.length === settings.noveltyDays ? state.dailyPeaks : filled(settings.noveltyDays, 0);
  if (day !== state.peakDay) {
    for (let d = state.peakDay + 1; d <= day && d - state.peakDay <= peaks.length; d++) peaks[d % peaks.length] = 0;
    state.peakDay = day;
  }
  const slot = day % peaks.length;
  peaks[slot] = Math.max(peaks[slot] ?? 0, surprise);
  state.dailyPeaks = peaks;
}

function shareStandsOut(observed: number, messages: number, usualShare: number, settings: DetectorSettings): boolean {
  if (settings.minShareLift <= 0 || messages <= 0 || usualShare <= 0) return true;
  return observed / messages >= Math.min(1, settings.minShareLift * usualShare);
}

/**
 * Teaches the model the newest bucket of the window: level and rhythm from the bucket (clipped, so a
 * burst does not become the new normal), over-dispersion from the window; nothing from an
 * improbable silence; a lasting elevation becomes the new level. Mutates `state`.
 */
function learn(state: DetectorState, view: WindowView, expected: number, observed: number, dispersion: number, quiet: boolean, settings: DetectorSettings, rates: LearningRates, weekdayWeight: number): void {
  const last = view.starts.length - 1;
  const start = view.starts[last] as number;
  const slot = view.slots[last] as number;
  const negatives = view.negatives[last] as number;
  const messages = view.messages[last] as number;
  const n = state.bucketsSeen;
  const windowSize = last + 1;
  state.bucketsSeen = n + 1;
  state.lastBucketStart = start;
  const silent = n >= windowSize && silentWindow(observed, expected, dispersion);
  if (silent) return;

  const hourFactor = hourFactorAt(state, slot);
  const dayFactor = weekdayFactorAt(state, slot, weekdayWeight);
  const factor = hourFactor * dayFactor;
  const mean = state.level * factor;
  // The per-bucket spread of an over-dispersed count (the window's relative spread, per bucket).
  const bucketSpread = Math.sqrt(Math.max(mean, 0.25) + windowSize * dispersion * mean * mean); // never below a Poisson count's
  const clip = settings.baselineClip;
  const value = n === 0 ? negatives : Math.max(mean - clip * bucketSpread, Math.min(negatives, mean + clip * bucketSpread));
  // Early on, average plainly; later, forget with the configured half-life.
  const alpha = Math.max(rates.alpha, 1 / (n + 1));
  state.level += alpha * (value / factor - state.level);
  state.fastLevel += Math.max(rates.fast, 1 / (n + 1)) * (negatives / factor - state.fastLevel);


  const rhythm = state.rhythm;
  if (rhythm.length > 0 && n > 0) {
    const beta = Math.max(rates.beta, rhythm.length / (rhythm.length + n));
    const index = rhythm.length === 24 ? slot % 24 : slot;
    const current = rhythm[index] ?? 1;
    rhythm[index] = Math.max(0.05, current + beta * (Math.min(value / Math.max(state.level * dayFactor, 0.5), 10) - current));
    // Keep the factors averaging one; renormalising once per slot is enough.
    if (rhythmSlot(start + settings.bucketMs) !== slot) normaliseRhythm(rhythm);
  }
  if (state.weekday.length === 7) {
    state.dayObserved += value;
    state.dayExpected += mean / dayFactor;
    if (Math.floor(rhythmSlot(start + settings.bucketMs) / 24) !== Math.floor(slot / 24)) closeDay(state, Math.floor(slot / 24), rates);
  }
  if (messages > 0) {
    const share = negatives / messages;
    state.negativeShare = n === 0 ? share : state.negativeShare + alpha * (Math.min(share, state.negativeShare * 2 + 0.05) - state.negativeShare);
  }

  // Episodes: a run of windows above normal, ended by `recoveryMs` of quiet ones (during an alert,
  // `advance` keeps that count). One that lasts `rebaseAfterMs` is a new level (a channel that got
  // busier), not an incident that never ends.
  if (!quiet) {
    state.elevatedSince ??= start;
    if (!state.alert) state.quietSince = null;
  } else if (!state.alert && state.elevatedSince !== null) {
    state.quietSince ??= start;
    if (start + settings.bucketMs - state.quietSince >= settings.recoveryMs) {
      state.elevatedSince = null;
      state.quietSince = null;
    }
  }
  if (settings.rebaseAfterMs > 0 && state.elevatedSince !== null && start - state.elevatedSince >= settings.rebaseAfterMs && state.fastLevel > state.level) {
    state.level = state.fastLevel;
    state.elevatedSince = start;
  }
}

function silentWindow(observed: number, expected: number, dispersion: number): boolean {
  return observed === 0 && zeroProbability(expected, dispersion) < SILENT_PROBABILITY;
}

/**
 * Teaches one model's over-dispersion from the window: E[(S − m)² − S] / E[m·M] (S clipped to the
 * model's 3 standard deviations, so one burst does not make the channel look noisy).
 */
function learnDispersion(state: DetectorState, withWeekdays: boolean, expected: number, observed: number, plain: number, settings: DetectorSettings, alpha: number): void {
  const burstScale = burstScaleOf(plain, expected, settings);
  const dispersion = dispersionOf(state, settings, withWeekdays) * burstScale;
  const windowSpread = Math.sqrt(Math.max(expected, 0.25) + dispersion * expected * expected);
  const clipped = Math.min(observed, expected + settings.baselineClip * windowSpread);
  const error = clipped - expected;
  const excess = error * error - clipped;
  const scale = expected * expected * burstScale;
  if (withWeekdays) {
    state.weekdayDispersionNumerator += alpha * (excess - state.weekdayDispersionNumerator);
    state.weekdayDispersionDenominator += alpha * (scale - state.weekdayDispersionDenominator);
  } else {
    state.dispersionNumerator += alpha * (excess - state.dispersionNumerator);
    state.dispersionDenominator += alpha * (scale - state.dispersionDenominator);
  }
}

function normaliseRhythm(rhythm: number[]): void {
  let sum = 0;
  for (const f of rhythm) sum += f;
  const norm = rhythm.length / sum;
  for (let i = 0; i < rhythm.length; i++) rhythm[i] = Math.max(0.05, (rhythm[i] as number) * norm);
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

function weekdaySlots(settings: DetectorSettings): number {
  return settings.weekdayRhythm && settings.rhythm === 'daily' ? 7 : 0;
}

/** The hour of the week (0 = Monday 00:00 UTC … 167); its remainder by 24 is the hour of day. */
function rhythmSlot(epochMs: number): number {
  // Hours since 1970 fit in 32 bits for any date a chat can carry; integer remainders are much
  // cheaper than floating-point ones, and this runs several times per closed bucket.
  const hour = Math.floor(epochMs / 3_600_000) | 0;
  const slot = (hour + 72) % 168; // +72 h: 1970-01-01 was a Thursday, weeks start Monday
  return slot < 0 ? slot + 168 : slot;
}

/** Half-life of a weekday factor, in visits of that day: a few weeks, so one odd Monday does not define Mondays. */
const WEEKDAY_HALF_LIFE_WEEKS = 3;
/** Least noise assumed for one visit's ratio (a 7 % spread), so one week of visits is never taken as certain. */
const WEEKDAY_MIN_NOISE = 0.005;

/**
 * At the end of a day: the day's ratio of negatives to what the level and hour-of-day rhythm expected
 * teaches that weekday's factor (plainly averaged over the first visits, then forgetting over a few
 * weeks) and its noise; then the trust in the weekday effect is worked out again.
 */
function closeDay(state: DetectorState, day: number, rates: LearningRates): void {
  const { weekday, weekdayNoise, weekdayVisits } = state;
  // A day mostly unseen (the channel's first, or a silent one) says little.
  if (state.dayExpected > 0 && state.dayObserved >= 0) {
    const ratio = Math.min(10, state.dayObserved / state.dayExpected);
    const visits = (weekdayVisits[day] ?? 0) + 1;
    weekdayVisits[day] = visits;
    const rate = Math.max(rates.gamma, 1 / visits);
    const current = weekday[day] ?? 1;
    const miss = ratio - current;
    if (visits > 1) weekdayNoise[day] = (weekdayNoise[day] ?? 0) + rate * (miss * miss - (weekdayNoise[day] ?? 0));
    weekday[day] = Math.max(0.05, current + rate * miss);
    normaliseRhythm(weekday);
  }
  state.dayObserved = 0;
  state.dayExpected = 0;
  // Empirical Bayes: between-day spread of the factors (less what estimation noise explains) against
  // the noise left in each factor after its visits.
  let spread = 0;
  let noise = 0;
  let visited = 0;
  let visits = 0;
  for (let d = 0; d < 7; d++) {
    if ((weekdayVisits[d] ?? 0) === 0) continue;
    visited++;
    spread += ((weekday[d] as number) - 1) ** 2;
    noise += Math.max(weekdayNoise[d] ?? 0, WEEKDAY_MIN_NOISE);
    visits += weekdayVisits[d] as number;
  }
  if (visited < 2) {
    state.weekdayTrust = 0;
    return;
  }
  const perFactorNoise = noise / visited / Math.min(visits / visited, 1 / rates.gamma);
  const effect = Math.max(0, spread / visited - perFactorNoise);
  state.weekdayTrust = effect / (effect + perFactorNoise);
}

function hourFactorAt(state: DetectorState, slot: number): number {
  const rhythm = state.rhythm;
  if (rhythm.length === 0 || slot < 0) return 1;
  return (rhythm.length === 24 ? rhythm[slot % 24] : rhythm[slot]) ?? 1;
}

function weekdayFactorAt(state: DetectorState, slot: number, weight: number): number {
  if (state.weekday.length === 0 || slot < 0) return 1;
  return 1 + weight * ((state.weekday[Math.floor(slot / 24)] ?? 1) - 1);
}

function explain(
  view: WindowView,
  state: DetectorState,
  settings: DetectorSettings,
  figures: { expected: number; observed: number; messages: number; deviations: number; surprise: number; test: 'ratio' | 'fitted'; dispersion: number; digits: number },
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
    tailProbability: Math.pow(10, -figures.digits),
    surprise: round(figures.surprise),
    threshold: settings.threshold,
    test: figures.test,
    dispersion: Math.round(figures.dispersion * 10_000) / 10_000,
    messages: figures.messages,
    negativeShare: figures.messages > 0 ? round(figures.observed / figures.messages) : null,
    usualNegativeShare: round(state.negativeShare),
    distinctAuthors: authorsKnown ? authors.size + (overflow > 0 ? 1 : 0) : null,
    topAuthorShare: topAuthorShare === null ? null : round(topAuthorShare),
    topAuthorId,
    kind,
    dominantTerms: dominantTerms(terms, samples),
    samples: samples.sort((a, b) => a.score - b.score).slice(0, settings.maxSamplesPerBucket),
  };
}

/**
 * The window's most counted terms, each as members wrote it in the window's samples ("pésimo", not
 * the lexicon's "pesimo"; `key` keeps the latter); when no sample has it, as the lexicon spells it
 * ("caído", "no funciona"), else the key itself. Worked out here, once per alert, so the per-message
 * path keeps counting bare keys.
 */
function dominantTerms(terms: ReadonlyMap<string, number>, samples: readonly BucketSample[]): DominantTerm[] {
  // Keys are accent-folded ("caída" and "caida" are one key), so one word is one term, shown as written most often.
  const top = [...terms].filter(([key]) => isShownTerm(key)).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 5);
  const written = surfaceForms(top.map(([key]) => key), samples.map((sample) => sample.text));
  return top.map(([key, count]) => ({ term: written.get(key) ?? listedSpelling(key) ?? key, key, count }));
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
