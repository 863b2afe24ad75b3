// The database as the use cases see it: repositories named for what they keep, implemented in
// store/ (Prisma, JSON mapping and typing live there). A use case that must change several things
// at once asks for one transaction and gets the same repositories bound to it.
import type { Bookkeeping } from './bookkeeping.js';
import type { ChannelBuckets, NamedChannels, Quarantine, ScoredMessages, WatchedChannels, Workspaces } from './channels.js';
import type { StoredGauges } from './gauges.js';
import type { Leases } from './leases.js';
import type { AuditLog } from './audit.js';
import type { IncidentRepository } from './incidents.js';
import type { FailedSlackWrites, OutboxQueue, OutboxWriter } from './outbox.js';
import type { PostMortemRepository } from './postmortems.js';
import type { ReminderQueue, Reminders } from './reminders.js';
import type { UnansweredMessages } from './unanswered.js';
import type { DigestReads } from './digest.js';
import type { Installations, OAuthStates } from './installations.js';
import type { FeedbackRepository } from './feedback.js';
import type { EventInboxRows } from './inbox.js';
import type { UnfinishedRequests } from './unfinished.js';
import type { IncidentHistory } from './postmortems.js';

/** Slack delivers an event at least once; its id is recorded once, by whichever delivery comes first. */
export interface ProcessedEvents {
  /** True for exactly one caller per id, even across instances; false for every later caller. */
  recordOnce(eventId: string, at: number): Promise<boolean>;
}

/** The repositories, bound either to one transaction or to the database outside any transaction. */
export interface Repositories {
  readonly processedEvents: ProcessedEvents;
  readonly channels: WatchedChannels;
  readonly namedChannels: NamedChannels;
  readonly buckets: ChannelBuckets;
  readonly scoredMessages: ScoredMessages;
  readonly quarantine: Quarantine;
  readonly inbox: EventInboxRows;
  readonly unfinished: UnfinishedRequests;
  readonly workspaces: Workspaces;
  readonly leases: Leases;
  readonly gauges: StoredGauges;
  readonly bookkeeping: Bookkeeping;
  readonly incidents: IncidentRepository;
  readonly outbox: OutboxWriter;
  readonly failedWrites: FailedSlackWrites;
  readonly outboxQueue: OutboxQueue;
  readonly audit: AuditLog;
  readonly reminders: Reminders;
  readonly reminderQueue: ReminderQueue;
  readonly postMortems: PostMortemRepository;
  readonly unanswered: UnansweredMessages;
  readonly incidentHistory: IncidentHistory;
  readonly feedback: FeedbackRepository;
  readonly digest: DigestReads;
  readonly installations: Installations;
  readonly oauthStates: OAuthStates;
}

export interface TransactionOptions {
  /** How long the transaction may run before the database gives up on it (ms). */
  timeoutMs?: number;
}

/**
 * `R` narrows the repositories to those a use case needs (`Store<Pick<Repositories, …>>`): any
 * Store serves it, and a test's in-memory fake implements only those.
 */
export interface Store<R = Repositories> {
  /** Runs `work` in one transaction: everything it writes commits together or not at all. */
  transaction<T>(work: (tx: R) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** The same repositories outside a transaction: each call commits on its own. */
  readonly direct: R;
}
