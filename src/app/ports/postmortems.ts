// What the post-mortem use cases keep and read: post-mortems with an optimistic version, their
// reminders, and the history reputation metrics are computed from (which incidents a number or a
// period names, the watched channel and its buckets around an episode).
import type { DetectorState } from '../../domain/detection/detector.js';
import type { PostMortem, PostMortemSaveRecord } from '../../domain/postmortems/index.js';
import type { Locale } from '../../i18n/index.js';
import type { Severity } from '../../domain/incidents/index.js';
import type { AuditLog } from './audit.js';
import type { FeedbackRepository } from './feedback.js';
import type { IncidentRepository } from './incidents.js';
import type { OutboxWriter } from './outbox.js';
import type { SlackMessage } from './views.js';
import type { Reminders } from './reminders.js';

export interface PostMortemRecord {
  postMortem: PostMortem;
  version: number;
}

/** One line of `firebreak postmortem list`. */
export interface PostMortemListing {
  incidentId: string;
  incidentNumber: number;
  /** The incident's workspace (row id). */
  workspaceId: string;
  title: string;
  status: string;
  dueAt: number;
  publishedAt: number | null;
  createdAt: number;
}

/** A published post-mortem as App Home lists it. */
export interface PublishedPostMortem {
  incidentId: string;
  incidentNumber: number;
  channelId: string;
  publishedAt: number;
  summary: string;
}

/** What a post-mortem reminder carries until it fires. */
export interface PostMortemReminderPayload {
  incidentId: string;
  reason: 'postmortem_due' | 'action_item';
  recipientUserIds: string[];
  subject: string;
  actionItemId: string | null;
}

export interface PostMortemRepository {
  load(incidentId: string): Promise<PostMortemRecord | null>;
  insert(postMortem: PostMortem): Promise<void>;
  /** Saves over `expectedVersion`; a FirebreakError `conflict` when someone saved meanwhile. */
  save(postMortem: PostMortem, expectedVersion: number): Promise<void>;
  /** Newest first. */
  list(filter?: { status?: string; since?: number }): Promise<PostMortemListing[]>;
  /** Published ones, most recently published first. */
  /** Newest first; only one workspace's when `workspaceId` is given. */
  recentPublished(limit: number, workspaceId?: string): Promise<PublishedPostMortem[]>;
  /** Its latest saves and submissions (accepted or refused) as audited, newest first, at most `limit`. */
  recentSaves(incidentId: string, limit: number): Promise<PostMortemSaveRecord[]>;
  /** Schedules a reminder; scheduling a key again replaces the earlier one (a new due date, the next repeat). */
  scheduleReminder(reminder: { key: string; kind: string; at: number; payload: PostMortemReminderPayload }): Promise<void>;
}

/** A community channel as metrics see it. */
export interface WatchedChannelSummary {
  /** The channel's row id: what its buckets hang from. */
  ref: string;
  name: string | null;
  detector: DetectorState | null;
}

/** A closed bucket with messages in it, as stored. */
export interface StoredBucketSummary {
  start: number;
  messages: number;
  negatives: number;
  negativeAuthorIds: string[];
}

export interface TimeRange {
  /** Inclusive. */
  from: number;
  /** Exclusive. */
  to: number;
}

/** Open incidents as a picker shows them. */
export interface OpenIncidentChoice {
  incidentId: string;
  number: number;
  severity: Severity;
  channelId: string;
  drill: boolean;
}

export interface IncidentHistory {
  /** Ids of the incidents with this number (several workspaces may share one), at most `limit`. */
  incidentIdsNumbered(number: number, limit: number): Promise<string[]>;
  /** Ids of incidents detected in the range, latest first, drills left out unless asked for. */
  incidentIdsDetectedIn(range: TimeRange & { includeDrills?: boolean; workspaceId?: string }, limit: number): Promise<string[]>;
  /** Open incidents of a workspace, latest opened first. */
  openIncidentsOf(workspaceId: string, limit: number): Promise<OpenIncidentChoice[]>;
  /** The workspace's incident whose alert thread this is, if any. */
  incidentOfThread(workspaceId: string, alertChannelId: string, rootTs: string): Promise<{ incidentId: string; locale: Locale } | null>;
  watchedChannel(workspaceId: string, channelId: string): Promise<WatchedChannelSummary | null>;
  /** Messages and negatives of every bucket starting in the range (empty ones included). */
  bucketCounts(channelRef: string, range: TimeRange): Promise<{ messages: number; negatives: number }[]>;
  /** Buckets with messages starting in the range, oldest first. */
  bucketsWithMessages(channelRef: string, range: TimeRange): Promise<StoredBucketSummary[]>;
}

/** What the post-mortem use cases touch: any Store serves them, a test's fake implements only this. */
export interface PostMortemRepositories {
  readonly incidents: Pick<IncidentRepository, 'load' | 'timeline'>;
  readonly postMortems: PostMortemRepository;
  readonly incidentHistory: IncidentHistory;
  readonly outbox: OutboxWriter;
  readonly audit: Pick<AuditLog, 'record'>;
  readonly reminders: Pick<Reminders, 'cancel'>;
  /** Whether a member deleted a message (the watcher stored it): it is not added to a timeline then. */
  readonly feedback: Pick<FeedbackRepository, 'messageDeleted'>;
}

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
  /** A reviewer Slack deactivated is no longer waited for (`published`: that published it). */
  reviewerDeactivated(postMortem: PostMortem, context: PostMortemMessageContext, change: { userId: string; published: boolean }): SlackMessage;
  /** The review request once its round is decided (published, or sent back): no buttons left to click. */
  reviewClosed(postMortem: PostMortem, context: PostMortemMessageContext): SlackMessage;
  reminder(
    postMortem: PostMortem,
    context: PostMortemMessageContext & { severity: Severity },
    /** `deactivatedUserIds`: the accounts it was for that Slack deactivated (it goes to `recipientUserIds` instead). */
    reminder: { reason: 'postmortem_due' | 'action_item'; recipientUserIds: readonly string[]; subject: string; actionItemId: string | null; late: boolean; deactivatedUserIds?: readonly string[] },
  ): SlackMessage;
}

