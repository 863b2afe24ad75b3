// Slack writes as the use cases ask for them: inside the caller's transaction, so a state change and
// the messages it causes commit (or vanish) together. store/ keeps them; the outbox worker sends them.
import type { SlackMessage } from './views.js';

export interface SlackWrite {
  /**
   * Idempotency key, unique across the outbox: one per intended effect (e.g. `incident:<id>:root`,
   * `draft:<id>:r<revision>:public`). Enqueueing a key that exists changes nothing.
   */
  key: string;
  /** Web API method: chat.postMessage, chat.update, chat.delete, reactions.add, views.publish … */
  method: string;
  /** Web API arguments (without token). For chat.postMessage the outbox adds `metadata` itself. */
  payload: Record<string, unknown>;
  /** The channel whose lane orders this write; defaults to `payload.channel`. */
  channelId?: string;
  incidentId?: string;
  /** The Slack team whose token sends it; else the team of `workspaceId`, else of the incident's workspace. */
  teamId?: string;
  workspaceId?: string;
  /**
   * Not before this time (epoch ms or Date); due at once when absent. The channel's later items wait
   * behind it (order is kept): for a message hours ahead, schedule a reminder that enqueues it.
   */
  after?: Date | number;
  /** Key of an item whose posted ts becomes `thread_ts`: not sendable until that item is sent. */
  threadOf?: string;
  /** Key of an item whose posted ts (and channel) this call acts on (chat.update, chat.delete, reactions.add). */
  messageOf?: string;
  /** Run the afterSend handler registered for `record.kind` in the transaction that marks the item sent. */
  record?: { kind: string } & Record<string, unknown>;
  /** Enqueue time by the caller's clock (defaults to the wall clock); orders the channel's lane. */
  now?: number;
}

export interface OutboxWriter {
  /** Enqueues a Slack write. True when it was added, false when its key was already there. */
  enqueue(write: SlackWrite): Promise<boolean>;
  /** Whether a write with this key was ever enqueued (a message that may be edited in place). */
  has(key: string): Promise<boolean>;
  /**
   * Every write of the message `messageKey` (its post, and each edit of it in place, `<messageKey>:v<n>`)
   * keeps and, when not sent yet, sends `content` instead of its text and blocks, its state unchanged: a
   * member changed words it quoted. Nothing when there is no such write.
   */
  rewriteCopies(messageKey: string, content: SlackMessage): Promise<void>;
  /** Where the messages these keys posted are (Slack's answer), for those already posted. */
  postedMessages(keys: readonly string[]): Promise<Map<string, { channel: string; ts: string }>>;
  /** Fails every unsent write of a team with `reason` (the workspace was uninstalled). Returns how many. */
  stopTeam(teamId: string, reason: string): Promise<number>;
  /** The keys among `keys` whose write failed for good with exactly `error`. */
  failedWith(keys: readonly string[], error: string): Promise<string[]>;
  /**
   * Removes a write that failed for good (with exactly `error` when given) so its key can be enqueued
   * again; true only for the one caller that removed it.
   */
  forgetFailed(key: string, error?: string): Promise<boolean>;
  /** Writes held with exactly `error` (never sent), of `teamId` when given, oldest first, at most `limit`. */
  heldWith(error: string, limit: number, teamId?: string): Promise<QueuedSlackWrite[]>;
  /**
   * Puts the writes among `keys` held with exactly `error` back in their lanes, all at once, so they
   * are sent in their first order; an edit that a later write of the same message overtakes stays
   * held (it would show an older state). Returns the keys put back.
   */
  releaseHeld(keys: readonly string[], error: string, now: number): Promise<string[]>;
  /**
   * Puts back in their lanes the writes waiting for a channel Slack would not take them in (archived,
   * gone, the bot not in it: `WAITING_FOR_CHANNEL`), of `channelId` (every channel when absent) and of
   * `teamId` when given, with the writes in other lanes waiting on them. One conditional update: two
   * callers put each back once. Returns the keys put back.
   */
  releaseWaitingForChannel(filter: { channelId?: string; teamId?: string }, now: number): Promise<string[]>;
  /** The keys among `keys` whose write waits for its channel, with the error it waits on. */
  waitingWith(keys: readonly string[]): Promise<Map<string, string>>;
  /**
   * Fails for good, with `error`, an incident's writes still waiting for their channel (its thread moved
   * to another alerts channel: they must never land in the old one). Returns how many.
   */
  stopWaiting(incidentId: string, error: string): Promise<number>;
  /** Writes waiting for their channel whose key starts with `keyPrefix` (of `teamId` when given), oldest first. */
  waitingByKey(keyPrefix: string, teamId?: string): Promise<{ key: string; channelId: string | null; createdAt: number }[]>;
  /** Closes one waiting write for good with `error`: true for the one caller that closed it. */
  closeWaiting(key: string, error: string): Promise<boolean>;
  /**
   * Takes the writes among `keys` failed with one of `errors`, by conditional updates (of two callers,
   * one takes them): those among `resend` go back in their lanes (keeping `uncertain`), the others are
   * closed as `closedAs`. Returns how many it took.
   */
  takeFailed(keys: readonly string[], errors: readonly string[], take: { resend: readonly string[]; closedAs: string; now: number }): Promise<number>;
}

/**
 * How a team's unsent writes are failed when it uninstalls Firebreak or revokes its token
 * (`workspace_uninstalled:app_uninstalled`): never sent, since no token can send them.
 */
export const WORKSPACE_UNINSTALLED = 'workspace_uninstalled:';

/** How a write is failed when a message it threads under or edits was never posted. */
export const DEPENDENCY_FAILED = 'dependency_failed';

/**
 * Slack's answers that say the channel cannot take a message now but may again: archived (until it is
 * unarchived), not found (deleted, or private and the bot not in it), the bot not in it (until invited).
 */
export const CHANNEL_UNUSABLE_ERRORS: ReadonlySet<string> = new Set(['is_archived', 'channel_not_found', 'not_in_channel']);

/**
 * How a write Slack refused for one of those reasons is kept (`waiting_for_channel:is_archived`): not
 * retried on a timer, listed in App Home, and put back once the channel can be used again.
 */
export const WAITING_FOR_CHANNEL = 'waiting_for_channel:';

/**
 * Writes closed on purpose, not refused by Slack: an incident's writes left in the alerts channel it was
 * raised away from, and a digest dropped because digests now go to another channel (a note said so
 * there). Neither is a delivery problem staff could fix: App Home does not list them.
 */
export const MOVED_TO_ANOTHER_ALERTS_CHANNEL = 'moved_to_another_alerts_channel';
export const DIGEST_DROPPED = 'dropped:digest_channel_changed';
/**
 * Edits and thread lines an uninstall stopped, closed once the reinstall redrew the alert and cards from
 * the stored state and listed the lines in the thread: nothing left for staff to fix.
 */
export const REDRAWN_AFTER_REINSTALL = 'redrawn_after_reinstall';

/**
 * Why the outbox itself held a post (failed as `held:<reason>`, never sent). `parent_deleted`: the
 * message it answers in thread is gone. `lookup_failed` / `lookup_incomplete`: an earlier attempt may
 * have landed and the look-up for it failed, or could not read every message since that attempt.
 */
export const OUTBOX_HOLD = { parentDeleted: 'parent_deleted', parentUnchecked: 'parent_unchecked', lookupFailed: 'lookup_failed', lookupIncomplete: 'lookup_incomplete' } as const;

/**
 * How a post waits for a read Slack rate-limited before it (`waiting_for_read:lookup`, the look-up for an
 * earlier attempt; `waiting_for_read:parent`, the check that the message it answers is still there).
 * Rescheduled in the database, so a restart keeps the wait; it does not hold its lane meanwhile.
 */
export const WAITING_FOR_READ = 'waiting_for_read:';

/** Which read a post waits for (see WAITING_FOR_READ). */
export type ReadBeforePost = 'lookup' | 'parent';

/**
 * A read before posting that Slack rate-limited, kept with the write so it resumes instead of starting
 * again: the look-up's cursor and how many messages it read, and when the read began (its time bound).
 */
export type ReadProgress =
  // `oldest`: the look-up's lower bound in Slack's time, kept so a resumed read asks what its cursor was for (null: none).
  | { read: 'lookup'; startedAt: number; cursor: string | null; messagesRead: number; oldest?: string | null }
  | { read: 'parent'; startedAt: number };

/** Writes Slack refused for good (App Home lists them: staff must act, Firebreak will not retry). */
export interface FailedSlackWrites {
  /** Newest first; only one workspace's when `workspaceId` is given. */
  recent(limit: number, workspaceId?: string): Promise<FailedSlackWrite[]>;
  /** Writes waiting for their channel (`WAITING_FOR_CHANNEL`), counted by Slack's reason, with the oldest one's creation. */
  waitingByReason(): Promise<{ reason: string; count: number; oldestAt: number }[]>;
}

export interface FailedSlackWrite {
  key: string;
  method: string;
  channelId: string | null;
  incidentId: string | null;
  createdAt: number;
  lastError: string | null;
}

/** Slack's answer to a write, recorded before the item is marked sent. */
export interface OutboxResult {
  ok: true;
  ts?: string;
  channel?: string;
  /** True when a message already carrying the key was found and adopted instead of posting again. */
  adopted?: boolean;
  /**
   * When Slack's answer arrived, by the clock of the instance that got it (epoch ms): with `ts`, a
   * sample of Slack's clock against ours (absent on adopted results and on rows from before it was kept).
   */
  answeredAt?: number;
}

/** A write Slack has answered, handed to the afterSend handler of its `record.kind`. */
export interface SentOutboxItem {
  key: string;
  method: string;
  channelId: string | null;
  incidentId: string | null;
  /** The arguments as sent (thread_ts and ts resolved). */
  args: Record<string, unknown>;
  result: OutboxResult;
  record: SlackWrite['record'];
}

/** A write that failed for good (or was held), handed to the failure handler. */
export interface OutboxFailure {
  key: string;
  method: string;
  channelId: string | null;
  incidentId: string | null;
  /** Slack's error code (channel_not_found, not_in_channel …), held:<reason>, or dependency_failed / dependency_missing. */
  error: string;
  record: SlackWrite['record'];
  /** An earlier attempt went unanswered (timeout, 5xx): it may have reached Slack after all. */
  uncertain?: boolean;
}

/** A write in the outbox, as the worker that sends it sees it. */
export interface QueuedSlackWrite {
  id: string;
  key: string;
  method: string;
  /** The lane: writes of one channel are sent strictly in order. */
  channelId: string | null;
  incidentId: string | null;
  /** The Slack team whose token sends it (null: the single bot token, or unknown). */
  teamId: string | null;
  /** Web API arguments as enqueued (thread_ts and ts are resolved at send time). */
  args: Record<string, unknown>;
  threadOf?: string;
  messageOf?: string;
  record: SlackWrite['record'];
  status: 'pending' | 'sending' | 'sent' | 'failed';
  /** Why its last attempt failed (Slack's error, held:<reason>, waiting_for_channel:<error> …). */
  lastError: string | null;
  /** Slack's answer, once recorded: from then on the write is never sent again. */
  result: OutboxResult | null;
  lockedBy: string | null;
  lockedUntil: number | null;
  attempts: number;
  /** An earlier attempt may have reached Slack: look for it before posting again. */
  uncertain: boolean;
  /** A rate-limited read before posting, resumed where it stopped; cleared when a post attempt starts. */
  readProgress: ReadProgress | null;
  createdAt: number;
}

/** A lane's head the worker may claim, with the writes it depends on (threadOf / messageOf) by key. */
export interface SendableSlackWrite {
  item: QueuedSlackWrite;
  parents: ReadonlyMap<string, QueuedSlackWrite>;
}

/** Claims are compare-and-set: several instances never send one write at the same time. */
export interface OutboxQueue {
  /** Each lane's oldest unsent write when it is due (or its claim expired, or its claimer is dead). */
  sendable(now: number, isAbandoned: (lockedBy: string | null) => boolean): Promise<SendableSlackWrite[]>;
  /**
   * Posts Slack answered (chat.postMessage, not adopted) marked sent at or after `since` (and at or
   * before `until` when given), newest first, at most `limit`: Slack's ts with when the answer arrived
   * (the sent time on rows that did not keep it). Samples of Slack's clock that outlive a restart and
   * come from every instance.
   */
  postAnswers(since: number, limit: number, until?: number): Promise<{ ts: string; answeredAt: number }[]>;
  /** When the last chat.postMessage of each channel was answered, for pacing. */
  lastPostTimes(channelIds: readonly string[], since: number): Promise<Map<string, number>>;
  claim(item: QueuedSlackWrite, claim: { workerId: string; now: number; leaseMs: number }): Promise<QueuedSlackWrite | null>;
  /** Right before the call to Slack: the claim extended, and any earlier read's progress void (a new attempt may land). */
  renewClaim(item: QueuedSlackWrite, until: number): Promise<boolean>;
  recordResult(item: QueuedSlackWrite, result: OutboxResult): Promise<boolean>;
  markSent(item: QueuedSlackWrite, now: number): Promise<boolean>;
  /** Back to pending at `retryAt`; `readProgress` replaces the stored one when given. */
  release(item: QueuedSlackWrite, release: { retryAt: number; error: string; uncertain?: boolean; readProgress?: ReadProgress | null }): Promise<boolean>;
  markFailed(item: QueuedSlackWrite, error: string): Promise<boolean>;
}
