// A seeded synthetic suite for the detector: channels of 0.5–500 negatives per bucket, Poisson or
// over-dispersed, with daily and weekly rhythm, slow drift, level shifts, quiet days, silence and
// one-author bursts; optionally with injected incidents of known size and start. Deterministic:
// the same seed gives the same series on any machine.
import type { ChannelBucket } from './bucket.js';
import { evaluateChannelInPlace, initialDetectorState, type DetectorDecision } from './detector.js';
import type { DetectorSettings } from './settings.js';
import { surpriseOf } from './surprise.js';
import { seededRandom } from '../random.js';

export type SyntheticFamily = 'poisson' | 'overdispersed' | 'drift' | 'level_shift' | 'quiet_days' | 'silence' | 'one_author_bursts';

export const syntheticFamilies: readonly SyntheticFamily[] = ['poisson', 'overdispersed', 'drift', 'level_shift', 'quiet_days', 'silence', 'one_author_bursts'];

export interface SyntheticSpec {
  family: SyntheticFamily;
  /** Mean negatives per bucket over the day (before rhythm). */
  rate: number;
  seed: number;
  days: number;
  bucketMs: number;
  /** Injected incidents: negatives multiplied by `size` for `buckets` buckets, from many authors. */
  incidents?: { size: number; buckets: number; everyDays: number; firstDay: number };
}

export interface InjectedIncident {
  /** Index of the first incident bucket. */
  index: number;
  buckets: number;
  size: number;
}

export interface SyntheticSeries {
  buckets: ChannelBucket[];
  incidents: InjectedIncident[];
  /** The true mean negatives of each bucket (before incidents and venting): what an oracle knows. */
  means: number[];
  /** The true over-dispersion of each bucket's count (0 Poisson). */
  dispersion: number;
}

const DAY = 86_400_000;
/** Usual negative share of a synthetic channel: messages ≈ negatives × 5. */
const NEGATIVE_SHARE = 0.2;

function normal(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

export function poissonSample(mean: number, random: () => number): number {
  if (mean <= 0) return 0;
  if (mean > 40) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal(random)));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}

/** Gamma(shape, 1) by Marsaglia and Tsang. */
function gammaSample(shape: number, random: () => number): number {
  if (shape < 1) return gammaSample(shape + 1, random) * Math.pow(Math.max(random(), 1e-12), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normal(random);
    const v = Math.pow(1 + c * x, 3);
    if (v <= 0) continue;
    if (Math.log(Math.max(random(), 1e-12)) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** Negative binomial as a gamma mixture of Poissons: variance = mean + dispersion × mean². */
export function negativeBinomialSample(mean: number, dispersion: number, random: () => number): number {
  if (dispersion <= 0) return poissonSample(mean, random);
  return poissonSample(mean * dispersion * gammaSample(1 / dispersion, random), random);
}

/** Daily rhythm (quiet nights, busy afternoons) and a weekly one (quieter weekends), mean about 1. */
function rhythmAt(epochMs: number): number {
  const hour = (epochMs % DAY) / 3_600_000;
  const daily = 1 + 0.6 * Math.sin(((hour - 9) / 24) * 2 * Math.PI);
  const weekday = new Date(epochMs).getUTCDay();
  return daily * (weekday === 0 || weekday === 6 ? 0.6 : 1.16);
}

/** Generates one synthetic channel. Starts on a Monday, midnight UTC. */
export function syntheticSeries(spec: SyntheticSpec, start = Date.UTC(2026, 0, 5)): SyntheticSeries {
  const random = seededRandom(spec.seed * 7919 + Math.round(spec.rate * 100) + spec.family.length * 104_729);
  const total = Math.round((spec.days * DAY) / spec.bucketMs);
  const perDay = DAY / spec.bucketMs;
  const dispersion = spec.family === 'poisson' ? 0 : spec.family === 'overdispersed' ? 0.3 : 0.1;
  const quietDays = new Set<number>();
  if (spec.family === 'quiet_days') for (let k = 0; k < 4; k++) quietDays.add(8 + Math.floor(random() * (spec.days - 10)));
  const silentFrom = Math.floor(spec.days * 0.4);
  const silentTo = silentFrom + 5;
  const incidents: InjectedIncident[] = [];
  if (spec.incidents) {
    for (let day = spec.incidents.firstDay; day < spec.days - 1; day += spec.incidents.everyDays) {
      incidents.push({ index: Math.floor(day * perDay + random() * perDay * 0.9), buckets: spec.incidents.buckets, size: spec.incidents.size });
    }
  }
  const buckets: ChannelBucket[] = [];
  const means: number[] = [];
  let incident = 0;
  let rant = -1;
  for (let i = 0; i < total; i++) {
    const at = start + i * spec.bucketMs;
    const day = Math.floor(i / perDay);
    let mean = spec.rate * rhythmAt(at);
    if (spec.family === 'drift') mean *= 1 + (1.5 * i) / total; // 2.5× over the series, slowly
    if (spec.family === 'level_shift') mean *= day >= Math.floor(spec.days / 3) ? (day >= Math.floor((2 * spec.days) / 3) ? 1 : 3) : 1; // up 3×, later back
    if (quietDays.has(day)) mean *= 0.15;
    if (spec.family === 'silence' && day >= silentFrom && day < silentTo) mean = 0;
    means.push(mean);
    let negatives = negativeBinomialSample(mean, dispersion, random);
    // Each negative by its own member; like a stored bucket, at most 64 authors, then an overflow count.
    const negativeAuthors: Record<string, number> = {};
    let authorCount = 0;
    let overflow = 0;
    const addAuthors = (count: number, author?: string): void => {
      if (author !== undefined) {
        if (negativeAuthors[author] === undefined) authorCount++;
        negativeAuthors[author] = (negativeAuthors[author] ?? 0) + count;
        return;
      }
      const named = Math.max(0, Math.min(count, 64 - authorCount));
      // Same ids in the same order in every bucket: shared object shapes keep generation fast.
      for (let n = 0; n < named; n++) negativeAuthors[`member-${authorCount++}`] = 1;
      overflow += count - named;
    };
    addAuthors(negatives);
    // Someone venting: once or twice a week, a quarter hour of messages by one member.
    if (spec.family === 'one_author_bursts' && i % perDay === 0) rant = random() < 0.25 ? i + Math.floor(random() * perDay) : -1;
    if (rant >= 0 && i >= rant && i < rant + 3) {
      const extra = Math.max(6, Math.round(3 * spec.rate * rhythmAt(at)));
      negatives += extra;
      addAuthors(extra, 'U-venting');
    }
    while (incident < incidents.length && i >= (incidents[incident] as InjectedIncident).index + (incidents[incident] as InjectedIncident).buckets) incident++;
    const current = incidents[incident];
    if (current && i >= current.index) {
      const extra = poissonSample((current.size - 1) * mean, random);
      negatives += extra;
      addAuthors(extra);
    }
    const usual = negativeBinomialSample((mean * (1 - NEGATIVE_SHARE)) / NEGATIVE_SHARE, dispersion, random);
    buckets.push({ start: at, messages: negatives + usual, negatives, positives: 0, negativeAuthors, ...(overflow > 0 ? { negativeAuthorsOverflow: overflow } : {}) });
  }
  return { buckets, incidents, means, dispersion };
}

/**
 * What an oracle that knows each bucket's true mean and over-dispersion could detect: for each injected
 * incident, the most surprising window (of `windowBuckets` buckets, ending from the incident's first
 * bucket to `windowBuckets − 1` after its last, as `scoreSeries` credits) under the true model, a sum of
 * negative binomials matched by its mean and variance. An incident is within reach when that surprise
 * reaches `digits`: log10(windows in 30 days) ≈ 3.9 is the least that keeps an oracle's own false alarms
 * at about one in 30 days.
 */
export function oracleSurprises(series: SyntheticSeries, windowBuckets: number): number[] {
  const { buckets, means, dispersion } = series;
  return series.incidents.map((incident) => {
    let best = 0;
    for (let end = incident.index; end < Math.min(buckets.length, incident.index + incident.buckets + windowBuckets - 1); end++) {
      let mean = 0;
      let squares = 0;
      let observed = 0;
      for (let i = Math.max(0, end - windowBuckets + 1); i <= end; i++) {
        mean += means[i] as number;
        squares += (means[i] as number) ** 2;
        observed += (buckets[i] as ChannelBucket).negatives;
      }
      if (mean > 0) best = Math.max(best, surpriseOf(observed, mean, (dispersion * squares) / (mean * mean)));
    }
    return best;
  });
}

/** Least surprise, in digits, that keeps an oracle to about one false alarm in 30 days of windows. */
export function oracleDigits(bucketMs: number): number {
  return Math.log10((30 * DAY) / bucketMs);
}

/** Runs the detector over a series as the watcher would, one evaluation per closed bucket. */
export function replaySeries(buckets: readonly ChannelBucket[], settings: DetectorSettings): (DetectorDecision & { index: number })[] {
  const state = initialDetectorState(settings);
  const decisions: (DetectorDecision & { index: number })[] = [];
  const first = buckets[0]?.start ?? 0;
  for (let i = 0; i < buckets.length; i++) {
    const window = buckets.slice(Math.max(0, i - settings.windowBuckets + 1), i + 1);
    const start = (buckets[i] as ChannelBucket).start;
    for (const decision of evaluateChannelInPlace(window, state, settings, start + settings.bucketMs) ?? []) decisions.push({ ...decision, index: Math.round((decision.bucketStart - first) / settings.bucketMs) });
  }
  return decisions;
}

export interface IncidentOutcome {
  size: number;
  rate: number;
  family: SyntheticFamily;
  detected: boolean;
  /** Buckets from the incident's first bucket to the alert (0: alerted as that bucket closed). */
  delay: number | null;
}

export interface SeriesOutcome {
  family: SyntheticFamily;
  rate: number;
  days: number;
  /** Crisis alerts outside injected incidents. */
  falseAlarms: number;
  /** Alerts classed as one member's outburst (a moderation case, not a crisis). */
  singleAuthorAlerts: number;
  incidents: IncidentOutcome[];
}

/**
 * Scores one series: an alert from an incident's first bucket up to `windowBuckets − 1` buckets
 * after its last detects it; other crisis alerts are false alarms.
 */
export function scoreSeries(spec: SyntheticSpec, settings: DetectorSettings, series: SyntheticSeries = syntheticSeries(spec)): SeriesOutcome {
  const { buckets, incidents } = series;
  const decisions = replaySeries(buckets, settings);
  const spikes = decisions.filter((decision): decision is Extract<DetectorDecision, { type: 'spike' }> & { index: number } => decision.type === 'spike');
  const used = new Set<number>();
  const outcomes = incidents.map((incident) => {
    const hit = spikes.find((spike) => spike.index >= incident.index && spike.index < incident.index + incident.buckets + settings.windowBuckets - 1);
    if (hit) used.add(hit.index);
    return { size: incident.size, rate: spec.rate, family: spec.family, detected: hit !== undefined, delay: hit ? hit.index - incident.index : null };
  });
  const others = spikes.filter((spike) => !used.has(spike.index));
  return {
    family: spec.family,
    rate: spec.rate,
    days: spec.days,
    falseAlarms: others.filter((spike) => spike.explanation.kind === 'crisis').length,
    singleAuthorAlerts: others.filter((spike) => spike.explanation.kind === 'single_author').length,
    incidents: outcomes,
  };
}

export interface SuiteOptions {
  rates: readonly number[];
  seeds: number;
  /** Seeds run from this one (1 for the figures reported; choices are made on others). */
  firstSeed?: number;
  days: number;
  bucketMs: number;
  sizes: readonly number[];
  /** Families that receive injected incidents. */
  incidentFamilies: readonly SyntheticFamily[];
}

export const defaultSuiteOptions: SuiteOptions = {
  rates: [0.5, 5, 50, 500],
  seeds: 2,
  days: 60,
  bucketMs: 5 * 60_000,
  sizes: [2, 3, 5, 10],
  incidentFamilies: ['poisson', 'overdispersed', 'drift'],
};

export interface SuiteResult {
  /** Incident-free series: false alarms per series per 30 days, by family and rate. */
  falseAlarms: { family: SyntheticFamily; rate: number; perSeriesPer30Days: number; singleAuthorAlerts: number }[];
  /**
   * Injected incidents of `windowBuckets` buckets: recall and median delay (buckets), by size and rate;
   * `oracleRecall` is the share an oracle knowing the true model reaches at `oracleDigits` (what is
   * physically within reach with about one false alarm in 30 days).
   */
  incidents: { size: number; rate: number; injected: number; recall: number; medianDelay: number | null; oracleRecall: number }[];
  /** The same, by incident family. */
  incidentsByFamily: { family: SyntheticFamily; size: number; rate: number; injected: number; recall: number; oracleRecall: number }[];
}

/** Crisis false alarms per series per 30 days on incident-free series of every family, by rate. */
export function incidentFreeFalseAlarms(settings: DetectorSettings, options: SuiteOptions = defaultSuiteOptions): SuiteResult['falseAlarms'] {
  const falseAlarms: SuiteResult['falseAlarms'] = [];
  const firstSeed = options.firstSeed ?? 1;
  for (const family of syntheticFamilies) {
    for (const rate of options.rates) {
      let alarms = 0;
      let singleAuthor = 0;
      let days = 0;
      for (let seed = firstSeed; seed < firstSeed + options.seeds; seed++) {
        const outcome = scoreSeries({ family, rate, seed, days: options.days, bucketMs: options.bucketMs }, settings);
        alarms += outcome.falseAlarms;
        singleAuthor += outcome.singleAuthorAlerts;
        days += outcome.days;
      }
      falseAlarms.push({ family, rate, perSeriesPer30Days: (30 * alarms) / days, singleAuthorAlerts: singleAuthor });
    }
  }
  return falseAlarms;
}

/** The whole suite at one setting: incident-free series of every family, then injected incidents. */
export function runSyntheticSuite(settings: DetectorSettings, options: SuiteOptions = defaultSuiteOptions): SuiteResult {
  const falseAlarms = incidentFreeFalseAlarms(settings, options);
  const firstSeed = options.firstSeed ?? 1;
  const incidents: SuiteResult['incidents'] = [];
  const incidentsByFamily: SuiteResult['incidentsByFamily'] = [];
  const reach = oracleDigits(options.bucketMs);
  for (const size of options.sizes) {
    for (const rate of options.rates) {
      const delays: number[] = [];
      let injected = 0;
      let reachable = 0;
      for (const family of options.incidentFamilies) {
        let familyInjected = 0;
        let familyDetected = 0;
        let familyReachable = 0;
        for (let seed = firstSeed; seed < firstSeed + options.seeds; seed++) {
          const spec = { family, rate, seed, days: Math.min(options.days, 40), bucketMs: options.bucketMs, incidents: { size, buckets: settings.windowBuckets, everyDays: 3, firstDay: 4 } };
          const series = syntheticSeries(spec);
          for (const incident of scoreSeries(spec, settings, series).incidents) {
            familyInjected++;
            if (incident.delay !== null) {
              delays.push(incident.delay);
              familyDetected++;
            }
          }
          familyReachable += oracleSurprises(series, settings.windowBuckets).filter((digits) => digits >= reach).length;
        }
        injected += familyInjected;
        reachable += familyReachable;
        incidentsByFamily.push({ family, size, rate, injected: familyInjected, recall: familyInjected ? familyDetected / familyInjected : 0, oracleRecall: familyInjected ? familyReachable / familyInjected : 0 });
      }
      delays.sort((a, b) => a - b);
      incidents.push({ size, rate, injected, recall: injected ? delays.length / injected : 0, medianDelay: delays.length ? (delays[Math.floor((delays.length - 1) / 2)] as number) : null, oracleRecall: injected ? reachable / injected : 0 });
    }
  }
  return { falseAlarms, incidents, incidentsByFamily };
}
