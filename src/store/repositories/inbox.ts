// Slack events acknowledged and not yet processed (the ack waits for their row).
import type { EventInboxRows, InboundEventRecord } from '../../app/ports/inbox.js';
import type { Db } from '../db.js';

type Row = Omit<InboundEventRecord, 'receivedAt' | 'claimedUntil'> & { receivedAt: Date; claimedUntil: Date };

const recordOf = (row: Row): InboundEventRecord => ({ ...row, receivedAt: row.receivedAt.getTime(), claimedUntil: row.claimedUntil.getTime() });

export function eventInboxOn(db: Db): EventInboxRows {
  return {
    async keep(events) {
      if (events.length === 0) return;
      await db.inboundEvent.createMany({
        data: events.map((event) => ({ ...event, receivedAt: new Date(event.receivedAt), claimedUntil: new Date(event.claimedUntil) })),
      });
    },
    async forget(ids) {
      if (ids.length === 0) return;
      await db.inboundEvent.deleteMany({ where: { id: { in: [...ids] } } });
    },
    async waiting({ self, now, limit }) {
      const rows = await db.inboundEvent.findMany({
        where: { OR: [{ claimedBy: { not: self } }, { claimedUntil: { lte: new Date(now) } }] },
        orderBy: { receivedAt: 'asc' },
        take: limit,
      });
      return rows.map(recordOf);
    },
    async takeOver(id, from, to) {
      const { count } = await db.inboundEvent.updateMany({
        where: { id, claimedBy: from.claimedBy, claimedUntil: new Date(from.claimedUntil) },
        data: { claimedBy: to.claimedBy, claimedUntil: new Date(to.claimedUntil), attempts: { increment: 1 } },
      });
      return count === 1;
    },
    async release(id, claimedBy, lastError, options) {
      const attempts = options?.counted === false ? { attempts: { decrement: 1 } } : {};
      await db.inboundEvent.updateMany({ where: { id, claimedBy }, data: { claimedUntil: new Date(0), lastError, ...attempts } });
    },
  };
}
