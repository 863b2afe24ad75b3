// The digest's figures: watched channels' volume over a period, and what is still open.
import type { DigestReads } from '../../app/ports/index.js';
import type { DetectorState } from '../../domain/detection/detector.js';
import type { Db } from '../db.js';

export function digestReadsOn(db: Db): DigestReads {
  return {
    async activeChannels(workspaceId) {
      const rows = await db.watchedChannel.findMany({ where: { active: true, ...(workspaceId ? { workspaceId } : {}) }, orderBy: { name: 'asc' } });
      return rows.map((row) => ({ ref: row.id, channelId: row.channelId, name: row.name, detector: row.detectorState as unknown as DetectorState | null }));
    },
    async channelTotals(channelRef, from, to) {
      const totals = await db.channelBucket.aggregate({ where: { channelRef, start: { gte: new Date(from), lt: new Date(to) } }, _sum: { messages: true, negatives: true } });
      return { messages: totals._sum.messages ?? 0, negatives: totals._sum.negatives ?? 0 };
    },
    async openWork(now, workspaceId) {
      const at = new Date(now);
      const mine = workspaceId ? { workspaceId } : {};
      return {
        openIncidents: await db.incident.count({ where: { status: { not: 'resolved' }, drill: false, ...mine } }),
        draftsInReview: await db.replyDraft.count({ where: { status: { in: ['pending', 'changes_requested'] }, incident: { status: { not: 'resolved' }, drill: false, ...mine } } }),
        overdueSteps: await db.checklistItem.count({ where: { doneAt: null, skippedAt: null, dueAt: { lt: at }, incident: { status: { not: 'resolved' }, drill: false, ...mine } } }),
        postMortemsDue: await db.postMortem.count({ where: { status: { not: 'published' }, incident: { drill: false, ...mine } } }),
      };
    },
  };
}
