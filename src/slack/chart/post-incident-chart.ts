// Draws an incident's negativity chart and uploads it into the incident thread (the external upload
// flow: files.upload is retired). An illustration, not a state change: best effort, after the commit.
import type { WebClient } from '@slack/web-api';
import type { IncidentChart } from '../../app/incident-chart.js';
import { renderNegativityChart } from './render.js';

export const CHART_WIDTH = 640;
export const CHART_HEIGHT = 300;

export async function postIncidentChart(client: WebClient, chart: IncidentChart, channel: string, threadTs: string): Promise<void> {
  const png = await renderNegativityChart(chart.series, {
    spikeAt: chart.spikeAt,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    locale: chart.locale,
    timeZone: chart.timeZone,
    bucketMs: chart.bucketMs,
  });
  await client.filesUploadV2({ channel_id: channel, thread_ts: threadTs, file: png, filename: `incident-${chart.incidentNumber}-negativity.png`, title: `#${chart.incidentNumber}` });
}
