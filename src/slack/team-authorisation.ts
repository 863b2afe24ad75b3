// Whose data may a Slack request touch: the one rule every interaction, view submission, command and
// shortcut goes through (and the OAuth multi-workspace install reuses). A request acts only for a team
// Firebreak is installed in, only on that team's incidents, drafts and post-mortems, and only with a
// real acting user. Pure: the caller looks the teams up.

export type TeamRefusal = 'no_user' | 'no_team' | 'not_installed' | 'foreign_user' | 'foreign_team';

export type TeamVerdict = { ok: true; teamId: string } | { ok: false; reason: TeamRefusal };

export interface TeamCheckInput {
  /** The workspace the request comes from (`team.id`, `team_id`, `view.team_id`). */
  payloadTeamId: unknown;
  /** The acting user (`user.id`, `user_id`). */
  userId: unknown;
  /** The acting user's own team when Slack says it (`user.team_id`): in a shared channel it may differ. */
  userTeamId?: unknown;
  /** Whether Firebreak is installed in a team (single token: the token's team; OAuth: a stored installation). */
  installed: boolean | ((teamId: string) => boolean);
  /**
   * The teams owning the records the request names (an incident, its drafts, its post-mortem); `null`
   * for a record of the installation's own sources (ingested channels), which any installed team owns.
   */
  ownerTeamIds: readonly (string | null)[];
}

const ID = /^[A-Za-z0-9_.-]{1,64}$/;
const isId = (value: unknown): value is string => typeof value === 'string' && ID.test(value);

export function checkTeam(input: TeamCheckInput): TeamVerdict {
  if (!isId(input.userId)) return { ok: false, reason: 'no_user' };
  if (!isId(input.payloadTeamId)) return { ok: false, reason: 'no_team' };
  const teamId = input.payloadTeamId;
  const installed = typeof input.installed === 'function' ? input.installed(teamId) : input.installed;
  if (!installed) return { ok: false, reason: 'not_installed' };
  // A guest from another organisation clicking in a shared channel acts for their own team, not this one.
  if (input.userTeamId !== undefined && input.userTeamId !== null && input.userTeamId !== teamId) return { ok: false, reason: 'foreign_user' };
  if (input.ownerTeamIds.some((owner) => owner !== null && owner !== teamId)) return { ok: false, reason: 'foreign_team' };
  return { ok: true, teamId };
}
