// Post-mortem use cases: carry out the domain's post-mortem effects (invitation, review requests,
// publication, reminders), save or submit what the lead typed, review, tick action items, fire the
// due-date and action-item reminders, and read models: reputation metrics from the timeline and the
// channel's buckets, exports (Markdown, JSON), listings. Every change, its audit entry and the Slack
// writes and reminders it causes commit in one transaction, like incident decisions.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import type { Locale } from '../i18n/index.js';
import {
  aggregateMetrics,
  computeIncidentMetrics,
  quantile,
  type BaselineBand,
  type ChannelBucket,
  type IncidentMetrics,
  type MetricsAggregate,
  type TimelineEvent,
} from '../domain/incidents/index.js';
import {
  exportPostMortemJson,
  nextActionItemReminder,
  postMortemReminderKeys,
  renderPostMortemMarkdown,
  reviewPostMortem,
  savePostMortem,
  setActionItemDone,
  type FieldErrors,
  type PostMortem,
  type PostMortemDecision,
  type PostMortemEffect,
  type PostMortemExportInput,
  type PostMortemJson,
  type PostMortemRefusalCode,
  type ReviewPostMortemCommand,
  type SavePostMortemCommand,
  type SetActionItemDoneCommand,
} from '../domain/postmortems/index.js';
import type { ChannelBucket as StoredBucket } from '../domain/detection/bucket.js';
import type { DetectorState } from '../domain/detection/detector.js';
import { FirebreakError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { PrismaDb } from '../store/database.js';
import type { Db } from '../store/repositories/events.js';
import { loadIncident, loadTimeline, type IncidentRecord } from '../store/repositories/incidents.js';
import { listPostMortems, loadPostMortem, savePostMortem as storePostMortem, type PostMortemListing } from '../store/repositories/postmortems.js';
import { cancelReminders } from '../store/repositories/reminders.js';
import { enqueueSlackWrite } from '../store/repositories/outbox.js';
import { outboxKeys } from './incidents.js';
import type { SlackMessage } from './ports/index.js';

export const POSTMORTEM_REMINDER_KIND = 'postmortem.reminder';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const MAX_ATTEMPTS = 5;
/** The channel's normal band comes from its buckets of the two days before the episode. */
const BASELINE_HISTORY_MS = 2 * DAY;

/** What a post-mortem message is about, beside the post-mortem itself. */
export interface PostMortemMessageContext {
  readonly incidentNumber: number;
  readonly locale: Locale;
}

/** How post-mortem effects look in Slack (Block Kit builders behind it). */
export interface PostMortemViews {
  invite(postMortem: PostMortem, context: PostMortemMessageContext): SlackMessage;
  reviewRequest(postMortem: PostMortem, context: PostMortemMessageContext): SlackMessage;
  changesRequested(postMortem: PostMortem, context: PostMortemMessageContext, change: { reviewerUserId: string; comment: string }): SlackMessage;
  published(postMortem: PostMortem, context: PostMortemMessageContext): SlackMessage;
  /** The review request once its round is decided (published, or sent back): no buttons left to click. */
  reviewClosed(postMortem: PostMortem, context: PostMortemMessageContext): SlackMessage;
  reminder(
    postMortem: PostMortem,
    context: PostMortemMessageContext & { severity: IncidentRecord['state']['incident']['severity'] },
    reminder: { reason: 'postmortem_due' | 'action_item'; recipientUserIds: readonly string[]; subject: string; actionItemId: string | null; late: boolean },
  ): SlackMessage;
}

export interface PostMortemServiceOptions {
  prisma: PrismaDb;
  clock: Clock;
  logger?: Logger;
  views?: PostMortemViews;
  /** Detection's bucket size: a bucket covers [start, start + bucketMs). */
  bucketMs: number;
  /** An open action item is reminded again this long after each reminder (default one day). */
  actionItemRepeatMs?: number;
  /** Called after a transaction that wrote Slack writes or reminders (wakes the workers). */
  onCommitted?: () => void;
}

export type PostMortemOutcome =
  | { ok: true; postMortem: PostMortem }
  | { ok: false; refusal: { code: PostMortemRefusalCode; message: string }; fieldErrors: FieldErrors; locale: Locale };

/** A post-mortem reminder's payload (Reminder.payload). */
interface ReminderPayload {
  incidentId: string;
  reason: 'postmortem_due' | 'action_item';
  recipientUserIds: string[];
  subject: string;
  actionItemId: string | null;
}

/**
 * The channel's normal band of negative ratio, from the buckets before the episode: the pooled
 * negative share p over them, plus or minus two binomial standard deviations for a bucket of the
 * usual size (at least 5 points, so a perfectly calm history still tolerates the odd complaint).
 * Falls back to detection's learned share when the history is thin; null when nothing is known.
 */
export function baselineBandOf(history: readonly { messages: number; negatives: number }[], learnedShare: number | null): BaselineBand | null {
  const used = history.filter((bucket) => bucket.messages > 0);
  const messages = used.reduce((sum, bucket) => sum + bucket.messages, 0);
  let share: number;
  let typicalSize: number;
  if (used.length >= 5) {
    share = used.reduce((sum, bucket) => sum + bucket.negatives, 0) / messages;
    typicalSize = quantile(used.map((bucket) => bucket.messages), 0.5) ?? 1;
  } else if (learnedShare !== null) {
    share = learnedShare;
    typicalSize = used.length > 0 ? messages / used.length : 1;
  } else {
    return null;
  }
  const spread = Math.max(0.05, 2 * Math.sqrt((share * (1 - share)) / Math.max(1, typicalSize)));
  return { lower: Math.max(0, share - spread), upper: Math.min(1, share + spread) };
}

export class PostMortemService {
  constructor(private readonly options: PostMortemServiceOptions) {}

  private get clock(): Clock {
    return this.options.clock;
  }

  // ---------- Use cases ----------

  /** The post-mortem modal was submitted (save a draft, or submit it for review). */
  save(incidentId: string, command: SavePostMortemCommand): Promise<PostMortemOutcome> {
    return this.decide(incidentId, (postMortem) => savePostMortem(postMortem, command, this.clock));
  }

  /** A reviewer approved or asked for changes. */
  review(incidentId: string, command: ReviewPostMortemCommand): Promise<PostMortemOutcome> {
    return this.decide(incidentId, (postMortem) => reviewPostMortem(postMortem, command, this.clock));
  }

  /** Someone ticked (or unticked) an action item. */
  setActionItemDone(incidentId: string, command: SetActionItemDoneCommand): Promise<PostMortemOutcome> {
    return this.decide(incidentId, (postMortem) => setActionItemDone(postMortem, command, this.clock));
  }

  /** Runs one decision on the fresh post-mortem; a concurrent change makes it start again. */
  private async decide(incidentId: string, decide: (postMortem: PostMortem, incident: IncidentRecord) => PostMortemDecision): Promise<PostMortemOutcome> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const outcome = await this.options.prisma.$transaction(async (tx) => {
          const incident = await loadIncident(tx, incidentId);
          if (!incident) throw new FirebreakError('not_found', `There is no incident ${incidentId}.`);
          const record = await loadPostMortem(tx, incidentId);
          if (!record) throw new FirebreakError('not_found', `Incident #${incident.state.incident.number} has no post-mortem yet; one is created when the incident is resolved.`);
          const decision = decide(record.postMortem, incident);
          await tx.auditLog.create({
            data: {
              at: new Date(decision.audit.at),
              userId: decision.audit.actorUserId,
              action: decision.audit.action,
              outcome: decision.audit.outcome,
              incidentId,
              text: decision.audit.text,
              data: { refusalCode: decision.audit.refusalCode, ...decision.audit.details },
            },
          });
          if (!decision.ok) {
            return { ok: false as const, refusal: decision.refusal, fieldErrors: decision.fieldErrors, locale: incident.state.incident.locale };
          }
          await storePostMortem(tx, decision.postMortem, record.version);
          await this.applyEffects(tx, incident, decision.postMortem, decision.effects);
          return { ok: true as const, postMortem: decision.postMortem };
        });
        if (outcome.ok) this.options.onCommitted?.();
        return outcome;
      } catch (error) {
        if (attempt < MAX_ATTEMPTS && error instanceof FirebreakError && error.code === 'conflict') continue;
        throw error;
      }
    }
  }

  /**
   * Turns the domain's post-mortem effects into thread messages and reminders in `tx`. Called for
   * the effects of createPostMortem (by the incident service, when the incident resolves) and of
   * every post-mortem decision.
   */
  async applyEffects(tx: Db, incident: IncidentRecord, postMortem: PostMortem, effects: readonly PostMortemEffect[]): Promise<void> {
    const { views } = this.options;
    const incidentId = incident.state.incident.id;
    const context: PostMortemMessageContext = { incidentNumber: incident.state.incident.number, locale: incident.state.incident.locale };
    const now = this.clock.now();
    const thread = (key: string, message: SlackMessage) =>
      enqueueSlackWrite(tx, {
        key,
        method: 'chat.postMessage',
        payload: { channel: incident.alertChannelId, ...message, unfurl_links: false },
        threadOf: outboxKeys.root(incidentId),
        incidentId,
        now,
      });
    // The round's review request is edited in place once the round is decided, if it was posted.
    const closeReview = async () => {
      const reviewKey = `postmortem:${incidentId}:review:${postMortem.round}`;
      if (!views || !(await tx.outboxItem.findUnique({ where: { key: reviewKey }, select: { key: true } }))) return;
      await enqueueSlackWrite(tx, {
        key: `${reviewKey}:closed`,
        method: 'chat.update',
        payload: { channel: incident.alertChannelId, ...views.reviewClosed(postMortem, context) },
        messageOf: reviewKey,
        incidentId,
        now,
      });
    };
    for (const effect of effects) {
      switch (effect.type) {
        case 'invite_postmortem_owner':
          if (views) await thread(`postmortem:${incidentId}:invite`, views.invite(postMortem, context));
          break;
        case 'request_postmortem_review':
          if (views) await thread(`postmortem:${incidentId}:review:${effect.round}`, views.reviewRequest(postMortem, context));
          break;
        case 'notify_postmortem_changes_requested':
          if (views) {
            await thread(
              `postmortem:${incidentId}:changes:${postMortem.round}:${effect.reviewerUserId}`,
              views.changesRequested(postMortem, context, { reviewerUserId: effect.reviewerUserId, comment: effect.comment }),
            );
          }
          await closeReview();
          break;
        case 'publish_postmortem':
          if (views) await thread(`postmortem:${incidentId}:published`, views.published(postMortem, context));
          await closeReview();
          break;
        case 'show_postmortem_review_progress': {
          // The review request, edited in place: "1 of 3 approved" as each reviewer approves.
          const reviewKey = `postmortem:${incidentId}:review:${effect.round}`;
          if (!views || !(await tx.outboxItem.findUnique({ where: { key: reviewKey }, select: { key: true } }))) break;
          await enqueueSlackWrite(tx, {
            key: `${reviewKey}:approvals:${effect.approvals}`,
            method: 'chat.update',
            payload: { channel: incident.alertChannelId, ...views.reviewRequest(postMortem, context) },
            messageOf: reviewKey,
            incidentId,
            now,
          });
          break;
        }
        case 'schedule_reminder': {
          const payload: ReminderPayload = {
            incidentId,
            reason: effect.reason,
            recipientUserIds: [...effect.recipientUserIds],
            subject: effect.subject,
            actionItemId: effect.reason === 'action_item' ? actionItemIdOf(effect.reminderKey) : null,
          };
          await upsertReminder(tx, effect.reminderKey, effect.at, payload);
          break;
        }
        case 'cancel_reminder':
          await cancelReminders(tx, effect.reminderKey);
          break;
      }
    }
  }

  /** Scheduler handler: the post-mortem is due, or an action item is still open. */
  async fireReminder(tx: Db, firing: { key: string; payload: Record<string, unknown>; late: boolean }): Promise<void> {
    const payload = firing.payload as unknown as ReminderPayload;
    const incident = await loadIncident(tx, payload.incidentId);
    const record = await loadPostMortem(tx, payload.incidentId);
    if (!incident || !record) return;
    const { postMortem } = record;
    if (payload.reason === 'postmortem_due' && postMortem.status !== 'draft') return;
    if (payload.reason === 'action_item') {
      const item = postMortem.actionItems.find((candidate) => candidate.id === payload.actionItemId);
      if (!item || item.doneAt !== null || postMortem.status !== 'published') return;
      // The next reminder is scheduled before this one is posted: both commit together.
      const next = nextActionItemReminder(postMortem, item.id, this.clock, this.options.actionItemRepeatMs ?? DAY);
      if (next) await this.applyEffects(tx, incident, postMortem, [next]);
    }
    if (!this.options.views) return;
    const message = this.options.views.reminder(
      postMortem,
      { incidentNumber: incident.state.incident.number, locale: incident.state.incident.locale, severity: incident.state.incident.severity },
      { reason: payload.reason, recipientUserIds: payload.recipientUserIds, subject: payload.subject, actionItemId: payload.actionItemId, late: firing.late },
    );
    await enqueueSlackWrite(tx, {
      key: `reminder:${firing.key}:${this.clock.now()}`,
      method: 'chat.postMessage',
      payload: { channel: incident.alertChannelId, ...message },
      threadOf: outboxKeys.root(incident.state.incident.id),
      incidentId: incident.state.incident.id,
      now: this.clock.now(),
    });
  }

  // ---------- Read models ----------

  /** The incident an argument names: its id, or its number ("12" or "#12"). */
  async findIncident(ref: string, db: Db = this.options.prisma): Promise<IncidentRecord> {
    const trimmed = ref.trim();
    const number = /^#?(\d+)$/.exec(trimmed)?.[1];
    const byId = await loadIncident(db, trimmed);
    if (byId) return byId;
    if (number !== undefined) {
      const rows = await db.incident.findMany({ where: { number: Number(number) }, select: { id: true }, take: 2 });
      if (rows.length > 1) throw new FirebreakError('input_invalid', `Several workspaces have an incident #${number}; give the incident id instead.`);
      const found = rows[0] ? await loadIncident(db, rows[0].id) : null;
      if (found) return found;
    }
    throw new FirebreakError('not_found', `There is no incident "${trimmed}" (give an incident number such as 12, or an incident id).`);
  }

  /** Reputation metrics of one incident, from its timeline and its channel's buckets. */
  async metrics(incidentId: string, db: Db = this.options.prisma): Promise<IncidentMetrics> {
    const record = await loadIncident(db, incidentId);
    if (!record) throw new FirebreakError('not_found', `There is no incident ${incidentId}.`);
    const timeline = await loadTimeline(db, incidentId);
    return this.metricsOf(db, record, timeline);
  }

  private async metricsOf(db: Db, record: IncidentRecord, timeline: readonly TimelineEvent[]): Promise<IncidentMetrics> {
    const { incident } = record.state;
    const { bucketMs } = this.options;
    const channel = await db.watchedChannel.findFirst({ where: { workspaceId: record.workspaceId, channelId: incident.channelId }, select: { id: true, detectorState: true } });
    let buckets: ChannelBucket[] = [];
    let band: BaselineBand | null = null;
    if (channel) {
      // A declared incident has no first abnormal bucket: look an hour back for one.
      const episodeStart = incident.firstAbnormalAt ?? incident.detectedAt - 60 * MINUTE;
      // The episode ends a day after the last resolution (or now): a new spike next week is another story.
      const lastEnd = Math.max(incident.resolvedAt ?? this.clock.now(), ...timeline.map((event) => event.at));
      const history = await db.channelBucket.findMany({
        where: { channelRef: channel.id, start: { gte: new Date(episodeStart - BASELINE_HISTORY_MS), lt: new Date(episodeStart) } },
        select: { messages: true, negatives: true },
      });
      const rows = await db.channelBucket.findMany({
        where: { channelRef: channel.id, start: { gte: new Date(episodeStart), lt: new Date(lastEnd + DAY) }, messages: { gt: 0 } },
        orderBy: { start: 'asc' },
        select: { start: true, messages: true, negatives: true, data: true },
      });
      const detector = channel.detectorState as unknown as DetectorState | null;
      const learned = detector?.bucketsSeen ? detector.negativeShare : null;
      band = baselineBandOf(history, learned);
      buckets = rows.map((row) => ({
        startAt: row.start.getTime(),
        endAt: row.start.getTime() + bucketMs,
        negativeRatio: Math.min(1, row.negatives / row.messages),
        negativeAuthorIds: Object.keys((row.data as unknown as StoredBucket | null)?.negativeAuthors ?? {}),
      }));
    }
    return computeIncidentMetrics({ incident, timeline, buckets, band });
  }

  /**
   * Median and p90 of every metric over incidents detected in [from, to), drills left out unless
   * asked for (the digest and App Home). At most the latest `limit` incidents are measured.
   */
  async aggregate(period: { from: number; to: number; includeDrills?: boolean }, limit = 500): Promise<MetricsAggregate> {
    const rows = await this.options.prisma.incident.findMany({
      where: { detectedAt: { gte: new Date(period.from), lt: new Date(period.to) }, ...(period.includeDrills ? {} : { drill: false }) },
      orderBy: { detectedAt: 'desc' },
      take: limit,
      select: { id: true },
    });
    const metrics: IncidentMetrics[] = [];
    for (const row of rows) metrics.push(await this.metrics(row.id));
    return aggregateMetrics(metrics, period);
  }

  /** Everything an export needs; throws not_found when the incident has no post-mortem yet. */
  async exportInput(
    ref: string,
    options: {
      locale?: Locale;
      timeZone?: string;
      includeMemberIdentities?: boolean;
      userNames?: Record<string, string>;
      /** Display names for these user ids (Slack's users.info); staff only, members too when revealed. */
      lookupNames?: (userIds: string[]) => Promise<Record<string, string>>;
      db?: Db;
    } = {},
  ): Promise<PostMortemExportInput> {
    const db = options.db ?? this.options.prisma;
    const record = await this.findIncident(ref, db);
    const { incident } = record.state;
    const postMortem = (await loadPostMortem(db, incident.id))?.postMortem ?? null;
    if (!postMortem) {
      throw new FirebreakError(
        'not_found',
        incident.status === 'resolved'
          ? `Incident #${incident.number} (${incident.id}) has no post-mortem: its playbook was missing when it was resolved.`
          : `Incident #${incident.number} (${incident.id}) has no post-mortem yet; one is created when the incident is resolved (it is ${incident.status}).`,
      );
    }
    const timeline = await loadTimeline(db, incident.id);
    const channel = await db.watchedChannel.findFirst({ where: { workspaceId: record.workspaceId, channelId: incident.channelId }, select: { name: true } });
    const reveal = options.includeMemberIdentities ?? false;
    const looked = options.lookupNames ? await options.lookupNames(peopleOf(incident.leadUserId, postMortem, timeline, reveal)) : {};
    const userNames = { ...looked, ...options.userNames };
    return {
      incident,
      postMortem,
      timeline,
      metrics: await this.metricsOf(db, record, timeline),
      locale: options.locale ?? incident.locale,
      ...(options.timeZone ? { timeZone: options.timeZone } : {}),
      ...(Object.keys(userNames).length > 0 ? { userNames } : {}),
      ...(channel?.name ? { channelNames: { [incident.channelId]: channel.name } } : {}),
      includeMemberIdentities: options.includeMemberIdentities ?? false,
    };
  }

  async exportMarkdown(ref: string, options: Parameters<PostMortemService['exportInput']>[1] = {}): Promise<string> {
    return renderPostMortemMarkdown(await this.exportInput(ref, options));
  }

  async exportJson(ref: string, options: Parameters<PostMortemService['exportInput']>[1] = {}): Promise<PostMortemJson> {
    return exportPostMortemJson(await this.exportInput(ref, options));
  }

  list(filter: { status?: string; since?: number } = {}): Promise<PostMortemListing[]> {
    return listPostMortems(this.options.prisma, filter);
  }

  /** Recently published post-mortems, newest first (App Home). */
  async recentPublished(limit = 5): Promise<{ incidentId: string; incidentNumber: number; channelId: string; publishedAt: number; summary: string }[]> {
    const rows = await this.options.prisma.postMortem.findMany({
      where: { status: 'published' },
      orderBy: { publishedAt: 'desc' },
      take: limit,
      select: { incidentId: true, publishedAt: true, fields: true, incident: { select: { number: true, channelId: true } } },
    });
    return rows.map((row) => ({
      incidentId: row.incidentId,
      incidentNumber: row.incident.number,
      channelId: row.incident.channelId,
      publishedAt: row.publishedAt?.getTime() ?? 0,
      summary: String((row.fields as Record<string, unknown> | null)?.['summary'] ?? ''),
    }));
  }
}

/** Everyone an export may name: staff always; members (authors, mentions) only when revealed. */
function peopleOf(leadUserId: string | null, postMortem: PostMortem, timeline: readonly TimelineEvent[], reveal: boolean): string[] {
  const ids = new Set<string>([...(leadUserId ? [leadUserId] : []), ...(postMortem.ownerUserId ? [postMortem.ownerUserId] : []), ...postMortem.reviewerUserIds]);
  for (const item of postMortem.actionItems) ids.add(item.ownerUserId);
  for (const event of timeline) {
    if (event.actorUserId) ids.add(event.actorUserId);
    // The same staff the export names (staffOf): drafters of posted replies, leads handed over, voided approvers.
    const staff = [event.data['fromUserId'], ...(event.kind === 'reply_posted' ? [event.data['authorUserId']] : [])];
    for (const id of staff) if (typeof id === 'string') ids.add(id);
    for (const key of ['approverUserIds', 'recipientUserIds', 'voidedDecisionsBy']) {
      const value = event.data[key];
      if (Array.isArray(value)) for (const id of value) if (typeof id === 'string') ids.add(id);
    }
    if (!reveal) continue;
    const author = event.data['authorUserId'];
    if (typeof author === 'string') ids.add(author);
    for (const match of (event.text ?? '').matchAll(/<@([UW][A-Z0-9]+)/g)) ids.add(match[1] as string);
  }
  return [...ids].sort();
}

function actionItemIdOf(reminderKey: string): string | null {
  const prefix = postMortemReminderKeys.actionItem('');
  return reminderKey.startsWith(prefix) ? reminderKey.slice(prefix.length) : null;
}

/** Scheduling a key again replaces the earlier reminder (a new due date, the next repeat). */
async function upsertReminder(tx: Db, key: string, at: number, payload: ReminderPayload): Promise<void> {
  const data = { kind: POSTMORTEM_REMINDER_KIND, dueAt: new Date(at), payload: payload as unknown as object, incidentId: payload.incidentId };
  await tx.reminder.upsert({
    where: { key },
    create: { id: randomUUID(), key, ...data },
    update: { ...data, status: 'pending', firedAt: null, attempts: 0, lockedUntil: null, lastError: null },
  });
}
