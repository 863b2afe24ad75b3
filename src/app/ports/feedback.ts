// What the feedback use cases keep (#16): staff feedback rows, each workspace's learnt lexicon and
// each channel's detection calibration.
import type { AlertFeedbackFact, ChannelCalibration, FeedbackSubject, FeedbackTarget } from '../../domain/feedback/index.js';
import type { Locale } from '../../i18n/index.js';
import type { TimelineEvent } from '../../domain/incidents/index.js';
import type { CorrectionFeatures, LearntCorrections } from '../../domain/sentiment/corrections.js';
import type { AuditLog } from './audit.js';
import type { IncidentRepository } from './incidents.js';
import type { OutboxWriter } from './outbox.js';
import type { SlackMessage } from './views.js';
import type { ProcessedEvents } from './store.js';

export interface FeedbackRecord {
  id: string;
  workspaceId: string;
  target: FeedbackTarget;
  verdict: string;
  channelId: string;
  incidentId: string | null;
  messageTs: string | null;
  /** Erased by retention after MESSAGE_RETENTION_DAYS. */
  text: string | null;
  /** What the sentiment learner keeps of the text once it is erased (message feedback only). */
  features: CorrectionFeatures | null;
  userId: string;
  reason: string | null;
  via: string;
  at: number;
  undoneAt: number | null;
  undoneBy: string | null;
}

export type NewFeedback = Omit<FeedbackRecord, 'id' | 'undoneAt' | 'undoneBy'>;

export interface StoredLexicon {
  workspaceId: string;
  learnt: LearntCorrections;
  frozen: string[];
  updatedAt: number;
  /** Stored by an older learner (no class boundaries): to be learnt again from the feedback. */
  outdated: boolean;
}

export interface FeedbackRepository {
  insert(feedback: NewFeedback): Promise<FeedbackRecord>;
  find(id: string): Promise<FeedbackRecord | null>;
  /** The person's latest verdict on the subject, undone or not (null when they gave none). */
  latestOnSubject(subject: FeedbackSubject): Promise<FeedbackRecord | null>;
  /** The person's verdicts on the subject not undone, latest first (the first is the one that counts). */
  activeOnSubject(subject: FeedbackSubject): Promise<FeedbackRecord[]>;
  /** Marks feedback undone; false when it already was (another click or instance got there first). */
  markUndone(id: string, userId: string, at: number): Promise<boolean>;
  setReason(id: string, reason: string): Promise<void>;
  /** Active message feedback of a workspace, oldest first: what the sentiment learner learns from. */
  activeMessageFeedback(workspaceId: string): Promise<FeedbackRecord[]>;
  /** Undoes every active message feedback of a workspace (lexicon reset); returns how many. */
  undoAllMessageFeedback(workspaceId: string, userId: string, at: number): Promise<number>;
  /** Active alert feedback on a channel, with each incident's detection lag. */
  activeAlertFacts(workspaceId: string, channelId: string): Promise<AlertFeedbackFact[]>;
  saveLexicon(workspaceId: string, learnt: LearntCorrections, frozen: readonly string[]): Promise<void>;
  loadLexicon(workspaceId: string): Promise<StoredLexicon | null>;
  /** Lexicons changed since `since` (all when 0): other instances' learning reaches this one. */
  lexiconsChangedSince(since: number): Promise<StoredLexicon[]>;
  saveCalibration(workspaceId: string, channelId: string, calibration: ChannelCalibration): Promise<void>;
  loadCalibration(workspaceId: string, channelId: string): Promise<ChannelCalibration | null>;
  /** Every channel with a stored calibration (re-derived from the feedback at start-up). */
  calibratedChannels(): Promise<{ workspaceId: string; channelId: string }[]>;
  /** Whether Firebreak watches this channel (feedback on a message needs a watched channel). */
  isChannelWatched(workspaceId: string, channelId: string): Promise<boolean>;
  /** The workspace's feedback on message `ts` of this channel (its author deleted it: what quotes it is erased). */
  onMessage(workspaceId: string, channelId: string, ts: string): Promise<FeedbackRecord[]>;
  /** The row no longer keeps the message's words; `features` (message feedback) is what the learner needs of them. */
  eraseText(id: string, features: CorrectionFeatures | null): Promise<void>;
  /** The incident's timeline lines about this feedback lose the message excerpt they quoted; returns those that had one, as they are now. */
  eraseExcerpts(incidentId: string, feedbackId: string): Promise<TimelineEvent[]>;
  /** Whether the workspace's stored message `ts` of this channel was deleted by its author (feedback on it is refused). */
  messageDeleted(workspaceId: string, channelId: string, ts: string): Promise<boolean>;
  /** The latest open incident (drills left out) on a community channel, if any. */
  openIncidentOn(workspaceId: string, channelId: string): Promise<string | null>;
  /**
   * Takes the incident's version before feedback appends to its timeline: this orders feedback with
   * concurrent decisions on the same incident (a row lock on PostgreSQL; a concurrent decision sees
   * the version move and retries), so timeline sequence numbers never collide.
   */
  lockIncidentTimeline(incidentId: string): Promise<void>;
  /** Workspaces recorded so far, by Slack team id. */
  workspaces(): Promise<{ id: string; teamId: string }[]>;
}

/** How feedback shows in Slack: a line in the incident's thread, like every other timeline event. */
export interface FeedbackViews {
  threadEvent(event: TimelineEvent, locale: Locale): SlackMessage;
}

/** What the feedback use cases touch: any Store serves them, a test's fake implements only this. */
export interface FeedbackRepositories {
  readonly feedback: FeedbackRepository;
  /** Claims that order verdicts given at once by the same person on the same subject. */
  readonly processedEvents: ProcessedEvents;
  readonly incidents: Pick<IncidentRepository, 'load' | 'appendTimeline'>;
  readonly outbox: Pick<OutboxWriter, 'enqueue' | 'rewriteCopies'>;
  readonly audit: Pick<AuditLog, 'record'>;
}
