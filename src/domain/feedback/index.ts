// Staff feedback on alerts and messages (#16), in domain terms: what a verdict teaches the sentiment
// learner, and how alert verdicts move a channel's detection threshold, within bounds.
import type { DetectorSettings } from '../detection/settings.js';
import type { Correction, CorrectionFeatures, FeaturedCorrection } from '../sentiment/corrections.js';

export type AlertVerdict = 'real_crisis' | 'false_alarm';
export type MessageVerdict = 'negative' | 'not_negative';
export type FeedbackTarget = 'alert' | 'message';
export const ALERT_VERDICTS: readonly AlertVerdict[] = ['real_crisis', 'false_alarm'];
export const MESSAGE_VERDICTS: readonly MessageVerdict[] = ['negative', 'not_negative'];

/** The correction a message verdict teaches ("not negative" says nothing about positive vs neutral). */
/**
 * What one person's verdict is about: an alert (its incident) or a message (its channel and ts). The
 * same person giving the same verdict on the same subject while it still counts repeats it (a double
 * click, a modal sent twice): it is not a second verdict.
 */
export type FeedbackSubject =
  | { workspaceId: string; userId: string; target: 'alert'; incidentId: string }
  | { workspaceId: string; userId: string; target: 'message'; channelId: string; messageTs: string };

/** The subject a stored verdict is about (null when it names neither an incident's alert nor a message). */
export function subjectOfVerdict(row: { workspaceId: string; userId: string; target: FeedbackTarget; incidentId: string | null; channelId: string; messageTs: string | null }): FeedbackSubject | null {
  const { workspaceId, userId } = row;
  if (row.target === 'alert') return row.incidentId ? { workspaceId, userId, target: 'alert', incidentId: row.incidentId } : null;
  return row.messageTs ? { workspaceId, userId, target: 'message', channelId: row.channelId, messageTs: row.messageTs } : null;
}

/**
 * The verdicts that count among active ones given in order (oldest first): each person's latest on each
 * subject. An earlier verdict the same person replaced teaches nothing; undoing the later one lets it count again.
 */
export function countingVerdicts<T extends { id: string; workspaceId: string; userId: string; target: FeedbackTarget; incidentId: string | null; channelId: string; messageTs: string | null }>(rows: readonly T[]): T[] {
  const latest = new Map<string, string>();
  for (const row of rows) {
    const subject = subjectOfVerdict(row);
    latest.set(subject ? verdictClaim(subject, null) : `row:${row.id}`, row.id);
  }
  const kept = new Set(latest.values());
  return rows.filter((row) => kept.has(row.id));
}

/** Whether `verdict` repeats `latest`, the person's latest verdict on the same subject. */
export function repeatsVerdict(latest: { verdict: string; undoneAt: number | null } | null, verdict: string): boolean {
  return latest !== null && latest.undoneAt === null && latest.verdict === verdict;
}

/**
 * The claim a new verdict takes, derived from the person's latest verdict on the subject as read: two
 * verdicts given at once read the same latest and claim the same key, so only one is recorded and the
 * other reads again (and finds it repeated, or records after it).
 */
export function verdictClaim(subject: FeedbackSubject, latest: { id: string; undoneAt: number | null } | null): string {
  const about = subject.target === 'alert' ? `alert:${subject.incidentId}` : `message:${subject.channelId}:${subject.messageTs}`;
  const after = latest === null ? 'first' : `${latest.id}:${latest.undoneAt === null ? 'active' : 'undone'}`;
  return `feedback:${subject.workspaceId}:${subject.userId}:${about}:after:${after}`;
}

export function correctionOf(verdict: MessageVerdict, text: string): Correction {
  return { text, label: verdict === 'negative' ? 'negative' : 'not-negative' };
}

/**
 * What a stored message verdict teaches: from its text while retention keeps it, then from the
 * features kept in its place; null when neither is there.
 */
export function storedCorrection(row: { verdict: string; text: string | null; features: CorrectionFeatures | null }): Correction | FeaturedCorrection | null {
  const label = row.verdict === 'negative' ? 'negative' : 'not-negative';
  if (row.text) return { text: row.text, label };
  return row.features ? { features: row.features, label } : null;
}

/**
 * How alert feedback moves a channel's threshold: each false alarm raises it by `falseAlarmStep`
 * (a share of the threshold), each real crisis detected late lowers it by `lateCrisisStep`; the raise
 * never exceeds `maxRaise` and the lowering never exceeds `maxLower`, so a few clicks can make a
 * channel less jumpy but never silence it.
 */
export const CALIBRATION = Object.freeze({
  falseAlarmStep: 0.15,
  lateCrisisStep: 0.1,
  maxRaise: 0.45,
  maxLower: 0.2,
  /** A real crisis is "late" when detection came this long after the first abnormal bucket. */
  lateAfterMs: 15 * 60_000,
});

/**
 * Whether an incident's alert was raised by the detector, i.e. whether "Real crisis" / "False alarm"
 * can judge it. An incident staff declared by hand (`/firebreak declare`) had no detector alert: a
 * verdict on it would move the channel's threshold for nothing the detector did.
 */
export function detectorRaised(detection: unknown): boolean {
  return !(typeof detection === 'object' && detection !== null && (detection as { source?: unknown }).source === 'declared');
}

export interface AlertFeedbackFact {
  incidentId: string;
  verdict: AlertVerdict;
  /** Detection time minus the first abnormal time, when known. */
  lagMs: number | null;
  at: number;
}

export interface ChannelCalibration {
  /** Share of the threshold added (> 0) or removed (< 0). */
  thresholdOffset: number;
  falseAlarms: number;
  lateCrises: number;
}

export const NO_CALIBRATION: ChannelCalibration = Object.freeze({ thresholdOffset: 0, falseAlarms: 0, lateCrises: 0 });

/** The calibration a channel's active alert feedback gives: the latest verdict per incident counts once. */
export function channelCalibration(facts: readonly AlertFeedbackFact[]): ChannelCalibration {
  const latest = new Map<string, AlertFeedbackFact>();
  for (const fact of facts) {
    const seen = latest.get(fact.incidentId);
    if (!seen || fact.at >= seen.at) latest.set(fact.incidentId, fact);
  }
  let falseAlarms = 0;
  let lateCrises = 0;
  for (const fact of latest.values()) {
    if (fact.verdict === 'false_alarm') falseAlarms++;
    else if (fact.lagMs !== null && fact.lagMs >= CALIBRATION.lateAfterMs) lateCrises++;
  }
  const raise = Math.min(CALIBRATION.maxRaise, falseAlarms * CALIBRATION.falseAlarmStep);
  const lower = Math.min(CALIBRATION.maxLower, lateCrises * CALIBRATION.lateCrisisStep);
  return { thresholdOffset: Math.round((raise - lower) * 1000) / 1000, falseAlarms, lateCrises };
}

/** The detector settings with the channel's calibration applied to its alert threshold. */
export function calibratedSettings(settings: DetectorSettings, calibration: ChannelCalibration): DetectorSettings {
  if (calibration.thresholdOffset === 0) return settings;
  return { ...settings, threshold: settings.threshold * (1 + calibration.thresholdOffset) };
}

/** What an alert's explanation says about feedback: the threshold moved, and whether that decided the alert. */
export interface FeedbackNote {
  falseAlarms: number;
  lateCrises: number;
  thresholdBefore: number;
  thresholdAfter: number;
  /** True when the alert would not have been raised without feedback (the threshold was lowered past it). */
  decided: boolean;
}

export function feedbackNote(base: DetectorSettings, calibration: ChannelCalibration, surprise: number | null): FeedbackNote | null {
  if (calibration.thresholdOffset === 0) return null;
  const after = calibratedSettings(base, calibration).threshold;
  return {
    falseAlarms: calibration.falseAlarms,
    lateCrises: calibration.lateCrises,
    thresholdBefore: Math.round(base.threshold * 100) / 100,
    thresholdAfter: Math.round(after * 100) / 100,
    decided: surprise !== null && after < base.threshold && surprise < base.threshold,
  };
}
