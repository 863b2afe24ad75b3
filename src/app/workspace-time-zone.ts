// The time zone a workspace's wall-clock times are read and shown in: the one it chose in App Home
// (OAuth installs), else TEAM_TIMEZONE. Every place that schedules or renders a wall-clock time for a
// workspace (digest, post-mortem dates, action-item reminders, exports, the incident chart) asks here.
import { isTimeZone } from '../domain/clock.js';
import type { Installations } from './ports/installations.js';

export interface WorkspaceTimeZoneOptions {
  installations: Pick<Installations, 'settings'>;
  /** TEAM_TIMEZONE. */
  defaultTimeZone: string;
  /** OAuth installs: each workspace's own setting comes first. With a single bot token only TEAM_TIMEZONE counts. */
  perWorkspaceSettings: boolean;
}

/** A workspace's effective time zone, by its workspace row id. */
export type WorkspaceTimeZone = (workspaceId: string) => Promise<string>;

export function workspaceTimeZone(options: WorkspaceTimeZoneOptions): WorkspaceTimeZone {
  return async (workspaceId) => {
    if (!options.perWorkspaceSettings) return options.defaultTimeZone;
    const chosen = (await options.installations.settings(workspaceId)).timeZone;
    // Checked when it is chosen; a row edited by hand must not stop reminders or exports.
    return chosen && isTimeZone(chosen) ? chosen : options.defaultTimeZone;
  };
}
