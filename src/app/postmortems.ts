// Post-mortem use cases: carry out the domain's post-mortem effects (invitation, review requests,
// publication, reminders), save or submit what the lead typed, review, tick action items, fire the
// due-date and action-item reminders, and read models: reputation metrics from the timeline and the
// channel's buckets, exports (Markdown, JSON), listings. Every change, its audit entry and the Slack
// writes and reminders it causes commit in one transaction, like incident decisions.
import type { Clock } from '../domain/clock.js';
import type { Locale } from '../i18n/index.js';
import {
  aggregateMetrics,
  computeIncidentMetrics,
  incidentNumberWritten,
  isMessageInTimeline,
  quantile,
  type BaselineBand,
  type ChannelBucket,
  type IncidentMetrics,
  type MetricsAggregate,
  type TimelineEvent,
} from '../domain/incidents/index.js';
import {
  awaitsReviewFrom,
  exportPostMortemJson,
  membersDraftsMayName,
  nextActionItemReminder,
  postMortemReminderKeys,
  renderPostMortemMarkdown,
  reviewPostMortem,
  reviewerDeactivated,
  savePostMortem,
  setActionItemDone,
  type FieldErrors,
  type PostMortem,
  type PostMortemDecision,
  type PostMortemEffect,
  type PostMortemExportInput,
  type PostMortemJson,
  type PostMortemRefusalCode,
  type PostMortemSaveRecord,
  type ReviewPostMortemCommand,
  type SavePostMortemCommand,
  type SetActionItemDoneCommand,
} from '../domain/postmortems/index.js';
import { FirebreakError } from '../errors.js';
import type { Logger } from '../logger.js';
import { outboxKeys } from './incidents.js';
import type {
  IncidentRecord,
  OpenIncidentChoice,
  PostMortemListing,
  PostMortemMessageContext,
  PostMortemReminderPayload,
  PostMortemRepositories,
  PostMortemViews,
  PublishedPostMortem,
  SlackMessage,
  Store,
} from './ports/index.js';

export type { PostMortemMessageContext, PostMortemViews };

export const POSTMORTEM_REMINDER_KIND = 'postmortem.reminder';

/** Outbox keys of the post-mortem's thread messages (the review request is edited in place). */
export const postMortemOutboxKeys = {
  invite: (incidentId: string) => `postmortem:${incidentId}:invite`,
  review: (incidentId: string, round: number) => `postmortem:${incidentId}:review:${round}`,
  published: (incidentId: string) => `postmortem:${incidentId}:published`,
};

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const MAX_ATTEMPTS = 5;
/** How far back a save looks for who emptied a field (older saves: "someone"). */
const RECENT_SAVES = 50;
/** The message shortcut offers at most this many open incidents. */
const TIMELINE_TARGETS = 100;
/** The channel's normal band comes from its buckets of the two days before the episode. */
const BASELINE_HISTORY_MS = 2 * DAY;

export interface PostMortemServiceOptions {
  store: Store<PostMortemRepositories>;
  clock: Clock;
  logger?: Logger;
  views?: PostMortemViews;
  /** Detection's bucket size: a bucket covers [start, start + bucketMs). */
  bucketMs: number;
  /**
   * The time zone of a workspace's wall clock (workspace-time-zone.ts: its setting, else TEAM_TIMEZONE):
   * when open action items are reminded again, and what exports show by default. UTC when not given.
   */
  timeZoneOf?(workspaceId: string): Promise<string>;
  /** Called after a transaction that wrote Slack writes or reminders (wakes the workers). */
  onCommitted?: () => void;
  /**
   * The post-mortem reviewers the incident's playbook names now (groups resolved); null when its
   * playbook is gone. A submission goes to them, so a reviewer added after the incident resolved counts.
   */
  reviewersOf?(incident: IncidentRecord): Promise<string[] | null>;
  /** Which of these people Slack says are deactivated (users.info); one Slack cannot answer about is not. */
  deactivatedAmong?(userIds: readonly string[]): Promise<string[]>;
  /** The approvers the incident's playbook names now, accounts Slack deactivated left out (groups resolved). */
  approversOf?(incident: IncidentRecord): Promise<string[]>;
}

/** A post-mortem reminder's recipients Slack deactivated, and whom it reaches instead; asked before the transaction. */
export interface PostMortemReminderContext {
  deactivatedUserIds: string[];
  /** The incident's lead when still here, else the playbook's approvers (the first few). */
  insteadUserIds: string[];
}

/** How many approvers a reminder meant for someone deactivated names instead (as incident reminders). */
const INSTEAD_NAMED = 6;

export type PostMortemOutcome =
  | { ok: true; postMortem: PostMortem }
  | {
      ok: false;
      refusal: { code: PostMortemRefusalCode; message: string };
      fieldErrors: FieldErrors;
      /** The incident's language (what the thread speaks); the refusal itself speaks the command's. */
      locale: Locale;
      /** Required inputs someone else emptied while the form was open: key → who (null: unknown). */
      emptiedBy?: Readonly<Record<string, string | null>>;
    };

/** The incident a post-mortem belongs to, as its entry points need it (null: it has none yet). */
export interface PostMortemSubject {
  incident: IncidentRecord;
  postMortem: PostMortem | null;
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

  /** The incident's workspace's time zone. */
  private timeZoneOf(workspaceId: string): Promise<string> {
    return this.options.timeZoneOf?.(workspaceId) ?? Promise.resolve('UTC');
  }

  // ---------- Use cases ----------

  /** The post-mortem modal was submitted (save a draft, or submit it for review). */
  async save(incidentId: string, command: SavePostMortemCommand): Promise<PostMortemOutcome> {
    const incident = command.intent === 'submit' && this.options.reviewersOf ? await this.options.store.direct.incidents.load(incidentId) : null;
    const current = incident ? await this.options.reviewersOf?.(incident) : null;
    const decided: SavePostMortemCommand = current ? { ...command, currentReviewerUserIds: current } : command;
    // Its latest saves, read in the same transaction: who emptied a field, whether the sender was told.
    return this.decide(incidentId, (postMortem, _incident, recentSaves) => savePostMortem(postMortem, { ...decided, recentSaves }, this.clock), { recentSaves: true });
  }

  /** A reviewer approved or asked for changes. */
  review(incidentId: string, command: ReviewPostMortemCommand): Promise<PostMortemOutcome> {
    return this.decide(incidentId, (postMortem) => reviewPostMortem(postMortem, command, this.clock));
  }

  /**
   * Slack deactivated someone: post-mortems in review (of `workspaceId`, or all) stop waiting for their
   * approval. Returns how many changed.
   */
  async personDeactivated(userId: string, workspaceId?: string): Promise<number> {
    const inReview = await this.options.store.direct.postMortems.list({ status: 'in_review' });
    let changed = 0;
    for (const listing of inReview) {
      if (workspaceId && listing.workspaceId !== workspaceId) continue;
      const record = await this.options.store.direct.postMortems.load(listing.incidentId);
      // Only a round still waiting for them changes (an approval they gave stays given).
      if (!record || !awaitsReviewFrom(record.postMortem, userId)) continue;
      const locale = (await this.localeOf(listing.incidentId)) ?? 'en';
      try {
        const outcome = await this.decide(listing.incidentId, (postMortem) => reviewerDeactivated(postMortem, { userId, locale }, this.clock));
        if (outcome.ok) changed += 1;
      } catch (error) {
        // The others still change.
        this.options.logger?.error({ err: error, incidentId: listing.incidentId }, 'could not record that Slack deactivated a reviewer of this post-mortem');
      }
    }
    return changed;
  }

  /** Someone ticked (or unticked) an action item. */
  setActionItemDone(incidentId: string, command: SetActionItemDoneCommand): Promise<PostMortemOutcome> {
    return this.decide(incidentId, (postMortem) => setActionItemDone(postMortem, command, this.clock));
  }

  /** Runs one decision on the fresh post-mortem; a concurrent change makes it start again. */
  private async decide(
    incidentId: string,
    decide: (postMortem: PostMortem, incident: IncidentRecord, recentSaves: readonly PostMortemSaveRecord[]) => PostMortemDecision,
    options: { recentSaves?: boolean } = {},
  ): Promise<PostMortemOutcome> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const outcome = await this.options.store.transaction(async (tx) => {
          const incident = await tx.incidents.load(incidentId);
          if (!incident) throw new FirebreakError('not_found', `There is no incident ${incidentId}.`);
          const record = await tx.postMortems.load(incidentId);
          if (!record) throw new FirebreakError('not_found', `Incident #${incident.state.incident.number} has no post-mortem yet; one is created when the incident is resolved.`);
          const recentSaves = options.recentSaves ? await tx.postMortems.recentSaves(incidentId, RECENT_SAVES) : [];
          const decision = decide(record.postMortem, incident, recentSaves);
          const { audit } = decision;
          await tx.audit.record({
            at: audit.at,
            userId: audit.actorUserId,
            action: audit.action,
            outcome: audit.outcome,
            incidentId,
            text: audit.text,
            data: { refusalCode: audit.refusalCode, ...audit.details },
          });
          if (!decision.ok) {
            return { ok: false as const, refusal: decision.refusal, fieldErrors: decision.fieldErrors, locale: incident.state.incident.locale, ...(decision.emptiedBy ? { emptiedBy: decision.emptiedBy } : {}) };
          }
          if (audit.outcome === 'no_op') return { ok: true as const, postMortem: record.postMortem };
          await tx.postMortems.save(decision.postMortem, record.version);
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
  async applyEffects(tx: PostMortemRepositories, incident: IncidentRecord, postMortem: PostMortem, effects: readonly PostMortemEffect[]): Promise<void> {
    const now = this.clock.now();
    for (const effect of effects) {
      if (effect.type === 'schedule_reminder') {
        await tx.postMortems.scheduleReminder({ key: effect.reminderKey, kind: POSTMORTEM_REMINDER_KIND, at: effect.at, payload: reminderPayloadFor(incident.state.incident.id, effect) });
      } else if (effect.type === 'cancel_reminder') {
        await tx.reminders.cancel(effect.reminderKey);
      } else {
        await this.postInThread(tx, incident, postMortem, effect, now);
      }
    }
  }

  /** A thread message of the incident, or an edit of the round's review request (only once it was posted). */
  private async postInThread(tx: PostMortemRepositories, incident: IncidentRecord, postMortem: PostMortem, effect: ThreadEffect, now: number): Promise<void> {
    const { views } = this.options;
    if (!views) return;
    const incidentId = incident.state.incident.id;
    const context: PostMortemMessageContext = { incidentNumber: incident.state.incident.number, locale: incident.state.incident.locale };
    const thread = (key: string, message: SlackMessage) =>
      tx.outbox.enqueue({ key, method: 'chat.postMessage', payload: { channel: incident.alertChannelId, ...message, unfurl_links: false }, threadOf: outboxKeys.root(incidentId), incidentId, now });
    const editReview = async (round: number, suffix: string, message: SlackMessage) => {
      const reviewKey = postMortemOutboxKeys.review(incidentId, round);
      if (!(await tx.outbox.has(reviewKey))) return;
      await tx.outbox.enqueue({ key: `${reviewKey}:${suffix}`, method: 'chat.update', payload: { channel: incident.alertChannelId, ...message }, messageOf: reviewKey, incidentId, now });
    };
    switch (effect.type) {
      case 'invite_postmortem_owner':
        await thread(postMortemOutboxKeys.invite(incidentId), views.invite(postMortem, context));
        return;
      case 'request_postmortem_review':
        await thread(postMortemOutboxKeys.review(incidentId, effect.round), views.reviewRequest(postMortem, context));
        return;
      case 'notify_postmortem_changes_requested': {
        const change = { reviewerUserId: effect.reviewerUserId, comment: effect.comment };
        await thread(`postmortem:${incidentId}:changes:${postMortem.round}:${effect.reviewerUserId}`, views.changesRequested(postMortem, context, change));
        return editReview(postMortem.round, 'closed', views.reviewClosed(postMortem, context));
      }
      case 'publish_postmortem':
        await thread(postMortemOutboxKeys.published(incidentId), views.published(postMortem, context));
        return editReview(postMortem.round, 'closed', views.reviewClosed(postMortem, context));
      case 'notify_postmortem_reviewer_deactivated':
        await thread(`postmortem:${incidentId}:deactivated:${effect.round}:${effect.userId}`, views.reviewerDeactivated(postMortem, context, { userId: effect.userId, published: effect.published }));
        // Published: its own effects close the request; otherwise it now names only who is left.
        if (!effect.published) await editReview(effect.round, `deactivated:${effect.userId}`, views.reviewRequest(postMortem, context));
        return;
      case 'show_postmortem_review_progress':
        // "1 of 3 approved" as each reviewer approves.
        return editReview(effect.round, `approvals:${effect.approvals}`, views.reviewRequest(postMortem, context));
    }
  }

  /**
   * What firing a post-mortem reminder needs from Slack, asked before the scheduler's transaction: which
   * of its recipients Slack deactivated and, if any, who takes it instead. The incident is resolved, so
   * its lead is whoever led it: asked about too, and passed over for the approvers when deactivated.
   */
  async contextForReminder(firing: { payload: Record<string, unknown> }): Promise<PostMortemReminderContext | null> {
    const payload = reminderPayloadOf(firing.payload);
    const { deactivatedAmong } = this.options;
    if (!payload || !deactivatedAmong) return null;
    const gone = await deactivatedAmong(payload.recipientUserIds);
    if (gone.length === 0) return null;
    const incident = await this.options.store.direct.incidents.load(payload.incidentId);
    if (!incident) return null;
    const lead = incident.state.incident.leadUserId;
    const leadHere = lead !== null && !gone.includes(lead) && (await deactivatedAmong([lead])).length === 0;
    const passedOver = lead === null ? gone : [...gone, lead];
    const approvers = leadHere ? [] : ((await this.options.approversOf?.(incident)) ?? []).filter((userId) => !passedOver.includes(userId));
    return { deactivatedUserIds: gone, insteadUserIds: leadHere ? [lead] : approvers.slice(0, INSTEAD_NAMED) };
  }

  /** Scheduler handler: the post-mortem is due, or an action item is still open. `context`: contextForReminder's answer. */
  async fireReminder(tx: PostMortemRepositories, firing: { key: string; payload: Record<string, unknown>; late: boolean }, context?: PostMortemReminderContext | null): Promise<void> {
    const payload = reminderPayloadOf(firing.payload);
    if (!payload) {
      this.options.logger?.warn({ key: firing.key }, 'post-mortem reminder without a readable payload: skipped');
      return;
    }
    const incident = await tx.incidents.load(payload.incidentId);
    const record = await tx.postMortems.load(payload.incidentId);
    if (!incident || !record) return;
    const { postMortem } = record;
    if (payload.reason === 'postmortem_due' && postMortem.status !== 'draft') return;
    if (payload.reason === 'action_item') {
      const item = postMortem.actionItems.find((candidate) => candidate.id === payload.actionItemId);
      if (!item || item.doneAt !== null || postMortem.status !== 'published') return;
      // The next reminder is scheduled before this one is posted: both commit together.
      const next = nextActionItemReminder(postMortem, item.id, this.clock, await this.timeZoneOf(incident.workspaceId));
      if (next) await this.applyEffects(tx, incident, postMortem, [next]);
    }
    if (!this.options.views) return;
    const message = this.options.views.reminder(
      postMortem,
      { incidentNumber: incident.state.incident.number, locale: incident.state.incident.locale, severity: incident.state.incident.severity },
      { reason: payload.reason, subject: payload.subject, actionItemId: payload.actionItemId, late: firing.late, ...recipientsHere(payload.recipientUserIds, context) },
    );
    await tx.outbox.enqueue({
      key: `reminder:${firing.key}:${this.clock.now()}`,
      method: 'chat.postMessage',
      payload: { channel: incident.alertChannelId, ...message },
      threadOf: outboxKeys.root(incident.state.incident.id),
      incidentId: incident.state.incident.id,
      now: this.clock.now(),
    });
  }

  // ---------- Read models ----------

  /** An incident and its post-mortem (null before the incident is resolved); null for an unknown incident. */
  async subject(incidentId: string): Promise<PostMortemSubject | null> {
    const { direct } = this.options.store;
    const [incident, record] = await Promise.all([direct.incidents.load(incidentId), direct.postMortems.load(incidentId)]);
    return incident ? { incident, postMortem: record?.postMortem ?? null } : null;
  }

  /** The language an incident speaks (its refusals too); null for an unknown incident. */
  async localeOf(incidentId: string): Promise<Locale | null> {
    return (await this.options.store.direct.incidents.load(incidentId))?.state.incident.locale ?? null;
  }

  /** The incident an argument names: its id, or its number ("12" or "#12"). */
  async findIncident(ref: string, db: PostMortemRepositories = this.options.store.direct): Promise<IncidentRecord> {
    const trimmed = ref.trim();
    // A number past the database's integers names no incident (asked, the database would refuse the query).
    const number = incidentNumberWritten(trimmed);
    const byId = await db.incidents.load(trimmed);
    if (byId) return byId;
    if (number !== null) {
      const ids = await db.incidentHistory.incidentIdsNumbered(number, 2);
      if (ids.length > 1) throw new FirebreakError('input_invalid', `Several workspaces have an incident #${number}; give the incident id instead.`);
      const found = ids[0] ? await db.incidents.load(ids[0]) : null;
      if (found) return found;
    }
    throw new FirebreakError('not_found', `There is no incident "${trimmed}" (give an incident number such as 12, or an incident id).`);
  }

  /** Reputation metrics of one incident, from its timeline and its channel's buckets. */
  async metrics(incidentId: string, db: PostMortemRepositories = this.options.store.direct): Promise<IncidentMetrics> {
    const record = await db.incidents.load(incidentId);
    if (!record) throw new FirebreakError('not_found', `There is no incident ${incidentId}.`);
    const timeline = await db.incidents.timeline(incidentId);
    return this.metricsOf(db, record, timeline);
  }

  private async metricsOf(db: PostMortemRepositories, record: IncidentRecord, timeline: readonly TimelineEvent[]): Promise<IncidentMetrics> {
    const { incident } = record.state;
    const { bucketMs } = this.options;
    const channel = await db.incidentHistory.watchedChannel(record.workspaceId, incident.channelId);
    let buckets: ChannelBucket[] = [];
    let band: BaselineBand | null = null;
    if (channel) {
      // A declared incident has no first abnormal bucket: look an hour back for one.
      const episodeStart = incident.firstAbnormalAt ?? incident.detectedAt - 60 * MINUTE;
      // The episode ends a day after the last resolution (or now): a new spike next week is another story.
      const lastEnd = Math.max(incident.resolvedAt ?? this.clock.now(), ...timeline.map((event) => event.at));
      const history = await db.incidentHistory.bucketCounts(channel.ref, { from: episodeStart - BASELINE_HISTORY_MS, to: episodeStart });
      const rows = await db.incidentHistory.bucketsWithMessages(channel.ref, { from: episodeStart, to: lastEnd + DAY });
      const learned = channel.detector?.bucketsSeen ? channel.detector.negativeShare : null;
      band = baselineBandOf(history, learned);
      buckets = rows.map((row) => ({
        startAt: row.start,
        endAt: row.start + bucketMs,
        negativeRatio: Math.min(1, row.negatives / row.messages),
        negativeAuthorIds: row.negativeAuthorIds,
      }));
    }
    return computeIncidentMetrics({ incident, timeline, buckets, band });
  }

  /**
   * Median and p90 of every metric over incidents detected in [from, to), drills left out unless
   * asked for (the digest and App Home). At most the latest `limit` incidents are measured.
   */
  async aggregate(period: { from: number; to: number; includeDrills?: boolean; workspaceId?: string }, limit = 500): Promise<MetricsAggregate> {
    const ids = await this.options.store.direct.incidentHistory.incidentIdsDetectedIn(period, limit);
    const metrics: IncidentMetrics[] = [];
    for (const id of ids) metrics.push(await this.metrics(id));
    return aggregateMetrics(metrics, period);
  }

  /** Everything an export needs; throws not_found when the incident has no post-mortem yet. */
  async exportInput(
    ref: string,
    options: {
      locale?: Locale;
      /** The zone times are shown in; by default the incident's workspace's (timeZoneOf). */
      timeZone?: string;
      includeMemberIdentities?: boolean;
      userNames?: Record<string, string>;
      /** Display names for these user ids of the incident's workspace (Slack's users.info); staff only, members too when revealed. */
      lookupNames?: (userIds: string[], workspaceId: string) => Promise<Record<string, string>>;
      /**
       * Every name Slack knows these members of the incident's workspace by (real, display and user
       * name): the members a reply template may have named in a draft (membersDraftsMayName).
       */
      lookupMemberNames?: (userIds: string[], workspaceId: string) => Promise<Record<string, string[]>>;
      db?: PostMortemRepositories;
    } = {},
  ): Promise<PostMortemExportInput> {
    const db = options.db ?? this.options.store.direct;
    const record = await this.findIncident(ref, db);
    const { incident } = record.state;
    const postMortem = (await db.postMortems.load(incident.id))?.postMortem ?? null;
    if (!postMortem) {
      throw new FirebreakError(
        'not_found',
        incident.status === 'resolved'
          ? `Incident #${incident.number} (${incident.id}) has no post-mortem: its playbook was missing when it was resolved.`
          : `Incident #${incident.number} (${incident.id}) has no post-mortem yet; one is created when the incident is resolved (it is ${incident.status}).`,
      );
    }
    const timeline = await db.incidents.timeline(incident.id);
    const channel = await db.incidentHistory.watchedChannel(record.workspaceId, incident.channelId);
    const reveal = options.includeMemberIdentities ?? false;
    const looked = options.lookupNames ? await options.lookupNames(peopleOf(incident.leadUserId, postMortem, timeline, reveal), record.workspaceId) : {};
    const userNames = { ...looked, ...options.userNames };
    // Names are removed only when pseudonymising; revealing shows them anyway.
    const named = reveal ? [] : membersDraftsMayName(incident, timeline);
    const memberNames = options.lookupMemberNames && named.length > 0 ? await options.lookupMemberNames(named, record.workspaceId) : {};
    return {
      incident,
      postMortem,
      timeline,
      metrics: await this.metricsOf(db, record, timeline),
      locale: options.locale ?? incident.locale,
      timeZone: options.timeZone ?? (await this.timeZoneOf(record.workspaceId)),
      ...(Object.keys(userNames).length > 0 ? { userNames } : {}),
      ...(channel?.name ? { channelNames: { [incident.channelId]: channel.name } } : {}),
      includeMemberIdentities: options.includeMemberIdentities ?? false,
      ...(Object.keys(memberNames).length > 0 ? { memberNames } : {}),
    };
  }

  async exportMarkdown(ref: string, options: Parameters<PostMortemService['exportInput']>[1] = {}): Promise<string> {
    return renderPostMortemMarkdown(await this.exportInput(ref, options));
  }

  async exportJson(ref: string, options: Parameters<PostMortemService['exportInput']>[1] = {}): Promise<PostMortemJson> {
    return exportPostMortemJson(await this.exportInput(ref, options));
  }

  /** Post-mortems, newest first, each with its workspace's time zone (the one its dates are read in). */
  async list(filter: { status?: string; since?: number } = {}): Promise<(PostMortemListing & { timeZone: string })[]> {
    const rows = await this.options.store.direct.postMortems.list(filter);
    return Promise.all(rows.map(async (row) => ({ ...row, timeZone: await this.timeZoneOf(row.workspaceId) })));
  }

  /** Recently published post-mortems, newest first (App Home). */
  recentPublished(limit = 5, workspaceId?: string): Promise<PublishedPostMortem[]> {
    return this.options.store.direct.postMortems.recentPublished(limit, workspaceId);
  }

  // ---------- Timeline entries (the message shortcut and thread notes) ----------

  /** Open incidents of a workspace a message may be added to, latest first. */
  timelineTargets(workspaceId: string): Promise<OpenIncidentChoice[]> {
    return this.options.store.direct.incidentHistory.openIncidentsOf(workspaceId, TIMELINE_TARGETS);
  }

  /** Whether the workspace's stored community message was deleted by its author (the watcher stored the deletion). */
  messageDeletedByAuthor(workspaceId: string, channelId: string, messageTs: string): Promise<boolean> {
    return this.options.store.direct.feedback.messageDeleted(workspaceId, channelId, messageTs);
  }

  /** Whether this community message is already on the incident's timeline. */
  async isOnTimeline(incidentId: string, channelId: string, messageTs: string): Promise<boolean> {
    return isMessageInTimeline(await this.options.store.direct.incidents.timeline(incidentId), channelId, messageTs);
  }

  /**
   * The incident whose alert thread a message was written in, if any: only the workspace's own (a shared
   * channel, or a forged event, names another workspace's thread from this one).
   */
  incidentOfThread(workspaceId: string, alertChannelId: string, threadTs: string): Promise<{ incidentId: string; locale: Locale } | null> {
    return this.options.store.direct.incidentHistory.incidentOfThread(workspaceId, alertChannelId, threadTs);
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

/** The effects that show in the incident thread (every one but the reminders). */
type ThreadEffect = Exclude<PostMortemEffect, { type: 'schedule_reminder' | 'cancel_reminder' }>;

function reminderPayloadFor(incidentId: string, effect: Extract<PostMortemEffect, { type: 'schedule_reminder' }>): PostMortemReminderPayload {
  return {
    incidentId,
    reason: effect.reason,
    recipientUserIds: [...effect.recipientUserIds],
    subject: effect.subject,
    actionItemId: effect.reason === 'action_item' ? actionItemIdOf(effect.reminderKey) : null,
  };
}

/** A stored reminder payload, checked: written by applyEffects, but the row is data like any other. */
function reminderPayloadOf(payload: Record<string, unknown>): PostMortemReminderPayload | null {
  const { incidentId, reason, recipientUserIds, subject, actionItemId } = payload;
  if (typeof incidentId !== 'string' || (reason !== 'postmortem_due' && reason !== 'action_item') || typeof subject !== 'string') return null;
  if (!Array.isArray(recipientUserIds) || !recipientUserIds.every((id) => typeof id === 'string')) return null;
  if (actionItemId !== null && typeof actionItemId !== 'string') return null;
  return { incidentId, reason, recipientUserIds, subject, actionItemId };
}

/**
 * Whom a post-mortem reminder reaches: its recipients Slack has not deactivated; when it named only
 * deactivated accounts, the lead or approvers `context` found instead, told why.
 */
function recipientsHere(recipientUserIds: readonly string[], context: PostMortemReminderContext | null | undefined): { recipientUserIds: string[]; deactivatedUserIds?: string[] } {
  const deactivated = context?.deactivatedUserIds ?? [];
  const gone = recipientUserIds.filter((userId) => deactivated.includes(userId));
  if (gone.length === 0) return { recipientUserIds: [...recipientUserIds] };
  const left = recipientUserIds.filter((userId) => !deactivated.includes(userId));
  return { recipientUserIds: left.length > 0 ? left : [...(context?.insteadUserIds ?? [])], deactivatedUserIds: gone };
}
