import { z } from 'zod';
import { FirebreakError } from '../../errors.js';

/**
 * How the spike detector behaves for one channel. The product ships `defaultDetectorSettings`;
 * playbooks override any subset per channel through `resolveDetectorSettings`.
 */
export interface DetectorSettings {
  /** Width of one time bucket. */
  bucketMs: number;
  /** How many trailing buckets form the observed window. */
  windowBuckets: number;
  /**
   * The alert threshold, in decimal digits of surprise: a window alerts when the chance of seeing at
   * least that many negatives, under the channel's own learnt model, is below 10^−threshold. Being a
   * probability, it means the same on a quiet channel and on a busy one. This is the per-channel
   * knob: playbooks (and staff feedback) adjust it, nothing else needs to change.
   */
  threshold: number;
  /** Fewest negative messages in the window that can raise an alert. */
  minNegatives: number;
  /** Observed negatives must be at least this multiple of the expected negatives. */
  minLift: number;
  /**
   * When message totals are known, the negative share of the window must be at least this multiple
   * of the channel's usual share (a busy launch day with the usual mood is not a crisis). 0 disables.
   */
  minShareLift: number;
  /** No new alert until this long after the previous one (an episode is one alert). */
  cooldownMs: number;
  /** "Back to normal" once the window's surprise stays under this many digits… */
  recoveryThreshold: number;
  /** …for this long (hysteresis). */
  recoveryMs: number;
  /**
   * During an alert, a window with at least this multiple of the episode's highest window so far (and
   * above the threshold) is an escalation: it updates the open incident instead of opening another. 0 disables.
   */
  escalationFactor: number;
  /** Half-life of the baseline level: how fast it follows slow drift. */
  baselineHalfLifeMs: number;
  /** Half-life of each slot of the daily/weekly rhythm profile. */
  rhythmHalfLifeMs: number;
  /** Which rhythm the baseline learns: none, the hour of day, or the hour of the week. */
  rhythm: 'none' | 'daily' | 'weekly';
  /**
   * With the hour-of-day rhythm (`daily`), also learn how busy each day of the week is (quieter
   * weekends); used only where it explains most of the channel's noise (docs/detection.md).
   */
  weekdayRhythm: boolean;
  /** Least over-dispersion assumed (variance = mean + dispersion × mean²): 0 is pure Poisson noise. */
  minDispersion: number;
  /** Most over-dispersion assumed: a very noisy channel still alerts on a many-fold jump. */
  maxDispersion: number;
  /** How much the over-dispersion grows where the rhythm expects less than the plain level (0 none, 1 in proportion). */
  dispersionLevelWeight: number;
  /**
   * The fitted-model test: a window also alerts when its surprise under the channel's learnt
   * over-dispersion (not held to `minDispersion`…`maxDispersion`, at least `fittedMinDispersion`)
   * reaches this share of `threshold`. Where the model fits (a regular channel) its tail is trusted at a
   * lower threshold; where it does not (learnt dispersion far above the cap) the capped ratio test
   * decides. 0 turns it off.
   */
  fittedThresholdShare: number;
  /** Least over-dispersion the fitted-model test assumes (model error never vanishes). */
  fittedMinDispersion: number;
  /** When > 0, an alert must also reach `noveltyFactor` × the highest surprise of the last this-many days. */
  noveltyDays: number;
  noveltyFactor: number;
  /** Buckets of history needed before the detector may alert ("learning the baseline"). */
  warmupBuckets: number;
  /** Values beyond baseline ± this many standard deviations are clipped before they teach the baseline. */
  baselineClip: number;
  /** A window that stays above normal this long is a new level: the baseline adopts it. 0 disables. */
  rebaseAfterMs: number;
  /** One author owning at least this share of the window's negatives makes it a moderation case. */
  singleAuthorShare: number;
  /** At most this many distinct negative authors are remembered per bucket. */
  maxAuthorsPerBucket: number;
  /** At most this many distinct terms are counted per bucket. */
  maxTermsPerBucket: number;
  /** At most this many most-negative sample messages are kept per bucket. */
  maxSamplesPerBucket: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const defaultDetectorSettings: Readonly<DetectorSettings> = Object.freeze({
  bucketMs: 5 * MINUTE,
  windowBuckets: 3,
  threshold: 16,
  minNegatives: 5,
  minLift: 2,
  minShareLift: 1.5,
  cooldownMs: 18 * HOUR,
  recoveryThreshold: 1,
  recoveryMs: 30 * MINUTE,
  escalationFactor: 2,
  baselineHalfLifeMs: 72 * HOUR,
  rhythmHalfLifeMs: 7 * 24 * HOUR,
  rhythm: 'daily',
  weekdayRhythm: true,
  warmupBuckets: 288,
  minDispersion: 0.01,
  maxDispersion: 0.05,
  dispersionLevelWeight: 1,
  fittedThresholdShare: 0.5,
  fittedMinDispersion: 0.002,
  noveltyDays: 42,
  noveltyFactor: 0.6,
  baselineClip: 3,
  rebaseAfterMs: 12 * HOUR,
  singleAuthorShare: 0.6,
  maxAuthorsPerBucket: 64,
  maxTermsPerBucket: 32,
  maxSamplesPerBucket: 3,
});

const positive = z.number().finite().positive();
const nonNegative = z.number().finite().nonnegative();

export const detectorSettingsSchema = z
  .object({
    bucketMs: positive.int().min(1000),
    windowBuckets: positive.int().max(288),
    threshold: positive.max(300),
    minNegatives: nonNegative,
    minLift: nonNegative,
    minShareLift: nonNegative,
    cooldownMs: nonNegative,
    recoveryThreshold: nonNegative,
    recoveryMs: nonNegative,
    escalationFactor: nonNegative,
    baselineHalfLifeMs: positive,
    rhythmHalfLifeMs: positive,
    rhythm: z.enum(['none', 'daily', 'weekly']),
    weekdayRhythm: z.boolean(),
    warmupBuckets: nonNegative.int(),
    minDispersion: nonNegative.max(10),
    maxDispersion: positive.max(10),
    dispersionLevelWeight: nonNegative.max(2),
    fittedThresholdShare: nonNegative.max(1),
    fittedMinDispersion: nonNegative.max(10),
    noveltyDays: nonNegative.int().max(60),
    noveltyFactor: nonNegative,
    baselineClip: positive,
    rebaseAfterMs: nonNegative,
    singleAuthorShare: z.number().gt(0).max(1),
    maxAuthorsPerBucket: positive.int().max(10_000),
    maxTermsPerBucket: nonNegative.int().max(1000),
    maxSamplesPerBucket: nonNegative.int().max(50),
  })
  .strict()
  .partial();

export type DetectorSettingsOverrides = z.infer<typeof detectorSettingsSchema>;

/** Shipped defaults with `overrides` applied; bad overrides are refused with the field at fault. */
export function resolveDetectorSettings(overrides: unknown = {}, where = 'detector settings'): DetectorSettings {
  const parsed = detectorSettingsSchema.safeParse(overrides);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.length ? issue.path.join('.') : '(root)';
    throw new FirebreakError('input_invalid', `${where}: ${path}: ${issue?.message ?? 'invalid'}`);
  }
  const settings: DetectorSettings = { ...defaultDetectorSettings };
  for (const [key, value] of Object.entries(parsed.data)) {
    if (value !== undefined) (settings as unknown as Record<string, unknown>)[key] = value;
  }
  if (settings.recoveryThreshold >= settings.threshold) {
    throw new FirebreakError('input_invalid', `${where}: recoveryThreshold (${settings.recoveryThreshold}) must be below threshold (${settings.threshold})`);
  }
  if (settings.minDispersion > settings.maxDispersion) {
    throw new FirebreakError('input_invalid', `${where}: minDispersion (${settings.minDispersion}) must not exceed maxDispersion (${settings.maxDispersion})`);
  }
  return settings;
}
