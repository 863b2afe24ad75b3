// In-memory fakes of the post-mortem and feedback ports: PostMortemService's and FeedbackService's
// rules run against them in milliseconds. Transactions run one at a time and roll back on a throw,
// like the database's; records are copied in and out, as the JSON columns are. `failWhen` makes
// chosen writes fail once, to exercise the optimistic-version retry.
import type {
  AuditRecord,
  FeedbackRecord,
  FeedbackRepositories,
  IncidentHistory,
  IncidentRecord,
  PostMortemRecord,
  PostMortemReminderPayload,
  PostMortemRepositories,
  SlackWrite,
  StoredBucketSummary,
  StoredLexicon,
  Store,
  WatchedChannelSummary,
} from '../../src/app/ports/index.js';
import { detectorRaised, type ChannelCalibration } from '../../src/domain/feedback/index.js';
import type { TimelineEvent } from '../../src/domain/incidents/index.js';
import type { PostMortem } from '../../src/domain/postmortems/index.js';
import { FirebreakError } from '../../src/errors.js';
import { cancelPendingReminders, memoryOutbox } from './memory-shared.js';

export type MemoryRepositories = PostMortemRepositories & FeedbackRepositories;

export interface MemoryReminder {
  key: string;
  kind: string;
  at: number;
  payload: PostMortemReminderPayload;
  status: 'pending' | 'cancelled';
}

interface State {
  incidents: Map<string, IncidentRecord>;
  timelines: Map<string, TimelineEvent[]>;
  postMortems: Map<string, PostMortemRecord & { createdAt: number }>;
  reminders: Map<string, MemoryReminder>;
  outbox: SlackWrite[];
  audit: AuditRecord[];
  channels: Map<string, WatchedChannelSummary & { workspaceId: string; channelId: string; active: boolean }>;
  buckets: Map<string, StoredBucketSummary[]>;
  feedback: FeedbackRecord[];
  lexicons: Map<string, StoredLexicon>;
  calibrations: Map<string, ChannelCalibration>;
  workspaces: { id: string; teamId: string }[];
  processedEvents: Set<string>;
  nextId: number;
}

/** A write the fake is about to make: `failWhen` may refuse it by returning true. */
export type MemoryWrite = { kind: 'savePostMortem'; incidentId: string } | { kind: 'insertFeedback' };

export interface MemoryPostMortemStore extends Store<MemoryRepositories> {
  failWhen: (write: MemoryWrite) => boolean;
  addIncident(record: IncidentRecord, timeline?: readonly TimelineEvent[]): void;
  addPostMortem(postMortem: PostMortem): void;
  watch(channel: { workspaceId: string; channelId: string; name?: string | null; learnedShare?: number | null }, buckets?: StoredBucketSummary[]): void;
  postMortem(incidentId: string): PostMortemRecord | undefined;
  timeline(incidentId: string): TimelineEvent[];
  outbox(): SlackWrite[];
  audit(): AuditRecord[];
  reminder(key: string): MemoryReminder | undefined;
  feedback(): FeedbackRecord[];
  calibration(workspaceId: string, channelId: string): ChannelCalibration | undefined;
}

const copy = <T>(value: T): T => structuredClone(value);
const channelKey = (workspaceId: string, channelId: string) => `${workspaceId}/${channelId}`;

function emptyState(): State {
  return {
    incidents: new Map(),
    timelines: new Map(),
    postMortems: new Map(),
    reminders: new Map(),
    outbox: [],
    audit: [],
    channels: new Map(),
    buckets: new Map(),
    feedback: [],
    lexicons: new Map(),
    calibrations: new Map(),
    workspaces: [],
    processedEvents: new Set(),
    nextId: 1,
  };
}

function incidentHistoryOf(state: () => State): IncidentHistory {
  return {
    async incidentIdsNumbered(number, limit) {
      return [...state().incidents.values()].filter((record) => record.state.incident.number === number).slice(0, limit).map((record) => record.state.incident.id);
    },
    async incidentIdsDetectedIn(range, limit) {
      return [...state().incidents.values()]
        .map((record) => record.state.incident)
        .filter((incident) => incident.detectedAt >= range.from && incident.detectedAt < range.to && (range.includeDrills || !incident.drill))
        .sort((a, b) => b.detectedAt - a.detectedAt)
        .slice(0, limit)
        .map((incident) => incident.id);
    },
    async openIncidentsOf(workspaceId, limit) {
      return [...state().incidents.values()]
        .filter((record) => record.workspaceId === workspaceId && record.state.incident.status !== 'resolved')
        .sort((a, b) => b.state.incident.openedAt - a.state.incident.openedAt)
        .slice(0, limit)
        .map(({ state: { incident } }) => ({ incidentId: incident.id, number: incident.number, severity: incident.severity, channelId: incident.channelId, drill: incident.drill }));
    },
    async incidentOfThread(workspaceId, alertChannelId, rootTs) {
      const found = [...state().incidents.values()].find((record) => record.workspaceId === workspaceId && record.alertChannelId === alertChannelId && record.rootTs === rootTs);
      return found ? { incidentId: found.state.incident.id, locale: found.state.incident.locale } : null;
    },
    async watchedChannel(workspaceId, channelId) {
      const channel = state().channels.get(channelKey(workspaceId, channelId));
      return channel ? { ref: channel.ref, name: channel.name, detector: copy(channel.detector) } : null;
    },
    async bucketCounts(channelRef, range) {
      return (state().buckets.get(channelRef) ?? []).filter((bucket) => bucket.start >= range.from && bucket.start < range.to).map(({ messages, negatives }) => ({ messages, negatives }));
    },
    async bucketsWithMessages(channelRef, range) {
      return (state().buckets.get(channelRef) ?? [])
        .filter((bucket) => bucket.start >= range.from && bucket.start < range.to && bucket.messages > 0)
        .sort((a, b) => a.start - b.start)
        .map(copy);
    },
  };
}

export function memoryPostMortemStore(): MemoryPostMortemStore {
  let state = emptyState();
  let failWhen: (write: MemoryWrite) => boolean = () => false;
  let queue: Promise<unknown> = Promise.resolve();
  const current = () => state;
  const refuse = (write: MemoryWrite) => {
    if (failWhen(write)) throw new FirebreakError('conflict', `memory store refused ${write.kind}`);
  };

  const repositories: MemoryRepositories = {
    processedEvents: {
      recordOnce: async (eventId) => {
        if (state.processedEvents.has(eventId)) return false;
        state.processedEvents.add(eventId);
        return true;
      },
    },
    incidents: {
      load: async (incidentId) => copy(state.incidents.get(incidentId) ?? null),
      timeline: async (incidentId) => copy(state.timelines.get(incidentId) ?? []),
      appendTimeline: async (events) => {
        for (const event of events) state.timelines.set(event.incidentId, [...(state.timelines.get(event.incidentId) ?? []), copy(event)]);
      },
    },
    postMortems: {
      load: async (incidentId) => {
        const found = state.postMortems.get(incidentId);
        return found ? { postMortem: copy(found.postMortem), version: found.version } : null;
      },
      insert: async (postMortem) => {
        state.postMortems.set(postMortem.incidentId, { postMortem: copy(postMortem), version: 1, createdAt: postMortem.createdAt });
      },
      save: async (postMortem, expectedVersion) => {
        refuse({ kind: 'savePostMortem', incidentId: postMortem.incidentId });
        const found = state.postMortems.get(postMortem.incidentId);
        if (!found || found.version !== expectedVersion) throw new FirebreakError('conflict', `The post-mortem of incident ${postMortem.incidentId} changed meanwhile; retry.`);
        state.postMortems.set(postMortem.incidentId, { ...found, postMortem: copy(postMortem), version: expectedVersion + 1 });
      },
      list: async (filter = {}) =>
        [...state.postMortems.values()]
          .filter((found) => (!filter.status || found.postMortem.status === filter.status) && (filter.since === undefined || found.createdAt >= filter.since))
          .sort((a, b) => b.createdAt - a.createdAt)
          .map(({ postMortem }) => {
            const incident = state.incidents.get(postMortem.incidentId);
            return {
              incidentId: postMortem.incidentId,
              incidentNumber: incident?.state.incident.number ?? 0,
              workspaceId: incident?.workspaceId ?? '',
              title: incident?.title ?? '',
              status: postMortem.status,
              dueAt: postMortem.dueAt,
              publishedAt: postMortem.publishedAt,
              createdAt: postMortem.createdAt,
            };
          }),
      recentPublished: async (limit) =>
        [...state.postMortems.values()]
          .map(({ postMortem }) => postMortem)
          .filter((postMortem) => postMortem.status === 'published')
          .sort((a, b) => (b.publishedAt ?? 0) - (a.publishedAt ?? 0))
          .slice(0, limit)
          .map((postMortem) => {
            const incident = state.incidents.get(postMortem.incidentId)?.state.incident;
            return { incidentId: postMortem.incidentId, incidentNumber: incident?.number ?? 0, channelId: incident?.channelId ?? '', publishedAt: postMortem.publishedAt ?? 0, summary: postMortem.fields.summary ?? '' };
          }),
      recentSaves: async (incidentId, limit) =>
        state.audit
          .filter((entry) => entry.incidentId === incidentId && (entry.action === 'save_postmortem' || entry.action === 'submit_postmortem'))
          .reverse()
          .slice(0, limit)
          .map((entry) => ({
            actorUserId: entry.userId,
            accepted: entry.outcome === 'accepted',
            ...(Array.isArray(entry.data['changed']) ? { changed: entry.data['changed'] as string[] } : {}),
            ...(Array.isArray(entry.data['emptied']) ? { emptied: entry.data['emptied'] as string[] } : {}),
          })),
      scheduleReminder: async (reminder) => {
        state.reminders.set(reminder.key, { ...copy(reminder), status: 'pending' });
      },
    },
    incidentHistory: incidentHistoryOf(current),
    outbox: memoryOutbox(state.outbox),
    audit: {
      record: async (entry) => {
        state.audit.push(copy(entry));
      },
    },
    reminders: {
      cancel: async (which) => cancelPendingReminders(state.reminders.values(), which),
    },
    feedback: {
      insert: async (feedback) => {
        refuse({ kind: 'insertFeedback' });
        const record: FeedbackRecord = { ...copy(feedback), id: `fb-${state.nextId++}`, undoneAt: null, undoneBy: null };
        state.feedback.push(record);
        return copy(record);
      },
      find: async (id) => copy(state.feedback.find((record) => record.id === id) ?? null),
      latestOnSubject: async (subject) =>
        copy(
          state.feedback
            .filter((record) => record.workspaceId === subject.workspaceId && record.userId === subject.userId && record.target === subject.target)
            .filter((record) => (subject.target === 'alert' ? record.incidentId === subject.incidentId : record.channelId === subject.channelId && record.messageTs === subject.messageTs))
            .at(-1) ?? null,
        ),
      activeOnSubject: async (subject) =>
        copy(
          state.feedback
            .filter((record) => record.workspaceId === subject.workspaceId && record.userId === subject.userId && record.target === subject.target && record.undoneAt === null)
            .filter((record) => (subject.target === 'alert' ? record.incidentId === subject.incidentId : record.channelId === subject.channelId && record.messageTs === subject.messageTs))
            .reverse(),
        ),
      markUndone: async (id, userId, at) => {
        const record = state.feedback.find((candidate) => candidate.id === id && candidate.undoneAt === null);
        if (!record) return false;
        record.undoneAt = at;
        record.undoneBy = userId;
        return true;
      },
      setReason: async (id, reason) => {
        const record = state.feedback.find((candidate) => candidate.id === id);
        if (record) record.reason = reason;
      },
      activeMessageFeedback: async (workspaceId) =>
        copy(state.feedback.filter((record) => record.workspaceId === workspaceId && record.target === 'message' && record.undoneAt === null).sort((a, b) => a.at - b.at)),
      undoAllMessageFeedback: async (workspaceId, userId, at) => {
        const active = state.feedback.filter((record) => record.workspaceId === workspaceId && record.target === 'message' && record.undoneAt === null);
        for (const record of active) Object.assign(record, { undoneAt: at, undoneBy: userId });
        return active.length;
      },
      activeAlertFacts: async (workspaceId, channelId) =>
        state.feedback
          .filter((record) => record.workspaceId === workspaceId && record.channelId === channelId && record.target === 'alert' && record.undoneAt === null && record.incidentId !== null)
          .filter((record) => detectorRaised(state.incidents.get(record.incidentId as string)?.state.incident.detection))
          .sort((a, b) => a.at - b.at)
          .map((record) => {
            const incident = state.incidents.get(record.incidentId as string)?.state.incident;
            const lagMs = incident?.firstAbnormalAt ? incident.detectedAt - incident.firstAbnormalAt : null;
            return { incidentId: record.incidentId as string, verdict: record.verdict as 'real_crisis' | 'false_alarm', lagMs, at: record.at };
          }),
      saveLexicon: async (workspaceId, learnt, frozen) => {
        state.lexicons.set(workspaceId, { workspaceId, learnt: copy(learnt), frozen: [...frozen], updatedAt: state.nextId++, outdated: false });
      },
      loadLexicon: async (workspaceId) => copy(state.lexicons.get(workspaceId) ?? null),
      lexiconsChangedSince: async (since) => copy([...state.lexicons.values()].filter((lexicon) => lexicon.updatedAt > since)),
      saveCalibration: async (workspaceId, channelId, calibration) => {
        state.calibrations.set(channelKey(workspaceId, channelId), copy(calibration));
      },
      loadCalibration: async (workspaceId, channelId) => copy(state.calibrations.get(channelKey(workspaceId, channelId)) ?? null),
      calibratedChannels: async () =>
        [...state.calibrations.keys()].map((key) => ({ workspaceId: key.slice(0, key.indexOf('/')), channelId: key.slice(key.indexOf('/') + 1) })),
      isChannelWatched: async (workspaceId, channelId) => state.channels.get(channelKey(workspaceId, channelId))?.active ?? false,
      // This fake keeps no scored messages: a deleted sample is told by the incident's detection.
      messageDeleted: async () => false,
      onMessage: async (workspaceId, channelId, ts) => copy(state.feedback.filter((record) => record.workspaceId === workspaceId && record.channelId === channelId && record.messageTs === ts)),
      eraseText: async (id, features) => {
        const record = state.feedback.find((candidate) => candidate.id === id);
        if (record) Object.assign(record, { text: null, ...(features ? { features } : {}) });
      },
      eraseExcerpts: async (incidentId, feedbackId) => {
        const erased: TimelineEvent[] = [];
        state.timelines.set(incidentId, (state.timelines.get(incidentId) ?? []).map((event) => {
          if (event.data['feedbackId'] !== feedbackId || !('excerpt' in event.data)) return event;
          const { excerpt: _erased, ...data } = event.data;
          erased.push({ ...event, data });
          return { ...event, data };
        }));
        return copy(erased);
      },
      openIncidentOn: async (workspaceId, channelId) => {
        const open = [...state.incidents.values()]
          .filter((record) => record.workspaceId === workspaceId && record.state.incident.channelId === channelId && record.state.incident.status !== 'resolved' && !record.state.incident.drill)
          .sort((a, b) => b.state.incident.openedAt - a.state.incident.openedAt);
        return open[0]?.state.incident.id ?? null;
      },
      lockIncidentTimeline: async (incidentId) => {
        const record = state.incidents.get(incidentId);
        if (record) record.version += 1;
      },
      workspaces: async () => copy(state.workspaces),
    },
  };

  return {
    direct: repositories,
    transaction<T>(work: (tx: MemoryRepositories) => Promise<T>): Promise<T> {
      const run = queue.then(async () => {
        const before = copy(state);
        try {
          return await work(repositories);
        } catch (error) {
          state = before;
          throw error;
        }
      });
      queue = run.catch(() => undefined);
      return run;
    },
    set failWhen(predicate: (write: MemoryWrite) => boolean) {
      failWhen = predicate;
    },
    get failWhen() {
      return failWhen;
    },
    addIncident(record, timeline = []) {
      state.incidents.set(record.state.incident.id, copy(record));
      state.timelines.set(record.state.incident.id, copy([...timeline]));
      if (!state.workspaces.some((workspace) => workspace.id === record.workspaceId)) state.workspaces.push({ id: record.workspaceId, teamId: `T-${record.workspaceId}` });
    },
    addPostMortem(postMortem) {
      state.postMortems.set(postMortem.incidentId, { postMortem: copy(postMortem), version: 1, createdAt: postMortem.createdAt });
    },
    watch(channel, buckets = []) {
      const ref = `ch-${state.nextId++}`;
      const learned = channel.learnedShare ?? null;
      const detector = learned === null ? null : ({ bucketsSeen: 100, negativeShare: learned } as WatchedChannelSummary['detector']);
      state.channels.set(channelKey(channel.workspaceId, channel.channelId), { ref, name: channel.name ?? null, detector, workspaceId: channel.workspaceId, channelId: channel.channelId, active: true });
      state.buckets.set(ref, copy(buckets));
    },
    postMortem: (incidentId) => copy(state.postMortems.get(incidentId)),
    timeline: (incidentId) => copy(state.timelines.get(incidentId) ?? []),
    outbox: () => copy(state.outbox),
    audit: () => copy(state.audit),
    reminder: (key) => copy(state.reminders.get(key)),
    feedback: () => copy(state.feedback),
    calibration: (workspaceId, channelId) => copy(state.calibrations.get(channelKey(workspaceId, channelId))),
  };
}
