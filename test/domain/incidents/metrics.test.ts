import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.js';
import { FirebreakError } from '../../../src/errors.js';
import {
  acknowledge,
  aggregateMetrics,
  computeIncidentMetrics,
  createDraft,
  decideDraft,
  markReplyPosted,
  openIncident,
  quantile,
  reopen,
  resolve,
  type ChannelBucket,
  type Decision,
  type IncidentMetrics,
  type IncidentState,
  type TimelineEvent,
} from '../../../src/domain/incidents/index.js';
import { accepted, incidentPolicy, MINUTE, openInput, T0 } from './helpers.js';

const BUCKET = 5 * MINUTE;
const band = { lower: 0.05, upper: 0.2 };

/** Buckets of 5 minutes starting at `start`, one per ratio, with the given negative authors. */
function buckets(start: number, ratios: number[], authors: string[][] = []): ChannelBucket[] {
  return ratios.map((negativeRatio, i) => ({
    startAt: start + i * BUCKET,
    endAt: start + (i + 1) * BUCKET,
    negativeRatio,
    negativeAuthorIds: authors[i] ?? [],
  }));
}

/** Drives an incident through staff actions on a manual clock and keeps the timeline. */
class Story {
  readonly clock = new ManualClock(T0);
  readonly policy = incidentPolicy();
  state: IncidentState;
  timeline: TimelineEvent[];

  constructor(overrides: Parameters<typeof openInput>[0] = {}) {
    const opened = openIncident(openInput(overrides), this.policy.escalation, this.clock);
    this.state = opened.state;
    this.timeline = [...opened.events];
  }

  at(minutesAfterT0: number, act: (s: IncidentState, story: Story) => Decision): this {
    this.clock.set(T0 + minutesAfterT0 * MINUTE);
    const result = accepted(act(this.state, this));
    this.state = result.state;
    this.timeline.push(...result.events);
    return this;
  }

  metrics(series: ChannelBucket[], b = band): IncidentMetrics {
    return computeIncidentMetrics({ incident: this.state.incident, timeline: this.timeline, buckets: series, band: b });
  }
}

const ack = (s: IncidentState, story: Story) => acknowledge(s, { actorUserId: 'ULEAD' }, story.policy, story.clock);
const draft = (s: IncidentState, story: Story) =>
  createDraft(s, { actorUserId: 'ULEAD', text: 'We are on it.', language: 'en', templateId: null, target: { kind: 'channel', channelId: 'CCOMMUNITY' } }, story.policy, story.clock);
const approve = (n: number) => (s: IncidentState, story: Story) =>
  decideDraft(s, { actorUserId: 'UAPPROVER1', draftId: `inc-1/draft-${n}`, revision: 1, decision: 'approve' }, story.policy, story.clock);
const posted = (n: number) => (s: IncidentState, story: Story) =>
  markReplyPosted(s, { draftId: `inc-1/draft-${n}`, revision: 1, messageTs: `${n}.0` }, story.clock);
const close = (s: IncidentState, story: Story) => resolve(s, { actorUserId: 'ULEAD', summary: 'done' }, story.policy, story.clock);
const reopenIt = (s: IncidentState, story: Story) => reopen(s, { actorUserId: 'ULEAD' }, story.policy, story.clock);

describe('incident metrics', () => {
  // Detected at T0-5min, first abnormal bucket at T0-15min (see helpers.openInput).
  const series = buckets(
    T0 - 25 * MINUTE,
    [0.1, 0.15, 0.45, 0.7, 0.6, 0.5, 0.3, 0.18, 0.1, 0.12],
    [[], ['U9'], ['U1', 'U2'], ['U2', 'U3'], ['U4'], ['U1'], ['U5'], ['U6'], ['U7'], []],
  );

  it('measures every phase of a complete incident', () => {
    const story = new Story()
      .at(3, ack)
      .at(6, draft)
      .at(9, approve(1))
      .at(10, posted(1))
      .at(40, close);
    const m = story.metrics(series);
    expect(m).toEqual({
      incidentId: 'inc-1',
      drill: false,
      detectedAt: T0 - 5 * MINUTE,
      firstAbnormalAt: T0 - 15 * MINUTE,
      timeToDetectMs: 10 * MINUTE,
      timeToAcknowledgeMs: 8 * MINUTE,
      timeToFirstReplyMs: 15 * MINUTE,
      timeToResolveMs: 45 * MINUTE,
      // Buckets 2..6 are above 0.2; bucket 7 (T0+10min) is the first back in band.
      timeToRecoveryMs: 25 * MINUTE,
      recoveredAt: T0 + 10 * MINUTE,
      peakNegativeRatio: 0.7,
      // U1..U5 wrote negative messages from the first abnormal bucket until recovery; U9 was before it.
      membersAffected: 5,
      repliesPosted: 1,
      reopenCount: 0,
    });
  });

  it('leaves missing phases null: never acknowledged, no reply, not resolved', () => {
    const m = new Story().metrics(series);
    expect(m.timeToAcknowledgeMs).toBeNull();
    expect(m.timeToFirstReplyMs).toBeNull();
    expect(m.timeToResolveMs).toBeNull();
    expect(m.repliesPosted).toBe(0);
    expect(m.timeToDetectMs).toBe(10 * MINUTE);
  });

  it('counts a reply only once it was posted, not when it was approved', () => {
    const m = new Story().at(1, ack).at(2, draft).at(3, approve(1)).metrics(series);
    expect(m.timeToFirstReplyMs).toBeNull();
    expect(m.repliesPosted).toBe(0);
  });

  it('without buckets or a known first abnormal bucket, detection and sentiment metrics are null', () => {
    const m = new Story({ firstAbnormalAt: null }).at(1, ack).metrics([]);
    expect(m).toMatchObject({
      firstAbnormalAt: null,
      timeToDetectMs: null,
      timeToRecoveryMs: null,
      peakNegativeRatio: null,
      membersAffected: null,
      timeToAcknowledgeMs: 6 * MINUTE,
    });
  });

  it('finds the first abnormal bucket itself when detection did not say', () => {
    const m = new Story({ firstAbnormalAt: null }).metrics(series);
    expect(m.firstAbnormalAt).toBe(T0 - 15 * MINUTE);
    expect(m.timeToDetectMs).toBe(10 * MINUTE);
  });

  it('is not recovered while the series ends above the band, nor without a baseline band', () => {
    const stillAngry = buckets(T0 - 15 * MINUTE, [0.5, 0.6, 0.1, 0.4]);
    expect(new Story().metrics(stillAngry).timeToRecoveryMs).toBeNull();
    expect(computeIncidentMetrics({ incident: new Story().state.incident, timeline: [], buckets: series, band: null }).timeToRecoveryMs).toBeNull();
  });

  it('does not take a brief lull for recovery', () => {
    // Back in band at T0-10 for one bucket, then angry again until T0+5.
    const lull = buckets(T0 - 15 * MINUTE, [0.5, 0.1, 0.4, 0.3, 0.1, 0.1]);
    expect(new Story().metrics(lull).recoveredAt).toBe(T0 + 5 * MINUTE);
  });

  it('can require several in-band buckets in a row before calling it recovered', () => {
    const tail = buckets(T0 - 15 * MINUTE, [0.5, 0.1]);
    const story = new Story();
    const input = { incident: story.state.incident, timeline: story.timeline, buckets: tail, band };
    expect(computeIncidentMetrics(input).recoveredAt).toBe(T0 - 10 * MINUTE);
    expect(computeIncidentMetrics({ ...input, recoveryBuckets: 2 }).recoveredAt).toBeNull();
  });

  describe('reopen', () => {
    it('measures resolution to the final close and counts reopens', () => {
      const story = new Story().at(2, ack).at(20, close).at(30, reopenIt).at(50, close);
      const m = story.metrics(series);
      expect(m.timeToResolveMs).toBe(55 * MINUTE);
      expect(m.reopenCount).toBe(1);
    });

    it('is unresolved while reopened', () => {
      const m = new Story().at(2, ack).at(20, close).at(30, reopenIt).metrics(series);
      expect(m.timeToResolveMs).toBeNull();
      expect(m.reopenCount).toBe(1);
    });

    it('keeps the first acknowledgement and the first reply', () => {
      const story = new Story()
        .at(2, ack)
        .at(3, draft)
        .at(4, approve(1))
        .at(5, posted(1))
        .at(20, close)
        .at(30, reopenIt)
        .at(31, draft)
        .at(32, approve(2))
        .at(33, posted(2))
        .at(50, close);
      const m = story.metrics(series);
      expect(m.timeToAcknowledgeMs).toBe(7 * MINUTE);
      expect(m.timeToFirstReplyMs).toBe(10 * MINUTE);
      expect(m.repliesPosted).toBe(2);
    });
  });

  it('refuses buckets with impossible ratios, saying which bucket', () => {
    const bad = buckets(T0, [0.1, Number.NaN]);
    expect(() => new Story().metrics(bad)).toThrow(FirebreakError);
    expect(() => new Story().metrics(bad)).toThrow(/bucket 1 .*negativeRatio must be between 0 and 1, got NaN/);
    expect(() => new Story().metrics(series, { lower: 0.3, upper: 0.2 })).toThrow(/lower \(0.3\) is above upper \(0.2\)/);
  });
});

describe('aggregates over a period', () => {
  const base: IncidentMetrics = {
    incidentId: 'x',
    drill: false,
    detectedAt: T0,
    firstAbnormalAt: null,
    timeToDetectMs: null,
    timeToAcknowledgeMs: null,
    timeToFirstReplyMs: null,
    timeToResolveMs: null,
    timeToRecoveryMs: null,
    recoveredAt: null,
    peakNegativeRatio: null,
    membersAffected: null,
    repliesPosted: 0,
    reopenCount: 0,
  };

  it('computes median and p90 over incidents in the period, skipping missing phases and drills', () => {
    const acks = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => n * MINUTE);
    const metrics: IncidentMetrics[] = [
      ...acks.map((ms, i) => ({ ...base, incidentId: `i${i}`, timeToAcknowledgeMs: ms, repliesPosted: 1 })),
      { ...base, incidentId: 'never-acked' },
      { ...base, incidentId: 'drill', drill: true, timeToAcknowledgeMs: 1000 * MINUTE },
      { ...base, incidentId: 'too-late', detectedAt: T0 + 86_400_000, timeToAcknowledgeMs: 1000 * MINUTE },
    ];
    const aggregate = aggregateMetrics(metrics, { from: T0, to: T0 + 86_400_000 });
    expect(aggregate.incidents).toBe(11);
    expect(aggregate.timeToAcknowledgeMs).toEqual({ count: 10, median: 5.5 * MINUTE, p90: 9.1 * MINUTE });
    expect(aggregate.timeToResolveMs).toEqual({ count: 0, median: null, p90: null });
    expect(aggregate.repliesPosted).toBe(10);
    expect(aggregateMetrics(metrics, { from: T0, to: T0 + 86_400_000, includeDrills: true }).timeToAcknowledgeMs.count).toBe(11);
  });

  it('interpolates quantiles between closest ranks', () => {
    expect(quantile([], 0.5)).toBeNull();
    expect(quantile([7], 0.9)).toBe(7);
    expect(quantile([3, 1, 2], 0.5)).toBe(2);
    expect(quantile([10, 20], 0.9)).toBe(19);
  });
});
