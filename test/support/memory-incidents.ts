// In-memory ports for IncidentService's unit tests: the repositories it touches (incidents, outbox,
// audit, reminders, post-mortems), with the store's rules that matter to it — optimistic versions,
// outbox keys written once, a transaction that commits all or nothing.
import type { IncidentRepositories } from '../../src/app/incidents.js';
import type { AuditRecord, IncidentRecord, NewReminder, PostMortemRecord, SlackWrite, Store } from '../../src/app/ports/index.js';
import type { AuditEntry, TimelineEvent } from '../../src/domain/incidents/index.js';
import { FirebreakError } from '../../src/errors.js';
import { cancelPendingReminders, memoryOutbox } from './memory-shared.js';

export interface StoredReminder extends NewReminder {
  status: 'pending' | 'cancelled';
}

interface MemoryState {
  incidents: Map<string, IncidentRecord>;
  timelines: Map<string, TimelineEvent[]>;
  outbox: SlackWrite[];
  audit: AuditEntry[];
  auditRecords: AuditRecord[];
  reminders: Map<string, StoredReminder>;
  postMortems: Map<string, PostMortemRecord>;
}

export interface MemoryIncidentStore extends Store<IncidentRepositories> {
  /** Every write enqueued and committed, in order. */
  outbox(): readonly SlackWrite[];
  audit(): readonly AuditEntry[];
  reminders(): readonly StoredReminder[];
  incident(incidentId: string): IncidentRecord | undefined;
  timeline(incidentId: string): readonly TimelineEvent[];
  postMortem(incidentId: string): PostMortemRecord | undefined;
  /** How many transactions committed (a refused decision commits its audit entry too). */
  readonly commits: number;
}

const copy = <T>(value: T): T => structuredClone(value);

function emptyState(): MemoryState {
  return { incidents: new Map(), timelines: new Map(), outbox: [], audit: [], auditRecords: [], reminders: new Map(), postMortems: new Map() };
}

function repositoriesOver(state: MemoryState): IncidentRepositories {
  const openOn = (match: (record: IncidentRecord) => boolean) =>
    [...state.incidents.values()].filter((record) => record.state.incident.status !== 'resolved' && match(record)).sort((a, b) => b.state.incident.openedAt - a.state.incident.openedAt)[0];
  return {
    incidents: {
      load: async (incidentId) => {
        const record = state.incidents.get(incidentId);
        return record ? copy(record) : null;
      },
      openOn: async (workspaceId, channelId, only) =>
        openOn((record) => record.workspaceId === workspaceId && record.state.incident.channelId === channelId && !(only?.realOnly && record.state.incident.drill))?.state.incident.id ?? null,
      openAlertOn: async (workspaceId, channelId) => {
        const open = openOn((record) => record.workspaceId === workspaceId && record.state.incident.channelId === channelId);
        return open ? { incidentId: open.state.incident.id, alertChannelId: open.alertChannelId } : null;
      },
      teamOf: async () => undefined,
      idNumbered: async (workspaceId, number) =>
        [...state.incidents.values()].find((record) => record.workspaceId === workspaceId && record.state.incident.number === number)?.state.incident.id ?? null,
      list: async ({ workspaceId, onlyOpen, limit }) =>
        [...state.incidents.values()]
          .filter((record) => (workspaceId === undefined || record.workspaceId === workspaceId) && (!onlyOpen || record.state.incident.status !== 'resolved'))
          .sort((a, b) => b.state.incident.openedAt - a.state.incident.openedAt)
          .slice(0, limit)
          .map(copy),
      resolvedWithDrafts: async ({ workspaceId, draftStatuses, afterId, limit }) =>
        [...state.incidents.values()]
          .filter((record) => record.state.incident.status === 'resolved' && (workspaceId === undefined || record.workspaceId === workspaceId))
          .filter((record) => (afterId === null || record.state.incident.id > afterId) && record.state.drafts.some((draft) => draftStatuses.includes(draft.status)))
          .map((record) => record.state.incident.id)
          .sort()
          .slice(0, limit),
      onChannelSince: async ({ workspaceId, channelId, detectedSince, limit }) =>
        [...state.incidents.values()]
          .filter((record) => record.workspaceId === workspaceId && record.state.incident.channelId === channelId && record.state.incident.detectedAt >= detectedSince)
          .sort((a, b) => a.state.incident.detectedAt - b.state.incident.detectedAt)
          .slice(0, limit)
          .map((record) => record.state.incident.id),
      withMessageOnTimeline: async ({ workspaceId, channelId, messageTs, limit }) =>
        [...state.incidents.values()]
          .filter((record) => record.workspaceId === workspaceId && (state.timelines.get(record.state.incident.id) ?? []).some((event) => event.kind === 'message_added' && event.text !== null && event.data['channelId'] === channelId && event.data['messageTs'] === messageTs))
          .slice(0, limit)
          .map((record) => record.state.incident.id),
      nextNumber: async (workspaceId) => Math.max(0, ...[...state.incidents.values()].filter((record) => record.workspaceId === workspaceId).map((record) => record.state.incident.number)) + 1,
      insert: async (record) => {
        const taken = [...state.incidents.values()].some((other) => other.workspaceId === record.workspaceId && other.state.incident.number === record.state.incident.number);
        if (taken) throw new FirebreakError('conflict', `Incident number ${record.state.incident.number} was taken meanwhile.`);
        state.incidents.set(record.state.incident.id, { ...copy(record), version: 0, rootTs: null });
      },
      setAlertChannel: async (incidentId, alertChannelId) => {
        const current = state.incidents.get(incidentId);
        if (current) state.incidents.set(incidentId, { ...current, alertChannelId });
      },
      save: async (incidentState, expectedVersion) => {
        const current = state.incidents.get(incidentState.incident.id);
        if (!current || current.version !== expectedVersion) throw new FirebreakError('conflict', `Incident ${incidentState.incident.id} changed while deciding.`);
        state.incidents.set(incidentState.incident.id, { ...current, state: copy(incidentState), version: current.version + 1 });
      },
      setRootTs: async (incidentId, ts) => {
        const current = state.incidents.get(incidentId);
        if (current) current.rootTs = ts;
      },
      appendTimeline: async (events) => {
        for (const event of events) state.timelines.set(event.incidentId, [...(state.timelines.get(event.incidentId) ?? []), copy(event)]);
      },
      rewriteDetectedEntry: async (incidentId, change) => {
        const events = state.timelines.get(incidentId) ?? [];
        state.timelines.set(incidentId, events.map((event) => (event.kind === 'detected' && event.data['detection'] !== undefined ? { ...event, data: { ...event.data, detection: change(event.data['detection']) } } : event)));
      },
      rewriteAddedMessage: async (incidentId, channelId, messageTs, change) => {
        const events = state.timelines.get(incidentId) ?? [];
        state.timelines.set(incidentId, events.map((event) => (event.kind === 'message_added' && event.text !== null && event.data['channelId'] === channelId && event.data['messageTs'] === messageTs ? change(event) : event)));
      },
      timeline: async (incidentId) => copy(state.timelines.get(incidentId) ?? []),
    },
    outbox: memoryOutbox(state.outbox),
    audit: {
      write: async (entry) => {
        state.audit.push(copy(entry));
      },
      record: async (entry) => {
        state.auditRecords.push(copy(entry));
      },
    },
    reminders: {
      schedule: async (reminder) => {
        if (state.reminders.has(reminder.key)) return false;
        state.reminders.set(reminder.key, { ...copy(reminder), status: 'pending' });
        return true;
      },
      reschedule: async (reminder) => {
        state.reminders.set(reminder.key, { ...copy(reminder), status: 'pending' });
      },
      cancel: async (which) => cancelPendingReminders(state.reminders.values(), which),
      stopTeam: async () => {
        throw new Error('the in-memory incident store keeps no teams: uninstalls are tested against the database');
      },
    },
    postMortems: {
      load: async (incidentId) => {
        const record = state.postMortems.get(incidentId);
        return record ? copy(record) : null;
      },
      insert: async (postMortem) => {
        state.postMortems.set(postMortem.incidentId, { postMortem: copy(postMortem), version: 0 });
      },
    },
  };
}

export function memoryIncidentStore(): MemoryIncidentStore {
  let state = emptyState();
  let commits = 0;
  return {
    // Outside a transaction each call commits on its own: the repositories act on the live state.
    get direct() {
      return repositoriesOver(state);
    },
    async transaction(work) {
      // All or nothing: the work runs on a copy that replaces the state only when it returns.
      const draft = copy(state);
      const result = await work(repositoriesOver(draft));
      state = draft;
      commits += 1;
      return result;
    },
    outbox: () => state.outbox,
    audit: () => state.audit,
    reminders: () => [...state.reminders.values()],
    incident: (incidentId) => state.incidents.get(incidentId),
    timeline: (incidentId) => state.timelines.get(incidentId) ?? [],
    postMortem: (incidentId) => state.postMortems.get(incidentId),
    get commits() {
      return commits;
    },
  };
}
