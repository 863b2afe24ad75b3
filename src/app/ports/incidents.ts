// Incidents as the use cases keep them: the domain aggregate (IncidentState) plus what the edge keeps
// beside it, saved with an optimistic version so two staff clicking at once never overwrite each other.
import type { IncidentState, JsonValue, ReplyDraft, TimelineEvent } from '../../domain/incidents/index.js';

/** What the edge keeps beside the domain aggregate. */
export interface IncidentRecord {
  state: IncidentState;
  version: number;
  workspaceId: string;
  title: string;
  alertChannelId: string;
  rootTs: string | null;
}

export interface NewIncidentRecord {
  state: IncidentState;
  workspaceId: string;
  title: string;
  alertChannelId: string;
}

export interface IncidentRepository {
  load(incidentId: string): Promise<IncidentRecord | null>;
  /** The open (unresolved) incident on a channel (`realOnly`: not a drill), latest opened first; null when there is none. */
  openOn(workspaceId: string, channelId: string, only?: { realOnly: boolean }): Promise<string | null>;
  /**
   * The workspace's open incident on a channel, with its alerts channel (for notices in its thread). Never
   * another workspace's: a Slack Connect channel has the same id in both organisations.
   */
  openAlertOn(workspaceId: string, channelId: string): Promise<{ incidentId: string; alertChannelId: string } | null>;
  /** The Slack team of the incident's workspace; undefined when there is no such incident. */
  teamOf(incidentId: string): Promise<string | undefined>;
  /** A workspace's incident by its human-facing number. */
  idNumbered(workspaceId: string, number: number): Promise<string | null>;
  /**
   * A read model, not for transactions: incidents (of a workspace, or all), open ones only or not,
   * latest opened first, at most `limit`, loaded together rather than one by one.
   */
  list(filter: { workspaceId?: string; onlyOpen: boolean; limit: number }): Promise<IncidentRecord[]>;
  /**
   * Ids of resolved incidents (of a workspace, or all) holding a draft in one of `draftStatuses`, by id
   * after `afterId`, at most `limit`: a page of a scan that reads only the incidents it will change.
   */
  resolvedWithDrafts(filter: { workspaceId?: string; draftStatuses: readonly ReplyDraft['status'][]; afterId: string | null; limit: number }): Promise<string[]>;
  /**
   * Ids of a workspace's incidents (open or resolved, drills too) on a community channel detected at or
   * after `detectedSince`, oldest first: the ones that may quote a message posted then as a sample.
   */
  onChannelSince(filter: { workspaceId: string; channelId: string; detectedSince: number; limit: number }): Promise<string[]>;
  /**
   * Ids of a workspace's incidents whose timeline has the member message `channelId`/`messageTs` added by
   * staff with its words still kept (its author deleted it: they are erased), at most `limit`.
   */
  withMessageOnTimeline(filter: { workspaceId: string; channelId: string; messageTs: string; limit: number }): Promise<string[]>;
  /** The next human-facing number in a workspace (the unique constraint settles races). */
  nextNumber(workspaceId: string): Promise<number>;
  /** Inserts a new incident; a FirebreakError `conflict` when its number was taken meanwhile. */
  insert(record: NewIncidentRecord): Promise<void>;
  /** Saves a decision's state; a FirebreakError `conflict` when someone saved after `expectedVersion`. */
  save(state: IncidentState, expectedVersion: number): Promise<void>;
  /** Remembers the ts of the incident's root message in the alerts channel. */
  setRootTs(incidentId: string, ts: string): Promise<void>;
  /** Moves the incident's thread to another alerts channel (a held root raised in a safe one). */
  setAlertChannel(incidentId: string, alertChannelId: string): Promise<void>;
  appendTimeline(events: readonly TimelineEvent[]): Promise<void>;
  /**
   * The one change a timeline entry ever gets: the copy of the detection its `detected` entry keeps is
   * rewritten by `change` (a member deleted or edited a message it quotes; domain detectionChanged).
   */
  rewriteDetectedEntry(incidentId: string, change: (detection: JsonValue) => JsonValue): Promise<void>;
  /**
   * The other: the incident's `message_added` entries of that member message still keeping words are
   * rewritten by `change` (domain addedMessageChanged: without words once deleted, the latest ones once
   * edited), and the audit lines of adding it keep the words the entries keep (none once deleted).
   */
  rewriteAddedMessage(incidentId: string, channelId: string, messageTs: string, change: (event: TimelineEvent) => TimelineEvent): Promise<void>;
  timeline(incidentId: string): Promise<TimelineEvent[]>;
}
