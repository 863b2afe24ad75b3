import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultDetectorSettings } from '../../../src/domain/detection/settings.js';
import { loadPlaybooks, type Playbook } from '../../../src/domain/playbooks/index.js';
import { alertsChannelRefusal, detectorSettingsUnder, isWatchedCommunityChannel, playbooksNameChannel, staffRefsOf } from '../../../src/domain/playbooks/watching.js';
import { fixturesDir } from './helpers.js';

let playbooks: Playbook[];
beforeAll(async () => {
  const loaded = await loadPlaybooks(join(fixturesDir, 'valid'));
  expect(loaded.problems).toEqual([]);
  playbooks = loaded.playbooks;
});

const byId = (id: string) => playbooks.find((playbook) => playbook.id === id) as Playbook;

describe('what playbooks say about watching', () => {
  it('a channel is named by a playbook by id, by name or by pattern; others are not', () => {
    expect(playbooksNameChannel(playbooks, { channelId: 'C0STATUS01' })).toBe(true);
    expect(playbooksNameChannel(playbooks, { channelId: 'C0ANY', channelName: 'help-billing' })).toBe(true);
    expect(playbooksNameChannel(playbooks, { channelId: 'C0RANDOM', channelName: 'random' })).toBe(false);
  });

  it('a watched community channel: its row decides once there is one, a playbook naming it before that', () => {
    // Named by a playbook (pattern), never met: watched; unwatched since (/firebreak unwatch): not.
    expect(isWatchedCommunityChannel(playbooks, { channelId: 'C0ANY', channelName: 'help-billing', row: null })).toBe(true);
    expect(isWatchedCommunityChannel(playbooks, { channelId: 'C0ANY', channelName: 'help-billing', row: { active: false } })).toBe(false);
    // Named by no playbook: watched only by its row (/firebreak watch).
    expect(isWatchedCommunityChannel(playbooks, { channelId: 'C0STAFF', channelName: 'staff-room', row: null })).toBe(false);
    expect(isWatchedCommunityChannel(playbooks, { channelId: 'C0STAFF', channelName: 'staff-room', row: { active: true } })).toBe(true);
    expect(alertsChannelRefusal(playbooks, { channelId: 'C0STATUS01', row: null })).toBe('watched_community_channel');
    expect(alertsChannelRefusal(playbooks, { channelId: 'C0STAFF', channelName: 'staff-room', row: null })).toBeNull();
  });

  it('staff are the people and groups given a role, each once, whatever the role', () => {
    const refs = staffRefsOf([byId('minimal'), byId('minimal')]);
    expect(refs).toEqual([
      { kind: 'user', id: 'U0LEAD0001' },
      { kind: 'user', id: 'U0APPROVE1' },
      { kind: 'user', id: 'U0APPROVE2' },
      { kind: 'handle', handle: 'legal' },
    ]);
  });

  it('a playbook’s detection overrides tune the threshold, volume and cooldown; without them the base settings stand', () => {
    const base = defaultDetectorSettings;
    expect(detectorSettingsUnder(byId('outage'), base)).toEqual({ ...base, threshold: base.threshold * 0.6, minNegatives: 5, cooldownMs: 30 * 60_000 });
    expect(detectorSettingsUnder(byId('minimal'), base)).toBe(base);
    expect(detectorSettingsUnder(undefined, base)).toBe(base);
  });
});
