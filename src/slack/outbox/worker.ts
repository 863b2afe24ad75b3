// The outbox worker: claims due Slack writes, sends them, records Slack's answer, then marks them sent
// and runs their afterSend handler in one transaction. At-least-once sending made exactly-once for
// the community: every chat.postMessage carries its key in message metadata, and an attempt whose
// outcome is unknown is followed by a look-up for that key, on a message this bot posted, before
// anything is posted again.
import type { webApi } from '@slack/bolt';
import type { OutboxFailure, OutboxResult, QueuedSlackWrite, Repositories, SentOutboxItem, Store } from '../../app/ports/index.js';
import { CHANNEL_UNUSABLE_ERRORS, DEPENDENCY_FAILED, OUTBOX_HOLD, WAITING_FOR_CHANNEL, WAITING_FOR_READ, type ReadBeforePost, type ReadProgress } from '../../app/ports/outbox.js';
import type { Clock } from '../../domain/clock.js';
import { CHANNEL_ID } from '../../domain/playbooks/ref-syntax.js';
import type { Metrics } from '../../metrics.js';
import { isDeadLocalInstance, newInstanceId } from '../../instance-id.js';
import type { Logger } from '../../logger.js';
import { OUTBOX_METADATA_EVENT_TYPE } from './enqueue.js';
import { classifySlackFailure, type SlackFailure } from './slack-errors.js';
import { createSlackClockWatch, latestTsAnsweredBy, offsetLowerBound } from './slack-clock.js';
import { inTeam } from '../team-scope.js';

export type { OutboxFailure, SentOutboxItem };

/**
 * Runs in the transaction that marks the item sent: store the posted ts where the app needs it.
 * `prepared`: what `prepare` answered for the item, before the transaction.
 */
export type AfterSendHandler<P = undefined> = (tx: Repositories, sent: SentOutboxItem, prepared: P | undefined) => Promise<void>;

/** Runs in the transaction that marks the item failed: e.g. enqueue a notice in the incident thread. */
export type OutboxFailureHandler<P = undefined> = (tx: Repositories, failure: OutboxFailure, prepared: P | undefined) => Promise<void>;

/**
 * Runs in the transaction that reschedules a careful post whose read before posting Slack rate-limited
 * (each time: make it idempotent), so staff learn why it is not out yet and by when it is decided.
 */
export type ReadWaitHandler = (tx: Repositories, wait: { key: string; incidentId: string | null; channelId: string | null; record: QueuedSlackWrite['record']; read: ReadBeforePost; decidedWithinMs: number }) => Promise<void>;

/**
 * Runs right before an item of its `record.kind` is sent: a non-null answer holds the item for good
 * (failed as `held:<answer>`, never sent) and the failure handler is told.
 */
export type SendGuard = (db: Repositories, item: { key: string; args: Record<string, unknown>; record: NonNullable<QueuedSlackWrite['record']> }) => Promise<string | null>;

export interface OutboxWorkerOptions<P = undefined> {
  store: Store;
  /** A WebClient without retries of its own: see createOutboxWebClient. */
  client: webApi.WebClient;
  /**
   * OAuth installs: the bot token of the team an item belongs to, looked up per item; null (uninstalled,
   * or no team) fails the item for good. Without it the client's own token sends everything.
   */
  tokenFor?(teamId: string | null): Promise<string | null>;
  clock: Clock;
  logger: Logger;
  metrics?: Metrics;
  /** Handlers by `record.kind`, run in the transaction that records Slack's answer. */
  afterSend?: Record<string, AfterSendHandler<P>>;
  onFailed?: OutboxFailureHandler<P>;
  /**
   * What afterSend (`outcome` sent) and onFailed (failed) need from Slack (user groups, a channel name),
   * asked right before their transaction, never in it: an open transaction holds SQLite's one writer and
   * PostgreSQL's row locks. A rejection before afterSend counts as its failure (retried); before onFailed,
   * onFailed gets nothing (the failure is recorded all the same).
   */
  prepare?(item: { key: string; incidentId: string | null; record: QueuedSlackWrite['record']; outcome: 'sent' | 'failed' }): Promise<P>;
  /** Last checks by `record.kind` (e.g. a public reply's quorum and preflight). */
  guards?: Record<string, SendGuard>;
  /** A last check on every write, whatever its kind (internal writes never into a watched community channel). */
  writeGuard?(item: { key: string; incidentId: string | null; args: Record<string, unknown>; record: QueuedSlackWrite['record'] }): Promise<string | null>;
  /**
   * Whether a write Slack refused because its channel cannot be used now (archived, gone, the bot not
   * in it: CHANNEL_UNUSABLE_ERRORS) waits for the channel (`waiting_for_channel:<error>`, put back by
   * OutboxWriter.releaseWaitingForChannel) instead of failing for good. Default: none waits.
   */
  waitsForChannel?(item: { key: string; record: QueuedSlackWrite['record'] }): boolean;
  /**
   * Posts that must never go out twice nor out of place (public replies): one whose earlier attempt may
   * have landed is held (`held:lookup_failed` / `held:lookup_incomplete`) when the look-up for it cannot
   * decide, instead of being posted; one in a thread is held (`held:parent_deleted`) when the message it
   * answers is gone. Other posts are posted when the look-up cannot decide (a duplicate line in an alert
   * thread beats a missing one). Default: none.
   */
  postsWithCare?(item: { key: string; record: QueuedSlackWrite['record'] }): boolean;
  /**
   * A careful post in a thread whose parent message is known deleted here (the watcher stored its
   * deletion): held without asking Slack. Default: nothing is known, Slack is asked.
   */
  parentKnownDeleted?(item: { incidentId: string | null; channel: string; ts: string }): Promise<boolean>;
  onReadWait?: ReadWaitHandler;
  /**
   * Most messages read looking for an earlier attempt's post (Slack's page size varies: 200, or 15 for
   * apps not approved for the Slack Marketplace). Default 10,000.
   */
  lookupMaxMessages?: number;
  /**
   * Longest a read before posting (the look-up, a thread parent's check) may take, rate-limit waits
   * included, before the post is decided without it: a careful post is held, another posted. Default 15 min.
   */
  readMaxMs?: number;
  /** Identifies this instance's claims. */
  workerId?: string;
  /** How often to look for due items when idle (wake() looks at once). Default 500 ms. */
  pollMs?: number;
  /** How long a claim lasts; a claimer that died elsewhere is replaced after it (on this machine at once). Default 60 s. */
  leaseMs?: number;
  /**
   * After a chat.postMessage Slack never answered (timeout, connection lost), how long from that
   * attempt before looking for the post and posting again: Slack may still be doing the call, and a
   * look-up before it lands would post twice. The same wait applies to a post whose claimer died
   * mid-send (counted from when its call started). Default 60 s.
   */
  unansweredWaitMs?: number;
  /** Exponential backoff for 5xx and network failures. Default 1 s doubling up to 5 min. */
  backoff?: { baseMs: number; maxMs: number };
  /** Least time between two chat.postMessage in one channel (Slack allows about one per second). */
  postIntervalMs?: number;
  /** Lanes (channels) sent in parallel. Default 4. */
  concurrency?: number;
  /** Source of jitter in [0, 1). */
  random?: () => number;
}

export interface OutboxWorker {
  readonly workerId: string;
  /** Sends what is due now (one item per channel) and returns how many items it finished or rescheduled. */
  runOnce(): Promise<number>;
  /** Looks for due items at once (call after committing a transaction that enqueued some). */
  wake(): void;
  /** Stops polling and waits for the sends in flight. */
  stop(): Promise<void>;
  /** Slack's clock minus this host's (ms), from the last post Slack answered here; null before the first. */
  slackClockOffsetMs(): number | null;
}

/** A look-up failing this often in a row (5xx, network; not 429) stops retrying and holds the post. */
const LOOKUP_MAX_ATTEMPTS = 8;
/** Asked per page; Slack answers at most 15 to apps not approved for its Marketplace, the loop reads on. */
const LOOKUP_PAGE_SIZE = 200;
/**
 * The look-up starts this much before the item's creation placed in Slack's time: a clock that moved
 * since the offset was measured, and ts and clocks of different resolution.
 */
const LOOKUP_SLACK_MS = 5 * 60_000;
/** Posts answered this long before the item (by this host's clock) measure Slack's clock for its look-up. */
const OFFSET_SAMPLE_WINDOW_MS = 60 * 60_000;
/** At most this many of them (the newest). */
const OFFSET_SAMPLE_LIMIT = 50;

class LostClaimError extends Error {}

type SlackAnswer = webApi.WebAPICallResult & Record<string, unknown>;

/** Creates the worker without starting its polling loop (tests drive it with runOnce). */
export function createOutboxWorker<P = undefined>(options: OutboxWorkerOptions<P>): OutboxWorker & { start(): void } {
  const { store, client, clock, logger, metrics } = options;
  const queue = store.direct.outboxQueue;
  const workerId = options.workerId ?? newInstanceId();
  const pollMs = options.pollMs ?? 500;
  const leaseMs = options.leaseMs ?? 60_000;
  const backoff = options.backoff ?? { baseMs: 1_000, maxMs: 300_000 };
  const postIntervalMs = options.postIntervalMs ?? 1_000;
  const concurrency = options.concurrency ?? 4;
  const unansweredWaitMs = options.unansweredWaitMs ?? 60_000;
  const random = options.random ?? Math.random;
  const lookupMaxMessages = options.lookupMaxMessages ?? 10_000;
  const readMaxMs = options.readMaxMs ?? 15 * 60_000;
  const afterSend = new Map(Object.entries(options.afterSend ?? {}));
  const log = logger.child({ component: 'outbox' });
  const slackClockWatch = createSlackClockWatch(log);

  async function slackCall(method: string, args: Record<string, unknown>, token: string | undefined): Promise<SlackAnswer> {
    metrics?.slackApiCalls.inc({ method });
    try {
      // The token goes with the call only: never into the arguments stored or handed to handlers.
      return (await client.apiCall(method, token ? { ...args, token } : args)) as SlackAnswer;
    } catch (error) {
      metrics?.slackApiErrors.inc({ method, error: classifySlackFailure(error).error });
      throw error;
    }
  }

  async function runOnce(): Promise<number> {
    const now = clock.now();
    // A claim held by a process of this machine that is gone (SIGKILL, crash) is taken over at once.
    const candidates = await queue.sendable(now, (lockedBy) => isDeadLocalInstance(lockedBy));
    const postChannels = candidates.filter(({ item }) => item.method === 'chat.postMessage' && item.channelId).map(({ item }) => item.channelId!);
    const lastPosts = await queue.lastPostTimes(postChannels, now - postIntervalMs);
    const ready = candidates.filter(({ item, parents }) => {
      const lastPost = item.method === 'chat.postMessage' && item.channelId ? lastPosts.get(item.channelId) : undefined;
      // A post answered in the future (the clock went back) does not hold the channel.
      if (lastPost !== undefined && lastPost <= now && now - lastPost < postIntervalMs) return false;
      // A post whose claimer died may still be in flight at Slack (its claim was renewed as the call
      // started): taken over once it has surely landed or died, so the look-up finds it.
      if (item.status === 'sending' && item.method === 'chat.postMessage' && item.lockedUntil !== null && now < item.lockedUntil - leaseMs + unansweredWaitMs) return false;
      // Wait for the parents; a failed or missing parent fails the item once claimed.
      return dependencyKeys(item).every((key) => parents.get(key)?.status !== 'pending' && parents.get(key)?.status !== 'sending');
    });
    let done = 0;
    for (let index = 0; index < ready.length; index += concurrency) {
      const batch = ready.slice(index, index + concurrency);
      const outcomes = await Promise.all(batch.map(({ item, parents }) => processCandidate(item, parents)));
      done += outcomes.filter(Boolean).length;
    }
    return done;
  }

  async function processCandidate(candidate: QueuedSlackWrite, parents: Parents): Promise<boolean> {
    const item = await queue.claim(candidate, { workerId, now: clock.now(), leaseMs });
    if (!item) return false;
    try {
      // Handlers and guards below run for the item's workspace (its token for any Slack call they make).
      await inTeam(item.teamId, () => send(item, parents));
    } catch (error) {
      // A database failure mid-way: the claim expires and the item is retried (as uncertain).
      log.error({ err: error, key: item.key }, 'outbox item could not be processed; it will be retried after its lease');
    }
    return true;
  }

  async function send(item: QueuedSlackWrite, parents: Parents): Promise<void> {
    if (item.result) return finalize(item, item.args, item.result);
    const resolved = resolveArguments(item, parents, options.waitsForChannel?.(item) ?? false);
    if ('error' in resolved) return fail(item, resolved.error);
    const args = resolved.args;
    let token: string | undefined;
    /** When this attempt's call to Slack started (undefined while only looking things up). */
    let attemptedAt: number | undefined;
    /** The read before posting under way, kept with the item when Slack interrupts it. */
    const reading: { progress?: ReadProgress } = {};
    if (options.tokenFor) {
      const found = await options.tokenFor(item.teamId);
      if (!found) return fail(item, item.teamId ? 'workspace_not_installed' : 'workspace_unknown');
      token = found;
    }
    try {
      const careful = item.method === 'chat.postMessage' && (options.postsWithCare?.(item) ?? false);
      if (item.uncertain && item.method === 'chat.postMessage') {
        const lookup = await lookUpEarlierPost(item, args, token, careful, reading);
        if ('ts' in lookup) {
          log.info({ key: item.key, ts: lookup.ts }, 'adopted a message posted by an earlier attempt instead of posting again');
          return finalize(item, args, { ok: true, ...lookup, adopted: true });
        }
        if ('hold' in lookup) return fail(item, `held:${lookup.hold}`);
      }
      if (careful && typeof args['thread_ts'] === 'string' && typeof args['channel'] === 'string') {
        const parent = await checkThreadParent(item, args['channel'], args['thread_ts'], token, reading);
        if (parent !== 'present') return fail(item, `held:${parent === 'deleted' ? OUTBOX_HOLD.parentDeleted : OUTBOX_HOLD.parentUnchecked}`);
      }
      const guard = item.record ? options.guards?.[item.record.kind] : undefined;
      const hold =
        (options.writeGuard ? await options.writeGuard({ key: item.key, incidentId: item.incidentId, args, record: item.record }) : null) ??
        (guard && item.record ? await guard(store.direct, { key: item.key, args, record: item.record }) : null);
      if (hold) return fail(item, `held:${hold}`);
      if (!(await queue.renewClaim(item, clock.now() + leaseMs))) {
        log.warn({ key: item.key }, 'lost the claim on an outbox item before sending it; another instance has it');
        return;
      }
      attemptedAt = clock.now();
      const answer = await slackCall(item.method, args, token);
      const answeredAt = clock.now();
      const message = answer['message'] as { ts?: string } | undefined;
      const ts = typeof answer['ts'] === 'string' ? answer['ts'] : message?.ts;
      const channel = typeof answer['channel'] === 'string' ? answer['channel'] : typeof args['channel'] === 'string' ? args['channel'] : undefined;
      // A new post's ts is Slack's time between our call and its answer: a sample of Slack's clock, kept with the result.
      const newPost = item.method === 'chat.postMessage' && ts !== undefined;
      if (newPost) slackClockWatch.observe({ ts, calledAt: attemptedAt, answeredAt });
      return finalize(item, args, { ok: true, ...(ts ? { ts } : {}), ...(channel ? { channel } : {}), ...(newPost ? { answeredAt } : {}) });
    } catch (error) {
      return handleFailure(item, classifySlackFailure(error), attemptedAt, reading.progress);
    }
  }

  /** Fills in thread_ts / ts from the items this one depends on, and the metadata carrying its key. */
  function resolveArguments(item: QueuedSlackWrite, parents: Parents, mayWait: boolean): { args: Record<string, unknown> } | { error: string } {
    const args: Record<string, unknown> = { ...item.args };
    for (const [key, apply] of [
      [item.threadOf, (ts: string) => (args['thread_ts'] = ts)],
      [item.messageOf, (ts: string) => (args[item.method.startsWith('reactions.') ? 'timestamp' : 'ts'] = ts)],
    ] as const) {
      if (key === undefined) continue;
      const parent = parents.get(key);
      if (!parent) return { error: 'dependency_missing' };
      const result = parent.result;
      // A thread line whose root waits for its channel waits with it, and goes out after it.
      if (mayWait && parent.status === 'failed' && parent.lastError?.startsWith(WAITING_FOR_CHANNEL)) return { error: parent.lastError };
      if (parent.status !== 'sent' || !result?.ts) return { error: DEPENDENCY_FAILED };
      apply(result.ts);
      // A write in a message's thread (or editing it) goes to that message's channel by Slack's ID: a
      // channel given by name may have been renamed since (and chat.update takes IDs only).
      if (result.channel && (args['channel'] === undefined || (typeof args['channel'] === 'string' && !CHANNEL_ID.test(args['channel'])))) args['channel'] = result.channel;
    }
    if (item.method === 'chat.postMessage') args['metadata'] = { event_type: OUTBOX_METADATA_EVENT_TYPE, event_payload: { key: item.key } };
    return { args };
  }

  /**
   * Looks for a message carrying this item's key (an attempt whose answer never arrived may have
   * posted it), reading every message since the item was created (in Slack's time: see lookupOldest).
   * `absent` only when all were read; a careful post whose look-up cannot decide (failed, more than
   * lookupMaxMessages, or longer than readMaxMs) is held. A 429 is thrown: the item is rescheduled after
   * Retry-After and the look-up resumes from its cursor (`reading`, stored with the item).
   */
  async function lookUpEarlierPost(
    item: QueuedSlackWrite,
    args: Record<string, unknown>,
    token: string | undefined,
    careful: boolean,
    reading: { progress?: ReadProgress },
  ): Promise<{ ts: string; channel: string } | { absent: true } | { hold: string }> {
    try {
      const found = await findPostedMessage(item, args, token, reading);
      if (found !== 'undecided') return found ?? { absent: true };
      const progress = reading.progress?.read === 'lookup' ? reading.progress : undefined;
      log.error(
        { key: item.key, messagesRead: progress?.messagesRead, elapsedMs: progress ? clock.now() - progress.startedAt : undefined },
        careful ? 'could not read every message since an unanswered post in time to look for it; held instead of risking a second post' : 'could not read every message since an unanswered post in time to look for it; posting again',
      );
      return careful ? { hold: OUTBOX_HOLD.lookupIncomplete } : { absent: true };
    } catch (error) {
      const failure = classifySlackFailure(error);
      if (!careful || failure.kind === 'rate_limited' || (failure.kind === 'transient' && item.attempts < LOOKUP_MAX_ATTEMPTS)) throw error;
      log.error({ key: item.key, error: failure.error, attempts: item.attempts }, 'the look-up for an unanswered post failed; held instead of risking a second post');
      return { hold: OUTBOX_HOLD.lookupFailed };
    }
  }

  /** Who a token posts as (auth.test), asked once per token and only when a look-up finds a message carrying a key. */
  const identities = new Map<string, Promise<{ botId: string | null; userId: string | null }>>();
  function postingIdentity(token: string | undefined): Promise<{ botId: string | null; userId: string | null }> {
    const cacheKey = token ?? '';
    let identity = identities.get(cacheKey);
    if (!identity) {
      identity = slackCall('auth.test', {}, token).then((answer) => ({
        botId: typeof answer['bot_id'] === 'string' && answer['bot_id'] !== '' ? answer['bot_id'] : null,
        userId: typeof answer['user_id'] === 'string' && answer['user_id'] !== '' ? answer['user_id'] : null,
      }));
      // A failed ask is asked again next time (the look-up's failure handling decides meanwhile).
      identity.catch(() => identities.delete(cacheKey));
      identities.set(cacheKey, identity);
    }
    return identity;
  }

  /**
   * Every message since the item was created, by Slack's clock (see lookupOldest), page by page from
   * where an interrupted look-up stopped. `undecided` past lookupMaxMessages or readMaxMs.
   */
  async function findPostedMessage(item: QueuedSlackWrite, args: Record<string, unknown>, token: string | undefined, reading: { progress?: ReadProgress }): Promise<{ ts: string; channel: string } | null | 'undecided'> {
    const channel = args['channel'];
    if (typeof channel !== 'string') return null;
    const threadTs = typeof args['thread_ts'] === 'string' ? args['thread_ts'] : undefined;
    const resumed = item.readProgress?.read === 'lookup' ? item.readProgress : undefined;
    // A resumed read keeps the bound its cursor was given (new samples since would change the query).
    const oldest = resumed?.oldest !== undefined ? resumed.oldest : await lookupOldest(item);
    let progress: Extract<ReadProgress, { read: 'lookup' }> = resumed ?? { read: 'lookup', startedAt: clock.now(), cursor: null, messagesRead: 0, oldest };
    reading.progress = progress;
    if (resumed) log.info({ key: item.key, messagesRead: resumed.messagesRead }, 'resuming the look-up for an unanswered post where Slack interrupted it');
    for (;;) {
      if (progress.messagesRead >= lookupMaxMessages || clock.now() - progress.startedAt > readMaxMs) return 'undecided';
      const query = { channel, ...(oldest !== null ? { oldest } : {}), include_all_metadata: true, limit: LOOKUP_PAGE_SIZE, ...(progress.cursor ? { cursor: progress.cursor } : {}) };
      let answer: SlackAnswer;
      try {
        answer = threadTs ? await slackCall('conversations.replies', { ...query, ts: threadTs }, token) : await slackCall('conversations.history', query, token);
      } catch (error) {
        // A stored cursor Slack no longer takes (it expired while Firebreak was down): read again from the newest page.
        if (!progress.cursor || classifySlackFailure(error).error !== 'invalid_cursor') throw error;
        log.warn({ key: item.key }, 'Slack no longer takes the look-up cursor; reading again from the newest message');
        progress = { ...progress, cursor: null, messagesRead: 0 };
        reading.progress = progress;
        continue;
      }
      const messages = (answer['messages'] ?? []) as { ts?: string; user?: string; bot_id?: string; metadata?: { event_type?: string; event_payload?: { key?: unknown } } }[];
      const carriesKey = messages.filter((message) => message.metadata?.event_type === OUTBOX_METADATA_EVENT_TYPE && message.metadata.event_payload?.key === item.key);
      // The key is predictable and any app can post metadata: only a message of this bot's is the earlier attempt.
      const self = carriesKey.length > 0 ? await postingIdentity(token) : null;
      const match = carriesKey.find((message) => message.bot_id !== undefined && (self?.botId ? message.bot_id === self.botId : message.user === self?.userId));
      if (match?.ts) return { ts: match.ts, channel };
      const cursor = (answer.response_metadata as { next_cursor?: string } | undefined)?.next_cursor || null;
      if (!cursor) return null;
      progress = { ...progress, cursor, messagesRead: progress.messagesRead + messages.length };
      reading.progress = progress;
    }
  }

  /**
   * Where a look-up starts, as a Slack ts: the item's creation moved into Slack's time by the lowest
   * offset recent answers allow, less LOOKUP_SLACK_MS. Our clock and Slack's may disagree by any
   * amount, and message ts are Slack's: a host 10 minutes ahead used to start the look-up after the
   * earlier attempt's post, miss it, and post again. No later, either, than the ts of the latest post
   * answered before the item was created (by our clock): our clock may have jumped ahead since the
   * offset was measured (a VM resumed, an NTP step) and the offset be stale by the jump, but that post
   * landed before the item existed, in Slack's time too. Null when no post was answered since an hour
   * before the item (a fresh install, a quiet hour, a clock jumped ahead by more): nothing measures
   * Slack's clock, so the look-up reads back without a bound. It reads newest first, so a landed
   * attempt is found in its first pages; one that never landed is ruled out only after reading the
   * channel, and past lookupMaxMessages or readMaxMs a public reply is held for staff: never a guess
   * that may post twice.
   */
  async function lookupOldest(item: QueuedSlackWrite): Promise<string | null> {
    const createdAt = Math.min(item.createdAt, clock.now());
    const since = createdAt - OFFSET_SAMPLE_WINDOW_MS;
    // The newest answers, and the newest up to the item's creation (the newest may all be later).
    const [recent, before] = await Promise.all([queue.postAnswers(since, OFFSET_SAMPLE_LIMIT), queue.postAnswers(since, OFFSET_SAMPLE_LIMIT, createdAt)]);
    const offsetMs = offsetLowerBound([...recent, ...before]);
    if (offsetMs === null) {
      log.info({ key: item.key }, 'no recent post measures Slack\'s clock; the look-up for an unanswered post reads back without a time bound');
      return null;
    }
    const fromOffset = createdAt + offsetMs - LOOKUP_SLACK_MS;
    const landedBefore = latestTsAnsweredBy(before, createdAt);
    return (Math.max(0, landedBefore === null ? fromOffset : Math.min(fromOffset, landedBefore)) / 1000).toFixed(6);
  }

  /**
   * Whether the message a thread reply answers is still there. A deletion the watcher recorded decides
   * at once; else Slack is asked: it answers thread_not_found for a deleted message, and keeps a deleted
   * parent that has replies as a `tombstone` (a reply's ts returns that reply alone; the range asks for
   * it in either case). A 429 is thrown (rescheduled); past readMaxMs of such waits, `unchecked`.
   */
  async function checkThreadParent(item: QueuedSlackWrite, channel: string, ts: string, token: string | undefined, reading: { progress?: ReadProgress }): Promise<'present' | 'deleted' | 'unchecked'> {
    if (await options.parentKnownDeleted?.({ incidentId: item.incidentId, channel, ts })) return 'deleted';
    const progress: ReadProgress = item.readProgress?.read === 'parent' ? item.readProgress : { read: 'parent', startedAt: clock.now() };
    if (clock.now() - progress.startedAt > readMaxMs) {
      log.error({ key: item.key, channel, ts }, 'Slack would not let the thread parent of a reply be checked in time; held, never posted unchecked');
      return 'unchecked';
    }
    reading.progress = progress;
    try {
      const answer = await slackCall('conversations.replies', { channel, ts, oldest: ts, latest: ts, inclusive: true, limit: 2 }, token);
      const messages = (answer['messages'] ?? []) as { ts?: string; subtype?: string }[];
      const parent = messages.find((message) => message.ts === ts);
      return parent !== undefined && parent.subtype !== 'tombstone' ? 'present' : 'deleted';
    } catch (error) {
      const failure = classifySlackFailure(error);
      if (failure.kind === 'permanent' && (failure.error === 'thread_not_found' || failure.error === 'message_not_found')) return 'deleted';
      throw error;
    }
  }

  async function finalize(item: QueuedSlackWrite, args: Record<string, unknown>, result: OutboxResult): Promise<void> {
    // Slack's answer is durable before anything else: a crash from here on never sends the item again.
    if (!item.result && !(await queue.recordResult(item, result))) {
      log.warn({ key: item.key }, 'lost the claim on an outbox item before recording its result');
      return;
    }
    const sent: SentOutboxItem = { key: item.key, method: item.method, channelId: item.channelId, incidentId: item.incidentId, args, result, record: item.record };
    try {
      const handler = item.record ? afterSend.get(item.record.kind) : undefined;
      const prepared = handler ? await options.prepare?.({ ...item, outcome: 'sent' }) : undefined;
      await store.transaction(
        async (tx) => {
          if (!(await tx.outboxQueue.markSent(item, clock.now()))) throw new LostClaimError();
          if (!item.record) return;
          if (handler) await handler(tx, sent, prepared);
          else log.warn({ key: item.key, kind: item.record.kind }, 'no afterSend handler registered for this record kind');
        },
        { timeoutMs: 15_000 },
      );
      metrics?.outboxItems.inc({ method: item.method, outcome: result.adopted ? 'adopted' : 'sent' });
    } catch (error) {
      if (error instanceof LostClaimError) {
        log.warn({ key: item.key }, 'lost the claim on an outbox item before marking it sent');
        return;
      }
      // The handler failed: Slack's answer is kept, so the retry only runs the handler again.
      log.error({ err: error, key: item.key, kind: item.record?.kind }, 'afterSend handler failed; it will be retried');
      await queue.release(item, { retryAt: clock.now() + backoffMs(item.attempts), error: `after_send: ${errorText(error)}` });
    }
  }

  async function handleFailure(item: QueuedSlackWrite, failure: SlackFailure, attemptedAt?: number, reading?: ReadProgress): Promise<void> {
    const now = clock.now();
    // A read before posting that Slack rate-limited: rescheduled where it stopped, its lane free meanwhile.
    if (failure.kind === 'rate_limited' && reading && attemptedAt === undefined) return waitForRead(item, now + failure.retryAfterMs, reading);
    if (failure.kind === 'permanent') {
      const waits = CHANNEL_UNUSABLE_ERRORS.has(failure.error) && (options.waitsForChannel?.(item) ?? false);
      return fail(item, waits ? `${WAITING_FOR_CHANNEL}${failure.error}` : failure.error);
    }
    let retryAt = failure.kind === 'rate_limited' ? now + failure.retryAfterMs : now + backoffMs(item.attempts);
    // Only a call that started can have landed (a failed look-up or parent check posted nothing).
    const uncertain = failure.kind === 'transient' && failure.ambiguous && item.method === 'chat.postMessage' && (attemptedAt !== undefined || item.uncertain);
    // A post still in flight at Slack lands late: look for it only once it has surely landed or died.
    if (uncertain && failure.unanswered && attemptedAt !== undefined) retryAt = Math.max(retryAt, attemptedAt + unansweredWaitMs);
    log.warn({ key: item.key, method: item.method, error: failure.error, attempts: item.attempts, retryInMs: retryAt - now }, 'Slack write will be retried');
    // A look-up interrupted by a 5xx resumes from its cursor too; a failed post attempt starts afresh.
    await queue.release(item, { retryAt, error: failure.error, uncertain, ...(reading && attemptedAt === undefined ? { readProgress: reading } : {}) });
  }

  /** Reschedules the item after Slack's Retry-After with its read's progress; staff of a careful post are told why it waits. */
  async function waitForRead(item: QueuedSlackWrite, retryAt: number, reading: ReadProgress): Promise<void> {
    const careful = item.method === 'chat.postMessage' && (options.postsWithCare?.(item) ?? false);
    log.warn({ key: item.key, read: reading.read, retryInMs: retryAt - clock.now() }, 'Slack rate-limited a read this post needs first; it waits, rescheduled, and lets its channel\'s other writes go');
    // The wait first, on its own: it must hold even when telling staff fails (a slow database, a lost transaction).
    if (!(await queue.release(item, { retryAt, error: `${WAITING_FOR_READ}${reading.read}`, readProgress: reading }))) return;
    if (!careful || !options.onReadWait) return;
    const onReadWait = options.onReadWait;
    try {
      await store.transaction(
        (tx) => onReadWait(tx, { key: item.key, incidentId: item.incidentId, channelId: item.channelId, record: item.record, read: reading.read, decidedWithinMs: Math.max(0, reading.startedAt + readMaxMs - clock.now()) }),
        { timeoutMs: 15_000 },
      );
    } catch (error) {
      // Told at its next wait instead (the notice's key makes it once).
      log.error({ err: error, key: item.key }, 'could not tell staff why a reply waits; tried again at its next wait');
    }
  }

  async function fail(item: QueuedSlackWrite, error: string): Promise<void> {
    const failure: OutboxFailure = { key: item.key, method: item.method, channelId: item.channelId, incidentId: item.incidentId, error, record: item.record, uncertain: item.uncertain };
    if (error.startsWith(WAITING_FOR_CHANNEL)) log.warn({ key: item.key, method: item.method, channel: item.channelId, error }, 'Slack would not take this write in its channel now; it waits until the channel can be used again');
    else log.warn({ key: item.key, method: item.method, error }, 'Slack write failed for good; it will not be retried');
    let prepared: P | undefined;
    try {
      prepared = options.onFailed ? await options.prepare?.({ ...item, outcome: 'failed' }) : undefined;
    } catch (prepareError) {
      log.warn({ err: prepareError, key: item.key }, 'could not ask what the failure handler needs; it runs without it');
    }
    try {
      await store.transaction(async (tx) => {
        if (!(await tx.outboxQueue.markFailed(item, error))) throw new LostClaimError();
        await options.onFailed?.(tx, failure, prepared);
      });
    } catch (failureError) {
      if (failureError instanceof LostClaimError) return;
      // The failure must still stop the retries, even when reporting it did not work.
      log.error({ err: failureError, key: item.key }, 'the outbox failure handler failed');
      await queue.markFailed(item, error);
    }
    metrics?.outboxItems.inc({ method: item.method, outcome: 'failed' });
  }

  /** Exponential with equal jitter: half the step is fixed, half random, so retries spread out. */
  function backoffMs(attempts: number): number {
    const step = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempts - 1));
    return Math.round(step / 2 + random() * (step / 2));
  }

  let running = false;
  let loop: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;
  let woken = false;

  async function pollLoop(): Promise<void> {
    let failures = 0;
    while (running) {
      let done = 0;
      try {
        done = await runOnce();
        failures = 0;
      } catch (error) {
        // The database is away (restarting, unreachable): back off up to 10 s, one log line per try.
        failures += 1;
        log.error({ err: error, failures }, 'outbox scan failed (database unreachable?); retrying');
      }
      if (!running) break;
      if (failures === 0 && (done > 0 || woken)) {
        woken = false;
        continue;
      }
      const delay = failures ? Math.min(10_000, pollMs * 2 ** failures) : pollMs;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wakeUp = undefined;
    }
  }

  return {
    workerId,
    runOnce,
    slackClockOffsetMs: () => slackClockWatch.offsetMs(),
    wake() {
      woken = true;
      wakeUp?.();
    },
    start() {
      if (running) return;
      running = true;
      loop = pollLoop();
    },
    async stop() {
      running = false;
      wakeUp?.();
      await loop;
    },
  };
}

/** Creates the worker and starts polling. */
export function startOutboxWorker<P = undefined>(options: OutboxWorkerOptions<P>): OutboxWorker {
  const worker = createOutboxWorker(options);
  worker.start();
  return worker;
}

type Parents = ReadonlyMap<string, QueuedSlackWrite>;

/** Keys of the writes this one waits for (its thread's root, the message it edits). */
function dependencyKeys(item: QueuedSlackWrite): string[] {
  return [item.threadOf, item.messageOf].filter((key): key is string => typeof key === 'string');
}

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 300);
}
