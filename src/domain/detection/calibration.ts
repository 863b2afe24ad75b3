// How noisy a channel will be before going live: alerts per 30 days at the shipped threshold, and the
// threshold that would give one alert per 30 days, from the detector's per-bucket readings.
import type { BucketReading } from './detector.js';
import type { DetectorSettings } from './settings.js';

export interface ChannelCalibration {
  channel: string;
  /** Days of history the detector judged (after learning its baseline). */
  days: number;
  alerts: number;
  alertsPer30Days: number;
  /**
   * Lowest threshold (digits of surprise) that keeps this history to at most one alert per 30 days; for a
   * history under 30 days, the lowest that raises none.
   */
  thresholdFor1Per30Days: number;
}

const BUCKETS_PER_CHUNK = 4096;

/**
 * Collects a channel's readings compactly (two numbers per bucket) and replays the episode rules
 * (alert, hysteresis, cooldown) at other thresholds. The model's learning does not depend on the
 * threshold; the novelty memory is taken as it was in the recorded run, so other thresholds are
 * estimates (the shipped one is exact).
 */
export class CalibrationRecorder {
  private surprises: Float64Array[] = [];
  private flags: Uint8Array[] = [];
  private length = 0;
  private judged = 0;

  record(reading: BucketReading): void {
    const chunk = Math.floor(this.length / BUCKETS_PER_CHUNK);
    if (chunk === this.surprises.length) {
      this.surprises.push(new Float64Array(BUCKETS_PER_CHUNK));
      this.flags.push(new Uint8Array(BUCKETS_PER_CHUNK));
    }
    const offset = this.length % BUCKETS_PER_CHUNK;
    (this.surprises[chunk] as Float64Array)[offset] = reading.surprise;
    (this.flags[chunk] as Uint8Array)[offset] = (reading.eligible ? 1 : 0) | (reading.learnt ? 2 : 0);
    if (reading.learnt) this.judged++;
    this.length++;
  }

  /** Alerts the recorded history would have raised at `threshold`. */
  alertsAt(threshold: number, settings: DetectorSettings): number {
    const recoveryBuckets = Math.ceil(settings.recoveryMs / settings.bucketMs);
    const cooldownBuckets = Math.ceil(settings.cooldownMs / settings.bucketMs);
    let alerts = 0;
    let inAlert = false;
    let quiet = 0;
    let cooldownUntil = -1;
    for (let i = 0; i < this.length; i++) {
      const surprise = (this.surprises[Math.floor(i / BUCKETS_PER_CHUNK)] as Float64Array)[i % BUCKETS_PER_CHUNK] as number;
      const flag = (this.flags[Math.floor(i / BUCKETS_PER_CHUNK)] as Uint8Array)[i % BUCKETS_PER_CHUNK] as number;
      if (inAlert) {
        quiet = surprise < settings.recoveryThreshold ? quiet + 1 : 0;
        if (quiet >= recoveryBuckets) inAlert = false;
      } else if (i >= cooldownUntil && flag & 1 && surprise >= threshold) {
        alerts++;
        inAlert = true;
        quiet = 0;
        cooldownUntil = i + cooldownBuckets;
      }
    }
    return alerts;
  }

  report(channel: string, settings: DetectorSettings): ChannelCalibration {
    const days = (this.judged * settings.bucketMs) / 86_400_000;
    const alerts = this.alertsAt(settings.threshold, settings);
    // One alert per 30 days of history: a history of a few days may hold none (one alert in 2 days is
    // 15 per 30 days, so a threshold that still raises it is not the answer).
    const allowed = Math.floor(days / 30);
    // Alerts fall as the threshold rises: bisect on digits of surprise, to 0.1.
    let low = settings.recoveryThreshold;
    let high = 300;
    if (this.alertsAt(low + 0.1, settings) <= allowed) high = low + 0.1;
    while (high - low > 0.1) {
      const middle = (low + high) / 2;
      if (this.alertsAt(middle, settings) <= allowed) high = middle;
      else low = middle;
    }
    return {
      channel,
      days: Math.round(days * 10) / 10,
      alerts,
      alertsPer30Days: days > 0 ? Math.round(((30 * alerts) / days) * 100) / 100 : 0,
      thresholdFor1Per30Days: Math.ceil(high * 10) / 10,
    };
  }
}
