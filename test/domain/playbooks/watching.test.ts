import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultDetectorSettings } from '../../../src/domain/detection/settings.js';
import { loadPlaybooks, type Playbook } from '../../../src/domain/playbooks/index.js';
import { alertsChannelRefusal, detectorSettingsUnder, followPlaybooks, isWatchedCommunityChannel, playbooksInDoubt, playbooksNameChannel, staffRefsOf } from '../../../src/domain/playbooks/watching.js';
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

  it('a channel a playbook put under watch follows them: stopped once none names it, resumed when one does again', () => {
    const channels = [
      { channelId: 'C0STATUS01', name: null, active: true },
      { channelId: 'C0ANY', name: 'help-billing', active: false },
      { channelId: 'C0RANDOM', name: 'random', active: true },
      { channelId: 'C0OLD', name: 'old', active: false },
    ];
    const { stop, resume } = followPlaybooks(playbooks, channels, { mayStop: true });
    expect(stop.map((channel) => channel.channelId)).toEqual(['C0RANDOM']);
    expect(resume.map((channel) => channel.channelId)).toEqual(['C0ANY']);
    // No playbook serves the workspace: every active one stops.
    expect(followPlaybooks([], channels, { mayStop: true }).stop.map((channel) => channel.channelId)).toEqual(['C0STATUS01', 'C0RANDOM']);
    // A file out of service because of its errors might name them: nothing stops, what is named resumes.
    expect(followPlaybooks(playbooks, channels, { mayStop: false })).toEqual({ stop: [], resume: [channels[1]] });
  });

  it('playbooks are in doubt while a file with problems has no version in service', () => {
    const file = playbooks[0]!.source.file;
    expect(playbooksInDoubt([], playbooks)).toBe(false);
    // A broken edit of a file in service keeps its last good version: what it names is known.
    expect(playbooksInDoubt([{ file }], playbooks)).toBe(false);
    expect(playbooksInDoubt([{ file: join(fixturesDir, 'valid', 'never-loaded.yaml') }], playbooks)).toBe(true);
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
