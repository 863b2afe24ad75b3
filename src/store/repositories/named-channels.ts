// Channel names a playbook gives, bound once to the Slack ID they meant (app/ports/channels.ts NamedChannels).
import type { NamedChannelRecord, NamedChannels } from '../../app/ports/index.js';
import { isUniqueViolation, type Db } from '../db.js';

const recordOf = (row: { workspaceId: string; name: string; channelId: string; currentName: string; deletedAt: Date | null }): NamedChannelRecord => ({
  workspaceId: row.workspaceId,
  name: row.name,
  channelId: row.channelId,
  currentName: row.currentName,
  deletedAt: row.deletedAt ? row.deletedAt.getTime() : null,
});

export function namedChannelsOn(db: Db): NamedChannels {
  const find = async (workspaceId: string, name: string) => {
    const row = await db.namedChannel.findUnique({ where: { workspaceId_name: { workspaceId, name } } });
    return row ? recordOf(row) : null;
  };
  return {
    find,
    async bind(record) {
      try {
        return recordOf(await db.namedChannel.create({ data: { workspaceId: record.workspaceId, name: record.name, channelId: record.channelId, currentName: record.currentName } }));
      } catch (error) {
        // Two instances resolved the same name at once: the first binding stands.
        if (!isUniqueViolation(error)) throw error;
        const first = await find(record.workspaceId, record.name);
        if (!first) throw error;
        return first;
      }
    },
    async rebind({ workspaceId, name, channelId, currentName }) {
      // One conditional update: a repeat (or another instance's) finds it done and changes nothing.
      const { count } = await db.namedChannel.updateMany({
        where: { workspaceId, name, OR: [{ channelId: { not: channelId } }, { deletedAt: { not: null } }, { currentName: { not: currentName } }] },
        data: { channelId, currentName, deletedAt: null },
      });
      if (count > 0) return true;
      if (await find(workspaceId, name)) return false;
      try {
        await db.namedChannel.create({ data: { workspaceId, name, channelId, currentName } });
        return true;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        return false;
      }
    },
    async channelDeleted(workspaceId, channelId, at) {
      const { count } = await db.namedChannel.updateMany({ where: { workspaceId, channelId, deletedAt: null }, data: { deletedAt: new Date(at) } });
      return count;
    },
    async renamed(workspaceId, channelId, currentName) {
      const { count } = await db.namedChannel.updateMany({ where: { workspaceId, channelId, NOT: { currentName } }, data: { currentName } });
      return count;
    },
    async ofWorkspace(workspaceId) {
      return (await db.namedChannel.findMany({ where: { workspaceId }, orderBy: { name: 'asc' } })).map(recordOf);
    },
  };
}
