// Community messages that could not be stored, kept with what was received and why.
import type { Quarantine } from '../../app/ports/channels.js';
import type { Db } from '../db.js';

export function quarantineOn(db: Db): Quarantine {
  return {
    async add(entry) {
      await db.quarantinedMessage.create({ data: { ...entry, at: new Date(entry.at) } });
    },
    async recent(limit) {
      const rows = await db.quarantinedMessage.findMany({ orderBy: { at: 'desc' }, take: limit });
      return rows.map((row) => ({ ...row, at: row.at.getTime() }));
    },
  };
}

/** Deletes quarantined messages kept before `before`: their raw payloads quote community members. */
export async function pruneQuarantine(db: Db, before: Date | number): Promise<number> {
  const { count } = await db.quarantinedMessage.deleteMany({ where: { at: { lt: new Date(before) } } });
  return count;
}
