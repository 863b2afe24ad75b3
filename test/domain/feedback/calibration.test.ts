import { describe, expect, it } from 'vitest';
import { CALIBRATION, calibratedSettings, channelCalibration, feedbackNote, NO_CALIBRATION, type AlertFeedbackFact } from '../../../src/domain/feedback/index.js';
import { detectOnCounts, type CountPoint } from '../../../src/domain/detection/series.js';
import { resolveDetectorSettings } from '../../../src/domain/detection/settings.js';

const MINUTE = 60_000;
const fact = (incidentId: string, verdict: AlertFeedbackFact['verdict'], at: number, lagMs: number | null = 0): AlertFeedbackFact => ({ incidentId, verdict, at, lagMs });

describe('channel calibration from alert feedback', () => {
  it('each false alarm raises the threshold, up to a bound; the latest verdict per incident counts once', () => {
    expect(channelCalibration([])).toEqual(NO_CALIBRATION);
    expect(channelCalibration([fact('a', 'false_alarm', 1), fact('a', 'false_alarm', 2), fact('a', 'false_alarm', 3)]).thresholdOffset).toBe(CALIBRATION.falseAlarmStep);
    const many = Array.from({ length: 20 }, (_, i) => fact(`i${i}`, 'false_alarm', i));
    expect(channelCalibration(many)).toEqual({ thresholdOffset: CALIBRATION.maxRaise, falseAlarms: 20, lateCrises: 0 });
    expect(channelCalibration([fact('a', 'false_alarm', 1), fact('a', 'real_crisis', 2)]).thresholdOffset).toBe(0);
  });

  it('a real crisis detected late lowers it, bounded; one detected on time changes nothing', () => {
    const late = CALIBRATION.lateAfterMs;
    expect(channelCalibration([fact('a', 'real_crisis', 1, late - 1)]).thresholdOffset).toBe(0);
    expect(channelCalibration([fact('a', 'real_crisis', 1, late)]).thresholdOffset).toBe(-CALIBRATION.lateCrisisStep);
    const many = Array.from({ length: 10 }, (_, i) => fact(`i${i}`, 'real_crisis', i, late * 2));
    expect(channelCalibration(many).thresholdOffset).toBe(-CALIBRATION.maxLower);
  });

  it('changes the next decision on a channel, within bounds: a borderline spike is skipped, a big one still alerts', () => {
    const settings = resolveDetectorSettings({ bucketMs: 5 * MINUTE, warmupBuckets: 50, rhythm: 'none' });
    const series = (spike: number): CountPoint[] =>
      Array.from({ length: 400 }, (_, i) => ({ timestamp: Date.UTC(2026, 0, 1) + i * 5 * MINUTE, value: i >= 390 ? spike : 2 + ((i * 7) % 5) }));
    const alerts = (spike: number, offset: number) =>
      detectOnCounts(series(spike), calibratedSettings(settings, { ...NO_CALIBRATION, thresholdOffset: offset })).decisions.filter((decision) => decision.type === 'spike').length;
    // The smallest spike the shipped threshold alerts on…
    const borderline = Array.from({ length: 200 }, (_, i) => i + 1).find((spike) => alerts(spike, 0) > 0) as number;
    expect(borderline).toBeDefined();
    // …is skipped once one false alarm raised the threshold.
    expect(alerts(borderline, CALIBRATION.falseAlarmStep)).toBe(0);
    // At the bound, a many-fold spike still alerts: feedback cannot silence a channel.
    expect(alerts(borderline * 6, CALIBRATION.maxRaise)).toBeGreaterThan(0);
    // And a late-crisis lowering makes a spike just under the shipped threshold alert.
    const under = Array.from({ length: borderline }, (_, i) => borderline - i).find((spike) => alerts(spike, 0) === 0 && alerts(spike, -CALIBRATION.maxLower) > 0);
    expect(under).toBeDefined();
  });

  it('notes for the alert what feedback did, and whether it decided the alert', () => {
    const settings = resolveDetectorSettings({});
    expect(feedbackNote(settings, NO_CALIBRATION, 9)).toBeNull();
    const lowered = { thresholdOffset: -0.1, falseAlarms: 0, lateCrises: 1 };
    expect(feedbackNote(settings, lowered, settings.threshold - 0.1)).toMatchObject({ decided: true, lateCrises: 1 });
    expect(feedbackNote(settings, lowered, settings.threshold + 1)).toMatchObject({ decided: false });
    expect(feedbackNote(settings, { thresholdOffset: 0.15, falseAlarms: 1, lateCrises: 0 }, 20)).toMatchObject({ decided: false, thresholdAfter: Math.round(settings.threshold * 115) / 100 });
  });
});
