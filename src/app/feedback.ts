// Staff feedback use cases (#16): give, undo and explain feedback on alerts and messages; keep each
// workspace's learnt lexicon and each channel's calibration current, and serve them to the hot path
// as in-memory lookups.
import type { Clock } from '../domain/clock.js';
import {
  calibratedSettings,
  channelCalibration,
  countingVerdicts,
  detectorRaised,
  storedCorrection,
  feedbackNote,
  repeatsVerdict,
  subjectOfVerdict,
  verdictClaim,
  NO_CALIBRATION,
  type AlertVerdict,
  type ChannelCalibration,
  type FeedbackNote,
  type FeedbackSubject,
  type FeedbackTarget,
  type MessageVerdict,
} from '../domain/feedback/index.js';
import type { DetectorSettings } from '../domain/detection/settings.js';
import { sampleWasDeleted, type TimelineEvent } from '../domain/incidents/index.js';
import { correctionFeatures, correctionModel, learningSteps, NO_CORRECTIONS, type LearntCorrections } from '../domain/sentiment/corrections.js';
import type { CorrectionModel } from '../domain/sentiment/score.js';
import { FirebreakError } from '../errors.js';
import type { Logger } from '../logger.js';
import { outboxKeys } from './incidents.js';
import type { FeedbackRecord, FeedbackRepositories, FeedbackViews, IncidentRecord, Store } from './ports/index.js';

export type FeedbackRefusal = 'not_found' | 'already_undone' | 'not_watched' | 'no_text' | 'declared' | 'drill' | 'reason_too_long' | 'deleted';

/** As the modals' inputs allow: a forged submission cannot store more. */
export const FEEDBACK_REASON_MAX_LENGTH = 500;
const reasonTooLong = (reason: string | null | undefined) => (reason?.trim().length ?? 0) > FEEDBACK_REASON_MAX_LENGTH;

export type FeedbackOutcome = { ok: true; feedback: FeedbackRecord } | { ok: false; refusal: FeedbackRefusal };

/**
 * What Undo did: the verdict no longer counts (and `restored`, the same person's earlier verdict on the
 * subject still recorded, counts again), or it was refused; `replaced`: that person's later verdict on
 * the subject (`replacedBy`) had already taken its place, so there was nothing to undo.
 */
export type UndoOutcome =
  | { ok: true; feedback: FeedbackRecord; restored: FeedbackRecord | null }
  | { ok: false; refusal: FeedbackRefusal }
  | { ok: false; refusal: 'replaced'; feedback: FeedbackRecord; replacedBy: FeedbackRecord };

export type { FeedbackRecord };

export interface GiveFeedback {
  workspaceId: string;
  userId: string;
  channelId: string;
  incidentId?: string | null;
  messageTs?: string | null;
  text?: string | null;
  reason?: string | null;
  via: 'alert_button' | 'sample_button' | 'shortcut';
  verdict: { target: 'alert'; value: AlertVerdict } | { target: 'message'; value: MessageVerdict };
}

export interface FeedbackServiceOptions {
  store: Store<FeedbackRepositories>;
  clock: Clock;
  logger?: Logger;
  /** Feedback on an incident shows in its thread too, through the outbox like every other timeline line. */
  views?: FeedbackViews;
  /** Called after a transaction that wrote Slack writes (wakes the outbox worker). */
  onCommitted?: () => void;
}

/** Claims lost in a row before giving up: each loss means another verdict by the same person was recorded meanwhile. */
const MAX_CLAIM_ATTEMPTS = 5;

/** What the verdict is about, when it can be told apart from others (a message verdict names its message). */
function subjectOf(input: GiveFeedback): FeedbackSubject | null {
  const { workspaceId, userId } = input;
  if (input.verdict.target === 'alert') return input.incidentId ? { workspaceId, userId, target: 'alert', incidentId: input.incidentId } : null;
  return input.messageTs ? { workspaceId, userId, target: 'message', channelId: input.channelId, messageTs: input.messageTs } : null;
}

/** How often other instances' learning is picked up. */
const REFRESH_MS = 30_000;

export class FeedbackService {
  private readonly models = new Map<string, CorrectionModel>();
  private readonly calibrations = new Map<string, ChannelCalibration>();
  private refreshedAt = 0;
  private lastChange = 0;

  constructor(private readonly options: FeedbackServiceOptions) {}

  /**
   * Start-up: each stored calibration is derived again from the feedback as it counts today (verdicts
   * on incidents declared by hand once moved thresholds; they no longer do). Idempotent; a change is logged.
   */
  async recalibrate(): Promise<number> {
    let changed = 0;
    for (const { workspaceId, channelId } of await this.direct.feedback.calibratedChannels()) {
      const stored = await this.direct.feedback.loadCalibration(workspaceId, channelId);
      const derived = channelCalibration(await this.direct.feedback.activeAlertFacts(workspaceId, channelId));
      if (stored && stored.thresholdOffset === derived.thresholdOffset && stored.falseAlarms === derived.falseAlarms && stored.lateCrises === derived.lateCrises) continue;
      await this.direct.feedback.saveCalibration(workspaceId, channelId, derived);
      this.calibrations.set(`${workspaceId}/${channelId}`, derived);
      this.options.logger?.info({ workspaceId, channelId, from: stored, to: derived }, 'channel calibration derived again from its feedback');
      changed += 1;
    }
    return changed;
  }

  /** Loads every workspace's learnt lexicon (start-up) and then only what changed (periodically). */
  async refresh(): Promise<void> {
    const now = this.options.clock.now();
    for (const stored of await this.direct.feedback.lexiconsChangedSince(this.lastChange)) {
      // Learnt by an older learner: learnt again (which stores it, so this happens once).
      if (stored.outdated) await this.learnLexicon(stored.workspaceId, stored.frozen);
      else this.setModel(stored.workspaceId, stored.learnt);
      this.lastChange = Math.max(this.lastChange, stored.updatedAt);
    }
    this.calibrations.clear();
    this.refreshedAt = now;
  }

  /** The hot path's lookup: the workspace's correction model, or undefined when nothing was learnt. */
  correctionsFor(workspaceId: string): CorrectionModel | undefined {
    if (this.options.clock.now() - this.refreshedAt > REFRESH_MS) void this.refresh().catch((error: unknown) => this.options.logger?.warn({ err: error }, 'could not refresh learnt lexicons'));
    return this.models.get(workspaceId);
  }

  /** The channel's detector settings with its feedback calibration, and what to say about it in an alert. */
  async calibrate(workspaceId: string, channelId: string, settings: DetectorSettings): Promise<{ settings: DetectorSettings; note(surprise: number | null): FeedbackNote | null }> {
    const key = `${workspaceId}/${channelId}`;
    let calibration = this.calibrations.get(key);
    if (!calibration) {
      calibration = (await this.direct.feedback.loadCalibration(workspaceId, channelId)) ?? NO_CALIBRATION;
      this.calibrations.set(key, calibration);
    }
    const applied = calibration;
    return { settings: calibratedSettings(settings, applied), note: (surprise) => feedbackNote(settings, applied, surprise) };
  }

  /** The incident an alert's feedback buttons are about (null when unknown). */
  incident(incidentId: string): Promise<IncidentRecord | null> {
    return this.direct.incidents.load(incidentId);
  }

  /**
   * Whether a message's sentiment may be marked (the shortcut asks before opening its modal): only on a
   * watched channel, only a message with text. Who may give feedback at all is the adapter's check
   * (the people who operate Firebreak in the workspace, the same rule as every command).
   */
  async mayMarkMessage(mark: { workspaceId: string; channelId: string; ts: string; text: string }): Promise<FeedbackRefusal | null> {
    if (!(await this.direct.feedback.isChannelWatched(mark.workspaceId, mark.channelId))) return 'not_watched';
    if (await this.direct.feedback.messageDeleted(mark.workspaceId, mark.channelId, mark.ts)) return 'deleted';
    if (mark.text.trim() === '') return 'no_text';
    return null;
  }

  /** A message marked through the shortcut; on a channel with an open incident it shows on that incident's timeline. */
  async markMessage(mark: { workspaceId: string; channelId: string; userId: string; messageTs: string; text: string; reason: string | null; verdict: MessageVerdict }): Promise<FeedbackOutcome> {
    const incidentId = await this.direct.feedback.openIncidentOn(mark.workspaceId, mark.channelId);
    const { verdict, ...rest } = mark;
    return this.give({ ...rest, incidentId, via: 'shortcut', verdict: { target: 'message', value: verdict } });
  }

  async give(input: GiveFeedback): Promise<FeedbackOutcome> {
    const now = this.options.clock.now();
    // A message its author deleted: a Feedback row would keep the words they took back (an old copy of the
    // alert's button, a forged click, a shortcut's form left open while they deleted it).
    if (input.verdict.target === 'message' && (await this.deletedByAuthor(input))) {
      await this.audit(this.direct, input.userId, 'feedback_given', 'refused', input.incidentId ?? null, null, { refusal: 'deleted', verdict: input.verdict.value, channelId: input.channelId, ...(input.messageTs ? { messageTs: input.messageTs } : {}) });
      return { ok: false, refusal: 'deleted' };
    }
    if (input.verdict.target === 'message' && !input.text?.trim()) return { ok: false, refusal: 'no_text' };
    if (reasonTooLong(input.reason)) return { ok: false, refusal: 'reason_too_long' };
    // "Real crisis" / "False alarm" judge a detector's alert; an incident declared by hand had none (a
    // stale or forged click on one must not move the channel's threshold).
    // A drill's alert and samples are staged: nothing about them may teach detection or the lexicon
    // (its alert shows no feedback buttons; this refuses a stale or forged click).
    if (input.incidentId) {
      const incident = await this.direct.incidents.load(input.incidentId);
      const refusal = !incident ? null : incident.state.incident.drill ? 'drill' : input.verdict.target === 'alert' && !detectorRaised(incident.state.incident.detection) ? 'declared' : null;
      if (refusal) {
        await this.audit(this.direct, input.userId, 'feedback_given', 'refused', input.incidentId, null, { refusal, verdict: input.verdict.value, channelId: input.channelId });
        return { ok: false, refusal };
      }
    }
    const subject = subjectOf(input);
    const given = await this.options.store.transaction(async (tx) => {
      const repeated = subject ? await this.repeatedVerdict(tx, subject, input.verdict.value, now) : null;
      if (repeated) {
        await this.audit(tx, input.userId, 'feedback_given', 'repeated', repeated.incidentId, null, { feedbackId: repeated.id, target: repeated.target, verdict: repeated.verdict, channelId: repeated.channelId, via: input.via });
        return { record: repeated, repeated: true };
      }
      const record = await tx.feedback.insert({
        workspaceId: input.workspaceId,
        target: input.verdict.target,
        verdict: input.verdict.value,
        channelId: input.channelId,
        incidentId: input.incidentId ?? null,
        messageTs: input.messageTs ?? null,
        text: input.text ?? null,
        features: null,
        userId: input.userId,
        reason: input.reason?.trim() ? input.reason.trim() : null,
        via: input.via,
        at: now,
      });
      await this.audit(tx, input.userId, 'feedback_given', 'accepted', record.incidentId, null, { feedbackId: record.id, target: record.target, verdict: record.verdict, channelId: record.channelId, via: record.via });
      await this.onTimeline(tx, record, 'feedback_given', input.userId, now);
      return { record, repeated: false };
    });
    const feedback = given.record;
    // A repeat changes nothing: no thread line to send, nothing to learn again.
    if (given.repeated) return { ok: true, feedback };
    if (feedback.incidentId) this.options.onCommitted?.();
    await this.relearn(feedback.target, feedback.workspaceId, feedback.channelId);
    return { ok: true, feedback };
  }

  /** Whether the message feedback names was deleted by its author: in the store, or as the incident quotes it. */
  private async deletedByAuthor(input: GiveFeedback): Promise<boolean> {
    if (!input.messageTs) return false;
    if (await this.direct.feedback.messageDeleted(input.workspaceId, input.channelId, input.messageTs)) return true;
    if (!input.incidentId) return false;
    const incident = await this.direct.incidents.load(input.incidentId);
    return incident !== null && sampleWasDeleted(incident.state.incident.detection, input.messageTs);
  }

  /**
   * The person's verdict still counting that this one repeats, or null once this one has claimed its
   * place after their latest (read in `tx`). A verdict given at the same moment by the same person
   * claims the same place: the loser reads again, and finds the winner's verdict.
   */
  private async repeatedVerdict(tx: FeedbackRepositories, subject: FeedbackSubject, verdict: string, now: number): Promise<FeedbackRecord | null> {
    for (let attempt = 1; attempt <= MAX_CLAIM_ATTEMPTS; attempt += 1) {
      const latest = await tx.feedback.latestOnSubject(subject);
      if (repeatsVerdict(latest, verdict)) return latest;
      if (await tx.processedEvents.recordOnce(verdictClaim(subject, latest), now)) return null;
    }
    throw new FirebreakError('conflict', 'Feedback on this changed several times while it was being recorded; try again.');
  }

  /**
   * A member deleted a message staff gave feedback on: each row keeps only what the learner needs of its
   * words (`features`, as retention leaves it, so what was learnt and undo stay exact), and the timeline
   * lines about it lose their excerpt, in the incident's record and in its thread (edited in place, once:
   * run again, it finds nothing left to erase). Returns how many rows it found.
   */
  async messageDeleted(deletion: { workspaceId: string; channelId: string; messageTs: string }): Promise<number> {
    const rows = await this.direct.feedback.onMessage(deletion.workspaceId, deletion.channelId, deletion.messageTs);
    if (rows.length === 0) return 0;
    let edited = false;
    await this.options.store.transaction(async (tx) => {
      for (const row of rows) {
        if (row.text !== null) await tx.feedback.eraseText(row.id, row.target === 'message' ? correctionFeatures(row.text) : null);
        if (!row.incidentId) continue;
        await tx.feedback.lockIncidentTimeline(row.incidentId);
        for (const event of await tx.feedback.eraseExcerpts(row.incidentId, row.id)) {
          await this.announce(tx, event, `feedback:${row.id}:${event.kind}:excerpt_erased`, `feedback:${row.id}:${event.kind}`);
          edited = true;
        }
      }
    });
    if (edited) this.options.onCommitted?.();
    return rows.length;
  }

  /**
   * Undoes feedback (anyone who operates Firebreak may undo, as anyone may untick a step); what it taught is
   * unlearnt. Only the verdict that counts can be undone: one its author already replaced by a later verdict
   * on the same subject is refused (audited, nothing posted or learnt). Undoing the one that counts lets the
   * author's earlier verdict still recorded count again, and the confirmation and thread line say so.
   * `workspaceId`: the workspace the click came from (another workspace's feedback is not found).
   */
  async undo(feedbackId: string, userId: string, workspaceId?: string): Promise<UndoOutcome> {
    const now = this.options.clock.now();
    const existing = await this.direct.feedback.find(feedbackId);
    if (!existing || (workspaceId !== undefined && existing.workspaceId !== workspaceId)) return { ok: false, refusal: 'not_found' };
    const subject = subjectOfVerdict(existing);
    const undone = await this.options.store.transaction(async (tx): Promise<UndoOutcome> => {
      const counting = subject ? await tx.feedback.activeOnSubject(subject) : [];
      const latest = counting[0];
      if (latest && latest.id !== feedbackId && counting.some((row) => row.id === feedbackId)) {
        await this.audit(tx, userId, 'feedback_undone', 'refused', existing.incidentId, null, { refusal: 'replaced', feedbackId, target: existing.target, verdict: existing.verdict, channelId: existing.channelId, replacedBy: latest.id, laterVerdict: latest.verdict });
        return { ok: false, refusal: 'replaced', feedback: existing, replacedBy: latest };
      }
      if (!(await tx.feedback.markUndone(feedbackId, userId, now))) return { ok: false, refusal: 'already_undone' };
      const restored = counting.find((row) => row.id !== feedbackId) ?? null;
      const restoring: Record<string, string> = restored ? { restoredFeedbackId: restored.id, restoredVerdict: restored.verdict, restoredUserId: restored.userId } : {};
      await this.audit(tx, userId, 'feedback_undone', 'accepted', existing.incidentId, null, { feedbackId, target: existing.target, verdict: existing.verdict, channelId: existing.channelId, ...restoring });
      await this.onTimeline(tx, existing, 'feedback_undone', userId, now, restoring);
      return { ok: true, feedback: { ...existing, undoneAt: now, undoneBy: userId }, restored };
    });
    if (!undone.ok) return undone;
    if (existing.incidentId) this.options.onCommitted?.();
    await this.relearn(existing.target, existing.workspaceId, existing.channelId);
    return undone;
  }

  async addReason(feedbackId: string, userId: string, reason: string): Promise<FeedbackOutcome> {
    const existing = await this.direct.feedback.find(feedbackId);
    if (!existing) return { ok: false, refusal: 'not_found' };
    if (reasonTooLong(reason)) return { ok: false, refusal: 'reason_too_long' };
    // A reason explains a verdict that counts: an undone one (the confirmation keeps its buttons) is refused.
    const added = await this.options.store.transaction(async (tx) => {
      const current = await tx.feedback.find(feedbackId);
      if (current && current.undoneAt !== null) return false;
      await tx.feedback.setReason(feedbackId, reason.trim());
      await this.audit(tx, userId, 'feedback_reason', 'accepted', existing.incidentId, reason.trim(), { feedbackId });
      return true;
    });
    if (!added) return { ok: false, refusal: 'already_undone' };
    return { ok: true, feedback: { ...existing, reason: reason.trim() } };
  }

  /** Workspaces recorded so far, by Slack team id (`firebreak lexicon` picks one). */
  workspaces(): Promise<{ id: string; teamId: string }[]> {
    return this.direct.feedback.workspaces();
  }

  /** What a workspace has learnt, with the evidence for each word (`firebreak lexicon show`). */
  async lexicon(workspaceId: string): Promise<{ learnt: LearntCorrections; frozen: string[] }> {
    const stored = await this.direct.feedback.loadLexicon(workspaceId);
    return stored ? { learnt: stored.learnt, frozen: stored.frozen } : { learnt: NO_CORRECTIONS, frozen: [] };
  }

  /**
   * `firebreak lexicon reset [term]`: one word is never learnt again (until a full reset); with no
   * word, every message correction of the workspace is undone (audited, not deleted) and learning starts over.
   */
  async resetLexicon(workspaceId: string, actor: string, term?: string): Promise<{ learnt: LearntCorrections; frozen: string[]; undone: number }> {
    const { store, clock } = this.options;
    let undone = 0;
    let frozen: string[];
    if (term === undefined) {
      undone = await store.transaction(async (tx) => {
        const count = await tx.feedback.undoAllMessageFeedback(workspaceId, actor, clock.now());
        await this.audit(tx, actor, 'lexicon_reset', 'accepted', null, null, { workspaceId, undone: count });
        return count;
      });
      frozen = [];
    } else {
      const current = await store.direct.feedback.loadLexicon(workspaceId);
      frozen = [...new Set([...(current?.frozen ?? []), term])].sort();
      await this.audit(store.direct, actor, 'lexicon_reset', 'accepted', null, term, { workspaceId, term });
    }
    const learnt = await this.learnLexicon(workspaceId, frozen);
    return { learnt, frozen, undone };
  }

  private async relearn(target: FeedbackTarget, workspaceId: string, channelId: string): Promise<void> {
    if (target === 'message') {
      const current = await this.direct.feedback.loadLexicon(workspaceId);
      await this.learnLexicon(workspaceId, current?.frozen ?? []);
    } else {
      const calibration = channelCalibration(await this.direct.feedback.activeAlertFacts(workspaceId, channelId));
      await this.direct.feedback.saveCalibration(workspaceId, channelId, calibration);
      this.calibrations.set(`${workspaceId}/${channelId}`, calibration);
    }
  }

  /**
   * Learns again from all active corrections: undoing one is learning without it. One workspace learns
   * once at a time (each run reads the corrections as they are when it starts, so the last one wins
   * with all of them).
   */
  private learnLexicon(workspaceId: string, frozen: readonly string[]): Promise<LearntCorrections> {
    const previous = this.learning.get(workspaceId) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(async () => {
      // Each person's latest verdict on a message counts: one they replaced teaches nothing.
      const feedback = countingVerdicts(await this.direct.feedback.activeMessageFeedback(workspaceId));
      const corrections = feedback.map(storedCorrection).filter((correction) => correction !== null);
      const learnt = await inSlices(learningSteps(corrections, { frozen: new Set(frozen) }));
      await this.direct.feedback.saveLexicon(workspaceId, learnt, frozen);
      this.setModel(workspaceId, learnt);
      return learnt;
    });
    this.learning.set(workspaceId, run);
    void run.finally(() => {
      if (this.learning.get(workspaceId) === run) this.learning.delete(workspaceId);
    }).catch(() => undefined);
    return run;
  }

  private readonly learning = new Map<string, Promise<LearntCorrections>>();

  private setModel(workspaceId: string, learnt: LearntCorrections): void {
    if (learnt.corrections === 0) this.models.delete(workspaceId);
    else this.models.set(workspaceId, correctionModel(learnt));
  }

  private async onTimeline(tx: FeedbackRepositories, record: FeedbackRecord, kind: 'feedback_given' | 'feedback_undone', actor: string, at: number, extra: Record<string, string> = {}): Promise<void> {
    if (!record.incidentId) return;
    await tx.feedback.lockIncidentTimeline(record.incidentId);
    const event: TimelineEvent = {
      incidentId: record.incidentId,
      at,
      kind,
      actorUserId: actor,
      text: record.reason,
      data: { feedbackId: record.id, target: record.target, verdict: record.verdict, ...(record.messageTs ? { messageTs: record.messageTs } : {}), ...(record.text ? { excerpt: record.text.slice(0, 200) } : {}), ...extra },
    };
    await tx.incidents.appendTimeline([event]);
    await this.announce(tx, event, `feedback:${record.id}:${kind}`);
  }

  /** The timeline line in the incident's thread, in the incident's language (`edits`: the line posted under that key, edited in place). */
  private async announce(tx: FeedbackRepositories, event: TimelineEvent, key: string, edits?: string): Promise<void> {
    const { views } = this.options;
    if (!views) return;
    const incident = await tx.incidents.load(event.incidentId);
    if (!incident) return;
    const { alertChannelId } = incident;
    const message = views.threadEvent(event, incident.state.incident.locale === 'es' ? 'es' : 'en');
    const where = edits ? { method: 'chat.update' as const, messageOf: edits } : { method: 'chat.postMessage' as const, threadOf: outboxKeys.root(event.incidentId) };
    // The line's post, kept until pruned (and sent as it is now when not sent yet), keeps no words the edit takes out.
    if (edits) await tx.outbox.rewriteCopies(edits, message);
    await tx.outbox.enqueue({ key, ...where, payload: { channel: alertChannelId, ...message }, incidentId: event.incidentId, now: this.options.clock.now() });
  }

  private async audit(db: FeedbackRepositories, userId: string, action: string, outcome: 'accepted' | 'refused' | 'repeated', incidentId: string | null, text: string | null, data: Record<string, unknown>): Promise<void> {
    await db.audit.record({ at: this.options.clock.now(), userId, action, outcome, incidentId, text, data });
  }

  private get direct(): FeedbackRepositories {
    return this.options.store.direct;
  }
}

/** Learning from 1,000 corrections takes about a second: the event loop gets a turn every few ms. */
const LEARNING_SLICE_MS = 8;

async function inSlices<T>(steps: Generator<void, T>): Promise<T> {
  let sliceStart = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - sliceStart < LEARNING_SLICE_MS) continue;
    await new Promise<void>((resolve) => setImmediate(resolve));
    sliceStart = performance.now();
  }
}
