// Requests acknowledged for their listener and not finished yet: quarantine rows with their own reason,
// so App Home lists them beside the events that could not be stored. The payload is what the person
// did (kind, action, ids), never Slack's payload: a modal's text could exceed what the row keeps.
import { storableText } from '../../domain/ingest/message-input.js';
import { UNFINISHED_REASON, UNFINISHED_TOLD_REASON, type StoredUnfinishedRequest, type UnfinishedRequests } from '../../app/ports/unfinished.js';
import type { Db } from '../db.js';

const id = (value: unknown): string | null => (typeof value === 'string' ? storableText(value, 200) : null);

function requestOf(row: { id: string; at: Date; workspaceId: string | null; channelId: string | null; payload: string }): StoredUnfinishedRequest {
  let kept: Record<string, unknown> = {};
  try {
    const value: unknown = JSON.parse(row.payload);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) kept = value as Record<string, unknown>;
  } catch {
    // A row damaged by hand: told with what its columns say.
  }
  const incidentIds = Array.isArray(kept['incidentIds']) ? kept['incidentIds'].filter((item): item is string => typeof item === 'string') : [];
  return {
    id: row.id,
    kind: id(kept['kind']) ?? 'unknown',
    action: id(kept['action']) ?? 'unknown',
    teamId: id(kept['teamId']),
    userId: id(kept['userId']),
    channelId: row.channelId,
    incidentIds,
    at: row.at.getTime(),
    instanceId: id(kept['instanceId']) ?? '',
    workspaceId: row.workspaceId,
  };
}

export function unfinishedRequestsOn(db: Db): UnfinishedRequests {
  return {
    async keep(request) {
      const payload = JSON.stringify({
        kind: id(request.kind),
        action: id(request.action),
        teamId: id(request.teamId),
        userId: id(request.userId),
        incidentIds: request.incidentIds.slice(0, 5).map((incidentId) => storableText(incidentId, 200)),
        instanceId: id(request.instanceId),
      });
      const row = await db.quarantinedMessage.create({
        data: {
          at: new Date(request.at),
          source: 'slack',
          workspaceId: id(request.workspaceId ?? request.teamId),
          channelId: id(request.channelId),
          eventId: null,
          reason: UNFINISHED_REASON,
          error: storableText(`${request.kind} ${request.action} acknowledged before its listener finished`),
          payload,
        },
        select: { id: true },
      });
      return row.id;
    },
    async finished(rowId) {
      await db.quarantinedMessage.deleteMany({ where: { id: rowId, reason: UNFINISHED_REASON } });
    },
    async untold(limit) {
      const rows = await db.quarantinedMessage.findMany({ where: { reason: UNFINISHED_REASON }, orderBy: { at: 'asc' }, take: limit });
      return rows.map(requestOf);
    },
    async markTold(rowId) {
      const { count } = await db.quarantinedMessage.updateMany({ where: { id: rowId, reason: UNFINISHED_REASON }, data: { reason: UNFINISHED_TOLD_REASON } });
      return count === 1;
    },
  };
}
