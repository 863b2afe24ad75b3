// Incidents as the domain sees them (IncidentState) over their tables. A decision is saved with an
// optimistic version check: two staff clicking at once never overwrite each other's decision.
import type { AuditEntry } from '../../domain/incidents/decision.js';
import type {
  Approval,
  ChecklistItem,
  Incident,
  IncidentState,
  JsonObject,
  JsonValue,
  ReplyDraft,
  TimelineEvent,
} from '../../domain/incidents/types.js';
import type { PreflightWarning } from '../../domain/incidents/preflight.js';
import type { Locale } from '../../i18n/index.js';
import type { AuditRecord, IncidentRecord, NewIncidentRecord } from '../../app/ports/index.js';
import { FirebreakError } from '../../errors.js';
import { isUniqueViolation, type Db } from '../db.js';

export type { IncidentRecord, NewIncidentRecord };

const ms = (date: Date | null): number | null => (date ? date.getTime() : null);
const date = (epoch: number | null): Date | null => (epoch === null ? null : new Date(epoch));

function incidentOf(row: {
  id: string; number: number; status: string; severity: string; playbookId: string; playbookHash: string; channelId: string;
  leadUserId: string | null; openedAt: Date; detectedAt: Date; firstAbnormalAt: Date | null; acknowledgedAt: Date | null;
  resolvedAt: Date | null; resolutionSummary: string | null; detection: unknown; drill: boolean; locale: string;
}): Incident {
  return {
    id: row.id,
    number: row.number,
    status: row.status as Incident['status'],
    severity: row.severity as Incident['severity'],
    playbookId: row.playbookId,
    playbookHash: row.playbookHash,
    channelId: row.channelId,
    leadUserId: row.leadUserId,
    openedAt: row.openedAt.getTime(),
    detectedAt: row.detectedAt.getTime(),
    firstAbnormalAt: ms(row.firstAbnormalAt),
    acknowledgedAt: ms(row.acknowledgedAt),
    resolvedAt: ms(row.resolvedAt),
    resolutionSummary: row.resolutionSummary,
    detection: (row.detection ?? null) as JsonValue,
    drill: row.drill,
    locale: row.locale as Locale,
  };
}

/**
 * The incident and its children, read one query after another. Not `include`: Prisma sends an
 * include's relation queries at once, and inside a transaction they all go to its one PostgreSQL
 * connection, where pg queues them ("client.query() when the client is already executing a query").
 */
export async function loadIncident(db: Db, incidentId: string): Promise<IncidentRecord | null> {
  const row = await db.incident.findUnique({ where: { id: incidentId } });
  if (!row) return null;
  const checklistRows = await db.checklistItem.findMany({ where: { incidentId }, orderBy: { position: 'asc' } });
  const draftRows = await db.replyDraft.findMany({ where: { incidentId }, orderBy: { number: 'asc' } });
  const approvalRows = await db.approval.findMany({ where: { incidentId }, orderBy: { at: 'asc' } });
  return recordOf(row, checklistRows, draftRows, approvalRows);
}

type IncidentRow = NonNullable<Awaited<ReturnType<Db['incident']['findUnique']>>>;
type ChecklistRow = Awaited<ReturnType<Db['checklistItem']['findMany']>>[number];
type DraftRow = Awaited<ReturnType<Db['replyDraft']['findMany']>>[number];
type ApprovalRow = Awaited<ReturnType<Db['approval']['findMany']>>[number];

/**
 * Incidents with their children in four queries whatever their number (a read model: App Home,
 * `/firebreak status`), latest opened first. Outside a transaction only (see loadIncident).
 */
export async function listIncidents(db: Db, filter: { workspaceId?: string; onlyOpen: boolean; limit: number }): Promise<IncidentRecord[]> {
  const rows = await db.incident.findMany({
    where: { ...(filter.workspaceId !== undefined ? { workspaceId: filter.workspaceId } : {}), ...(filter.onlyOpen ? { status: { not: 'resolved' } } : {}) },
    orderBy: { openedAt: 'desc' },
    take: filter.limit,
    include: { checklist: { orderBy: { position: 'asc' } }, drafts: { orderBy: { number: 'asc' } }, approvals: { orderBy: { at: 'asc' } } },
  });
  return rows.map((row) => recordOf(row, row.checklist, row.drafts, row.approvals));
}

export async function incidentsOnChannelSince(db: Db, filter: { workspaceId: string; channelId: string; detectedSince: number; limit: number }): Promise<string[]> {
  const rows = await db.incident.findMany({
    where: { workspaceId: filter.workspaceId, channelId: filter.channelId, detectedAt: { gte: new Date(filter.detectedSince) } },
    orderBy: { detectedAt: 'asc' },
    take: filter.limit,
    select: { id: true },
  });
  return rows.map((row) => row.id);
}

export async function incidentsWithMessageOnTimeline(db: Db, filter: { workspaceId: string; channelId: string; messageTs: string; limit: number }): Promise<string[]> {
  // Staff add messages by hand, a few per incident: read the workspace's and match the JSON here (one query on both databases).
  const rows = await db.timelineEvent.findMany({
    where: { kind: 'message_added', text: { not: null }, incident: { workspaceId: filter.workspaceId } },
    orderBy: { at: 'asc' },
    select: { incidentId: true, data: true },
  });
  const ids = rows.filter((row) => matchesMessage(row.data, filter.channelId, filter.messageTs)).map((row) => row.incidentId);
  return [...new Set(ids)].slice(0, filter.limit);
}

const matchesMessage = (data: unknown, channelId: string, messageTs: string): boolean => {
  const d = (data ?? {}) as JsonObject;
  return d['channelId'] === channelId && d['messageTs'] === messageTs;
};

/** Ids of resolved incidents holding a draft in one of `draftStatuses`, a page at a time (by id). */
export async function resolvedIncidentsWithDrafts(
  db: Db,
  filter: { workspaceId?: string; draftStatuses: readonly string[]; afterId: string | null; limit: number },
): Promise<string[]> {
  const rows = await db.incident.findMany({
    where: {
      status: 'resolved',
      ...(filter.workspaceId !== undefined ? { workspaceId: filter.workspaceId } : {}),
      ...(filter.afterId !== null ? { id: { gt: filter.afterId } } : {}),
      drafts: { some: { status: { in: [...filter.draftStatuses] } } },
    },
    orderBy: { id: 'asc' },
    take: filter.limit,
    select: { id: true },
  });
  return rows.map((row) => row.id);
}

/** The id of a workspace's incident by its human-facing number. */
export async function incidentIdNumbered(db: Db, workspaceId: string, number: number): Promise<string | null> {
  return (await db.incident.findFirst({ where: { workspaceId, number }, select: { id: true } }))?.id ?? null;
}

function recordOf(row: IncidentRow, checklistRows: readonly ChecklistRow[], draftRows: readonly DraftRow[], approvalRows: readonly ApprovalRow[]): IncidentRecord {
  const checklist: ChecklistItem[] = checklistRows.map((item) => ({
    stepId: item.stepId,
    text: item.text,
    required: item.required,
    ownerRole: item.ownerRole,
    ownerUserId: item.ownerUserId,
    dueAt: ms(item.dueAt),
    doneAt: ms(item.doneAt),
    doneByUserId: item.doneBy,
    skippedAt: ms(item.skippedAt),
    skippedByUserId: item.skippedBy,
    skipReason: item.skipReason,
  }));
  const drafts: ReplyDraft[] = draftRows.map((draft) => ({
    id: draft.id,
    number: draft.number,
    revision: draft.revision,
    text: draft.text,
    language: draft.language as Locale,
    templateId: draft.templateId,
    target:
      draft.targetKind === 'thread'
        ? { kind: 'thread', channelId: draft.targetChannelId, messageTs: draft.targetTs ?? '' }
        : { kind: 'channel', channelId: draft.targetChannelId },
    authorUserId: draft.authorUserId,
    contributorUserIds: (draft.contributorUserIds as string[] | null) ?? [draft.authorUserId],
    status: draft.status as ReplyDraft['status'],
    createdAt: draft.createdAt.getTime(),
    updatedAt: draft.updatedAt.getTime(),
    postedAt: ms(draft.postedAt),
    postedMessageTs: draft.postedTs,
    preflightWarnings: (draft.preflightWarnings as PreflightWarning[] | null) ?? [],
  }));
  const approvals: Approval[] = approvalRows.map((approval) => ({
    draftId: approval.draftId,
    draftRevision: approval.revision,
    approverUserId: approval.approverUserId,
    decision: approval.decision as Approval['decision'],
    comment: approval.comment,
    text: approval.text,
    at: approval.at.getTime(),
    voidedAt: ms(approval.voidedAt),
  }));
  return {
    state: { incident: incidentOf(row), checklist, drafts, approvals },
    version: row.version,
    workspaceId: row.workspaceId,
    title: row.title,
    alertChannelId: row.alertChannelId,
    rootTs: row.rootTs,
  };
}

function headerData(incident: Incident) {
  return {
    status: incident.status,
    severity: incident.severity,
    leadUserId: incident.leadUserId,
    acknowledgedAt: date(incident.acknowledgedAt),
    resolvedAt: date(incident.resolvedAt),
    resolutionSummary: incident.resolutionSummary,
    firstAbnormalAt: date(incident.firstAbnormalAt),
    // Saved with the rest: a sample whose author deleted it loses its words here (domain messageChanged).
    detection: (incident.detection ?? {}) as object,
  };
}

async function writeChildren(db: Db, state: IncidentState): Promise<void> {
  const incidentId = state.incident.id;
  for (const [position, item] of state.checklist.entries()) {
    const data = {
      position,
      text: item.text,
      required: item.required,
      ownerRole: item.ownerRole,
      ownerUserId: item.ownerUserId,
      dueAt: date(item.dueAt),
      doneAt: date(item.doneAt),
      doneBy: item.doneByUserId,
      skippedAt: date(item.skippedAt),
      skippedBy: item.skippedByUserId,
      skipReason: item.skipReason,
    };
    await db.checklistItem.upsert({
      where: { incidentId_stepId: { incidentId, stepId: item.stepId } },
      create: { incidentId, stepId: item.stepId, ...data },
      update: data,
    });
  }
  for (const draft of state.drafts) {
    const data = {
      revision: draft.revision,
      text: draft.text,
      language: draft.language,
      templateId: draft.templateId,
      targetKind: draft.target.kind,
      targetChannelId: draft.target.channelId,
      targetTs: draft.target.kind === 'thread' ? draft.target.messageTs : null,
      authorUserId: draft.authorUserId,
      contributorUserIds: [...draft.contributorUserIds],
      status: draft.status,
      updatedAt: new Date(draft.updatedAt),
      postedAt: date(draft.postedAt),
      postedTs: draft.postedMessageTs,
      preflightWarnings: draft.preflightWarnings as unknown as JsonValue[],
    };
    await db.replyDraft.upsert({
      where: { id: draft.id },
      create: { id: draft.id, incidentId, number: draft.number, createdAt: new Date(draft.createdAt), ...data },
      update: data,
    });
  }
  for (const approval of state.approvals) {
    const key = { draftId: approval.draftId, revision: approval.draftRevision, approverUserId: approval.approverUserId };
    await db.approval.upsert({
      where: { draftId_revision_approverUserId: key },
      create: {
        ...key,
        incidentId,
        decision: approval.decision,
        comment: approval.comment,
        text: approval.text,
        at: new Date(approval.at),
        voidedAt: date(approval.voidedAt),
      },
      update: { decision: approval.decision, comment: approval.comment, text: approval.text, voidedAt: date(approval.voidedAt) },
    });
  }
}

export async function appendTimeline(db: Db, events: readonly TimelineEvent[]): Promise<void> {
  if (events.length === 0) return;
  const incidentId = (events[0] as TimelineEvent).incidentId;
  const last = await db.timelineEvent.findFirst({ where: { incidentId }, orderBy: { sequence: 'desc' }, select: { sequence: true } });
  let sequence = last?.sequence ?? 0;
  for (const event of events) {
    sequence += 1;
    await db.timelineEvent.create({
      data: {
        incidentId: event.incidentId,
        sequence,
        at: new Date(event.at),
        kind: event.kind,
        actorUserId: event.actorUserId,
        text: event.text,
        data: event.data,
      },
    });
  }
}

export async function loadTimeline(db: Db, incidentId: string): Promise<TimelineEvent[]> {
  const rows = await db.timelineEvent.findMany({ where: { incidentId }, orderBy: { sequence: 'asc' } });
  return rows.map((row) => ({
    incidentId: row.incidentId,
    at: row.at.getTime(),
    kind: row.kind as TimelineEvent['kind'],
    actorUserId: row.actorUserId,
    text: row.text,
    data: (row.data ?? {}) as JsonObject,
  }));
}

export async function writeAudit(db: Db, audit: AuditEntry): Promise<void> {
  await db.auditLog.create({
    data: {
      at: new Date(audit.at),
      userId: audit.actorUserId,
      action: audit.action,
      outcome: audit.outcome,
      incidentId: audit.incidentId,
      text: audit.text,
      data: { refusalCode: audit.refusalCode, ...audit.details },
    },
  });
}

export async function rewriteDetectedEntry(db: Db, incidentId: string, change: (detection: JsonValue) => JsonValue): Promise<void> {
  for (const row of await db.timelineEvent.findMany({ where: { incidentId, kind: 'detected' }, select: { id: true, data: true } })) {
    const data = (row.data ?? {}) as { detection?: JsonValue };
    if (data.detection === undefined) continue;
    await db.timelineEvent.update({ where: { id: row.id }, data: { data: { ...data, detection: change(data.detection) } as object } });
  }
}

export async function rewriteAddedMessage(db: Db, incidentId: string, channelId: string, messageTs: string, change: (event: TimelineEvent) => TimelineEvent): Promise<void> {
  const rows = await db.timelineEvent.findMany({ where: { incidentId, kind: 'message_added', text: { not: null } } });
  let text: string | null | undefined;
  for (const row of rows) {
    if (!matchesMessage(row.data, channelId, messageTs)) continue;
    const changed = change({ incidentId, at: row.at.getTime(), kind: 'message_added', actorUserId: row.actorUserId, text: row.text, data: (row.data ?? {}) as JsonObject });
    await db.timelineEvent.update({ where: { id: row.id }, data: { text: changed.text, data: changed.data as object } });
    text = changed.text;
  }
  if (text === undefined) return;
  // The audit line of adding it quoted the words too (its data keeps which message it was): it keeps what the entry keeps.
  for (const row of await db.auditLog.findMany({ where: { incidentId, action: 'add_message', text: { not: null } }, select: { id: true, data: true } })) {
    if (matchesMessage(row.data, channelId, messageTs)) await db.auditLog.update({ where: { id: row.id }, data: { text } });
  }
}

/** A refusal or request refused before any use case ran (the listener guard, feedback). */
export async function recordAudit(db: Db, entry: AuditRecord): Promise<void> {
  await db.auditLog.create({
    data: { at: new Date(entry.at), userId: entry.userId, action: entry.action, outcome: entry.outcome, incidentId: entry.incidentId, text: entry.text ?? null, data: entry.data as object },
  });
}

/** Inserts a new incident. A FirebreakError `conflict` when a concurrent opening took its number. */
export async function insertIncident(db: Db, record: NewIncidentRecord): Promise<void> {
  try {
    await createIncidentRows(db, record);
  } catch (error) {
    if (isUniqueViolation(error)) throw new FirebreakError('conflict', `Incident number ${record.state.incident.number} was taken meanwhile; retry with the next one.`, { cause: error });
    throw error;
  }
}

async function createIncidentRows(db: Db, record: NewIncidentRecord): Promise<void> {
  const { incident } = record.state;
  await db.incident.create({
    data: {
      id: incident.id,
      workspaceId: record.workspaceId,
      number: incident.number,
      channelId: incident.channelId,
      playbookId: incident.playbookId,
      playbookHash: incident.playbookHash,
      title: record.title,
      locale: incident.locale,
      alertChannelId: record.alertChannelId,
      drill: incident.drill,
      openedAt: new Date(incident.openedAt),
      detectedAt: new Date(incident.detectedAt),
      ...headerData(incident),
    },
  });
  await writeChildren(db, record.state);
}

/** Saves a decision's new state. Throws `conflict` when someone else saved first (reload and decide again). */
export async function saveIncidentState(db: Db, state: IncidentState, expectedVersion: number): Promise<void> {
  const { count } = await db.incident.updateMany({
    where: { id: state.incident.id, version: expectedVersion },
    data: { ...headerData(state.incident), version: { increment: 1 } },
  });
  if (count !== 1) throw new FirebreakError('conflict', `Incident ${state.incident.id} changed while deciding; retry on fresh state.`);
  await writeChildren(db, state);
}

/** The next human-facing number in a workspace (the unique constraint settles races). */
export async function nextIncidentNumber(db: Db, workspaceId: string): Promise<number> {
  const last = await db.incident.findFirst({ where: { workspaceId }, orderBy: { number: 'desc' }, select: { number: true } });
  return (last?.number ?? 0) + 1;
}

/** The open (unresolved) incident on a channel, latest opened first. */
export async function openIncidentOn(db: Db, workspaceId: string, channelId: string, only: { realOnly: boolean } = { realOnly: false }): Promise<string | null> {
  const row = await db.incident.findFirst({
    where: { workspaceId, channelId, status: { not: 'resolved' }, ...(only.realOnly ? { drill: false } : {}) },
    orderBy: { openedAt: 'desc' },
    select: { id: true },
  });
  return row?.id ?? null;
}

export async function setIncidentRootTs(db: Db, incidentId: string, ts: string): Promise<void> {
  await db.incident.update({ where: { id: incidentId }, data: { rootTs: ts } });
}

/** The incident's thread moves to another alerts channel (its root was held and is raised there). */
export async function setIncidentAlertChannel(db: Db, incidentId: string, alertChannelId: string): Promise<void> {
  await db.incident.update({ where: { id: incidentId }, data: { alertChannelId } });
}

export async function openAlertOn(db: Db, workspaceId: string, channelId: string): Promise<{ incidentId: string; alertChannelId: string } | null> {
  const open = await db.incident.findFirst({ where: { workspaceId, channelId, status: { not: 'resolved' } }, select: { id: true, alertChannelId: true } });
  return open ? { incidentId: open.id, alertChannelId: open.alertChannelId } : null;
}

export async function incidentTeam(db: Db, incidentId: string): Promise<string | undefined> {
  const row = await db.incident.findUnique({ where: { id: incidentId }, select: { workspace: { select: { teamId: true } } } });
  return row?.workspace.teamId;
}
