// Where staff names for one workspace come from when Firebreak speaks outside Slack (the post-mortem
// export): Slack's users.info with the token the app itself uses there, the sandbox's personas when the
// incident was played in the sandbox, or nowhere (user ids stay ids, and the reason is said).
import type { Workspaces } from './ports/channels.js';
import type { Installations } from './ports/installations.js';

export type StaffNameSource =
  | { kind: 'slack'; token: string }
  | { kind: 'sandbox' }
  | { kind: 'ids'; reason: string };

export interface StaffNameSourceOptions {
  /** SLACK_BOT_TOKEN: a single-token install asks Slack with it for every workspace, as the app does. */
  envBotToken?: string;
  workspaces: Pick<Workspaces, 'teamOf'>;
  /** OAuth installs: the workspace's stored token, opened with TOKEN_ENCRYPTION_KEYS by the store. */
  installations: Pick<Installations, 'find' | 'uninstalled'>;
  /**
   * Only when Slack is not configured at all (what makes `firebreak start` run the sandbox): the
   * sandbox workspace's team. Its people are the fixed personas, so their names come from there.
   */
  sandboxTeamId?: string;
}

/** How to name the staff of the workspace row `workspaceId`. */
export async function staffNameSource(workspaceId: string, options: StaffNameSourceOptions): Promise<StaffNameSource> {
  if (options.envBotToken) return { kind: 'slack', token: options.envBotToken };
  const teamId = await options.workspaces.teamOf(workspaceId);
  if (!teamId) return { kind: 'ids', reason: `the incident's workspace (${workspaceId}) is not in the database` };
  let token: string | undefined;
  try {
    token = (await options.installations.find(teamId))?.botToken;
  } catch (error) {
    // A key missing from TOKEN_ENCRYPTION_KEYS, or none set: the token is there but cannot be read.
    return { kind: 'ids', reason: `workspace ${teamId}'s stored token cannot be read: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (token) return { kind: 'slack', token };
  const gone = await options.installations.uninstalled(teamId);
  if (gone) {
    const what = gone.reason === 'tokens_revoked' ? "revoked Firebreak's tokens" : 'uninstalled Firebreak';
    return { kind: 'ids', reason: `workspace ${teamId} ${what} on ${new Date(gone.at).toISOString().slice(0, 10)} and its token was erased, so Slack cannot be asked for names` };
  }
  if (options.sandboxTeamId !== undefined && teamId === options.sandboxTeamId) return { kind: 'sandbox' };
  return { kind: 'ids', reason: `there is no Slack token for workspace ${teamId} (set SLACK_BOT_TOKEN as \`firebreak start\` has it to show names)` };
}
