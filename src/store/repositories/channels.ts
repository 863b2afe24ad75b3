// Watched channels, their time buckets and their scored messages: the watcher's tables. JSON columns
// (detector state, language mix, bucket records, terms) are typed here and nowhere else.
import { randomUUID } from 'node:crypto';
import type {
  BucketCounts,
  ChannelBuckets,
  NewScoredMessage,
  NewWatchedChannel,
  ScoredMessageRecord,
  ScoredMessages,
  WatchedChannelRecord,
  WatchedChannels,
  Workspaces,
} from '../../app/ports/channels.js';
import type { ChannelBucket } from '../../domain/detection/bucket.js';
import type { DetectorState } from '../../domain/detection/detector.js';
import type { ChannelLanguageMix } from '../../domain/language/detect.js';
import type { SentimentLabel } from '../../domain/sentiment/types.js';
import type { ScoredMessage, WatchedChannel } from '../generated/sqlite/client.js';
import type { DatabaseProvider } from '../schema-files.js';
import { isUniqueViolation, type Db } from '../db.js';

/** The stored detector state, when it is one the detector reads (version 1 is upgraded by the detector itself). */
function detectorStateOf(value: unknown): DetectorState | null {
  const version = value && typeof value === 'object' ? (value as { version?: unknown }).version : undefined;
  return version === 1 || version === 2 ? (value as DetectorState) : null;
}

function watchedChannelOf(row: WatchedChannel): WatchedChannelRecord {
  return {
    ref: row.id,
    workspaceId: row.workspaceId,
    channelId: row.channelId,
    name: row.name,
    active: row.active,
    watchedBy: row.watchedBy,
    detectorState: detectorStateOf(row.detectorState),
    languageMix: (row.languageMix as ChannelLanguageMix | null) ?? null,
  };
}

export function watchedChannelsOn(db: Db): WatchedChannels {
  const find = async (workspaceId: string, channelId: string) => {
    const row = await db.watchedChannel.findUnique({ where: { workspaceId_channelId: { workspaceId, channelId } } });
    return row ? watchedChannelOf(row) : null;
  };
  return {
    find,
    async findByChannelId(channelId) {
      const row = await db.watchedChannel.findFirst({ where: { channelId } });
      return row ? watchedChannelOf(row) : null;
    },
    async findByName(workspaceId, name) {
      const row = await db.watchedChannel.findFirst({ where: { workspaceId, name } });
      return row ? watchedChannelOf(row) : null;
    },
    async setWatched({ workspaceId, channelId, name, active }) {
      await db.watchedChannel.upsert({
        where: { workspaceId_channelId: { workspaceId, channelId } },
        create: { workspaceId, channelId, name, watchedBy: 'command', active },
        update: { active, watchedBy: 'command', ...(name ? { name } : {}) },
      });
    },
    async watchedByPlaybooks() {
      return db.watchedChannel.findMany({
        where: { watchedBy: 'playbook' },
        select: { id: true, workspaceId: true, channelId: true, name: true, active: true },
        orderBy: { createdAt: 'asc' },
      }).then((rows) => rows.map(({ id, ...row }) => ({ ref: id, ...row })));
    },
    async setPlaybookWatch(ref, active) {
      const { count } = await db.watchedChannel.updateMany({ where: { id: ref, watchedBy: 'playbook', active: !active }, data: { active } });
      return count > 0;
    },
    async stopDeleted(workspaceId, channelId) {
      const { count } = await db.watchedChannel.updateMany({ where: { workspaceId, channelId, active: true }, data: { active: false, watchedBy: 'command' } });
      return count > 0;
    },
    async rename(workspaceId, channelId, name) {
      // One conditional update, scoped to the workspace: another team's channel id matches no row.
      await db.watchedChannel.updateMany({ where: { workspaceId, channelId, NOT: { name } }, data: { name } });
      return find(workspaceId, channelId);
    },
    async createOrFind(channel: NewWatchedChannel) {
      try {
        return watchedChannelOf(await db.watchedChannel.create({ data: channel }));
      } catch (error) {
        // Another instance (or request) created it first.
        if (!isUniqueViolation(error)) throw error;
        return find(channel.workspaceId, channel.channelId);
      }
    },
    async active(limit) {
      const rows = await db.watchedChannel.findMany({ where: { active: true }, ...(limit !== undefined ? { take: limit } : {}) });
      return rows.map(watchedChannelOf);
    },
    async saveDetectorState(ref, state) {
      await db.watchedChannel.update({ where: { id: ref }, data: { detectorState: state as unknown as object } });
    },
    async saveLanguageMix(ref, mix) {
      await db.watchedChannel.update({ where: { id: ref }, data: { languageMix: { ...mix } } });
    },
  };
}

export function channelBucketsOn(db: Db, provider: DatabaseProvider): ChannelBuckets {
  return {
    async change(channelRef, start, change) {
      const key = { channelRef_start: { channelRef, start: new Date(start) } };
      const empty: ChannelBucket = { start, messages: 0, negatives: 0, positives: 0 };
      let row: { data: unknown } | null;
      if (provider === 'postgres') {
        // Make sure the row exists, then lock it: instances sharing PostgreSQL never lose each other's counts.
        await db.channelBucket.upsert({ where: key, create: { channelRef, start: new Date(start), data: empty as unknown as object }, update: {} });
        await db.$queryRaw`SELECT 1 FROM "ChannelBucket" WHERE "channelRef" = ${channelRef} AND "start" = ${new Date(start)} FOR UPDATE`;
        row = await db.channelBucket.findUniqueOrThrow({ where: key, select: { data: true } });
      } else {
        // SQLite has one writer at a time (and one instance): read, then create or update.
        row = await db.channelBucket.findUnique({ where: key, select: { data: true } });
      }
      const bucket = change(row ? (row.data as unknown as ChannelBucket) : empty);
      const data = { data: bucket as unknown as object, messages: bucket.messages, negatives: bucket.negatives };
      if (row) await db.channelBucket.update({ where: key, data });
      else await db.channelBucket.create({ data: { channelRef, start: new Date(start), ...data } });
    },
    async since(channelRef, from) {
      const rows = await db.channelBucket.findMany({ where: { channelRef, start: { gte: new Date(from) } }, orderBy: { start: 'asc' } });
      return rows.map((row) => row.data as unknown as ChannelBucket);
    },
    async countsSince(channelRef, from): Promise<BucketCounts[]> {
      const rows = await db.channelBucket.findMany({ where: { channelRef, start: { gte: new Date(from) } }, orderBy: { start: 'asc' }, select: { start: true, messages: true, negatives: true } });
      return rows.map((row) => ({ start: row.start.getTime(), messages: row.messages, negatives: row.negatives }));
    },
    async changeSample(channelRef, start, messageId, change) {
      const key = { channelRef_start: { channelRef, start: new Date(start) } };
      // Locked on PostgreSQL as change() locks it: another instance's change of the same bucket is not lost.
      if (provider === 'postgres') await db.$queryRaw`SELECT 1 FROM "ChannelBucket" WHERE "channelRef" = ${channelRef} AND "start" = ${new Date(start)} FOR UPDATE`;
      const row = await db.channelBucket.findUnique({ where: key, select: { data: true } });
      const bucket = row?.data as ChannelBucket | null | undefined;
      if (!bucket?.samples?.some((sample) => sample.id === messageId)) return;
      await db.channelBucket.update({ where: key, data: { data: change(bucket) as unknown as object } });
    },
    async eraseSamples(before, from) {
      const buckets = await db.channelBucket.findMany({
        where: { start: { lt: new Date(before), ...(from !== undefined ? { gte: new Date(from) } : {}) } },
        select: { id: true, data: true },
      });
      let scrubbed = 0;
      for (const bucket of buckets) {
        const data = bucket.data as Record<string, unknown> | null;
        if (!data || typeof data !== 'object' || !('samples' in data)) continue;
        const { samples: _erased, ...kept } = data;
        await db.channelBucket.update({ where: { id: bucket.id }, data: { data: kept as object } });
        scrubbed += 1;
      }
      return scrubbed;
    },
  };
}

function scoredMessageOf(row: ScoredMessage): ScoredMessageRecord {
  return {
    id: row.id,
    ts: row.ts,
    userId: row.userId,
    text: row.text,
    label: row.label as SentimentLabel,
    score: row.score,
    terms: (row.terms as string[] | null) ?? [],
    postedAt: row.postedAt.getTime(),
    deletedAt: row.deletedAt ? row.deletedAt.getTime() : null,
    editedTs: row.editedTs,
  };
}

export function scoredMessagesOn(db: Db): ScoredMessages {
  return {
    async insertIfNew(message: NewScoredMessage, now) {
      const { sentiment } = message;
      const inserted = await db.$executeRaw`INSERT INTO "ScoredMessage" ("id", "channelRef", "ts", "userId", "text", "permalink", "threadTs", "language", "label", "score", "comparative", "terms", "isStaff", "postedAt", "editedTs", "createdAt")
    VALUES (${randomUUID()}, ${message.channelRef}, ${message.ts}, ${message.userId}, ${message.text}, ${message.permalink}, ${message.threadTs}, ${sentiment.language}, ${sentiment.label}, ${sentiment.score}, ${sentiment.comparative}, ${JSON.stringify(sentiment.terms)}, ${false}, ${new Date(message.postedAt)}, ${message.editedTs ?? null}, ${new Date(now)})
    ON CONFLICT ("channelRef", "ts") DO NOTHING`;
      return inserted !== 0;
    },
    async find(channelRef, ts) {
      const row = await db.scoredMessage.findUnique({ where: { channelRef_ts: { channelRef, ts } } });
      return row ? scoredMessageOf(row) : null;
    },
    async findToChange(channelRef, ts) {
      // A no-op write (same SQL on SQLite and PostgreSQL) takes the row's lock: PostgreSQL makes a concurrent
      // change wait for this transaction, then read what it left; SQLite runs one writer at a time anyway.
      await db.$executeRaw`UPDATE "ScoredMessage" SET "ts" = "ts" WHERE "channelRef" = ${channelRef} AND "ts" = ${ts}`;
      const row = await db.scoredMessage.findUnique({ where: { channelRef_ts: { channelRef, ts } } });
      return row ? scoredMessageOf(row) : null;
    },
    async markAnswered(channelRef, threadTs, at) {
      await db.scoredMessage.updateMany({ where: { channelRef, ts: threadTs, answeredAt: null }, data: { answeredAt: new Date(at) } });
    },
    async rescore(id, text, sentiment, edited) {
      await db.scoredMessage.update({
        where: { id },
        data: { text, language: sentiment.language, label: sentiment.label, score: sentiment.score, comparative: sentiment.comparative, terms: sentiment.terms, editedAt: new Date(edited.at), ...(edited.ts ? { editedTs: edited.ts } : {}) },
      });
    },
    async markDeleted(id, at) {
      await db.scoredMessage.update({ where: { id }, data: { deletedAt: new Date(at), text: null, textErasedAt: new Date(at) } });
    },
    async permalinks(channelRef, tss) {
      const rows = await db.scoredMessage.findMany({ where: { channelRef, ts: { in: [...tss] } }, select: { ts: true, permalink: true } });
      return new Map(rows.map((row) => [row.ts, row.permalink]));
    },
    async eraseTextsPostedBefore(before, erasedAt) {
      const { count } = await db.scoredMessage.updateMany({ where: { postedAt: { lt: new Date(before) }, text: { not: null } }, data: { text: null, textErasedAt: new Date(erasedAt) } });
      return count;
    },
  };
}

export function workspacesOn(db: Db): Workspaces {
  return {
    async idForTeam(teamId) {
      const found = await db.workspace.findUnique({ where: { teamId }, select: { id: true } });
      if (found) return found.id;
      try {
        return (await db.workspace.create({ data: { teamId }, select: { id: true } })).id;
      } catch (error) {
        // Another instance created it at the same moment.
        if (!isUniqueViolation(error)) throw error;
        return (await db.workspace.findUniqueOrThrow({ where: { teamId }, select: { id: true } })).id;
      }
    },
    async ensureNamed(teamId, name) {
      return (await db.workspace.upsert({ where: { teamId }, create: { teamId, name }, update: {}, select: { id: true } })).id;
    },
    async teamOf(workspaceId) {
      return (await db.workspace.findUnique({ where: { id: workspaceId }, select: { teamId: true } }))?.teamId ?? null;
    },
  };
}
