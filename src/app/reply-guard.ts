// The outbox's last gate before a public reply (defence in depth): the draft is approved by a quorum in
// exactly the text about to be posted, the preflight still passes, and a drill stays in its alert
// thread. A reply that fails is held (never posted) and the incident thread is told why.
import { t } from '../i18n/index.js';
import { liveApprovals, preflightReply, quorumProgress, type IncidentPolicy } from '../domain/incidents/index.js';
import type { IncidentRepository, OutboxFailure, Repositories, SlackWrite } from './ports/index.js';
import { OUTBOX_HOLD, type ReadBeforePost } from './ports/outbox.js';

export const HOLD_PREFIX = 'held:';

export type HoldReason = 'unknown_draft' | 'not_approved' | 'quorum_lost' | 'quorum_grew' | 'approver_deactivated' | 'text_not_approved' | 'preflight_refused' | 'drill_outside_thread' | 'wrong_channel';

/** Holds the outbox itself decides (OUTBOX_HOLD): their text names the channel the reply was for. */
type OutboxHoldReason = (typeof OUTBOX_HOLD)[keyof typeof OUTBOX_HOLD];
const OUTBOX_HOLDS: ReadonlySet<string> = new Set(Object.values(OUTBOX_HOLD));

export interface ReplyRecord {
  incidentId: string;
  draftId: string;
  revision: number;
}

/**
 * Why this reply must not be posted, or null when it may go. `args` are the chat.postMessage arguments as sent.
 * `deactivatedAmong`: which of these people Slack says are deactivated (asked last, of the approvers counted).
 * `stillDeactivated`: which of these people Slack says are still deactivated now (asked of the named approvers
 * the policy leaves out as deactivated; a Slack that cannot answer leaves its last answer standing).
 */
export async function replyHoldReason(
  incidents: Pick<IncidentRepository, 'load'>,
  record: ReplyRecord,
  args: Record<string, unknown>,
  policyFor: (playbookId: string) => Promise<{ policy: IncidentPolicy }>,
  deactivatedAmong: (userIds: readonly string[]) => Promise<string[]> = async () => [],
  stillDeactivated: (userIds: readonly string[]) => Promise<string[]> = async (userIds) => [...userIds],
): Promise<HoldReason | null> {
  const loaded = await incidents.load(record.incidentId);
  const draft = loaded?.state.drafts.find((candidate) => candidate.id === record.draftId);
  if (!loaded || !draft || draft.revision !== record.revision) return 'unknown_draft';
  const { state } = loaded;
  if (state.incident.drill) {
    // A drill's reply is shown in its own alert thread, nowhere else.
    return args['channel'] === loaded.alertChannelId && typeof args['thread_ts'] === 'string' ? null : 'drill_outside_thread';
  }
  if (draft.status !== 'approved' && draft.status !== 'posted') return 'not_approved';
  if (args['channel'] !== draft.target.channelId) return 'wrong_channel';
  const text = args['text'];
  if (typeof text !== 'string' || text !== draft.text) return 'text_not_approved';
  const { policy } = await policyFor(state.incident.playbookId);
  const approved = liveApprovals(state, draft).filter((approval) => approval.decision === 'approve');
  if (approved.some((approval) => approval.text !== text)) return 'text_not_approved';
  // A named approver left out as deactivated whom Slack says is active again (a user_change this instance
  // never saw, or an answer it still keeps): they may approve again, and a quorum of `all` needs them.
  const left = policy.approvals.deactivatedUserIds ?? [];
  const still = left.length > 0 ? await stillDeactivated(left) : [];
  const back = left.filter((userId) => !still.includes(userId));
  const approvers = back.length > 0 ? { ...policy.approvals, approverUserIds: [...policy.approvals.approverUserIds, ...back], deactivatedUserIds: still } : policy.approvals;
  const progress = quorumProgress(state, draft, approvers);
  if (!progress.met) {
    // Approvers the playbook no longer lists (or groups they left) no longer count: said as such. Else
    // more people may approve it than approved it (someone re-activated or added), and the quorum needs them.
    return approved.some((approval) => !progress.eligible.includes(approval.approverUserId)) ? 'quorum_lost' : 'quorum_grew';
  }
  if (preflightReply(text, draft.language).refusals.length > 0) return 'preflight_refused';
  // An approver deactivated since, whose user_change this instance never saw: without them, no quorum.
  const gone = await deactivatedAmong(progress.approvedBy);
  if (gone.length > 0 && progress.approvedBy.length - gone.length < progress.required) return 'approver_deactivated';
  return null;
}

/** A held reply is said in its incident thread; true when `failure` was one. */
export async function tellHeldReply(tx: Pick<Repositories, 'incidents' | 'outbox'>, failure: OutboxFailure, now: number): Promise<boolean> {
  if (!failure.error.startsWith(HOLD_PREFIX) || !failure.incidentId) return false;
  const record = await tx.incidents.load(failure.incidentId);
  if (!record) return true;
  const held = failure.error.slice(HOLD_PREFIX.length);
  const draft = record.state.drafts.find((candidate) => candidate.id === failure.record?.['draftId']);
  const locale = record.state.incident.locale;
  const channel = `<#${draft?.target.channelId ?? failure.channelId ?? record.state.incident.channelId}>`;
  const reason = OUTBOX_HOLDS.has(held) ? t(locale, `preflight.hold.${held as OutboxHoldReason}`, { channel }) : t(locale, `preflight.hold.${held as HoldReason}`, {});
  const text = t(locale, 'preflight.held', { draftNumber: draft?.number ?? 0, reason });
  await tx.outbox.enqueue({
    key: `delivery-failed:${failure.key}`,
    method: 'chat.postMessage',
    payload: { channel: record.alertChannelId, text },
    threadOf: `incident:${failure.incidentId}:root`,
    incidentId: failure.incidentId,
    now,
  });
  return true;
}

/**
 * Whether the member's message a reply answers in thread is known deleted here: the watcher stored its
 * deletion (message_deleted) in the incident's workspace. Decides without asking Slack, whose reads may
 * be rate-limited; a message not known deleted is still checked with Slack.
 */
export async function replyParentKnownDeleted(db: Pick<Repositories, 'incidents' | 'channels' | 'scoredMessages'>, parent: { incidentId: string | null; channel: string; ts: string }): Promise<boolean> {
  if (!parent.incidentId) return false;
  const record = await db.incidents.load(parent.incidentId);
  const channel = record ? await db.channels.find(record.workspaceId, parent.channel) : null;
  const stored = channel ? await db.scoredMessages.find(channel.ref, parent.ts) : null;
  return stored !== null && stored.deletedAt !== null;
}

/**
 * A public reply waits for a read Slack rate-limited (the look-up for an earlier attempt, or its thread
 * parent's check): said once per read in its incident thread, with the time by which it is decided.
 */
export async function tellWaitingReply(
  tx: Pick<Repositories, 'incidents' | 'outbox'>,
  wait: { key: string; incidentId: string | null; channelId: string | null; record: SlackWrite['record']; read: ReadBeforePost; decidedWithinMs: number },
  now: number,
): Promise<void> {
  if (!wait.incidentId) return;
  const record = await tx.incidents.load(wait.incidentId);
  if (!record) return;
  const draft = record.state.drafts.find((candidate) => candidate.id === wait.record?.['draftId']);
  const locale = record.state.incident.locale;
  const channel = `<#${draft?.target.channelId ?? wait.channelId ?? record.state.incident.channelId}>`;
  const minutes = Math.max(1, Math.ceil(wait.decidedWithinMs / 60_000));
  await tx.outbox.enqueue({
    key: `read-wait:${wait.read}:${wait.key}`,
    method: 'chat.postMessage',
    payload: { channel: record.alertChannelId, text: t(locale, `preflight.waiting.${wait.read}`, { draftNumber: draft?.number ?? 0, channel, minutes }) },
    threadOf: `incident:${wait.incidentId}:root`,
    incidentId: wait.incidentId,
    now,
  });
}
