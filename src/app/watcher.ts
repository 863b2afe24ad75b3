// Watching community channels: each message is scored and counted in its channel's time bucket (any
// instance may do it); the leader's detection tick runs the detector over closed buckets and opens
// incidents. All detector state lives in the database, so a restart or a failover resumes it.
import type { Clock } from '../domain/clock.js';
import { addToBucket, bucketStartOf, removeFromBucket, withoutSample, withSampleText, type ChannelBucket, type MessageContribution } from '../domain/detection/bucket.js';
import { initialDetectorState, type DetectorDecision, type DetectorState } from '../domain/detection/detector.js';
import type { DetectorSettings } from '../domain/detection/settings.js';
import { advanceChannel, bucketStillOpen, scoreInChannel, type ChannelScoreOptions, type ChannelWindow, type ChatMessage } from '../domain/detection/pipeline.js';
import { emptyLanguageMix, languageHint, type ChannelLanguageMix } from '../domain/language/detect.js';
import type { CorrectionModel, SentimentResult } from '../domain/sentiment/score.js';
import { checkMessageInput, compareSlackTs, storableJson, storableText, type CleanMessage, type InputFix } from '../domain/ingest/message-input.js';
import { isDatabaseLocked } from '../errors.js';
import type { Logger } from '../logger.js';
import type { DetectionEscalated, MemberChange, Severity } from '../domain/incidents/index.js';
import type { DetectionInput } from './incidents.js';
import { followPlaybooks } from '../domain/playbooks/watching.js';
import type { Playbook } from '../domain/playbooks/schema.js';
import type { AuditRecord, NewScoredMessage, PlaybookWatchedChannel, Repositories, ScoredMessageRecord, Store, WatchedChannelRecord } from './ports/index.js';

/** A member's message as the watcher receives it: the message's own fields, and where it came from. */
export interface CommunityMessage extends CleanMessage {
  workspaceId: string;
  source?: string;
}

/** A channel whose watch followed a playbook edit. */
export type WatchChange = Pick<PlaybookWatchedChannel, 'workspaceId' | 'channelId' | 'name'>;

export interface ChannelInfo {
  name: string | null;
  /** Watched because a playbook names it (then it follows the playbooks: followPlaybooks), or by /firebreak watch. */
  watchedBy: 'playbook' | 'command' | null;
}

/** What a detection does to incidents (the IncidentService). */
export interface DetectionIncidents {
  /** `severity`: the incident's severity (the one it opened with, or the open one's the spike joined). */
  openFromDetection(input: DetectionInput): Promise<{ incidentId: string; opened: boolean; severity?: Severity }>;
  escalateFromDetection(input: DetectionInput, escalation: DetectionEscalated): Promise<{ incidentId: string; opened: boolean }>;
  /**
   * A member deleted a message, or edited it (its latest words): the workspace's incidents keep no words of
   * it, or only the latest, as a sample or on their timeline (idempotent).
   */
  memberMessageChanged?(changed: { workspaceId: string; channelId: string; messageTs: string; change: MemberChange }): Promise<number>;
}

/** A member's edit as the incidents quoting the message take it: its latest words, and Slack's time of the edit when it said it. */
function editOf(message: CleanMessage): MemberChange {
  return { type: 'edited', text: message.text, ...(message.editedTs ? { editedTs: message.editedTs } : {}) };
}

/** The repositories the watcher reads and writes. */
export type WatcherRepositories = Pick<Repositories, 'processedEvents' | 'channels' | 'buckets' | 'scoredMessages' | 'quarantine' | 'audit'>;

export interface WatcherOptions {
  store: Store<WatcherRepositories>;
  clock: Clock;
  logger: Logger;
  incidents: DetectionIncidents;
  /** Detector settings for a channel: shipped defaults, DETECTOR_SETTINGS and the playbook's overrides. */
  settingsFor(channelId: string, channelName: string | null): DetectorSettings;
  /** Whether a channel is watched because a playbook names it, and its name. */
  describeChannel(workspaceId: string, channelId: string): Promise<ChannelInfo>;
  /** Staff messages are answers, not community sentiment. */
  isStaff(userId: string): Promise<boolean>;
  /** Link to a message, for the alert's samples (chat.getPermalink). */
  permalinkOf?(channelId: string, ts: string): Promise<string | null>;
  /** Runs one workspace's share of the leader's work (OAuth installs: with that workspace's Slack token). */
  inWorkspace?<T>(workspaceId: string, work: () => Promise<T>): Promise<T>;
  /** The workspace's learnt sentiment corrections (#16): an in-memory lookup. */
  correctionsFor?(workspaceId: string): CorrectionModel | undefined;
  /** The channel's settings with staff feedback's calibration, and the alert's note about it (#16). */
  calibrate?(workspaceId: string, channelId: string, settings: DetectorSettings): Promise<{ settings: DetectorSettings; note(surprise: number | null): unknown }>;
  onScored?(result: SentimentResult): void;
  /** A spike on this channel belongs to a drill (the sandbox's scenarios): the incident is a drill. */
  isDrill?(channelId: string): boolean;
  /** A spike alerted; `severity` is its incident's (undefined when it could not be read). */
  onSpike?(decision: Extract<DetectorDecision, { type: 'spike' }>, channelId: string, severity: Severity | undefined): void;
  /** A member deleted a message: what else keeps its words (staff feedback on it) forgets them; idempotent. */
  forgetDeleted?(deletion: { workspaceId: string; channelId: string; messageTs: string }): Promise<unknown>;
  /** A message was quarantined (reason from a fixed set), or changed on the way in. */
  onQuarantined?(reason: string): void;
  onNormalised?(fix: InputFix): void;
}

const CHANNEL_CACHE_MS = 5_000;
/** Keys come from what arrives (an /ingest source may name any channel): the cache must not grow with it. */
export const CHANNEL_CACHE_MAX_ENTRIES = 10_000;
/**
 * Messages per group commit: enough to absorb a burst in one commit, few enough that one batch
 * (synchronous SQLite work) never holds the event loop long enough to delay Slack's acks.
 */
const MAX_BATCH = 100;

interface PendingMessage {
  message: CommunityMessage;
  channel: WatchedChannelRecord;
  sentiment: SentimentResult;
  /** What the message adds to its bucket. */
  contribution: MessageContribution;
  resolve(outcome: 'stored' | 'duplicate' | 'quarantined'): void;
  reject(error: unknown): void;
}

export type IngestOutcome =
  | { status: 'scored'; sentiment: SentimentResult; staff: boolean }
  | { status: 'duplicate' | 'not_watched' | 'staff_reply' | 'quarantined' };

/** Slack's ts is seconds with microseconds: `1700000000.000100` → epoch ms. */
export function tsToMs(ts: string): number {
  return Math.round(Number(ts) * 1000);
}

/** The channel's detector state, or a fresh one before its first tick. */
function detectorStateOf(stored: DetectorState | null, settings: DetectorSettings): DetectorState {
  return stored ?? initialDetectorState(settings);
}

export class Watcher {
  constructor(private readonly options: WatcherOptions) {}

  /** The watched-channel row for a channel, created when a playbook names it; null when not watched. */
  private async watchedChannel(workspaceId: string, channelId: string): Promise<WatchedChannelRecord | null> {
    const { channels } = this.options.store.direct;
    const existing = await channels.find(workspaceId, channelId);
    if (existing) return existing.active ? existing : null;
    const info = await this.options.describeChannel(workspaceId, channelId);
    if (!info.watchedBy) return null;
    return channels.createOrFind({ workspaceId, channelId, name: info.name, watchedBy: info.watchedBy, source: channelId.includes(':') ? (channelId.split(':')[0] as string) : 'slack' });
  }

  /** Messages scored and waiting for the next group commit. */
  private queue: PendingMessage[] = [];
  private flushing: Promise<void> | null = null;
  /** Watched-channel rows, briefly cached: the hot path reads them for every message. */
  private channelCache = new Map<string, { at: number; row: Promise<WatchedChannelRecord | null> }>();

  /** Concurrent messages of a new channel share one look-up (and one creation). */
  private cachedChannel(workspaceId: string, channelId: string): Promise<WatchedChannelRecord | null> {
    const key = `${workspaceId}/${channelId}`;
    const hit = this.channelCache.get(key);
    if (hit && this.options.clock.now() - hit.at < CHANNEL_CACHE_MS) return hit.row;
    const row = this.watchedChannel(workspaceId, channelId).catch((error: unknown) => {
      this.channelCache.delete(key);
      throw error;
    });
    // Re-inserted so the Map stays oldest-first; when full, the oldest entry leaves.
    this.channelCache.delete(key);
    if (this.channelCache.size >= CHANNEL_CACHE_MAX_ENTRIES) this.channelCache.delete(this.channelCache.keys().next().value as string);
    this.channelCache.set(key, { at: this.options.clock.now(), row });
    return row;
  }

  /** Forgets cached channel rows (after /firebreak watch or unwatch). */
  forgetChannels(): void {
    this.channelCache.clear();
  }

  /**
   * `/firebreak watch` and `unwatch`: the channel watched by command (created if new), or no longer
   * watched; audited with who asked, in the same transaction.
   */
  async setWatched(channel: { workspaceId: string; channelId: string; name: string | null; active: boolean }, userId: string): Promise<void> {
    await this.options.store.transaction(async (tx) => {
      await tx.channels.setWatched(channel);
      await tx.audit.record(watchAudit(this.options.clock.now(), userId, channel, 'command'));
    });
    this.forgetChannels();
  }

  /**
   * `/firebreak watch` refused before anything changed (a channel the bot cannot see, or one archived:
   * no message could ever arrive from it): audited with who asked, as other refusals are.
   */
  async recordWatchRefused(channel: { workspaceId: string; channelId: string; name: string | null }, userId: string, reason: 'not_visible' | 'archived'): Promise<void> {
    const audit = watchAudit(this.options.clock.now(), userId, { ...channel, active: true }, 'command');
    await this.options.store.direct.audit.record({ ...audit, outcome: `refused:${reason}` });
  }

  /**
   * After a playbook edit (and at start-up): each channel a playbook put under watch follows the playbooks
   * serving its workspace (`servingOf`): no longer named by any, it stops being watched (its detector
   * state and history kept); named again, it is watched again. Channels watched or unwatched by command
   * are left be, and so are open incidents. Returns the workspaces where a channel stopped (their held
   * incidents may be raised now). Idempotent: a second run, or another instance's, changes nothing.
   */
  async followPlaybooks(servingOf: (workspaceId: string) => Promise<readonly Playbook[]>, options: { mayStop: boolean }): Promise<{ stopped: WatchChange[]; resumed: WatchChange[] }> {
    const byWorkspace = new Map<string, PlaybookWatchedChannel[]>();
    for (const channel of await this.options.store.direct.channels.watchedByPlaybooks()) {
      const list = byWorkspace.get(channel.workspaceId) ?? [];
      list.push(channel);
      byWorkspace.set(channel.workspaceId, list);
    }
    const stopped: WatchChange[] = [];
    const resumed: WatchChange[] = [];
    for (const [workspaceId, watched] of byWorkspace) {
      const { stop, resume } = followPlaybooks(await servingOf(workspaceId), watched, options);
      for (const channel of stop) if (await this.setPlaybookWatch(channel, false)) stopped.push(channel);
      for (const channel of resume) if (await this.setPlaybookWatch(channel, true)) resumed.push(channel);
    }
    if (stopped.length + resumed.length > 0) this.forgetChannels();
    const change = ({ workspaceId, channelId, name }: WatchChange): WatchChange => ({ workspaceId, channelId, name });
    return { stopped: stopped.map(change), resumed: resumed.map(change) };
  }

  /**
   * Slack renamed a channel of the workspace: its stored name follows, and a channel a playbook put under
   * watch then follows the playbooks serving the workspace (`serving`) under its new name, as after a
   * playbook edit: no longer named, it stops; named again, it resumes. A channel watched or unwatched by
   * command keeps its state (only its name changes). A channel the workspace has no row for: nothing is
   * stored (its first message decides, by the name Slack gives then).
   */
  async channelRenamed(workspaceId: string, channelId: string, name: string, serving: readonly Playbook[], options: { mayStop: boolean }): Promise<{ renamed: boolean; stopped: WatchChange[]; resumed: WatchChange[] }> {
    const row = await this.options.store.direct.channels.rename(workspaceId, channelId, name);
    this.forgetChannels();
    if (!row) return { renamed: false, stopped: [], resumed: [] };
    const stopped: WatchChange[] = [];
    const resumed: WatchChange[] = [];
    if (row.watchedBy === 'playbook') {
      const channel: PlaybookWatchedChannel = { ref: row.ref, workspaceId, channelId, name: row.name, active: row.active };
      const { stop, resume } = followPlaybooks(serving, [channel], options);
      for (const each of stop) if (await this.setPlaybookWatch(each, false)) stopped.push({ workspaceId, channelId, name: each.name });
      for (const each of resume) if (await this.setPlaybookWatch(each, true)) resumed.push({ workspaceId, channelId, name: each.name });
      if (stopped.length + resumed.length > 0) this.forgetChannels();
    }
    return { renamed: true, stopped, resumed };
  }

  /**
   * Slack deleted a channel of the workspace: it is no longer watched, as after /firebreak unwatch (so no
   * playbook edit watches it again); its stored messages and buckets stay, erased by retention like any.
   * False when the workspace had no active row for it (another team's id, a repeat, a channel never watched).
   */
  async channelDeleted(workspaceId: string, channelId: string): Promise<boolean> {
    const changed = await this.options.store.transaction(async (tx) => {
      // Conditional: two deliveries (or instances) at once stop it, and audit it, once.
      if (!(await tx.channels.stopDeleted(workspaceId, channelId))) return false;
      const row = await tx.channels.find(workspaceId, channelId);
      await tx.audit.record(watchAudit(this.options.clock.now(), null, { workspaceId, channelId, name: row?.name ?? null, active: false }, 'slack_deleted'));
      return true;
    });
    this.forgetChannels();
    if (changed) this.options.logger.info({ workspace: workspaceId, channel: channelId }, 'a watched channel was deleted in Slack: no longer watched');
    return changed;
  }

  /** One playbook-made watch change, audited in its transaction and logged; false when it was already made. */
  private async setPlaybookWatch(channel: PlaybookWatchedChannel, active: boolean): Promise<boolean> {
    const { workspaceId, channelId, name } = channel;
    const changed = await this.options.store.transaction(async (tx) => {
      if (!(await tx.channels.setPlaybookWatch(channel.ref, active))) return false;
      await tx.audit.record(watchAudit(this.options.clock.now(), null, { workspaceId, channelId, name, active }, 'playbooks'));
      return true;
    });
    if (changed) {
      this.options.logger.info(
        { workspace: workspaceId, channel: channelId, channelName: name },
        active ? 'a playbook names this channel again: watched again' : 'no playbook serving its workspace names this channel any more: no longer watched',
      );
    }
    return changed;
  }

  /** The id of a workspace's channel by its name (`support` for #support), watched now or before. */
  async channelIdNamed(workspaceId: string, name: string): Promise<string | null> {
    return (await this.options.store.direct.channels.findByName(workspaceId, name))?.channelId ?? null;
  }

  /**
   * Scores a message and stores it with its bucket contribution. Messages arriving together are
   * written in one transaction (group commit): a burst costs one commit, not one per message.
   */
  async ingest(received: CommunityMessage): Promise<IngestOutcome> {
    const message = await this.checked(received);
    if (!message) return { status: 'quarantined' };
    const channel = await this.cachedChannel(message.workspaceId, message.channelId);
    if (!channel) return { status: 'not_watched' };
    if (await this.options.isStaff(message.userId)) {
      // A staff reply in a member's thread answers it (nobody is left unanswered).
      if (message.threadTs) {
        // The member's message may still be waiting for its group commit: answer it once it is stored.
        if (this.flushing) await this.flushing;
        await this.options.store.direct.scoredMessages.markAnswered(channel.ref, message.threadTs, tsToMs(message.ts));
      }
      return { status: 'staff_reply' };
    }
    // The same scoring as backtest and bench: the channel's mix (as this instance last saw it) as the hint.
    let languages = this.languageMixes.get(channel.ref);
    if (!languages) this.languageMixes.set(channel.ref, (languages = { languageMix: channel.languageMix ?? { ...emptyLanguageMix } }));
    const { sentiment, contribution } = scoreInChannel(languages, chatMessageOf(message), this.scoreOptions(message.workspaceId));
    const stored = await new Promise<'stored' | 'duplicate' | 'quarantined'>((resolve, reject) => {
      this.queue.push({ message, channel, sentiment, contribution, resolve, reject });
      this.flushing ??= this.flush().finally(() => {
        this.flushing = null;
      });
    });
    if (stored !== 'stored') return { status: stored };
    this.options.onScored?.(sentiment);
    return { status: 'scored', sentiment, staff: false };
  }

  /** Each channel's language mix as scoring left it, saved with every group commit that touches the channel. */
  private languageMixes = new Map<string, { languageMix: ChannelLanguageMix }>();

  /**
   * The message checked and cleaned (metrics and the log say what was changed); null when it could
   * not be, after it went to the quarantine with the reason.
   */
  private async checked(received: CommunityMessage): Promise<CommunityMessage | null> {
    const checked = checkMessageInput(received);
    if (!checked.ok) {
      await this.quarantine(received, checked.reason, checked.detail);
      return null;
    }
    for (const fix of checked.fixes) this.options.onNormalised?.(fix);
    if (checked.fixes.length) this.options.logger.info({ channel: checked.message.channelId, ts: checked.message.ts, fixes: checked.fixes }, 'incoming message cleaned before storing');
    const { channelId, userId, ts, text, threadTs, permalink, eventId, editedTs } = checked.message;
    return { workspaceId: received.workspaceId, channelId, userId, ts, text, ...(threadTs ? { threadTs } : {}), ...(permalink ? { permalink } : {}), ...(eventId ? { eventId } : {}), ...(editedTs ? { editedTs } : {}), ...(received.source ? { source: received.source } : {}) };
  }

  /** Keeps a message that cannot be stored, with what was received and why; counted in /metrics. */
  private async quarantine(message: CommunityMessage, reason: string, error: string): Promise<void> {
    const text = (value: unknown) => (typeof value === 'string' ? storableText(value, 255) : null);
    // Its own transaction: on SQLite a write outside one joins whichever is open, and its rollback.
    await this.options.store.transaction((tx) => tx.quarantine.add({
      at: this.options.clock.now(),
      source: text(message.source) ?? 'slack',
      workspaceId: text(message.workspaceId),
      channelId: text(message.channelId),
      eventId: text(message.eventId),
      reason,
      error: storableText(error),
      payload: storableJson(message),
    }));
    this.options.onQuarantined?.(reason);
    this.options.logger.warn({ reason, channel: text(message.channelId), eventId: text(message.eventId), error: storableText(error, 300) }, 'incoming message quarantined');
  }

  private scoreOptions(workspaceId: string): ChannelScoreOptions {
    const corrections = this.options.correctionsFor?.(workspaceId);
    return corrections ? { corrections } : {};
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      // Yield to I/O first: requests already arrived join this batch instead of each paying a commit.
      await new Promise((resolve) => setImmediate(resolve));
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        const stored = await this.writeWithRetries(batch);
        batch.forEach((pending, index) => pending.resolve(stored[index] ? 'stored' : 'duplicate'));
        continue;
      } catch (error) {
        // Another process kept the database locked for as long as the store waits: every message of the
        // batch would meet the same lock, alone or in the quarantine, and none is at fault. Their callers
        // are told at once (Slack's inbox tries the events again, an /ingest sender is answered 503).
        if (isDatabaseLocked(error)) {
          for (const pending of batch) pending.reject(error);
          continue;
        }
        if (batch.length === 1) {
          await this.settleAlone(batch[0] as PendingMessage, error);
          continue;
        }
        this.options.logger.warn({ err: error, messages: batch.length }, 'a group commit failed: storing its messages one by one');
      }
      // One item's problem must not cost its neighbours: each is retried alone, and what still fails is quarantined.
      for (const pending of batch) {
        try {
          const [stored] = await this.writeWithRetries([pending]);
          pending.resolve(stored ? 'stored' : 'duplicate');
        } catch (error) {
          if (isDatabaseLocked(error)) pending.reject(error);
          else await this.settleAlone(pending, error);
        }
      }
    }
  }

  /** A message that failed alone goes to the quarantine; only if even that fails is its caller told. */
  private async settleAlone(pending: PendingMessage, error: unknown): Promise<void> {
    try {
      await this.quarantine(pending.message, 'store_failed', error instanceof Error ? error.message : String(error));
      pending.resolve('quarantined');
    } catch (quarantineError) {
      this.options.logger.error({ err: quarantineError, cause: error }, 'could not store nor quarantine a message');
      pending.reject(error);
    }
  }

  /**
   * Another instance may write the same message or bucket at the same moment: tried again on fresh rows.
   * A database locked by another process is not: the store has already waited for it (about 5 s).
   */
  private async writeWithRetries(batch: PendingMessage[]): Promise<boolean[]> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.writeBatch(batch);
      } catch (error) {
        if (attempt >= 3 || isDatabaseLocked(error)) throw error;
      }
    }
  }

  private async writeBatch(batch: PendingMessage[]): Promise<boolean[]> {
    return this.options.store.transaction(async (tx) => {
      // One statement per message rather than one per batch: every statement keeps the same shape,
      // so Prisma compiles each query once (a batch-sized IN list or createMany recompiles per size).
      const stored: boolean[] = [];
      const fresh: PendingMessage[] = [];
      const seen = new Set<string>();
      const now = this.options.clock.now();
      for (const pending of batch) {
        const { channel, message, sentiment } = pending;
        const key = `${channel.ref}/${message.ts}`;
        let duplicate = seen.has(key);
        if (!duplicate && message.eventId) duplicate = !(await tx.processedEvents.recordOnce(message.eventId, now));
        // INSERT … ON CONFLICT DO NOTHING (same SQL on SQLite and PostgreSQL): one statement, and the
        // row count says whether this delivery is the first.
        if (!duplicate) duplicate = !(await tx.scoredMessages.insertIfNew(scoredMessageOf(channel.ref, message, sentiment), now));
        stored.push(!duplicate);
        if (duplicate) continue;
        seen.add(key);
        fresh.push(pending);
      }
      if (fresh.length === 0) return stored;
      // One read-modify-write per touched bucket, with all of the batch's contributions.
      const byBucket = new Map<string, { channel: WatchedChannelRecord; start: number; settings: DetectorSettings; contributions: MessageContribution[] }>();
      for (const { channel, message, contribution } of fresh) {
        const settings = this.options.settingsFor(message.channelId, channel.name);
        const start = bucketStartOf(contribution.at, settings.bucketMs);
        const key = `${channel.ref}/${start}`;
        const group = byBucket.get(key) ?? { channel, start, settings, contributions: [] };
        group.contributions.push(contribution);
        byBucket.set(key, group);
      }
      for (const group of byBucket.values()) {
        await this.updateBucket(tx, group.channel.ref, group.channel.detectorState, group.start, (bucket) =>
          group.contributions.reduce((current, contribution) => addToBucket(current, contribution, group.settings), bucket),
        );
      }
      for (const channelId of new Set(fresh.map(({ channel }) => channel.ref))) {
        const languages = this.languageMixes.get(channelId);
        if (languages) await tx.channels.saveLanguageMix(channelId, languages.languageMix);
      }
      return stored;
    });
  }

  /** What a watched channel holds under `ts` (author, text, deleted): how /ingest tells a resend from another message. */
  async storedMessage(workspaceId: string, channelId: string, ts: string): Promise<{ userId: string; text: string | null; deleted: boolean } | null> {
    const channel = await this.options.store.direct.channels.find(workspaceId, channelId);
    const stored = channel ? await this.options.store.direct.scoredMessages.find(channel.ref, ts) : null;
    return stored ? { userId: stored.userId, text: stored.text, deleted: stored.deletedAt !== null } : null;
  }

  /**
   * An edited message is scored again: its old contribution leaves its bucket, the new one enters.
   * Only the member's latest edit is kept: one older (by `editedTs`) than the edit stored, or one without
   * its own ts once an edit's is stored, is recorded and changes nothing. Edits never timed are applied in
   * the order they arrive.
   * `retried`: the edit found no message, then lost the race to store it to the message's own delivery.
   */
  async edit(received: CommunityMessage, retried = false): Promise<IngestOutcome> {
    const message = await this.checked(received);
    if (!message) return { status: 'quarantined' };
    const channel = await this.watchedChannel(message.workspaceId, message.channelId);
    if (!channel) {
      // Nothing of it is scored, but staff may have added it to an incident's timeline from any channel the bot is in.
      await this.options.incidents.memberMessageChanged?.({ workspaceId: message.workspaceId, channelId: message.channelId, messageTs: message.ts, change: editOf(message) });
      return { status: 'not_watched' };
    }
    const previous = await this.options.store.direct.scoredMessages.find(channel.ref, message.ts);
    if (!previous && !retried) {
      // Not stored yet: the edited words are the message (Slack may deliver the edit first). Unless the
      // message's own delivery was being stored at that moment and went first: then the edit applies to it,
      // and records this delivery (a replay of an edit that stored the message rescores the same words).
      const { eventId, ...withoutEvent } = message;
      const stored = await this.ingest(withoutEvent);
      return stored.status === 'duplicate' ? this.edit({ ...withoutEvent, ...(eventId ? { eventId } : {}) }, true) : stored;
    }
    if (!previous) return { status: 'duplicate' };
    // Slack may deliver an edit after the deletion: a message its author deleted stays deleted.
    if (previous.deletedAt !== null) return { status: 'duplicate' };
    const settings = this.options.settingsFor(message.channelId, channel.name);
    // Scored as a new message would be, with the stored mix as the hint; an edit does not move the mix.
    const { sentiment } = scoreInChannel({ languageMix: channel.languageMix ?? { ...emptyLanguageMix } }, chatMessageOf(message), this.scoreOptions(message.workspaceId));
    const done = await this.options.store.transaction(async (tx) => {
      // Recorded with the edit itself: a delivery whose edit failed is applied when replayed, a repeat is not.
      if (message.eventId && !(await tx.processedEvents.recordOnce(message.eventId, this.options.clock.now()))) return false;
      // The message as another edit or its deletion, arriving together with this one, left it: a deleted one
      // gets no words back, and only the score it has now leaves its bucket.
      const current = await tx.scoredMessages.findToChange(channel.ref, message.ts);
      if (!current || current.deletedAt !== null) return false;
      // Slack may deliver an older edit after a newer one (a retry of the first): decided on the held row,
      // so two edits racing on two instances keep the newer too. Once an edit's time is stored, a change
      // without one shows the message as it was before any edit (Slack repeats `edited` in every later
      // change, an unfurl's too), so it is older as well.
      if (current.editedTs && (!message.editedTs || compareSlackTs(message.editedTs, current.editedTs) <= 0)) {
        this.options.logger.info({ channel: message.channelId, ts: message.ts, editedTs: message.editedTs, latestEditedTs: current.editedTs }, 'an edit older than the one stored arrived late: recorded, not applied');
        return false;
      }
      await this.removeContribution(tx, channel.ref, channel.detectorState, contributionOfRow(current), settings);
      await tx.scoredMessages.rescore(current.id, message.text, sentiment, { at: this.options.clock.now(), ...(message.editedTs ? { ts: message.editedTs } : {}) });
      await this.addContribution(tx, channel.ref, channel.detectorState, { ...contributionOfRow(current), label: sentiment.label, score: sentiment.score, terms: sentiment.terms, text: message.text }, settings);
      // A closed bucket keeps its counts (its verdict is history) but not the words its author changed: a
      // later window reading it quotes the latest ones. (An open bucket got them with the new contribution.)
      const start = bucketStartOf(current.postedAt, settings.bucketMs);
      if (!bucketStillOpen(channel.detectorState, start)) await tx.buckets.changeSample(channel.ref, start, current.ts, (bucket) => withSampleText(bucket, current.ts, message.text));
      return true;
    });
    if (!done) return { status: 'duplicate' };
    // Applied as the message's latest words (only then): the workspace's incidents quoting it quote them too.
    await this.options.incidents.memberMessageChanged?.({ workspaceId: message.workspaceId, channelId: message.channelId, messageTs: message.ts, change: editOf(message) });
    return { status: 'scored', sentiment, staff: false };
  }

  /**
   * A deleted message leaves its bucket and its text is erased (`eventId`: its delivery, recorded in the
   * same commit); then the workspace's incidents quoting it stop quoting it, and staff feedback on it
   * keeps no words of it. Those steps run on every delivery, a replay too: they change nothing the second
   * time, and a delivery whose deletion was stored but whose redraw failed (a crash, a database error)
   * gets it done when delivered again.
   */
  async remove(workspaceId: string, channelId: string, ts: string, eventId?: string): Promise<boolean> {
    // A deletion names a message by its ids: anything else cannot name a message.
    if (!checkMessageInput({ channelId, userId: 'deletion', ts, text: '' }).ok) return false;
    const removed = await this.removeMessage(workspaceId, channelId, ts, eventId);
    // In a channel never watched too: staff may have added the message to an incident's timeline from any channel the bot is in.
    const deletion = { workspaceId, channelId, messageTs: ts };
    await this.options.incidents.memberMessageChanged?.({ ...deletion, change: { type: 'deleted' } });
    if (removed !== null) await this.options.forgetDeleted?.(deletion);
    return removed === true;
  }

  /** Stores the deletion; null when it names no channel this workspace has or may watch. */
  private async removeMessage(workspaceId: string, channelId: string, ts: string, eventId?: string): Promise<boolean | null> {
    const { store } = this.options;
    // A channel no longer watched still has its stored messages erased; one not seen yet may be watched.
    const channel = (await store.direct.channels.find(workspaceId, channelId)) ?? (await this.watchedChannel(workspaceId, channelId));
    if (!channel) return null;
    const now = this.options.clock.now();
    const settings = this.options.settingsFor(channelId, channel.name);
    return store.transaction(async (tx) => {
      if (eventId && !(await tx.processedEvents.recordOnce(eventId, now))) return false;
      // Read in the transaction, and held: the message's own delivery may have been committed a moment ago,
      // and an edit arriving with the deletion must not give it its words back.
      let stored = await tx.scoredMessages.findToChange(channel.ref, ts);
      if (!stored) {
        // The deletion came first (Slack retries a message it could not deliver, later): a tombstone in
        // the message's place makes its late delivery a duplicate, so its text is never stored or quoted.
        if (await tx.scoredMessages.insertIfNew({ channelRef: channel.ref, ts, userId: DELETED_AUTHOR, text: '', permalink: null, threadTs: null, sentiment: TOMBSTONE_SENTIMENT, postedAt: tsToMs(ts) }, now)) {
          const tombstone = await tx.scoredMessages.find(channel.ref, ts);
          if (tombstone) await tx.scoredMessages.markDeleted(tombstone.id, now);
          return true;
        }
        // Its delivery and the deletion crossed: the message is stored now, and is deleted like any other.
        stored = await tx.scoredMessages.findToChange(channel.ref, ts);
      }
      if (!stored || stored.deletedAt !== null) return false;
      const start = bucketStartOf(stored.postedAt, settings.bucketMs);
      if (bucketStillOpen(channel.detectorState, start)) await this.removeContribution(tx, channel.ref, channel.detectorState, contributionOfRow(stored), settings);
      // A closed bucket keeps its counts (its verdict is history) but not the deleted words: a later
      // window reading it (an escalation, the next spike) must never quote them.
      else await tx.buckets.changeSample(channel.ref, start, stored.ts, (bucket) => withoutSample(bucket, stored.ts));
      await tx.scoredMessages.markDeleted(stored.id, now);
      return true;
    });
  }

  /** A bucket the detector has already closed keeps its counts: its verdict is history. */
  private async updateBucket(tx: WatcherRepositories, channelRef: string, detectorState: DetectorState | null, start: number, change: (bucket: ChannelBucket) => ChannelBucket): Promise<void> {
    if (!bucketStillOpen(detectorState, start)) return;
    await tx.buckets.change(channelRef, start, change);
  }

  private addContribution(tx: WatcherRepositories, channelRef: string, detectorState: DetectorState | null, contribution: MessageContribution, settings: DetectorSettings) {
    return this.updateBucket(tx, channelRef, detectorState, bucketStartOf(contribution.at, settings.bucketMs), (bucket) => addToBucket(bucket, contribution, settings));
  }

  private removeContribution(tx: WatcherRepositories, channelRef: string, detectorState: DetectorState | null, contribution: MessageContribution, settings: DetectorSettings) {
    return this.updateBucket(tx, channelRef, detectorState, bucketStartOf(contribution.at, settings.bucketMs), (bucket) => removeFromBucket(bucket, contribution));
  }

  /** The leader's detection tick: closes finished buckets of every watched channel. */
  async tick(): Promise<number> {
    const { store, clock } = this.options;
    const now = clock.now();
    const channels = await store.direct.channels.active();
    let spikes = 0;
    for (const row of channels) {
      try {
        spikes += this.options.inWorkspace ? await this.options.inWorkspace(row.workspaceId, () => this.tickChannel(row, now)) : await this.tickChannel(row, now);
      } catch (error) {
        // One channel's failure (the incident could not be opened) neither stops the others nor loses
        // its alert: its detector state was not saved, so the next tick decides the same again.
        this.options.logger.error({ err: error, channel: row.channelId }, 'detection failed on a channel; retried next tick');
      }
    }
    return spikes;
  }

  /** Detects on one channel; its detector state is saved only once every decision has been acted on. */
  private async tickChannel(row: WatchedChannelRecord, now: number): Promise<number> {
    const { store } = this.options;
    let spikes = 0;
    const base = this.options.settingsFor(row.channelId, row.name);
    const calibrated = await this.options.calibrate?.(row.workspaceId, row.channelId, base);
    const settings = calibrated?.settings ?? base;
    const detector = detectorStateOf(row.detectorState, settings);
    const from = detector.lastBucketStart === null ? 0 : detector.lastBucketStart - settings.windowBuckets * settings.bucketMs;
    const channel: ChannelWindow = {
      id: row.channelId,
      buckets: await store.direct.buckets.since(row.ref, from),
      detector,
      languageMix: row.languageMix ?? { ...emptyLanguageMix },
    };
    const decisions = advanceChannel(channel, now, settings);
    for (const decision of decisions) {
      if (decision.type === 'recovered') continue;
      const input = {
        workspaceId: row.workspaceId,
        channelId: row.channelId,
        channelName: row.name,
        detectedAt: now,
        firstAbnormalAt: decision.explanation.window.start,
        explanation: await this.withPermalinks(row.ref, row.channelId, withFeedbackNote(decision.explanation, calibrated?.note(decision.explanation.surprise) ?? null)),
        language: languageHint(channel.languageMix),
        drill: this.options.isDrill?.(row.channelId) ?? false,
      };
      if (decision.type === 'escalated') {
        // One alert per episode: a clearly worse window updates the open incident instead of opening another.
        const { window, observed, baseline } = decision.explanation;
        const { incidentId, opened } = await this.options.incidents.escalateFromDetection(input, { observed, expected: baseline, windowStart: window.start, windowEnd: window.end });
        this.options.logger.info({ channel: row.channelId, incidentId, opened }, opened ? 'escalation opened an incident' : 'escalation recorded on the open incident');
        continue;
      }
      const { incidentId, opened, severity } = await this.options.incidents.openFromDetection(input);
      spikes += 1;
      this.options.onSpike?.(decision, row.channelId, severity);
      this.options.logger.info({ channel: row.channelId, incidentId, opened, kind: decision.explanation.kind }, opened ? 'spike opened an incident' : 'spike on a channel with an open incident');
    }
    await store.direct.channels.saveDetectorState(row.ref, channel.detector);
    return spikes;
  }

  /** Sample messages get their permalinks, so staff can jump to them. */
  private async withPermalinks(channelRef: string, channelId: string, explanation: Record<string, unknown>): Promise<Record<string, unknown>> {
    const samples = (explanation['samples'] as { id: string }[] | undefined) ?? [];
    if (samples.length === 0) return explanation;
    const links = await this.options.store.direct.scoredMessages.permalinks(channelRef, samples.map((sample) => sample.id));
    const withLinks = [];
    for (const sample of samples) {
      const permalink = links.get(sample.id) ?? (await this.options.permalinkOf?.(channelId, sample.id).catch(() => null)) ?? null;
      withLinks.push({ ...sample, permalink });
    }
    return { ...explanation, samples: withLinks };
  }
}

/** The message as the detection pipeline names it. */
function chatMessageOf(message: CommunityMessage): ChatMessage {
  return { id: message.ts, channel: message.channelId, authorId: message.userId, at: tsToMs(message.ts), text: message.text };
}

/** A message deleted before it arrived: no author known, no words, no score. */
const DELETED_AUTHOR = 'deleted';
const TOMBSTONE_SENTIMENT: NewScoredMessage['sentiment'] = { language: 'en', label: 'neutral', score: 0, comparative: 0, terms: [] };

function scoredMessageOf(channelRef: string, message: CommunityMessage, sentiment: SentimentResult): NewScoredMessage {
  // An edit stored before its message keeps its own ts: an older edit arriving later is not applied.
  return { channelRef, ts: message.ts, userId: message.userId, text: message.text, permalink: message.permalink ?? null, threadTs: message.threadTs ?? null, sentiment, postedAt: tsToMs(message.ts), editedTs: message.editedTs ?? null };
}

function contributionOfRow(row: ScoredMessageRecord): MessageContribution {
  return { id: row.ts, authorId: row.userId, at: row.postedAt, label: row.label, score: row.score, terms: row.terms, text: row.text ?? '' };
}

/** The explanation as stored on the incident, with what staff feedback did to this channel's threshold. */
function withFeedbackNote(explanation: object, note: unknown): Record<string, unknown> {
  return note ? { ...explanation, feedback: note } : { ...explanation };
}

/** A watch change as the audit log keeps it: who (null: the playbooks), which channel, and why. */
function watchAudit(at: number, userId: string | null, channel: { workspaceId: string; channelId: string; name: string | null; active: boolean }, by: 'command' | 'playbooks' | 'slack_deleted'): AuditRecord {
  return { at, userId, action: channel.active ? 'channel.watch' : 'channel.unwatch', outcome: 'accepted', incidentId: null, data: { workspaceId: channel.workspaceId, channelId: channel.channelId, name: channel.name, by } };
}
