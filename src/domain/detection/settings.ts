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
  /** How many standard deviations above the baseline the negative volume must stand to alert. */
  sensitivity: number;
  /** Fewest negative messages in the window that can raise an alert. */
  minNegatives: number;
  /** Observed negatives must be at least this multiple of the expected negatives. */
  minLift: number;
  /**
   * When message totals are known, the negative share of the window must be at least this multiple
   * of the channel's usual share (a busy launch day with the usual mood is not a crisis). 0 disables.
   */
  minShareLift: number;
  /** No new alert until this long after the previous one. */
  cooldownMs: number;
  /** "Back to normal" once the window stays under this many deviations… */
  recoverySensitivity: number;
  /** …for this long. */
  recoveryMs: number;
  /** Half-life of the baseline level: how fast it follows slow drift. */
  baselineHalfLifeMs: number;
  /** Half-life of each slot of the daily/weekly rhythm profile. */
  rhythmHalfLifeMs: number;
  /** Which rhythm the baseline learns: none, the hour of day, or the hour of the week. */
  rhythm: 'none' | 'daily' | 'weekly';
  /** Compare volumes on a log scale (bursty, multiplicative traffic) or a linear one. */
  scale: 'linear' | 'log';
  /** Spread floor on the log scale, so a flat history does not make every wobble an alert. */
  minLogSpread: number;
  /** Spread ceiling on the log scale: a very noisy channel still alerts on a many-fold jump. */
  maxLogSpread: number;
  /** When > 0, an alert must also reach `noveltyFactor` × the highest deviation of the last this-many days. */
  noveltyDays: number;
  noveltyFactor: number;
  /** Buckets of history needed before the detector may alert. */
  warmupBuckets: number;
  /** Values above baseline + this many deviations are clipped before they teach the baseline. */
  baselineClip: number;
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
  sensitivity: 6.5,
  minNegatives: 5,
  minLift: 2,
  minShareLift: 1.5,
  // 18 h rather than a day: the same incident stays one alert (hysteresis holds it open), yet the
  // next day's trouble at the same hour is not hidden behind yesterday's alert.
  cooldownMs: 18 * HOUR,
  recoverySensitivity: 1,
  recoveryMs: 30 * MINUTE,
  baselineHalfLifeMs: 72 * HOUR,
  rhythmHalfLifeMs: 7 * 24 * HOUR,
  rhythm: 'daily',
  warmupBuckets: 288,
  scale: 'log',
  // Six weeks of ordinary peaks: a monthly ring forgot a bursty channel's usual highs and re-alerted on them.
  noveltyDays: 42,
  noveltyFactor: 0.8,
  minLogSpread: 0.1,
  maxLogSpread: 0.25,
  baselineClip: 3,
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
    sensitivity: positive,
    minNegatives: nonNegative,
    minLift: nonNegative,
    minShareLift: nonNegative,
    cooldownMs: nonNegative,
    recoverySensitivity: z.number().finite(),
    recoveryMs: nonNegative,
    baselineHalfLifeMs: positive,
    rhythmHalfLifeMs: positive,
    rhythm: z.enum(['none', 'daily', 'weekly']),
    warmupBuckets: nonNegative.int(),
    scale: z.enum(['linear', 'log']),
    noveltyDays: nonNegative.int().max(60),
    noveltyFactor: nonNegative,
    minLogSpread: nonNegative,
    maxLogSpread: positive,
    baselineClip: positive,
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
  if (settings.recoverySensitivity >= settings.sensitivity) {
    throw new FirebreakError(
      'input_invalid',
      `${where}: recoverySensitivity (${settings.recoverySensitivity}) must be below sensitivity (${settings.sensitivity})`,
    );
  }
  return settings;
}
