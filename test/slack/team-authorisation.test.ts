// The one team rule: installed team, records of that team, a real acting user.
import { describe, expect, it } from 'vitest';
import { checkTeam } from '../../src/slack/team-authorisation.js';

const base = { payloadTeamId: 'T1', userId: 'U1', installed: (team: string) => team === 'T1', ownerTeamIds: ['T1'] };

describe('checkTeam', () => {
  it('accepts a user of the installed team acting on that team’s records, or on the installation’s own sources', () => {
    expect(checkTeam(base)).toEqual({ ok: true, teamId: 'T1' });
    expect(checkTeam({ ...base, ownerTeamIds: [null] })).toEqual({ ok: true, teamId: 'T1' });
    expect(checkTeam({ ...base, ownerTeamIds: [] })).toEqual({ ok: true, teamId: 'T1' });
  });

  it('refuses another team, another team’s record, a guest of another team, and a missing user', () => {
    expect(checkTeam({ ...base, payloadTeamId: 'T2' })).toEqual({ ok: false, reason: 'not_installed' });
    expect(checkTeam({ ...base, installed: () => true, payloadTeamId: 'T2' })).toEqual({ ok: false, reason: 'foreign_team' });
    expect(checkTeam({ ...base, ownerTeamIds: ['T1', 'T2'] })).toEqual({ ok: false, reason: 'foreign_team' });
    expect(checkTeam({ ...base, userTeamId: 'T2' })).toEqual({ ok: false, reason: 'foreign_user' });
    for (const userId of [undefined, null, '', 42, 'U\u00001', 'x'.repeat(100)]) expect(checkTeam({ ...base, userId })).toEqual({ ok: false, reason: 'no_user' });
    for (const payloadTeamId of [undefined, null, '', {}]) expect(checkTeam({ ...base, payloadTeamId })).toEqual({ ok: false, reason: 'no_team' });
  });
});
