// In-memory fakes of the watcher's ports (channels, buckets, scored messages, quarantine, processed
// events, workspaces): the Watcher's rules run against them in milliseconds. Transactions run one at
// a time and roll back on a throw, like the database's; records are copied in and out, as the JSON
// columns are. `failWhen` makes chosen writes fail, to exercise retries and the quarantine.
import type { ChannelBucket } from '../../src/domain/detection/bucket.js';
import type {
  AuditLog,
  AuditRecord,
  ChannelBuckets,
  NewScoredMessage,
  Quarantine,
  QuarantinedMessage,
  Repositories,
  ScoredMessageRecord,
  ScoredMessages,
  Store,
  WatchedChannelRecord,
  WatchedChannels,
  Workspaces,
} from '../../src/app/ports/index.js';

export type MemoryChannelRepositories = Pick<Repositories, 'processedEvents' | 'channels' | 'buckets' | 'scoredMessages' | 'quarantine' | 'workspaces' | 'audit'>;

/** A stored message with the columns only the database shows (answers, edits, permalinks). */
export interface MemoryScoredMessage extends ScoredMessageRecord {
  channelRef: string;
  permalink: string | null;
  threadTs: string | null;
  language: string;
  comparative: number;
  answeredAt: number | null;
  editedAt: number | null;
}

interface State {
  workspaces: Map<string, string>;
  channels: Map<string, WatchedChannelRecord>;
  buckets: Map<string, ChannelBucket & { channelRef: string }>;
  messages: Map<string, MemoryScoredMessage>;
  quarantine: QuarantinedMessage[];
  audit: AuditRecord[];
  events: Set<string>;
  nextId: number;
}

/** A write the fake is about to make: `failWhen` may refuse it by returning true. */
export type MemoryWrite =
  | { kind: 'insertMessage'; message: NewScoredMessage }
  | { kind: 'changeBucket'; channelRef: string; start: number }
  | { kind: 'quarantine'; reason: string };

export interface MemoryChannelStore extends Store<MemoryChannelRepositories> {
  /** Makes matching writes throw (a database refusing them). */
  failWhen: (write: MemoryWrite) => boolean;
  /** How many transactions committed (a group commit counts once). */
  readonly commits: number;
  /** Adds a watched channel as /firebreak watch or a playbook would have. */
  watch(channel: { workspaceId: string; channelId: string; name?: string | null; active?: boolean }): WatchedChannelRecord;
  channel(workspaceId: string, channelId: string): WatchedChannelRecord | undefined;
  /** The channel's buckets, oldest first. */
  buckets(channelRef: string): ChannelBucket[];
  messages(channelRef?: string): MemoryScoredMessage[];
  quarantined(): QuarantinedMessage[];
  /** What was audited (watch changes), oldest first. */
  audited(): AuditRecord[];
}

const copy = <T>(value: T): T => structuredClone(value);

function emptyState(): State {
  return { workspaces: new Map(), channels: new Map(), buckets: new Map(), messages: new Map(), quarantine: [], audit: [], events: new Set(), nextId: 1 };
}

function cloneState(state: State): State {
  return {
    workspaces: new Map(state.workspaces),
    channels: new Map([...state.channels].map(([key, value]) => [key, copy(value)])),
    buckets: new Map([...state.buckets].map(([key, value]) => [key, copy(value)])),
    messages: new Map([...state.messages].map(([key, value]) => [key, copy(value)])),
    quarantine: state.quarantine.map(copy),
    audit: state.audit.map(copy),
    events: new Set(state.events),
    nextId: state.nextId,
  };
}

export function createMemoryChannelStore(): MemoryChannelStore {
  let state = emptyState();
  let commits = 0;
  let queue: Promise<unknown> = Promise.resolve();
  const newId = (prefix: string) => `${prefix}${state.nextId++}`;
  const refuse = (write: MemoryWrite) => {
    if (store.failWhen(write)) throw new Error(`the fake store refused ${write.kind}`);
  };

  const channels: WatchedChannels = {
    find: async (workspaceId, channelId) => copy([...state.channels.values()].find((channel) => channel.workspaceId === workspaceId && channel.channelId === channelId) ?? null),
    findByChannelId: async (channelId) => copy([...state.channels.values()].find((channel) => channel.channelId === channelId) ?? null),
    findByName: async (workspaceId, name) => copy([...state.channels.values()].find((channel) => channel.workspaceId === workspaceId && channel.name === name) ?? null),
    async setWatched({ workspaceId, channelId, name, active }) {
      const existing = [...state.channels.values()].find((channel) => channel.workspaceId === workspaceId && channel.channelId === channelId);
      if (existing) Object.assign(existing, { active, watchedBy: 'command', ...(name ? { name } : {}) });
      else store.watch({ workspaceId, channelId, name, active });
    },
    watchedByPlaybooks: async () =>
      [...state.channels.values()].filter((channel) => channel.watchedBy === 'playbook').map(({ ref, workspaceId, channelId, name, active }) => ({ ref, workspaceId, channelId, name, active })),
    async setPlaybookWatch(ref, active) {
      const channel = state.channels.get(ref);
      if (!channel || channel.watchedBy !== 'playbook' || channel.active === active) return false;
      channel.active = active;
      return true;
    },
    async stopDeleted(workspaceId, channelId) {
      const channel = [...state.channels.values()].find((candidate) => candidate.workspaceId === workspaceId && candidate.channelId === channelId);
      if (!channel?.active) return false;
      Object.assign(channel, { active: false, watchedBy: 'command' });
      return true;
    },
    async rename(workspaceId, channelId, name) {
      const channel = [...state.channels.values()].find((candidate) => candidate.workspaceId === workspaceId && candidate.channelId === channelId);
      if (!channel) return null;
      channel.name = name;
      return channels.find(workspaceId, channelId);
    },
    async createOrFind(channel) {
      const existing = await channels.find(channel.workspaceId, channel.channelId);
      if (existing) return existing;
      const ref = newId('ch');
      state.channels.set(ref, { ref, workspaceId: channel.workspaceId, channelId: channel.channelId, name: channel.name, active: true, watchedBy: channel.watchedBy, detectorState: null, languageMix: null });
      return copy(state.channels.get(ref) ?? null);
    },
    active: async (limit) => copy([...state.channels.values()].filter((channel) => channel.active).slice(0, limit ?? Infinity)),
    async saveDetectorState(ref, detectorState) {
      const channel = state.channels.get(ref);
      if (channel) channel.detectorState = copy(detectorState);
    },
    async saveLanguageMix(ref, mix) {
      const channel = state.channels.get(ref);
      if (channel) channel.languageMix = copy(mix);
    },
  };

  const bucketKey = (channelRef: string, start: number) => `${channelRef}/${start}`;
  const bucketsOf = (channelRef: string, from: number) =>
    [...state.buckets.values()].filter((bucket) => bucket.channelRef === channelRef && bucket.start >= from).sort((a, b) => a.start - b.start);
  const withoutRef = ({ channelRef: _ref, ...bucket }: ChannelBucket & { channelRef: string }): ChannelBucket => copy(bucket);

  const buckets: ChannelBuckets = {
    async change(channelRef, start, change) {
      refuse({ kind: 'changeBucket', channelRef, start });
      const stored = state.buckets.get(bucketKey(channelRef, start));
      const next = change(stored ? withoutRef(stored) : { start, messages: 0, negatives: 0, positives: 0 });
      state.buckets.set(bucketKey(channelRef, start), { ...copy(next), channelRef });
    },
    since: async (channelRef, from) => bucketsOf(channelRef, from).map(withoutRef),
    countsSince: async (channelRef, from) => bucketsOf(channelRef, from).map(({ start, messages, negatives }) => ({ start, messages, negatives })),
    async changeSample(channelRef, start, messageId, change) {
      const stored = state.buckets.get(bucketKey(channelRef, start));
      if (stored?.samples?.some((sample) => sample.id === messageId)) state.buckets.set(bucketKey(channelRef, start), { ...copy(change(withoutRef(stored))), channelRef });
    },
    async eraseSamples(before, from) {
      let scrubbed = 0;
      for (const bucket of state.buckets.values()) {
        if (bucket.start >= before || (from !== undefined && bucket.start < from) || !('samples' in bucket)) continue;
        delete bucket.samples;
        scrubbed += 1;
      }
      return scrubbed;
    },
  };

  const messageKey = (channelRef: string, ts: string) => `${channelRef}/${ts}`;
  const scoredMessages: ScoredMessages = {
    async insertIfNew(message, now) {
      refuse({ kind: 'insertMessage', message });
      const key = messageKey(message.channelRef, message.ts);
      if (state.messages.has(key)) return false;
      const { sentiment } = message;
      state.messages.set(key, {
        id: newId('msg'),
        channelRef: message.channelRef,
        ts: message.ts,
        userId: message.userId,
        text: message.text,
        permalink: message.permalink,
        threadTs: message.threadTs,
        language: sentiment.language,
        label: sentiment.label,
        score: sentiment.score,
        comparative: sentiment.comparative,
        terms: [...sentiment.terms],
        postedAt: message.postedAt,
        deletedAt: null,
        answeredAt: null,
        editedAt: null,
        editedTs: message.editedTs ?? null,
      });
      void now;
      return true;
    },
    find: async (channelRef, ts) => {
      const found = state.messages.get(messageKey(channelRef, ts));
      if (!found) return null;
      const { id, userId, text, label, score, terms, postedAt, deletedAt, editedTs } = found;
      return copy({ id, ts, userId, text, label, score, terms, postedAt, deletedAt, editedTs });
    },
    async findToChange(channelRef, ts) {
      return scoredMessages.find(channelRef, ts);
    },
    async markAnswered(channelRef, threadTs, at) {
      const message = state.messages.get(messageKey(channelRef, threadTs));
      if (message && message.answeredAt === null) message.answeredAt = at;
    },
    async rescore(id, text, sentiment, edited) {
      const message = [...state.messages.values()].find((candidate) => candidate.id === id);
      if (message) Object.assign(message, { text, language: sentiment.language, label: sentiment.label, score: sentiment.score, comparative: sentiment.comparative, terms: [...sentiment.terms], editedAt: edited.at, ...(edited.ts ? { editedTs: edited.ts } : {}) });
    },
    async markDeleted(id, at) {
      const message = [...state.messages.values()].find((candidate) => candidate.id === id);
      if (message) Object.assign(message, { deletedAt: at, text: null });
    },
    permalinks: async (channelRef, tss) =>
      new Map(tss.flatMap((ts) => {
        const message = state.messages.get(messageKey(channelRef, ts));
        return message ? [[ts, message.permalink] as const] : [];
      })),
    async eraseTextsPostedBefore(before) {
      let erased = 0;
      for (const message of state.messages.values()) {
        if (message.postedAt >= before || message.text === null) continue;
        message.text = null;
        erased += 1;
      }
      return erased;
    },
  };

  const quarantine: Quarantine = {
    async add(entry) {
      refuse({ kind: 'quarantine', reason: entry.reason });
      state.quarantine.push({ ...copy(entry), id: newId('q') });
    },
    recent: async (limit) => copy([...state.quarantine].sort((a, b) => b.at - a.at).slice(0, limit)),
  };

  const workspaces: Workspaces = {
    async idForTeam(teamId) {
      if (!state.workspaces.has(teamId)) state.workspaces.set(teamId, newId('ws'));
      return state.workspaces.get(teamId) as string;
    },
    ensureNamed: (teamId) => workspaces.idForTeam(teamId),
    teamOf: async (workspaceId) => [...state.workspaces].find(([, id]) => id === workspaceId)?.[0] ?? null,
  };

  const audit: AuditLog = {
    async record(entry) {
      state.audit.push(copy(entry));
    },
    async write() {
      throw new Error('the watcher writes no incident decisions');
    },
  };

  const repositories: MemoryChannelRepositories = {
    processedEvents: {
      async recordOnce(eventId) {
        if (state.events.has(eventId)) return false;
        state.events.add(eventId);
        return true;
      },
    },
    channels,
    buckets,
    scoredMessages,
    quarantine,
    workspaces,
    audit,
  };

  const store: MemoryChannelStore = {
    failWhen: () => false,
    get commits() {
      return commits;
    },
    direct: repositories,
    transaction<T>(work: (tx: MemoryChannelRepositories) => Promise<T>): Promise<T> {
      // One at a time, as SQLite's single writer: a transaction sees no other's half-done work.
      const run = queue.then(async () => {
        const before = cloneState(state);
        try {
          const result = await work(repositories);
          commits += 1;
          return result;
        } catch (error) {
          state = before;
          throw error;
        }
      });
      queue = run.catch(() => undefined);
      return run;
    },
    watch({ workspaceId, channelId, name = null, active = true }) {
      const ref = newId('ch');
      state.channels.set(ref, { ref, workspaceId, channelId, name, active, watchedBy: 'command', detectorState: null, languageMix: null });
      return copy(state.channels.get(ref) as WatchedChannelRecord);
    },
    channel: (workspaceId, channelId) => copy([...state.channels.values()].find((channel) => channel.workspaceId === workspaceId && channel.channelId === channelId)),
    buckets: (channelRef) => bucketsOf(channelRef, -Infinity).map(withoutRef),
    messages: (channelRef) => copy([...state.messages.values()].filter((message) => channelRef === undefined || message.channelRef === channelRef)),
    quarantined: () => copy(state.quarantine),
    audited: () => copy(state.audit),
  };
  return store;
}
