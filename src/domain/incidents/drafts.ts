/**
 * Reply drafts: create, edit, approve / request changes / reject, and record the public post.
 * The one rule everything here protects: a reply reaches the community exactly once, and only in the
 * exact text that a quorum of eligible approvers approved.
 */
import type { Clock } from '../clock.js';
import type { Locale } from '../../i18n/index.js';
import {
  approvalsRequired,
  approverUserIds,
  eligibleApprovers,
  isApprover,
  isInvalidQuorum,
  type ApprovalPolicy,
} from '../approvals/policy.js';
import { accept, noOp, refuse, type CommandBase, type Decision, type Effect } from './decision.js';
import { announce, event, PEOPLE_NAMED, refuseBadText, refuseIfResolved, type IncidentPolicy, type RefusalContext } from './context.js';
import { autoTickSteps } from './checklist.js';
import { samplesOf } from './samples.js';
import { diffDraftText } from './draft-diff.js';
import { languageOfText, preflightReply, REPLY_TEXT_MAX, type PreflightContext, type PreflightWarning } from './preflight.js';
import type { Approval, ApprovalDecision, DraftStatus, IncidentState, JsonObject, ReplyDraft, ReplyTarget, TimelineEvent } from './types.js';

export function draftId(incidentId: string, number: number): string {
  return `${incidentId}/draft-${number}`;
}

/** The key the outbox deduplicates the public post on. */
export function replyIdempotencyKey(draft: Pick<ReplyDraft, 'id' | 'revision'>): string {
  return `reply:${draft.id}:r${draft.revision}`;
}

/** Decisions that still count for the draft's current revision. */
export function liveApprovals(state: IncidentState, draft: ReplyDraft): Approval[] {
  return state.approvals.filter((a) => a.draftId === draft.id && a.draftRevision === draft.revision && a.voidedAt === null);
}

/**
 * The approvals of the draft's current revision that stopped counting: only a deactivation voids those
 * (an edit voids the approvals of the revision it replaces).
 */
export function voidedApprovals(state: IncidentState, draft: ReplyDraft): Approval[] {
  return state.approvals.filter((a) => a.draftId === draft.id && a.draftRevision === draft.revision && a.voidedAt !== null && a.decision === 'approve');
}

/** How far a draft is from posting: who approved, how many are needed, who may still approve. */
export function quorumProgress(state: IncidentState, draft: ReplyDraft, policy: ApprovalPolicy) {
  const eligible = eligibleApprovers(policy, draft.contributorUserIds);
  const approvedBy = liveApprovals(state, draft)
    .filter((a) => a.decision === 'approve' && eligible.includes(a.approverUserId))
    .map((a) => a.approverUserId);
  const distinct = [...new Set(approvedBy)];
  const required = approvalsRequired(policy, eligible.length);
  // Fewer people may approve than the quorum needs (deactivated accounts, four-eyes): only an edit of the playbook helps.
  return { approvedBy: distinct, required, eligible, met: distinct.length >= required, reachable: eligible.length >= required };
}

function targetData(target: ReplyTarget): JsonObject {
  return target.kind === 'thread'
    ? { kind: 'thread', channelId: target.channelId, messageTs: target.messageTs }
    : { kind: 'channel', channelId: target.channelId };
}

/** The member messages an incident quotes (its detection's samples): the only threads a reply may answer. */
function memberMessageTss(state: IncidentState): Set<string> {
  const tss = new Set<string>();
  for (const { id } of samplesOf(state.incident.detection)) if (typeof id === 'string' && id !== '') tss.add(id);
  return tss;
}

/**
 * A refusal when the reply would go somewhere staff were not offered: another channel, or a thread
 * other than one of the incident's member messages (a forged or stale modal value). Approvers see
 * the target, but the post must not depend on them noticing a wrong one.
 */
function refuseUnknownTarget(context: RefusalContext, target: ReplyTarget): Decision | null {
  const { incident } = context.state;
  if (target.channelId === incident.channelId && (target.kind === 'channel' || memberMessageTss(context.state).has(target.messageTs))) return null;
  return refuse(context, 'refusal.unknown_target', { field: 'target' });
}

/** A refusal when this policy can never approve a draft by these contributors, else null. */
function refuseUnreachableQuorum(context: RefusalContext, policy: ApprovalPolicy, contributors: readonly string[]): Decision | null {
  if (approverUserIds(policy).length === 0) return refuse(context, 'refusal.no_approvers', {});
  if (isInvalidQuorum(policy.quorum)) {
    return refuse(context, 'refusal.invalid_quorum', { n: policy.quorum.kind === 'count' ? policy.quorum.n : 0 });
  }
  const eligible = eligibleApprovers(policy, contributors);
  const required = approvalsRequired(policy, eligible.length);
  if (eligible.length < required) {
    return refuse(context, 'refusal.quorum_unreachable', { required, eligible: eligible.length });
  }
  return null;
}

/** A refusal when the preflight refuses the text (or, when asked, an unconfirmed language change); else its warnings. */
function runPreflight(
  context: RefusalContext,
  text: string,
  language: Locale,
  preflight: PreflightContext | undefined,
  /** Null: no confirmation asked (an approval re-checks refusals only). `edit`: the edit modal, which has no language picker. */
  languageCheck: { confirmed: boolean; edit?: boolean } | null,
): Decision | { warnings: readonly PreflightWarning[] } {
  const result = preflightReply(text, language, preflight);
  if (result.refusals.length > 0) {
    const params = { field: 'text', unfilled: '', mention: '', empty: false, length: text.length, max: REPLY_TEXT_MAX };
    for (const refusal of result.refusals) {
      if (refusal.code === 'empty') params.empty = true;
      else if (refusal.code === 'unfilled_variable') params.unfilled = refusal.found;
      else if (refusal.code === 'mass_mention') params.mention = refusal.found;
    }
    return refuse(context, 'refusal.preflight', params);
  }
  const languageWarning = result.warnings.find((warning) => warning.code === 'language');
  if (languageCheck && !languageCheck.confirmed && languageWarning?.code === 'language') {
    // Already in the readers' language, the text is what is wrong: the error goes under it, not the language.
    const field = language === languageWarning.expected ? 'text' : 'language';
    return refuse(context, 'refusal.preflight_language', { field, language: languageWarning.language, expected: languageWarning.expected, chosen: language, edit: languageCheck.edit === true });
  }
  // Past the check, a language warning left was confirmed by whoever wrote this revision: the card says so.
  return { warnings: languageCheck ? result.warnings.map((warning) => (warning.code === 'language' ? { ...warning, confirmed: true } : warning)) : result.warnings };
}

/**
 * Whether the drafter confirmed a language warning. Records from before `confirmed` was kept: creation
 * always asked (revision 1), an edit never did.
 */
export function languageConfirmed(warning: Extract<PreflightWarning, { code: 'language' }>, draft: Pick<ReplyDraft, 'revision'>): boolean {
  return warning.confirmed ?? draft.revision === 1;
}

function replaceDraft(state: IncidentState, draft: ReplyDraft): IncidentState {
  return { ...state, drafts: state.drafts.map((d) => (d.id === draft.id ? draft : d)) };
}

export interface CreateDraftCommand extends CommandBase {
  readonly text: string;
  readonly language: Locale;
  readonly templateId: string | null;
  readonly target: ReplyTarget;
  /** What the preflight compares the text with (target language, templates, allowed link domains). */
  readonly preflight?: PreflightContext;
  /** The drafter confirmed posting in a language other than the target's. */
  readonly languageConfirmed?: boolean;
}

export function createDraft(state: IncidentState, command: CreateDraftCommand, policy: IncidentPolicy, clock: Clock): Decision {
  const at = clock.now();
  const context = { state, action: 'create_draft' as const, actorUserId: command.actorUserId, at, text: command.text ?? null, locale: command.locale };
  const refusal =
    refuseIfResolved(context) ??
    refuseBadText(context, 'text', command.text) ??
    refuseUnknownTarget(context, command.target) ??
    refuseUnreachableQuorum(context, policy.approvals, [command.actorUserId]);
  if (refusal) return refusal;
  const checked = runPreflight(context, command.text, command.language, command.preflight, { confirmed: command.languageConfirmed === true });
  if ('ok' in checked) return checked;

  const number = state.drafts.length + 1;
  const draft: ReplyDraft = {
    id: draftId(state.incident.id, number),
    number,
    revision: 1,
    text: command.text,
    language: command.language,
    templateId: command.templateId,
    target: command.target,
    authorUserId: command.actorUserId,
    contributorUserIds: [command.actorUserId],
    status: 'pending',
    createdAt: at,
    updatedAt: at,
    postedAt: null,
    postedMessageTs: null,
    preflightWarnings: checked.warnings,
  };
  const events = [
    event(state, at, 'draft_created', command.actorUserId, command.text, {
      draftId: draft.id,
      draftNumber: number,
      revision: 1,
      templateId: command.templateId,
      language: command.language,
      target: targetData(command.target),
      preflightWarnings: checked.warnings as unknown as JsonObject[],
    }),
  ];
  const effects: Effect[] = [
    { type: 'post_thread_message', incidentId: state.incident.id, message: { kind: 'draft', draftId: draft.id, revision: 1 } },
    { type: 'update_root_message', incidentId: state.incident.id },
  ];
  return accept({ ...context, details: { draftId: draft.id } }, { ...state, drafts: [...state.drafts, draft] }, events, effects);
}

/** The statuses of a reply still waiting for approvers (pending, or sent back for changes): the only replies a quorum can still move. */
export const AWAITING_APPROVAL: readonly DraftStatus[] = ['pending', 'changes_requested'];

export function awaitsApproval(draft: ReplyDraft): boolean {
  return AWAITING_APPROVAL.includes(draft.status);
}

/** The incident's replies waiting for approvers, in draft order. */
export function draftsAwaitingApproval(state: IncidentState): ReplyDraft[] {
  return state.drafts.filter(awaitsApproval);
}

/** Looks the draft up and refuses actions on a draft that can no longer change. */
function findOpenDraft(context: RefusalContext, id: string, revision: number): ReplyDraft | Decision {
  const draft = context.state.drafts.find((d) => d.id === id);
  if (!draft) return refuse(context, 'refusal.draft_not_found', { draftId: id });
  if (draft.status === 'approved' || draft.status === 'posted') {
    return refuse(context, 'refusal.draft_already_approved', { draftNumber: draft.number });
  }
  if (draft.status === 'rejected') return refuse(context, 'refusal.draft_closed', { draftNumber: draft.number });
  if (draft.status === 'not_posted' || draft.status === 'unconfirmed') return refuse(context, 'refusal.draft_not_posted', { draftNumber: draft.number });
  if (draft.status === 'closed_unsent') return refuse(context, 'refusal.draft_closed_unsent', { draftNumber: draft.number });
  if (draft.revision !== revision) {
    return refuse(context, 'refusal.stale_revision', { draftNumber: draft.number, seen: revision, current: draft.revision });
  }
  return draft;
}

export interface EditDraftCommand extends CommandBase {
  readonly draftId: string;
  /** The revision the editor was looking at: an edit on top of someone else's newer edit is refused. */
  readonly revision: number;
  readonly text: string;
  readonly preflight?: PreflightContext;
  /** The editor confirmed posting in a language other than the readers'. */
  readonly languageConfirmed?: boolean;
}

/** A new revision: earlier approvals stop counting, and the thread shows what changed. */
export function editDraft(state: IncidentState, command: EditDraftCommand, policy: IncidentPolicy, clock: Clock): Decision {
  const at = clock.now();
  const context = {
    state,
    action: 'edit_draft' as const,
    actorUserId: command.actorUserId,
    at,
    text: command.text ?? null,
    details: { draftId: command.draftId, revision: command.revision },
    locale: command.locale,
  };
  const refusal = refuseIfResolved(context) ?? refuseBadText(context, 'text', command.text);
  if (refusal) return refusal;
  const found = findOpenDraft(context, command.draftId, command.revision);
  if ('ok' in found) return found;
  const draft = found;
  if (draft.text === command.text) return refuse(context, 'refusal.no_change', { draftNumber: draft.number });
  const contributors = draft.contributorUserIds.includes(command.actorUserId)
    ? draft.contributorUserIds
    : [...draft.contributorUserIds, command.actorUserId];
  const unreachable = refuseUnreachableQuorum(context, policy.approvals, contributors);
  if (unreachable) return unreachable;
  // The reply is in the language its new text is written in (the label approvers read says so); a text
  // too short or mixed to tell keeps the draft's. A language the readers do not write in is confirmed as
  // on creation, unless this revision's author already confirmed that same language.
  const language = languageOfText(command.text) ?? draft.language;
  const confirmedBefore = draft.preflightWarnings.some((warning) => warning.code === 'language' && warning.language === language && languageConfirmed(warning, draft));
  const checked = runPreflight(context, command.text, language, command.preflight, { confirmed: command.languageConfirmed === true || confirmedBefore, edit: true });
  if ('ok' in checked) return checked;

  const voided = state.approvals.filter((a) => a.draftId === draft.id && a.voidedAt === null);
  const edited: ReplyDraft = {
    ...draft,
    revision: draft.revision + 1,
    text: command.text,
    language,
    contributorUserIds: contributors,
    status: 'pending',
    updatedAt: at,
    preflightWarnings: checked.warnings,
  };
  const next: IncidentState = {
    ...replaceDraft(state, edited),
    approvals: state.approvals.map((a) => (voided.includes(a) ? { ...a, voidedAt: at } : a)),
  };
  const events = [
    event(state, at, 'draft_edited', command.actorUserId, command.text, {
      draftId: draft.id,
      draftNumber: draft.number,
      fromRevision: draft.revision,
      toRevision: edited.revision,
      previousText: draft.text,
      ...(language !== draft.language ? { fromLanguage: draft.language, language } : {}),
      diff: diffDraftText(draft.text, command.text),
      voidedDecisionsBy: voided.map((a) => a.approverUserId),
    }),
  ];
  const effects: Effect[] = [
    { type: 'update_draft_message', incidentId: state.incident.id, draftId: draft.id },
    ...announce(events, false),
  ];
  return accept(context, next, events, effects);
}

export interface DecideDraftCommand extends CommandBase {
  readonly draftId: string;
  /** The revision on the card whose button was pressed. */
  readonly revision: number;
  readonly decision: ApprovalDecision;
  /** Required to request changes or reject; optional with an approval. */
  readonly comment?: string | null;
}

/**
 * Approve, request changes or reject one revision. The approval that meets the quorum is the only
 * thing that ever emits `post_public_reply`; after it the draft is closed to further decisions.
 */
export function decideDraft(state: IncidentState, command: DecideDraftCommand, policy: IncidentPolicy, clock: Clock): Decision {
  const at = clock.now();
  const comment = command.comment?.trim() ? command.comment : null;
  const draftNow = state.drafts.find((d) => d.id === command.draftId);
  const context = {
    state,
    action: 'decide_draft' as const,
    actorUserId: command.actorUserId,
    at,
    // The audit records the exact text the decision was about.
    text: draftNow?.text ?? null,
    details: { draftId: command.draftId, revision: command.revision, decision: command.decision, comment },
    locale: command.locale,
  };
  const resolved = refuseIfResolved(context);
  if (resolved) return resolved;
  const found = findOpenDraft(context, command.draftId, command.revision);
  if ('ok' in found) return found;
  const draft = found;
  const approvals = policy.approvals;

  if (!isApprover(approvals, command.actorUserId)) {
    // Whom to ask instead: the approvers by name (the first few; groups as their members now).
    const approvers = approverUserIds(approvals);
    return refuse(context, 'refusal.not_an_approver', { draftNumber: draft.number, approvers: approvers.slice(0, PEOPLE_NAMED), more: Math.max(0, approvers.length - PEOPLE_NAMED) });
  }
  if (approvals.fourEyes && draft.contributorUserIds.includes(command.actorUserId)) {
    return refuse(context, 'refusal.four_eyes', { draftNumber: draft.number });
  }
  if (liveApprovals(state, draft).some((a) => a.approverUserId === command.actorUserId)) {
    // Their approval already counts, and the quorum shrank under it (an approver's account was
    // deactivated): pressing Approve again is the human decision that posts it, never the deactivation.
    const confirms = command.decision === 'approve' && draft.status === 'pending' && quorumProgress(state, draft, approvals).approvedBy.includes(command.actorUserId);
    if (confirms && quorumProgress(state, draft, approvals).met) {
      const checked = runPreflight(context, draft.text, draft.language, undefined, null);
      return 'ok' in checked ? checked : quorumMet(state, draft, approvals, context, []);
    }
    return refuse(context, 'refusal.already_decided', { draftNumber: draft.number, revision: draft.revision });
  }
  // A comment is required to request changes or reject, and must fit Slack's input either way.
  if (command.decision !== 'approve' || comment !== null) {
    const badComment = refuseBadText(context, 'comment', comment);
    if (badComment) return badComment;
  }
  if (command.decision === 'approve' && draft.status === 'changes_requested') {
    const requester = liveApprovals(state, draft).find((a) => a.decision === 'request_changes');
    return refuse(context, 'refusal.changes_requested_pending', {
      draftNumber: draft.number,
      requestedBy: requester?.approverUserId ?? '',
    });
  }

  // Nothing the preflight refuses can be approved, whatever was accepted when it was written.
  if (command.decision === 'approve') {
    const checked = runPreflight(context, draft.text, draft.language, undefined, null);
    if ('ok' in checked) return checked;
  }

  const approval: Approval = {
    draftId: draft.id,
    draftRevision: draft.revision,
    approverUserId: command.actorUserId,
    decision: command.decision,
    comment,
    text: draft.text,
    at,
    voidedAt: null,
  };
  const withApproval: IncidentState = { ...state, approvals: [...state.approvals, approval] };
  const base = { draftId: draft.id, draftNumber: draft.number, revision: draft.revision, comment };
  const draftCard: Effect = { type: 'update_draft_message', incidentId: state.incident.id, draftId: draft.id };

  if (command.decision === 'request_changes' || command.decision === 'reject') {
    const status = command.decision === 'reject' ? 'rejected' : 'changes_requested';
    const kind = command.decision === 'reject' ? 'draft_rejected' : 'draft_changes_requested';
    const next = replaceDraft(withApproval, { ...draft, status, updatedAt: at });
    const events = [event(state, at, kind, command.actorUserId, draft.text, base)];
    return accept(context, next, events, [draftCard, ...announce(events, command.decision === 'reject')]);
  }

  const progress = quorumProgress(withApproval, draft, approvals);
  const approvedEvent = event(state, at, 'draft_approved', command.actorUserId, draft.text, {
    ...base,
    approvals: progress.approvedBy.length,
    required: progress.required,
    // The approval that reaches the quorum says on its own line that the reply will be posted, and where.
    ...(progress.met ? { quorumMet: true, ...postTargetData(state, draft) } : {}),
  });
  if (!progress.met) {
    return accept(context, withApproval, [approvedEvent], [draftCard, ...announce([approvedEvent], false)]);
  }

  return quorumMet(withApproval, draft, approvals, context, [approvedEvent]);
}

/** Where an approved reply will be posted, as its timeline lines say it (a drill: only its alert thread). */
function postTargetData(state: IncidentState, draft: ReplyDraft): JsonObject {
  return { channelId: draft.target.channelId, drill: state.incident.drill };
}

/** The quorum is met: the draft is approved and its public post queued, exactly once. */
function quorumMet(state: IncidentState, draft: ReplyDraft, approvals: ApprovalPolicy, context: RefusalContext & { details: JsonObject; text: string | null }, approvedEvents: TimelineEvent[]): Decision {
  const { at } = context;
  const progress = quorumProgress(state, draft, approvals);
  const approved: ReplyDraft = { ...draft, status: 'approved', updatedAt: at };
  // Stored for the audit and the export's data; its line is the approval's when an approval reached the
  // quorum (one line for one click), its own when an approver pressed Approve again to post it.
  const quorumEvent = event(context.state, at, 'quorum_met', null, draft.text, {
    draftId: draft.id,
    draftNumber: draft.number,
    revision: draft.revision,
    approverUserIds: progress.approvedBy,
    ...postTargetData(state, draft),
    ...(approvedEvents.length > 0 ? { withApproval: true } : {}),
  });
  // The thread says who approved before the reply itself appears (a drill posts it in that thread).
  const effects: Effect[] = [
    { type: 'update_draft_message', incidentId: state.incident.id, draftId: draft.id },
    ...announce(approvedEvents.length > 0 ? approvedEvents : [quorumEvent]),
    {
      type: 'post_public_reply',
      incidentId: state.incident.id,
      draftId: draft.id,
      revision: draft.revision,
      idempotencyKey: replyIdempotencyKey(draft),
      target: draft.target,
      text: draft.text,
      language: draft.language,
      drill: state.incident.drill,
    },
  ];
  return accept(
    { ...context, details: { ...context.details, quorumMet: true } },
    replaceDraft(state, approved),
    [...approvedEvents, quorumEvent],
    effects,
  );
}

export interface MarkReplyPostedCommand {
  readonly draftId: string;
  readonly revision: number;
  /** Slack ts of the posted reply. */
  readonly messageTs: string;
}

/**
 * The outbox reports the public post went out. Reporting it again (a retried job) changes nothing;
 * allowed after resolution because the post may land just after someone resolved.
 */
export function markReplyPosted(state: IncidentState, command: MarkReplyPostedCommand, clock: Clock, policy?: IncidentPolicy): Decision {
  const at = clock.now();
  const draft = state.drafts.find((d) => d.id === command.draftId);
  const context = {
    state,
    action: 'mark_reply_posted' as const,
    actorUserId: null,
    at,
    text: draft?.text ?? null,
    details: { draftId: command.draftId, revision: command.revision, messageTs: command.messageTs },
    locale: undefined,
  };
  if (!draft) return refuse(context, 'refusal.draft_not_found', { draftId: command.draftId });
  if (draft.revision !== command.revision) {
    return refuse(context, 'refusal.stale_revision', { draftNumber: draft.number, seen: command.revision, current: draft.revision });
  }
  if (draft.status === 'posted') return noOp(context);
  // Sent back to waiting by an approver's deactivation after the outbox's last gate had let it go: Slack has it.
  if (draft.status !== 'approved' && !(draft.status === 'pending' && voidedApprovals(state, draft).length > 0)) return refuse(context, 'refusal.draft_not_approved', { draftNumber: draft.number });

  const posted: ReplyDraft = { ...draft, status: 'posted', postedAt: at, postedMessageTs: command.messageTs };
  const approvers = liveApprovals(state, draft)
    .filter((a) => a.decision === 'approve')
    .map((a) => a.approverUserId);
  const events = [
    event(state, at, 'reply_posted', null, draft.text, {
      draftId: draft.id,
      draftNumber: draft.number,
      revision: draft.revision,
      messageTs: command.messageTs,
      target: targetData(draft.target),
      authorUserId: draft.authorUserId,
      approverUserIds: approvers,
      drill: state.incident.drill,
    }),
  ];
  // Steps the playbook marks `doneWhen: first-reply-posted` are done now, by Firebreak (no one clicked).
  const ticked = policy ? autoTickSteps(replaceDraft(state, posted), 'first-reply-posted', policy, null, at) : null;
  const effects: Effect[] = [
    { type: 'update_draft_message', incidentId: state.incident.id, draftId: draft.id },
    ...announce(events),
    ...(ticked?.effects ?? []),
  ];
  return accept(context, ticked?.state ?? replaceDraft(state, posted), [...events, ...(ticked?.events ?? [])], effects);
}

export interface MarkReplyNotPostedCommand {
  readonly draftId: string;
  readonly revision: number;
  /** Slack's error code, or `held:<reason>` when the outbox's last gate held it. */
  readonly reason: string;
  /** An earlier attempt went unanswered: it may have reached Slack after all. */
  readonly uncertain: boolean;
}

/**
 * The outbox gave up on an approved reply for good: the card and the root stop saying it is being
 * posted. Reporting it again changes nothing; a draft already posted is never marked otherwise.
 */
export function markReplyNotPosted(state: IncidentState, command: MarkReplyNotPostedCommand, clock: Clock): Decision {
  const at = clock.now();
  const draft = state.drafts.find((d) => d.id === command.draftId);
  const context = {
    state,
    action: 'mark_reply_not_posted' as const,
    actorUserId: null,
    at,
    text: draft?.text ?? null,
    details: { draftId: command.draftId, revision: command.revision, reason: command.reason, uncertain: command.uncertain },
    locale: undefined,
  };
  if (!draft) return refuse(context, 'refusal.draft_not_found', { draftId: command.draftId });
  if (draft.revision !== command.revision) {
    return refuse(context, 'refusal.stale_revision', { draftNumber: draft.number, seen: command.revision, current: draft.revision });
  }
  if (draft.status === 'not_posted' || draft.status === 'unconfirmed') return noOp(context);
  if (draft.status !== 'approved') return refuse(context, 'refusal.draft_not_approved', { draftNumber: draft.number });

  const failed: ReplyDraft = { ...draft, status: command.uncertain ? 'unconfirmed' : 'not_posted', updatedAt: at };
  const events = [
    event(state, at, 'reply_not_posted', null, draft.text, {
      draftId: draft.id,
      draftNumber: draft.number,
      revision: draft.revision,
      reason: command.reason,
      uncertain: command.uncertain,
      target: targetData(draft.target),
      drill: state.incident.drill,
    }),
  ];
  // The thread is told why by the outbox's failure notice; here the card and the root catch up.
  const effects: Effect[] = [
    { type: 'update_draft_message', incidentId: state.incident.id, draftId: draft.id },
    { type: 'update_root_message', incidentId: state.incident.id },
  ];
  return accept(context, replaceDraft(state, failed), events, effects);
}
