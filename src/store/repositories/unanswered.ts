// Negative member messages nobody answered, for the unanswered-message reminder.
import type { WaitingMessage } from '../../app/ports/index.js';
import type { Db } from '../db.js';

export function waitingMessages(db: Db, channelRef: string, posted: { from: number; before: number }, limit: number): Promise<WaitingMessage[]> {
  return db.scoredMessage.findMany({
    where: { channelRef, label: 'negative', answeredAt: null, remindedAt: null, deletedAt: null, threadTs: null, postedAt: { gte: new Date(posted.from), lt: new Date(posted.before) } },
    orderBy: { postedAt: 'asc' },
    take: limit,
    select: { id: true, ts: true, text: true, permalink: true },
  });
}

export async function markReminded(db: Db, messageIds: readonly string[], at: number): Promise<void> {
  await db.scoredMessage.updateMany({ where: { id: { in: [...messageIds] } }, data: { remindedAt: new Date(at) } });
}
