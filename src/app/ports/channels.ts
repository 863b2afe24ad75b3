// What the watcher keeps about community channels: the watched channels themselves (with the
// detector's memory and the language mix), their time buckets, the scored messages, and the
// quarantine of messages that could not be stored. Times are epoch ms; JSON columns arrive typed.
import type { ChannelBucket } from '../../domain/detection/bucket.js';
import type { DetectorState } from '../../domain/detection/detector.js';
import type { ChannelLanguageMix } from '../../domain/language/detect.js';
import type { PlaybookWatch } from '../../domain/playbooks/watching.js';
import type { SentimentResult } from '../../domain/sentiment/score.js';
import type { SentimentLabel } from '../../domain/sentiment/types.js';

/** Why a channel is watched: a playbook names it, or someone ran /firebreak watch. */
export type WatchedBy = 'playbook' | 'command';

export interface WatchedChannelRecord {
  /** The record's own id: what buckets and scored messages refer to. */
  ref: string;
  workspaceId: string;
  /** Slack channel ID, or `<source>:<channel>` for ingested sources. */
  channelId: string;
  name: string | null;
  active: boolean;
  watchedBy: string;
  /**
   * What the detector learnt; null before its first tick. A state of an older version the detector
   * knows how to upgrade is given as is; an unknown one as null.
   */
  detectorState: DetectorState | null;
  languageMix: ChannelLanguageMix | null;
}

/** A channel a playbook put under watch, as following the playbooks needs it. */
export interface PlaybookWatchedChannel extends PlaybookWatch {
  ref: string;
  workspaceId: string;
}

export interface NewWatchedChannel {
  workspaceId: string;
  channelId: string;
  name: string | null;
  watchedBy: WatchedBy;
  /** `slack`, or the ingest source (`forum` for `forum:general`). */
  source: string;
}

export interface WatchedChannels {
  find(workspaceId: string, channelId: string): Promise<WatchedChannelRecord | null>;
  /**
   * The first channel with this id in any workspace: only where no workspace is known (ALERTS_CHANNEL at
   * start-up). A Slack Connect channel has the same id in both organisations: anything of one workspace
   * uses `find`.
   */
  findByChannelId(channelId: string): Promise<WatchedChannelRecord | null>;
  /** A channel of the workspace by its name (`support` for #support), active or not. */
  findByName(workspaceId: string, name: string): Promise<WatchedChannelRecord | null>;
  /**
   * /firebreak watch and unwatch: the channel watched by command (created if new) or no longer watched.
   * Either way the channel is the command's from then on (`watchedBy` `command`): playbook edits leave it be.
   */
  setWatched(channel: { workspaceId: string; channelId: string; name: string | null; active: boolean }): Promise<void>;
  /** The channels a playbook put under watch (`watchedBy` `playbook`), active or stopped by a playbook edit. */
  watchedByPlaybooks(): Promise<PlaybookWatchedChannel[]>;
  /**
   * Starts or stops watching a channel a playbook put under watch; its detector state and history are
   * kept. Only while it is still the playbooks' and in the other state: true when this call changed it
   * (two instances following the same edit change it once; a /firebreak watch or unwatch in between wins).
   */
  setPlaybookWatch(ref: string, active: boolean): Promise<boolean>;
  /**
   * Slack deleted the channel: no longer watched, and the command's from then on (playbook edits leave it
   * stopped), as after /firebreak unwatch. One conditional update: true for the one call that stopped it.
   */
  stopDeleted(workspaceId: string, channelId: string): Promise<boolean>;
  /**
   * Slack renamed a channel of the workspace: its row (if Firebreak has one) takes the new name. The row
   * as it is now, or null when the workspace has no row for that channel (nothing changes then).
   */
  rename(workspaceId: string, channelId: string, name: string): Promise<WatchedChannelRecord | null>;
  /** Creates the channel; when another instance (or request) created it first, returns that one. */
  createOrFind(channel: NewWatchedChannel): Promise<WatchedChannelRecord | null>;
  /** The active channels, in the database's order; at most `limit` when given. */
  active(limit?: number): Promise<WatchedChannelRecord[]>;
  saveDetectorState(ref: string, state: DetectorState): Promise<void>;
  saveLanguageMix(ref: string, mix: ChannelLanguageMix): Promise<void>;
}

/** A bucket's counts as stored beside its record (what charts and App Home sum). */
export interface BucketCounts {
  start: number;
  messages: number;
  negatives: number;
}

export interface ChannelBuckets {
  /**
   * Read-modify-write of one bucket, created empty when missing. On PostgreSQL the row is locked for
   * the rest of the transaction, so instances sharing the database never lose each other's counts.
   */
  change(channelRef: string, start: number, change: (bucket: ChannelBucket) => ChannelBucket): Promise<void>;
  /** The channel's bucket records starting at or after `from`, oldest first. */
  since(channelRef: string, from: number): Promise<ChannelBucket[]>;
  /** The channel's bucket counts starting at or after `from`, oldest first. */
  countsSince(channelRef: string, from: number): Promise<BucketCounts[]>;
  /**
   * Erases the sample quotes of buckets that started before `before` (and, when given, at or after
   * `from`); counts stay. Returns how many buckets had samples.
   */
  eraseSamples(before: number, from?: number): Promise<number>;
  /**
   * Read-modify-write of the channel's bucket at `start` when one of its samples quotes the message
   * `messageId` (a bucket the detector closed keeps its counts and verdict, but never the words its author
   * deleted or changed: domain withoutSample, withSampleText); nothing when there is no such sample. Locked
   * on PostgreSQL as `change` is.
   */
  changeSample(channelRef: string, start: number, messageId: string, change: (bucket: ChannelBucket) => ChannelBucket): Promise<void>;
}

export interface NewScoredMessage {
  channelRef: string;
  ts: string;
  userId: string;
  text: string;
  permalink: string | null;
  threadTs: string | null;
  sentiment: Pick<SentimentResult, 'language' | 'label' | 'score' | 'comparative' | 'terms'>;
  postedAt: number;
  /** Stored by an edit that arrived before its message: that edit's own Slack ts. */
  editedTs?: string | null;
}

export interface ScoredMessageRecord {
  id: string;
  ts: string;
  userId: string;
  /** Null once erased (retention, deletion). */
  text: string | null;
  label: SentimentLabel;
  score: number;
  terms: string[];
  postedAt: number;
  deletedAt: number | null;
  /** Slack's ts of the latest edit applied (null: never edited, or only by edits without one). */
  editedTs: string | null;
}

export interface ScoredMessages {
  /**
   * Stores the message unless the channel already has one with its ts (one statement, INSERT … ON
   * CONFLICT DO NOTHING, safe inside a transaction on both databases). True when this call stored it.
   */
  insertIfNew(message: NewScoredMessage, now: number): Promise<boolean>;
  find(channelRef: string, ts: string): Promise<ScoredMessageRecord | null>;
  /**
   * The message as it is now, held for the rest of the transaction (an edit and a deletion of it arriving
   * together change it one after the other, each from what the other left).
   */
  findToChange(channelRef: string, ts: string): Promise<ScoredMessageRecord | null>;
  /** A staff reply answered the thread of `threadTs` at `at` (first answer only). */
  markAnswered(channelRef: string, threadTs: string, at: number): Promise<void>;
  /**
   * An edit: the new text and its new score, applied at `edited.at`. `edited.ts`, the edit's own Slack ts,
   * becomes the message's latest edit; an edit without one leaves the stored one.
   */
  rescore(id: string, text: string, sentiment: NewScoredMessage['sentiment'], edited: { at: number; ts?: string }): Promise<void>;
  /** A deletion: the message stays (its score counted in history), its text is erased. */
  markDeleted(id: string, at: number): Promise<void>;
  /** Permalinks of the channel's messages among `tss`, by ts. */
  permalinks(channelRef: string, tss: readonly string[]): Promise<Map<string, string | null>>;
  /** Erases the text of messages posted before `before`; returns how many. */
  eraseTextsPostedBefore(before: number, erasedAt: number): Promise<number>;
}

export interface QuarantineEntry {
  at: number;
  source: string;
  workspaceId: string | null;
  channelId: string | null;
  eventId: string | null;
  /** One of a fixed set (invalid_ts, store_failed …). */
  reason: string;
  error: string;
  /** What was received, as storable JSON. */
  payload: string;
}

export interface QuarantinedMessage extends QuarantineEntry {
  id: string;
}

export interface Quarantine {
  add(entry: QuarantineEntry): Promise<void>;
  /** The latest entries, newest first. */
  recent(limit: number): Promise<QuarantinedMessage[]>;
}

export interface Workspaces {
  /** The workspace of a Slack team (or `ingest` / `local`), created on first sight; concurrent creators agree. */
  idForTeam(teamId: string): Promise<string>;
  /** The same in one upsert, naming the workspace when it creates it (`ingest`: "Other sources"). */
  ensureNamed(teamId: string, name: string): Promise<string>;
  /** The Slack team of a workspace row; null for an unknown row. */
  teamOf(workspaceId: string): Promise<string | null>;
}

/** A channel a playbook names by name, and the Slack ID that name meant when it was first resolved. */
export interface NamedChannelRecord {
  workspaceId: string;
  /** The name as the playbook gives it, without `#`. */
  name: string;
  channelId: string;
  /** Slack's name for the channel now: another than `name` once it was renamed in Slack. */
  currentName: string;
  /** When Slack deleted the channel: the name then means no channel until one takes it. */
  deletedAt?: number | null;
}

/**
 * Names resolved once to their channel (a playbook's `alertsChannel: crisis-alerts`): incidents follow
 * the ID, so renaming the channel in Slack does not strand them.
 */
export interface NamedChannels {
  find(workspaceId: string, name: string): Promise<NamedChannelRecord | null>;
  /** Remembers what `name` means; when another caller remembered it first, returns theirs. */
  bind(record: NamedChannelRecord): Promise<NamedChannelRecord>;
  /** Slack renamed the channel: its bindings take the new current name. How many changed. */
  renamed(workspaceId: string, channelId: string, currentName: string): Promise<number>;
  /**
   * The name now means `channelId` (Slack deleted the channel it meant, or another channel took the
   * name): the binding is moved, its deletion forgotten. True when it changed.
   */
  rebind(record: Omit<NamedChannelRecord, 'deletedAt'>): Promise<boolean>;
  /** Slack deleted the channel: its bindings are marked deleted at `at`. How many changed. */
  channelDeleted(workspaceId: string, channelId: string, at: number): Promise<number>;
  /** The workspace's bindings (a handful: one per name-given alerts channel). */
  ofWorkspace(workspaceId: string): Promise<NamedChannelRecord[]>;
}
