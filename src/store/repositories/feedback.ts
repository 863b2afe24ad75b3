// Staff feedback rows, each workspace's learnt lexicon and each channel's detection calibration (#16).
import type { FeedbackRecord, NewFeedback, StoredLexicon } from '../../app/ports/index.js';
import { detectorRaised, type AlertFeedbackFact, type AlertVerdict, type ChannelCalibration, type FeedbackSubject, type FeedbackTarget } from '../../domain/feedback/index.js';
import { NO_CORRECTIONS, SHIPPED_CLASSES, type ClassModel, type CorrectionFeatures, type CrossValidationRow, type LearntCorrections, type LearntTerm } from '../../domain/sentiment/corrections.js';
import type { JsonObject, TimelineEvent } from '../../domain/incidents/index.js';
import type { Db } from '../db.js';

type Row = Awaited<ReturnType<Db['feedback']['findUniqueOrThrow']>>;

function recordOf(row: Row): FeedbackRecord {
  return {
    id: row.id,
    workspaceId: row.workspaceId,
    target: row.target as FeedbackTarget,
    verdict: row.verdict,
    channelId: row.channelId,
    incidentId: row.incidentId,
    messageTs: row.messageTs,
    text: row.text,
    features: (row.features as unknown as CorrectionFeatures | null) ?? null,
    userId: row.userId,
    reason: row.reason,
    via: row.via,
    at: row.at.getTime(),
    undoneAt: row.undoneAt?.getTime() ?? null,
    undoneBy: row.undoneBy,
  };
}

export async function insertFeedback(db: Db, feedback: NewFeedback): Promise<FeedbackRecord> {
  const { at, features, ...rest } = feedback;
  return recordOf(await db.feedback.create({ data: { ...rest, ...(features ? { features: features as unknown as object } : {}), at: new Date(at) } }));
}

export async function findFeedback(db: Db, id: string): Promise<FeedbackRecord | null> {
  const row = await db.feedback.findUnique({ where: { id } });
  return row ? recordOf(row) : null;
}

/** One person's verdicts on one subject (an incident's alert, or a message), newest first. */
function onSubject(subject: FeedbackSubject) {
  const about = subject.target === 'alert' ? { incidentId: subject.incidentId } : { channelId: subject.channelId, messageTs: subject.messageTs };
  return { where: { workspaceId: subject.workspaceId, userId: subject.userId, target: subject.target, ...about }, orderBy: [{ at: 'desc' as const }, { id: 'desc' as const }] };
}

export async function latestOnSubject(db: Db, subject: FeedbackSubject): Promise<FeedbackRecord | null> {
  const row = await db.feedback.findFirst(onSubject(subject));
  return row ? recordOf(row) : null;
}

export async function activeOnSubject(db: Db, subject: FeedbackSubject): Promise<FeedbackRecord[]> {
  const { where, orderBy } = onSubject(subject);
  const rows = await db.feedback.findMany({ where: { ...where, undoneAt: null }, orderBy });
  return rows.map(recordOf);
}

/** Marks feedback undone; false when it already was (another click or instance got there first). */
export async function markUndone(db: Db, id: string, userId: string, at: number): Promise<boolean> {
  const { count } = await db.feedback.updateMany({ where: { id, undoneAt: null }, data: { undoneAt: new Date(at), undoneBy: userId } });
  return count === 1;
}

export async function feedbackTextsBefore(db: Db, before: number, limit: number): Promise<{ id: string; target: string; text: string }[]> {
  const rows = await db.feedback.findMany({ where: { at: { lt: new Date(before) }, text: { not: null } }, orderBy: [{ at: 'asc' }, { id: 'asc' }], take: limit, select: { id: true, target: true, text: true } });
  return rows.map((row) => ({ id: row.id, target: row.target, text: row.text as string }));
}

export async function eraseFeedbackText(db: Db, id: string, features: CorrectionFeatures | null): Promise<void> {
  await db.feedback.update({ where: { id }, data: { text: null, ...(features ? { features: features as unknown as object } : {}) } });
}

/** Audit actions whose text quoted the community message feedback was about. */
const FEEDBACK_AUDIT_ACTIONS = ['feedback_given', 'feedback_undone'];

export async function eraseFeedbackAuditTexts(db: Db, before: number): Promise<number> {
  const { count } = await db.auditLog.updateMany({ where: { action: { in: FEEDBACK_AUDIT_ACTIONS }, at: { lt: new Date(before) }, text: { not: null } }, data: { text: null } });
  return count;
}

export async function setReason(db: Db, id: string, reason: string): Promise<void> {
  await db.feedback.update({ where: { id }, data: { reason } });
}

/** Active message feedback of a workspace, oldest first: what the sentiment learner learns from. */
export async function activeMessageFeedback(db: Db, workspaceId: string): Promise<FeedbackRecord[]> {
  const rows = await db.feedback.findMany({ where: { workspaceId, target: 'message', undoneAt: null }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });
  return rows.map(recordOf);
}

/** Undoes every active message feedback of a workspace (lexicon reset); returns how many. */
export async function undoAllMessageFeedback(db: Db, workspaceId: string, userId: string, at: number): Promise<number> {
  const { count } = await db.feedback.updateMany({ where: { workspaceId, target: 'message', undoneAt: null }, data: { undoneAt: new Date(at), undoneBy: userId } });
  return count;
}

/** Active alert feedback on a channel, with each incident's detection lag. */
export async function activeAlertFacts(db: Db, workspaceId: string, channelId: string): Promise<AlertFeedbackFact[]> {
  const rows = await db.feedback.findMany({ where: { workspaceId, channelId, target: 'alert', undoneAt: null }, orderBy: { at: 'asc' } });
  const incidentIds = [...new Set(rows.map((row) => row.incidentId).filter((id): id is string => id !== null))];
  const incidents = await db.incident.findMany({ where: { id: { in: incidentIds } }, select: { id: true, detectedAt: true, firstAbnormalAt: true, detection: true, drill: true } });
  const lag = new Map(incidents.map((incident) => [incident.id, incident.firstAbnormalAt ? incident.detectedAt.getTime() - incident.firstAbnormalAt.getTime() : null]));
  // Verdicts on incidents declared by hand judge no detector alert: rows given before the buttons were
  // withdrawn from them (and refused since) stay stored and audited, but never move the threshold.
  // Drills' alerts are staged: a verdict on one (only a forged click gives one) never counts either.
  const declared = new Set(incidents.filter((incident) => incident.drill || !detectorRaised(incident.detection)).map((incident) => incident.id));
  return rows
    .filter((row) => row.incidentId !== null && !declared.has(row.incidentId))
    .map((row) => ({ incidentId: row.incidentId as string, verdict: row.verdict as AlertVerdict, lagMs: lag.get(row.incidentId as string) ?? null, at: row.at.getTime() }));
}

export async function saveLexicon(db: Db, workspaceId: string, learnt: LearntCorrections, frozen: readonly string[]): Promise<void> {
  const data = {
    corrections: learnt.corrections,
    regularisation: learnt.regularisation,
    classPrior: learnt.classPrior,
    classes: learnt.classes as unknown as object,
    crossValidation: learnt.crossValidation as unknown as object,
    terms: learnt.terms as unknown as object,
    frozen: [...frozen],
  };
  await db.learntLexicon.upsert({ where: { workspaceId }, create: { workspaceId, ...data }, update: data });
}

type LexiconRow = Awaited<ReturnType<Db['learntLexicon']['findUniqueOrThrow']>>;

function lexiconOf(row: LexiconRow): StoredLexicon {
  // A lexicon stored before class boundaries were learnt has none: the shipped lexicon until it is learnt again.
  const outdated = row.classes === null && row.corrections > 0;
  return {
    workspaceId: row.workspaceId,
    learnt: outdated
      ? { ...NO_CORRECTIONS, corrections: row.corrections }
      : {
          corrections: row.corrections,
          regularisation: row.regularisation,
          classPrior: row.classPrior,
          classes: (row.classes as unknown as ClassModel | null) ?? SHIPPED_CLASSES,
          crossValidation: (row.crossValidation as unknown as CrossValidationRow[] | null) ?? [],
          terms: row.terms as unknown as LearntTerm[],
        },
    frozen: (row.frozen as unknown as string[] | null) ?? [],
    updatedAt: row.updatedAt.getTime(),
    outdated,
  };
}

export async function loadLexicon(db: Db, workspaceId: string): Promise<StoredLexicon | null> {
  const row = await db.learntLexicon.findUnique({ where: { workspaceId } });
  return row ? lexiconOf(row) : null;
}

/** Lexicons changed since `since` (all when 0): other instances' learning reaches this one. */
export async function lexiconsChangedSince(db: Db, since: number): Promise<StoredLexicon[]> {
  const rows = await db.learntLexicon.findMany({ where: { updatedAt: { gt: new Date(since) } } });
  return rows.map(lexiconOf);
}

export async function saveCalibration(db: Db, workspaceId: string, channelId: string, calibration: ChannelCalibration): Promise<void> {
  const data = { thresholdOffset: calibration.thresholdOffset, falseAlarms: calibration.falseAlarms, lateCrises: calibration.lateCrises };
  await db.channelCalibration.upsert({ where: { workspaceId_channelId: { workspaceId, channelId } }, create: { workspaceId, channelId, ...data }, update: data });
}

export async function loadCalibration(db: Db, workspaceId: string, channelId: string): Promise<ChannelCalibration | null> {
  const row = await db.channelCalibration.findUnique({ where: { workspaceId_channelId: { workspaceId, channelId } } });
  return row ? { thresholdOffset: row.thresholdOffset, falseAlarms: row.falseAlarms, lateCrises: row.lateCrises } : null;
}

export function calibratedChannels(db: Db): Promise<{ workspaceId: string; channelId: string }[]> {
  return db.channelCalibration.findMany({ select: { workspaceId: true, channelId: true }, orderBy: [{ workspaceId: 'asc' }, { channelId: 'asc' }] });
}

export async function isChannelWatched(db: Db, workspaceId: string, channelId: string): Promise<boolean> {
  const row = await db.watchedChannel.findUnique({ where: { workspaceId_channelId: { workspaceId, channelId } }, select: { active: true } });
  return row?.active ?? false;
}

export async function feedbackOnMessage(db: Db, workspaceId: string, channelId: string, ts: string): Promise<FeedbackRecord[]> {
  const rows = await db.feedback.findMany({ where: { workspaceId, channelId, messageTs: ts }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });
  return rows.map(recordOf);
}

const FEEDBACK_EVENT_KINDS = ['feedback_given', 'feedback_undone'];

export async function eraseFeedbackExcerpts(db: Db, incidentId: string, feedbackId: string): Promise<TimelineEvent[]> {
  const rows = await db.timelineEvent.findMany({ where: { incidentId, kind: { in: FEEDBACK_EVENT_KINDS } }, orderBy: { sequence: 'asc' } });
  const erased: TimelineEvent[] = [];
  for (const row of rows) {
    const data = (row.data ?? {}) as JsonObject;
    if (data['feedbackId'] !== feedbackId || !('excerpt' in data)) continue;
    const { excerpt: _erased, ...kept } = data;
    await db.timelineEvent.update({ where: { id: row.id }, data: { data: kept } });
    erased.push({ incidentId, at: row.at.getTime(), kind: row.kind as TimelineEvent['kind'], actorUserId: row.actorUserId, text: row.text, data: kept });
  }
  return erased;
}

export async function messageDeleted(db: Db, workspaceId: string, channelId: string, ts: string): Promise<boolean> {
  const row = await db.scoredMessage.findFirst({ where: { ts, channel: { workspaceId, channelId } }, select: { deletedAt: true } });
  return row?.deletedAt != null;
}

export async function openIncidentOn(db: Db, workspaceId: string, channelId: string): Promise<string | null> {
  const row = await db.incident.findFirst({ where: { workspaceId, channelId, status: { not: 'resolved' }, drill: false }, orderBy: { openedAt: 'desc' }, select: { id: true } });
  return row?.id ?? null;
}

export async function lockIncidentTimeline(db: Db, incidentId: string): Promise<void> {
  await db.incident.update({ where: { id: incidentId }, data: { version: { increment: 1 } } });
}

export function workspaces(db: Db): Promise<{ id: string; teamId: string }[]> {
  return db.workspace.findMany({ select: { id: true, teamId: true }, orderBy: { teamId: 'asc' } });
}
