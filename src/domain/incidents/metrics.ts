/**
 * Reputation metrics for one incident, from its timeline and the channel's sentiment buckets, and
 * their median / p90 over a period. A phase that never happened is null, never NaN or zero.
 */
import { FirebreakError } from '../../errors.js';
import type { Incident, TimelineEvent } from './types.js';

/** One sentiment bucket of the incident's channel, as detection computed it. */
export interface ChannelBucket {
  readonly startAt: number;
  readonly endAt: number;
  /** Share of negative messages in the bucket, 0..1. */
  readonly negativeRatio: number;
  /** Distinct authors of negative messages in the bucket. */
  readonly negativeAuthorIds: readonly string[];
}

/** The channel's normal range of negative ratio. Above `upper` is abnormal; at or below is recovered. */
export interface BaselineBand {
  readonly lower: number;
  readonly upper: number;
}

export interface MetricsInput {
  readonly incident: Incident;
  readonly timeline: readonly TimelineEvent[];
  /** The channel's buckets from before the first abnormal one to some time after resolution. */
  readonly buckets: readonly ChannelBucket[];
  /** null when the channel has no baseline yet: recovery cannot be judged. */
  readonly band: BaselineBand | null;
  /** In-band buckets needed in a row after the last abnormal one to call it recovered. Default 1. */
  readonly recoveryBuckets?: number;
}

export interface IncidentMetrics {
  readonly incidentId: string;
  readonly drill: boolean;
  readonly detectedAt: number;
  readonly firstAbnormalAt: number | null;
  /** First abnormal bucket → detection. */
  readonly timeToDetectMs: number | null;
  /** Detection → first acknowledgement. */
  readonly timeToAcknowledgeMs: number | null;
  /** Detection → first approved reply reaching the channel. */
  readonly timeToFirstReplyMs: number | null;
  /** Detection → final resolution (null while open or reopened). */
  readonly timeToResolveMs: number | null;
  /** First abnormal bucket (detection if unknown) → channel back within its baseline band. */
  readonly timeToRecoveryMs: number | null;
  readonly recoveredAt: number | null;
  readonly peakNegativeRatio: number | null;
  /** Distinct authors of negative messages from the first abnormal bucket until recovery; null without buckets. */
  readonly membersAffected: number | null;
  readonly repliesPosted: number;
  readonly reopenCount: number;
}

function checkBuckets(buckets: readonly ChannelBucket[], incidentId: string): void {
  buckets.forEach((bucket, index) => {
    const where = `incident ${incidentId}, bucket ${index} (start ${new Date(bucket.startAt).toISOString()})`;
    if (!Number.isFinite(bucket.negativeRatio) || bucket.negativeRatio < 0 || bucket.negativeRatio > 1) {
      throw new FirebreakError('input_invalid', `${where}: negativeRatio must be between 0 and 1, got ${bucket.negativeRatio}`);
    }
    if (!(bucket.endAt > bucket.startAt)) throw new FirebreakError('input_invalid', `${where}: endAt must be after startAt`);
  });
}

const since = (from: number | null, to: number | null | undefined): number | null =>
  from === null || to === null || to === undefined ? null : to - from;

export function computeIncidentMetrics(input: MetricsInput): IncidentMetrics {
  const { incident, band } = input;
  checkBuckets(input.buckets, incident.id);
  if (band !== null && !(band.lower <= band.upper)) {
    throw new FirebreakError('input_invalid', `incident ${incident.id}: baseline band lower (${band.lower}) is above upper (${band.upper})`);
  }
  const buckets = [...input.buckets].sort((a, b) => a.startAt - b.startAt);
  const timeline = [...input.timeline].sort((a, b) => a.at - b.at);
  const first = (kind: TimelineEvent['kind']) => timeline.find((e) => e.kind === kind)?.at ?? null;

  const abnormal = (b: ChannelBucket) => band !== null && b.negativeRatio > band.upper;
  const firstAbnormalAt = incident.firstAbnormalAt ?? buckets.find(abnormal)?.startAt ?? null;
  const episodeStart = firstAbnormalAt ?? incident.detectedAt;
  const episode = buckets.filter((b) => b.endAt > episodeStart);

  // Recovery: the first in-band bucket after the last abnormal one, with enough in-band buckets after it.
  // Using the last abnormal bucket means a brief lull followed by renewed anger does not count.
  let recoveredAt: number | null = null;
  let lastAbnormal = -1;
  episode.forEach((b, i) => {
    if (abnormal(b)) lastAbnormal = i;
  });
  const needed = Math.max(1, input.recoveryBuckets ?? 1);
  if (band !== null && lastAbnormal >= 0 && episode.length - (lastAbnormal + 1) >= needed) {
    recoveredAt = episode[lastAbnormal + 1]?.startAt ?? null;
  }

  const affectedWindow = recoveredAt === null ? episode : episode.filter((b) => b.startAt < recoveredAt);
  const members = new Set(affectedWindow.flatMap((b) => b.negativeAuthorIds));

  // Resolution counts only if nothing reopened the incident after it.
  let resolvedAt: number | null = null;
  let reopenCount = 0;
  for (const e of timeline) {
    if (e.kind === 'resolved') resolvedAt = e.at;
    if (e.kind === 'reopened') {
      resolvedAt = null;
      reopenCount += 1;
    }
  }
  if (!timeline.some((e) => e.kind === 'resolved' || e.kind === 'reopened')) resolvedAt = incident.resolvedAt;

  return {
    incidentId: incident.id,
    drill: incident.drill,
    detectedAt: incident.detectedAt,
    firstAbnormalAt,
    timeToDetectMs: since(firstAbnormalAt, incident.detectedAt),
    timeToAcknowledgeMs: since(incident.detectedAt, first('acknowledged') ?? incident.acknowledgedAt),
    timeToFirstReplyMs: since(incident.detectedAt, first('reply_posted')),
    timeToResolveMs: since(incident.detectedAt, resolvedAt),
    timeToRecoveryMs: since(episodeStart, recoveredAt),
    recoveredAt,
    peakNegativeRatio: episode.length > 0 ? Math.max(...episode.map((b) => b.negativeRatio)) : null,
    membersAffected: buckets.length > 0 ? members.size : null,
    repliesPosted: timeline.filter((e) => e.kind === 'reply_posted').length,
    reopenCount,
  };
}

/** Quantile by linear interpolation between closest ranks (the common "type 7" definition). */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const lower = sorted[below] as number;
  const upper = sorted[Math.min(below + 1, sorted.length - 1)] as number;
  return lower + (upper - lower) * (position - below);
}

export interface Distribution {
  /** How many incidents had this phase at all. */
  readonly count: number;
  readonly median: number | null;
  readonly p90: number | null;
}

export interface MetricsAggregate {
  readonly from: number;
  readonly to: number;
  readonly incidents: number;
  readonly timeToDetectMs: Distribution;
  readonly timeToAcknowledgeMs: Distribution;
  readonly timeToFirstReplyMs: Distribution;
  readonly timeToResolveMs: Distribution;
  readonly timeToRecoveryMs: Distribution;
  readonly peakNegativeRatio: Distribution;
  readonly membersAffected: Distribution;
  readonly repliesPosted: number;
}

type DistributedMetric = Exclude<
  keyof MetricsAggregate,
  'from' | 'to' | 'incidents' | 'repliesPosted'
>;

/** Median and p90 over incidents detected in [from, to); drills left out unless asked for. */
export function aggregateMetrics(
  metrics: readonly IncidentMetrics[],
  period: { readonly from: number; readonly to: number; readonly includeDrills?: boolean },
): MetricsAggregate {
  const inPeriod = metrics.filter(
    (m) => m.detectedAt >= period.from && m.detectedAt < period.to && (period.includeDrills || !m.drill),
  );
  const distribution = (key: DistributedMetric): Distribution => {
    const values = inPeriod.map((m) => m[key]).filter((v): v is number => v !== null);
    return { count: values.length, median: quantile(values, 0.5), p90: quantile(values, 0.9) };
  };
  return {
    from: period.from,
    to: period.to,
    incidents: inPeriod.length,
    timeToDetectMs: distribution('timeToDetectMs'),
    timeToAcknowledgeMs: distribution('timeToAcknowledgeMs'),
    timeToFirstReplyMs: distribution('timeToFirstReplyMs'),
    timeToResolveMs: distribution('timeToResolveMs'),
    timeToRecoveryMs: distribution('timeToRecoveryMs'),
    peakNegativeRatio: distribution('peakNegativeRatio'),
    membersAffected: distribution('membersAffected'),
    repliesPosted: inPeriod.reduce((sum, m) => sum + m.repliesPosted, 0),
  };
}
