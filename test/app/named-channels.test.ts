// A playbook's alertsChannel given by name is resolved once to the channel's ID and followed from then
// on; the App Home notice lists only playbooks that still give a name Slack renamed.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { NAME_MISS_TTL_MS, NamedChannelsService } from '../../src/app/named-channels.js';
import type { NamedChannelRecord, NamedChannels } from '../../src/app/ports/index.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { Playbook } from '../../src/domain/playbooks/schema.js';

function memoryNamedChannels(): NamedChannels {
  const rows: NamedChannelRecord[] = [];
  return {
    find: async (workspaceId, name) => rows.find((row) => row.workspaceId === workspaceId && row.name === name) ?? null,
    bind: async (record) => {
      const first = rows.find((row) => row.workspaceId === record.workspaceId && row.name === record.name);
      if (first) return first;
      rows.push({ ...record });
      return record;
    },
    renamed: async (workspaceId, channelId, currentName) => {
      const changed = rows.filter((row) => row.workspaceId === workspaceId && row.channelId === channelId && row.currentName !== currentName);
      for (const row of changed) row.currentName = currentName;
      return changed.length;
    },
    rebind: async (record) => {
      const row = rows.find((candidate) => candidate.workspaceId === record.workspaceId && candidate.name === record.name);
      if (!row) {
        rows.push({ ...record, deletedAt: null });
        return true;
      }
      if (row.channelId === record.channelId && row.currentName === record.currentName && !row.deletedAt) return false;
      Object.assign(row, record, { deletedAt: null });
      return true;
    },
    channelDeleted: async (workspaceId, channelId, at) => {
      const changed = rows.filter((row) => row.workspaceId === workspaceId && row.channelId === channelId && !row.deletedAt);
      for (const row of changed) row.deletedAt = at;
      return changed.length;
    },
    ofWorkspace: async (workspaceId) => rows.filter((row) => row.workspaceId === workspaceId),
  };
}

function service(slack: Map<string, string>, clock = new ManualClock(Date.UTC(2026, 11, 6))) {
  const asked: string[] = [];
  const namedChannels = memoryNamedChannels();
  const named = new NamedChannelsService({
    store: { direct: { namedChannels }, transaction: (work) => work({ namedChannels }) },
    logger: pino({ level: 'silent' }),
    clock,
    lookup: async (_workspaceId, name) => {
      asked.push(name);
      if (name === 'broken') throw new Error('ratelimited');
      const id = slack.get(name);
      return id ? { id, name } : null;
    },
  });
  return { named, asked };
}

const playbook = (id: string, alertsChannel?: string) => ({ id, ...(alertsChannel ? { alertsChannel } : {}) }) as Playbook;

describe('alerts channels given by name', () => {
  it('resolves a name once and keeps its ID after Slack renamed the channel; IDs pass as they are', async () => {
    const slack = new Map([['crisis-alerts', 'C0CRISIS01']]);
    const { named, asked } = service(slack);
    expect(await named.resolve('W1', '#crisis-alerts')).toBe('C0CRISIS01');
    slack.delete('crisis-alerts');
    slack.set('crisis-room', 'C0CRISIS01');
    expect(await named.renamed('W1', 'C0CRISIS01', 'crisis-room')).toBe(1);
    expect(await named.resolve('W1', 'crisis-alerts')).toBe('C0CRISIS01');
    expect(asked).toEqual(['crisis-alerts']);
    expect(await named.resolve('W1', 'C0OTHER001')).toBe('C0OTHER001');
    // Another workspace's name is its own: Slack is asked for it there.
    expect(await named.resolve('W2', 'crisis-alerts')).toBeNull();
  });

  it('a name Slack does not know, or a failed look-up, binds nothing and is asked again a minute later, not per incident', async () => {
    const clock = new ManualClock(Date.UTC(2026, 11, 6));
    const slack = new Map<string, string>();
    const { named, asked } = service(slack, clock);
    expect(await named.resolve('W1', 'broken')).toBeNull();
    expect(await named.resolve('W1', 'nowhere')).toBeNull();
    slack.set('nowhere', 'C0CREATED1');
    expect(await named.resolve('W1', 'broken')).toBeNull();
    expect(await named.resolve('W1', 'nowhere')).toBeNull();
    expect(asked).toEqual(['broken', 'nowhere']);
    clock.advance(NAME_MISS_TTL_MS);
    expect(await named.resolve('W1', 'nowhere')).toBe('C0CREATED1');
    expect(await named.resolve('W1', 'broken')).toBeNull();
    expect(asked).toEqual(['broken', 'nowhere', 'nowhere', 'broken']);
  });

  it('lists the playbooks still giving the old name, until edited to the new name or another channel', async () => {
    const { named } = service(new Map([['crisis-alerts', 'C0CRISIS01'], ['war-room', 'C0WARROOM1']]));
    const serving = [playbook('outage', 'crisis-alerts'), playbook('recall', 'C0CRISIS01'), playbook('default')];
    await named.resolveAll('W1', serving);
    expect(await named.outdated('W1', serving)).toEqual([]);
    await named.renamed('W1', 'C0CRISIS01', 'crisis-room');
    expect(await named.outdated('W1', serving)).toEqual([{ playbookId: 'outage', name: 'crisis-alerts', channelId: 'C0CRISIS01', currentName: 'crisis-room', deleted: false }]);
    expect(await named.outdated('W2', serving)).toEqual([]);
    expect(await named.outdated('W1', [playbook('outage', 'war-room')])).toEqual([]);
  });

  it('a deleted channel leaves its name meaning nothing until a channel takes it; only names a playbook gives are taken', async () => {
    const slack = new Map([['crisis-alerts', 'C0CRISIS01']]);
    const { named } = service(slack);
    const serving = [playbook('outage', 'crisis-alerts')];
    expect(await named.resolve('W1', 'crisis-alerts')).toBe('C0CRISIS01');
    slack.delete('crisis-alerts');
    expect(await named.channelDeleted('W1', 'C0CRISIS01')).toBe(1);
    expect(await named.channelDeleted('W1', 'C0CRISIS01')).toBe(0);
    expect(await named.channelDeleted('W2', 'C0CRISIS01')).toBe(0);
    expect(await named.resolve('W1', 'crisis-alerts')).toBeNull();
    expect(await named.outdated('W1', serving)).toEqual([{ playbookId: 'outage', name: 'crisis-alerts', channelId: 'C0CRISIS01', currentName: 'crisis-alerts', deleted: true }]);
    // A name no playbook gives is not bound; the playbook's name is, at once (the minute's miss forgotten).
    expect(await named.channelTookName('W1', 'C0LOUNGE01', 'lounge', serving)).toBe(false);
    expect(await named.channelTookName('W1', 'C0CRISIS02', 'crisis-alerts', serving)).toBe(true);
    expect(await named.channelTookName('W1', 'C0CRISIS02', 'crisis-alerts', serving)).toBe(false);
    expect(await named.resolve('W1', 'crisis-alerts')).toBe('C0CRISIS02');
    expect(await named.outdated('W1', serving)).toEqual([]);
  });
});
