// Slack requests the listener guard acknowledged before their listener finished (its 2 s deadline):
// kept until the listener finishes, so one whose process died in between is told to its person,
// never silently lost. Stored as quarantine rows (reason `interaction_unfinished`, then
// `interaction_unfinished_told`), so App Home's delivery problems list them with the others.

/** What the person did, without the payload (a modal's text may be long; none of it is needed to tell them). */
export interface UnfinishedRequest {
  /** `action`, `view`, `command` or `shortcut`. */
  kind: string;
  /** Its action_id, callback_id or command. */
  action: string;
  teamId: string | null;
  userId: string | null;
  channelId: string | null;
  /** The incidents it names (button values, a modal's private_metadata). */
  incidentIds: string[];
  /** When the guard acknowledged it (epoch ms). */
  at: number;
  /** The instance that was running its listener (instance-id.ts). */
  instanceId: string;
  /** The workspace row it belongs to, when known (App Home filters on it with OAuth installs). */
  workspaceId: string | null;
}

export interface StoredUnfinishedRequest extends UnfinishedRequest {
  id: string;
}

export const UNFINISHED_REASON = 'interaction_unfinished';
export const UNFINISHED_TOLD_REASON = 'interaction_unfinished_told';

export interface UnfinishedRequests {
  /** Keeps one; resolves with its id once committed. */
  keep(request: UnfinishedRequest): Promise<string>;
  /** Its listener finished: the row goes (only while not yet told). */
  finished(id: string): Promise<void>;
  /** The ones not yet told, oldest first. */
  untold(limit: number): Promise<StoredUnfinishedRequest[]>;
  /** Marks one told: true for exactly one caller (two instances starting together tell it once). */
  markTold(id: string): Promise<boolean>;
}
