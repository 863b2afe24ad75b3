// Staff feedback use cases (#16): give, undo and explain feedback on alerts and messages; keep each
// workspace's learnt lexicon and each channel's calibration current, and serve them to the hot path
// as in-memory lookups.
import type { Clock } from '../domain/clock.js';
import {
  calibratedSettings,
  channelCalibration,
  correctionOf,
  feedbackNote,
  NO_CALIBRATION,
  type AlertVerdict,
  type ChannelCalibration,
  type FeedbackNote,
  type FeedbackTarget,
  type MessageVerdict,
} from '../domain/feedback/index.js';
import type { DetectorSettings } from '../domain/detection/settings.js';
import type { TimelineEvent } from '../domain/incidents/index.js';
import { correctionModel, learnCorrections, NO_CORRECTIONS, type LearntCorrections } from '../domain/sentiment/corrections.js';
import type { CorrectionModel } from '../domain/sentiment/score.js';
import type { Logger } from '../logger.js';
import type { PrismaDb } from '../store/database.js';
import type { Db } from '../store/repositories/events.js';
import {
  activeAlertFacts,
  activeMessageFeedback,
  findFeedback,
  insertFeedback,
  lexiconsChangedSince,
  loadCalibration,
  loadLexicon,
  markUndone,
  saveCalibration,
  saveLexicon,
  setReason,
  undoAllMessageFeedback,
  type FeedbackRecord,
} from '../store/repositories/feedback.js';
import { appendTimeline } from '../store/repositories/incidents.js';

export type FeedbackRefusal = 'not_staff' | 'not_found' | 'already_undone' | 'not_watched' | 'no_text';

export type FeedbackOutcome = { ok: true; feedback: FeedbackRecord } | { ok: false; refusal: FeedbackRefusal };

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
  prisma: PrismaDb;
  clock: Clock;
  logger?: Logger;
  /** Only staff (people named in playbooks' roles) may give feedback. */
  isStaff(userId: string): Promise<boolean>;
  /** Posts a timeline event in the incident's thread (inside the transaction, through the outbox). */
  announce?(tx: Db, event: TimelineEvent, key: string): Promise<void>;
}

/** How often other instances' learning is picked up. */
const REFRESH_MS = 30_000;

export class FeedbackService {
  private readonly models = new Map<string, CorrectionModel>();
  private readonly calibrations = new Map<string, ChannelCalibration>();
  private refreshedAt = 0;
  private lastChange = 0;

  constructor(private readonly options: FeedbackServiceOptions) {}

  /** Loads every workspace's learnt lexicon (start-up) and then only what changed (periodically). */
  async refresh(): Promise<void> {
    const now = this.options.clock.now();
    for (const stored of await lexiconsChangedSince(this.options.prisma, this.lastChange)) {
      this.setModel(stored.workspaceId, stored.learnt);
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
      calibration = (await loadCalibration(this.options.prisma, workspaceId, channelId)) ?? NO_CALIBRATION;
      this.calibrations.set(key, calibration);
    }
    const applied = calibration;
    return { settings: calibratedSettings(settings, applied), note: (surprise) => feedbackNote(settings, applied, surprise) };
  }

  /** Whether someone may give feedback at all (the shortcut asks before opening its modal); a refusal is audited. */
  async mayGiveFeedback(userId: string, context: Record<string, string>): Promise<boolean> {
    if (await this.options.isStaff(userId)) return true;
    await this.audit(this.options.prisma, userId, 'feedback_given', 'refused', null, null, { refusal: 'not_staff', ...context });
    return false;
  }

  async give(input: GiveFeedback): Promise<FeedbackOutcome> {
    const { prisma, clock } = this.options;
    const now = clock.now();
    if (!(await this.options.isStaff(input.userId))) {
      await this.audit(prisma, input.userId, 'feedback_given', 'refused', input.incidentId ?? null, input.text ?? null, { refusal: 'not_staff', verdict: input.verdict.value, channelId: input.channelId });
      return { ok: false, refusal: 'not_staff' };
    }
    if (input.verdict.target === 'message' && !input.text?.trim()) return { ok: false, refusal: 'no_text' };
    const feedback = await prisma.$transaction(async (tx) => {
      const record = await insertFeedback(tx, {
        workspaceId: input.workspaceId,
        target: input.verdict.target,
        verdict: input.verdict.value,
        channelId: input.channelId,
        incidentId: input.incidentId ?? null,
        messageTs: input.messageTs ?? null,
        text: input.text ?? null,
        userId: input.userId,
        reason: input.reason?.trim() ? input.reason.trim() : null,
        via: input.via,
        at: now,
      });
      await this.audit(tx, input.userId, 'feedback_given', 'accepted', record.incidentId, record.text, { feedbackId: record.id, target: record.target, verdict: record.verdict, channelId: record.channelId, via: record.via });
      await this.onTimeline(tx, record, 'feedback_given', input.userId, now);
      return record;
    });
    await this.relearn(feedback.target, feedback.workspaceId, feedback.channelId);
    return { ok: true, feedback };
  }

  /** Undoes feedback (anyone on staff may undo, as anyone may untick a step); what it taught is unlearnt. */
  async undo(feedbackId: string, userId: string): Promise<FeedbackOutcome> {
    const { prisma, clock } = this.options;
    const now = clock.now();
    const existing = await findFeedback(prisma, feedbackId);
    if (!existing) return { ok: false, refusal: 'not_found' };
    if (!(await this.options.isStaff(userId))) {
      await this.audit(prisma, userId, 'feedback_undone', 'refused', existing.incidentId, null, { refusal: 'not_staff', feedbackId });
      return { ok: false, refusal: 'not_staff' };
    }
    const undone = await prisma.$transaction(async (tx) => {
      if (!(await markUndone(tx, feedbackId, userId, now))) return false;
      await this.audit(tx, userId, 'feedback_undone', 'accepted', existing.incidentId, existing.text, { feedbackId, target: existing.target, verdict: existing.verdict, channelId: existing.channelId });
      await this.onTimeline(tx, existing, 'feedback_undone', userId, now);
      return true;
    });
    if (!undone) return { ok: false, refusal: 'already_undone' };
    await this.relearn(existing.target, existing.workspaceId, existing.channelId);
    return { ok: true, feedback: { ...existing, undoneAt: now, undoneBy: userId } };
  }

  async addReason(feedbackId: string, userId: string, reason: string): Promise<FeedbackOutcome> {
    const existing = await findFeedback(this.options.prisma, feedbackId);
    if (!existing) return { ok: false, refusal: 'not_found' };
    if (!(await this.options.isStaff(userId))) return { ok: false, refusal: 'not_staff' };
    await this.options.prisma.$transaction(async (tx) => {
      await setReason(tx, feedbackId, reason.trim());
      await this.audit(tx, userId, 'feedback_reason', 'accepted', existing.incidentId, reason.trim(), { feedbackId });
    });
    return { ok: true, feedback: { ...existing, reason: reason.trim() } };
  }

  /** What a workspace has learnt, with the evidence for each word (`firebreak lexicon show`). */
  async lexicon(workspaceId: string): Promise<{ learnt: LearntCorrections; frozen: string[] }> {
    const stored = await loadLexicon(this.options.prisma, workspaceId);
    return stored ? { learnt: stored.learnt, frozen: stored.frozen } : { learnt: NO_CORRECTIONS, frozen: [] };
  }

  /**
   * `firebreak lexicon reset [term]`: one word is never learnt again (until a full reset); with no
   * word, every message correction of the workspace is undone (audited, not deleted) and learning starts over.
   */
  async resetLexicon(workspaceId: string, actor: string, term?: string): Promise<{ learnt: LearntCorrections; frozen: string[]; undone: number }> {
    const { prisma, clock } = this.options;
    let undone = 0;
    let frozen: string[];
    if (term === undefined) {
      undone = await prisma.$transaction(async (tx) => {
        const count = await undoAllMessageFeedback(tx, workspaceId, actor, clock.now());
        await this.audit(tx, actor, 'lexicon_reset', 'accepted', null, null, { workspaceId, undone: count });
        return count;
      });
      frozen = [];
    } else {
      const current = await loadLexicon(prisma, workspaceId);
      frozen = [...new Set([...(current?.frozen ?? []), term])].sort();
      await this.audit(prisma, actor, 'lexicon_reset', 'accepted', null, term, { workspaceId, term });
    }
    const learnt = await this.learnLexicon(workspaceId, frozen);
    return { learnt, frozen, undone };
  }

  private async relearn(target: FeedbackTarget, workspaceId: string, channelId: string): Promise<void> {
    if (target === 'message') {
      const current = await loadLexicon(this.options.prisma, workspaceId);
      await this.learnLexicon(workspaceId, current?.frozen ?? []);
    } else {
      const calibration = channelCalibration(await activeAlertFacts(this.options.prisma, workspaceId, channelId));
      await saveCalibration(this.options.prisma, workspaceId, channelId, calibration);
      this.calibrations.set(`${workspaceId}/${channelId}`, calibration);
    }
  }

  /** Learns again from all active corrections: undoing one is learning without it. */
  private async learnLexicon(workspaceId: string, frozen: readonly string[]): Promise<LearntCorrections> {
    const feedback = await activeMessageFeedback(this.options.prisma, workspaceId);
    const corrections = feedback.filter((row) => row.text).map((row) => correctionOf(row.verdict as MessageVerdict, row.text as string));
    const learnt = learnCorrections(corrections, { frozen: new Set(frozen) });
    await saveLexicon(this.options.prisma, workspaceId, learnt, frozen);
    this.setModel(workspaceId, learnt);
    return learnt;
  }

  private setModel(workspaceId: string, learnt: LearntCorrections): void {
    if (learnt.corrections === 0) this.models.delete(workspaceId);
    else this.models.set(workspaceId, correctionModel(learnt));
  }

  private async onTimeline(tx: Db, record: FeedbackRecord, kind: 'feedback_given' | 'feedback_undone', actor: string, at: number): Promise<void> {
    if (!record.incidentId) return;
    // Taking the incident's version first orders this with concurrent decisions and feedback on the
    // same incident (a row lock on PostgreSQL; a concurrent decision sees the version move and retries),
    // so timeline sequence numbers never collide.
    await tx.incident.update({ where: { id: record.incidentId }, data: { version: { increment: 1 } } });
    const event: TimelineEvent = {
      incidentId: record.incidentId,
      at,
      kind,
      actorUserId: actor,
      text: record.reason,
      data: { feedbackId: record.id, target: record.target, verdict: record.verdict, ...(record.messageTs ? { messageTs: record.messageTs } : {}), ...(record.text ? { excerpt: record.text.slice(0, 200) } : {}) },
    };
    await appendTimeline(tx, [event]);
    await this.options.announce?.(tx, event, `feedback:${record.id}:${kind}`);
  }

  private async audit(db: Db, userId: string, action: string, outcome: 'accepted' | 'refused', incidentId: string | null, text: string | null, data: Record<string, unknown>): Promise<void> {
    await db.auditLog.create({ data: { at: new Date(this.options.clock.now()), userId, action, outcome, incidentId, text, data: data as object } });
  }
}
