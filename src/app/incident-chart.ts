// What the negativity chart of an incident shows: the channel's buckets from six hours before the
// spike, the spike itself, and the time zone and language to label them in. Drawing and uploading it
// is the Slack edge's (slack/chart/post-incident-chart.ts); this decides what is drawn, or that nothing is.
import type { DetectorSettings } from '../domain/detection/settings.js';
import type { Locale } from '../i18n/index.js';
import type { BucketCounts } from './ports/channels.js';
import type { Repositories, Store } from './ports/store.js';
import type { IncidentRecord } from './ports/incidents.js';

const HOURS_BEFORE_SPIKE = 6;

export interface IncidentChart {
  incidentNumber: number;
  series: BucketCounts[];
  /** Inside the series, so the marker is drawn even when the spike's own bucket is not stored. */
  spikeAt: number;
  locale: Locale;
  timeZone: string;
  bucketMs: number;
}

export interface IncidentChartOptions {
  store: Store<Pick<Repositories, 'channels' | 'buckets'>>;
  find(incidentId: string): Promise<IncidentRecord | null>;
  settingsFor(channelId: string, channelName: string | null): DetectorSettings;
  /** The workspace's time zone (workspace-time-zone.ts: its setting with OAuth installs, else TEAM_TIMEZONE). */
  timeZoneOf(workspaceId: string): Promise<string>;
}

/** The chart of an incident, or null when there is nothing worth drawing (fewer than two buckets, none before the spike). */
export async function incidentChart(options: IncidentChartOptions, incidentId: string): Promise<IncidentChart | null> {
  const record = await options.find(incidentId);
  if (!record) return null;
  const { incident } = record.state;
  const reads = options.store.direct;
  // The incident's own workspace's row: a Slack Connect channel has the same id in the other organisation.
  const watched = await reads.channels.find(record.workspaceId, incident.channelId);
  if (!watched) return null;
  const spikeAt = incident.firstAbnormalAt ?? incident.detectedAt;
  const series = await reads.buckets.countsSince(watched.ref, spikeAt - HOURS_BEFORE_SPIKE * 3_600_000);
  if (series.length < 2 || !series.some((bucket) => bucket.start <= spikeAt)) return null;
  return {
    incidentNumber: incident.number,
    series,
    spikeAt: Math.max(series[0]!.start, Math.min(spikeAt, series.at(-1)!.start)),
    locale: incident.locale,
    timeZone: await options.timeZoneOf(watched.workspaceId),
    bucketMs: options.settingsFor(incident.channelId, watched.name).bucketMs,
  };
}
