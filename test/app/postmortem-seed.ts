// Stores the sample incident (built through the domain's use cases) as the app would have: incident,
// timeline, post-mortem, the watched channel and its buckets, with a calm week before the spike.
import type { ChannelBucket as StoredBucket } from '../../src/domain/detection/bucket.js';
import type { PrismaDb } from '../../src/store/database.js';
import { appendTimeline, insertIncident } from '../../src/store/repositories/incidents.js';
import { insertPostMortem } from '../../src/store/repositories/postmortems.js';
import { buildSampleIncident, SAMPLE_START, sampleBuckets } from '../fixtures/postmortems/sample-incident.js';

export const TEN_MINUTES = 10 * 60_000;
export const MESSAGES_PER_BUCKET = 100;

/** A stored bucket row with `negatives` of `messages` negative, from the given authors. */
export function bucketRow(channelRef: string, start: number, negatives: number, authors: readonly string[] = [], messages = MESSAGES_PER_BUCKET) {
  const data: StoredBucket = { start, messages, negatives, positives: 0, negativeAuthors: Object.fromEntries(authors.map((id) => [id, 1])) };
  return { channelRef, start: new Date(start), messages, negatives, data: data as unknown as object };
}

export async function seedSampleIncident(prisma: PrismaDb, options: { withPostMortem?: boolean; withChannel?: boolean } = {}): Promise<{ workspaceId: string; channelRef: string | null }> {
  const { state, timeline, postMortem } = buildSampleIncident('en');
  const workspace = await prisma.workspace.upsert({ where: { teamId: 'T0SAMPLE' }, create: { teamId: 'T0SAMPLE' }, update: {}, select: { id: true } });
  await insertIncident(prisma, { state, workspaceId: workspace.id, title: '#community', alertChannelId: 'C0ALERTS' });
  await appendTimeline(prisma, timeline);
  if (options.withPostMortem ?? true) await insertPostMortem(prisma, postMortem);
  if (!(options.withChannel ?? true)) return { workspaceId: workspace.id, channelRef: null };
  const channel = await prisma.watchedChannel.create({ data: { workspaceId: workspace.id, channelId: 'C0COMMUNITY', name: 'community', watchedBy: 'playbook' } });
  const rows = [];
  // A calm day before: 10% negative in every bucket.
  for (let start = SAMPLE_START - 30 * 60_000 - 144 * TEN_MINUTES; start < SAMPLE_START - 30 * 60_000; start += TEN_MINUTES) rows.push(bucketRow(channel.id, start, 10));
  for (const bucket of sampleBuckets()) rows.push(bucketRow(channel.id, bucket.startAt, Math.round(bucket.negativeRatio * MESSAGES_PER_BUCKET), bucket.negativeAuthorIds));
  await prisma.channelBucket.createMany({ data: rows });
  return { workspaceId: workspace.id, channelRef: channel.id };
}
