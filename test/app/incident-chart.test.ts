// The incident chart's use case against in-memory ports: on a Slack Connect channel (the same channel id
// in two workspaces, each with its own watched row and buckets) an incident is drawn from its own
// workspace's buckets, in its own workspace's time zone, never the other organisation's.
import { describe, expect, it } from 'vitest';
import { incidentChart } from '../../src/app/incident-chart.js';
import type { IncidentRecord } from '../../src/app/ports/index.js';
import { resolveDetectorSettings } from '../../src/domain/detection/settings.js';
import { buildSampleIncident } from '../fixtures/postmortems/sample-incident.js';
import { createMemoryChannelStore } from '../support/memory-channels.js';

const NOW = Date.UTC(2026, 11, 1, 10);
const SHARED = 'C0SHARED';
const settings = resolveDetectorSettings({});
const HOUR = 3_600_000;

/** Workspace `workspaceId`'s open incident on the shared channel, its spike at NOW. */
function incidentOf(workspaceId: string): IncidentRecord {
  const { state } = buildSampleIncident('en');
  const incident = { ...state.incident, id: `inc-${workspaceId}`, channelId: SHARED, status: 'open' as const, resolvedAt: null, firstAbnormalAt: NOW, detectedAt: NOW };
  return { state: { ...state, incident }, version: 1, workspaceId, title: '#partners', alertChannelId: 'C0ALERTS', rootTs: '1.1' };
}

describe('incidentChart on a channel shared by two workspaces', () => {
  it('draws each workspace’s incident from its own buckets, in its own time zone', async () => {
    const store = createMemoryChannelStore();
    // A's row comes first: a lookup by channel id alone finds it for B's incident too.
    const a = store.watch({ workspaceId: 'WA', channelId: SHARED, name: 'partners' });
    const b = store.watch({ workspaceId: 'WB', channelId: SHARED, name: 'partners' });
    const fill = async (ref: string, counts: number[]) => {
      for (const [index, messages] of counts.entries()) {
        await store.direct.buckets.change(ref, NOW - (counts.length - 1 - index) * HOUR, (bucket) => ({ ...bucket, messages, negatives: 1 }));
      }
    };
    await fill(a.ref, [4, 5, 6]);
    await fill(b.ref, [40, 50, 60]);
    const incidents = new Map([incidentOf('WA'), incidentOf('WB')].map((record) => [record.state.incident.id, record]));
    const options = {
      store,
      find: async (id: string) => incidents.get(id) ?? null,
      settingsFor: () => settings,
      timeZoneOf: async (workspaceId: string) => (workspaceId === 'WA' ? 'Europe/Madrid' : 'America/Bogota'),
    };
    const chartB = await incidentChart(options, 'inc-WB');
    expect(chartB?.series.map((bucket) => bucket.messages)).toEqual([40, 50, 60]);
    expect(chartB?.timeZone).toBe('America/Bogota');
    const chartA = await incidentChart(options, 'inc-WA');
    expect(chartA?.series.map((bucket) => bucket.messages)).toEqual([4, 5, 6]);
    expect(chartA?.timeZone).toBe('Europe/Madrid');
  });
});
