// Slack's clock as seen from this host. Message ts are Slack's time, createdAt and the injected clock
// ours: a look-up for an earlier attempt must place its `oldest` in Slack's time, and the two clocks
// may disagree by any amount (a host whose NTP is off, a VM resumed, a clock set by hand).
// Every post Slack answers bounds the offset: Slack stamped its ts after our call started and before
// its answer reached us, so Slack − local lies in [ts − answeredAt, ts − calledAt].
import type { Logger } from '../../logger.js';

/** One post Slack answered: its ts, and when (by this host's clock) its answer arrived and, when known, its call started. */
export interface SlackTimeSample {
  ts: string;
  answeredAt: number;
  calledAt?: number;
}

/** Beyond this, operators are told once that this host's clock disagrees with Slack's. */
export const OFFSET_WARNING_MS = 60_000;

/** A Slack ts ("seconds.micros") as epoch ms by Slack's clock. */
export function slackTsMs(ts: string): number {
  return Number(ts) * 1000;
}

/**
 * The lowest Slack − local offset (ms) the samples allow: the one that places a look-up's `oldest`
 * earliest. A slow answer or a clock that changed between samples only widens the look-up; null
 * when there is no sample (nothing measured).
 */
export function offsetLowerBound(samples: readonly SlackTimeSample[]): number | null {
  let lowest: number | null = null;
  for (const sample of samples) {
    const bound = slackTsMs(sample.ts) - sample.answeredAt;
    if (!Number.isFinite(bound)) continue;
    if (lowest === null || bound < lowest) lowest = bound;
  }
  return lowest;
}

/**
 * The Slack ts (as epoch ms) of the latest post whose answer arrived by `at` (this host's clock): it
 * landed before `at` in Slack's time too, whatever the offset is now, as long as our clock did not go
 * back in between (one that jumped ahead keeps the order). Null when there is none.
 */
export function latestTsAnsweredBy(samples: readonly SlackTimeSample[], at: number): number | null {
  let latest: number | null = null;
  for (const sample of samples) {
    const ts = slackTsMs(sample.ts);
    if (sample.answeredAt > at || !Number.isFinite(ts)) continue;
    if (latest === null || ts > latest) latest = ts;
  }
  return latest;
}

/**
 * Watches posts' answers: says the latest measure of the offset (for /healthz) and warns once per
 * process when this host's clock is surely more than a minute off Slack's.
 */
export function createSlackClockWatch(logger: Logger): { observe(sample: SlackTimeSample): void; offsetMs(): number | null } {
  let warned = false;
  let latest: number | null = null;
  return {
    offsetMs: () => latest,
    observe(sample) {
      if (sample.calledAt === undefined) return;
      const slackMs = slackTsMs(sample.ts);
      if (!Number.isFinite(slackMs)) return;
      const low = slackMs - sample.answeredAt;
      const high = slackMs - sample.calledAt;
      // The middle of the interval: off by at most half the call's round trip.
      latest = Math.round((low + high) / 2);
      if (warned) return;
      // Warned only when the whole interval is past the threshold: a slow answer alone never warns.
      const offsetMs = low > OFFSET_WARNING_MS ? low : high < -OFFSET_WARNING_MS ? high : null;
      if (offsetMs === null) return;
      warned = true;
      logger.warn(
        { offsetMs: Math.round(offsetMs), hostAhead: offsetMs < 0 },
        `this host's clock is ${Math.round(Math.abs(offsetMs) / 1000)} s ${offsetMs < 0 ? 'ahead of' : 'behind'} Slack's: fix its time sync (NTP); posts are still looked for by Slack's time`,
      );
    },
  };
}
