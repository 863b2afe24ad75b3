/**
 * The post-mortem's life: created from the playbook's template when the incident is resolved, filled
 * in by the lead, reviewed (draft → in_review → published), its action items chased until done.
 */
import { nextLocalHour, type Clock } from '../clock.js';
import { t, type Locale, type MessageKey, type MessageParams } from '../../i18n/index.js';
import type { JsonObject } from '../incidents/types.js';
import { checkText } from '../incidents/limits.js';
import {
  questionKey,
  validatePostMortemSubmission,
  type FieldErrors,
  type PostMortemSubmission,
  type SubmissionIntent,
  type ValidSubmission,
} from './validation.js';
import { mergeSubmission, type ShownPostMortem } from './merge.js';
import { STANDARD_FIELDS, type ActionItem, type PostMortem, type PostMortemTemplate, type StandardField } from './types.js';

export type PostMortemEffect =
  /** Ask the owner to fill it in (a thread message with a button opening the modal). */
  | { readonly type: 'invite_postmortem_owner'; readonly incidentId: string; readonly ownerUserId: string | null }
  | { readonly type: 'request_postmortem_review'; readonly incidentId: string; readonly reviewerUserIds: readonly string[]; readonly round: number }
  | {
      readonly type: 'notify_postmortem_changes_requested';
      readonly incidentId: string;
      readonly ownerUserId: string | null;
      readonly reviewerUserId: string;
      readonly comment: string;
    }
  /** Post the published post-mortem in the incident thread and list it in App Home. */
  | { readonly type: 'publish_postmortem'; readonly incidentId: string }
  /** A reviewer approved and others still have to: the review request shows who approved so far, in place. */
  | { readonly type: 'show_postmortem_review_progress'; readonly incidentId: string; readonly round: number; readonly approvals: number }
  /** A reviewer Slack deactivated is no longer waited for: said in the incident thread (and the review request redrawn without them). */
  | { readonly type: 'notify_postmortem_reviewer_deactivated'; readonly incidentId: string; readonly userId: string; readonly round: number; readonly published: boolean }
  | {
      readonly type: 'schedule_reminder';
      readonly reminderKey: string;
      readonly incidentId: string;
      readonly reason: 'postmortem_due' | 'action_item';
      readonly at: number;
      readonly recipientUserIds: readonly string[];
      readonly subject: string;
    }
  | { readonly type: 'cancel_reminder'; readonly reminderKey: string };

export type PostMortemRefusalCode =
  | 'invalid_submission'
  | 'edited_since_opened'
  | 'not_authorised'
  | 'published'
  | 'in_review'
  | 'not_in_review'
  | 'not_a_reviewer'
  | 'own_postmortem'
  | 'no_eligible_reviewer'
  | 'already_reviewed'
  | 'comment_required'
  | 'comment_too_long'
  | 'action_item_not_found'
  | 'action_item_unchanged';

export type PostMortemAction = 'save_postmortem' | 'submit_postmortem' | 'review_postmortem' | 'set_action_item_done' | 'reviewer_deactivated';

export interface PostMortemAuditEntry {
  readonly at: number;
  readonly incidentId: string;
  readonly actorUserId: string;
  readonly action: PostMortemAction;
  /** `no_op`: accepted, but there was nothing to change (the same submission sent again). */
  readonly outcome: 'accepted' | 'refused' | 'no_op';
  readonly refusalCode: PostMortemRefusalCode | null;
  readonly text: string | null;
  readonly details: JsonObject;
}

export type PostMortemDecision =
  | {
      readonly ok: true;
      readonly postMortem: PostMortem;
      readonly effects: readonly PostMortemEffect[];
      readonly audit: PostMortemAuditEntry;
    }
  | {
      readonly ok: false;
      readonly refusal: { readonly code: PostMortemRefusalCode; readonly message: string };
      /** Per-field errors for the modal; empty unless the code is invalid_submission or edited_since_opened. */
      readonly fieldErrors: FieldErrors;
      /**
       * Required inputs refused because someone else emptied them while the form was open: key → who
       * (null: unknown). Their field errors say so without a name; the edge, which knows names, may name them.
       */
      readonly emptiedBy?: Readonly<Record<string, string | null>>;
      readonly audit: PostMortemAuditEntry;
    };

export const postMortemReminderKeys = {
  due: (incidentId: string) => `postmortem:${incidentId}:due`,
  actionItem: (actionItemId: string) => `postmortem:action:${actionItemId}`,
};

interface Context {
  readonly postMortem: PostMortem;
  readonly actorUserId: string;
  readonly action: PostMortemAction;
  readonly at: number;
  readonly text: string | null;
  readonly details?: JsonObject;
  readonly locale: Locale;
}

function audit(c: Context, outcome: PostMortemAuditEntry['outcome'], refusalCode: PostMortemRefusalCode | null): PostMortemAuditEntry {
  return {
    at: c.at,
    incidentId: c.postMortem.incidentId,
    actorUserId: c.actorUserId,
    action: c.action,
    outcome,
    refusalCode,
    text: c.text,
    details: c.details ?? {},
  };
}

function refuse<K extends MessageKey & `postmortem.refusal.${PostMortemRefusalCode}`>(
  c: Context,
  key: K,
  params: MessageParams<K>,
  fieldErrors: FieldErrors = {},
): PostMortemDecision {
  const code = key.slice('postmortem.refusal.'.length) as PostMortemRefusalCode;
  return { ok: false, refusal: { code, message: t(c.locale, key, params) }, fieldErrors, audit: audit(c, 'refused', code) };
}

function accept(c: Context, postMortem: PostMortem, effects: PostMortemEffect[]): PostMortemDecision {
  return { ok: true, postMortem, effects, audit: audit(c, 'accepted', null) };
}

export interface CreatePostMortemInput {
  readonly incidentId: string;
  readonly ownerUserId: string | null;
  /** The resolution summary staff typed when resolving: the post-mortem's summary starts from it. */
  readonly resolutionSummary?: string | null;
}

/** Called when the incident resolves (the `create_postmortem` effect), only if it has none yet. */
export function createPostMortem(
  input: CreatePostMortemInput,
  template: PostMortemTemplate,
  clock: Clock,
): { postMortem: PostMortem; effects: PostMortemEffect[] } {
  const at = clock.now();
  const postMortem: PostMortem = {
    incidentId: input.incidentId,
    status: 'draft',
    ownerUserId: input.ownerUserId,
    reviewerUserIds: [...new Set(template.reviewerUserIds)],
    requiredFields: template.requiredFields,
    questions: template.questions,
    fields: Object.fromEntries(STANDARD_FIELDS.map((f) => [f, f === 'summary' ? (input.resolutionSummary ?? '').trim() : ''])) as Record<StandardField, string>,
    answers: Object.fromEntries(template.questions.map((q) => [q.id, ''])),
    actionItems: [],
    reviews: [],
    contributorUserIds: [],
    round: 0,
    createdAt: at,
    updatedAt: at,
    dueAt: at + template.dueAfterMs,
    submittedAt: null,
    publishedAt: null,
  };
  return {
    postMortem,
    effects: [
      { type: 'invite_postmortem_owner', incidentId: input.incidentId, ownerUserId: input.ownerUserId },
      {
        type: 'schedule_reminder',
        reminderKey: postMortemReminderKeys.due(input.incidentId),
        incidentId: input.incidentId,
        reason: 'postmortem_due',
        at: postMortem.dueAt,
        recipientUserIds: input.ownerUserId ? [input.ownerUserId] : [],
        subject: 'post-mortem',
      },
    ],
  };
}

export interface SavePostMortemCommand {
  readonly actorUserId: string;
  readonly locale: Locale;
  readonly intent: SubmissionIntent;
  readonly submission: PostMortemSubmission;
  /**
   * The playbook's reviewers as they are now (groups resolved by the edge): a submission is reviewed
   * by them, so a reviewer added since the incident resolved can review it. Absent: the stored ones.
   */
  readonly currentReviewerUserIds?: readonly string[] | null;
  /**
   * What the form showed when it was opened (merge.ts): inputs sent as shown keep the stored value,
   * an input someone else changed since is refused if the sender changed it too. Absent (a form
   * opened before forms remembered it): the submission is taken as sent.
   */
  readonly shown?: ShownPostMortem | null;
  /**
   * This post-mortem's latest saves as audited, newest first: who emptied a field (a refusal names
   * them), and whether the sender was just told a field was emptied (sending it again then keeps it).
   */
  readonly recentSaves?: readonly PostMortemSaveRecord[];
}

/** One audited save or submission of a post-mortem (details written by savePostMortem). */
export interface PostMortemSaveRecord {
  readonly actorUserId: string | null;
  readonly accepted: boolean;
  /** Accepted: the keys (field names, question.<id>) whose text it changed; absent in older entries (unknown). */
  readonly changed?: readonly string[];
  /** Refused: the keys it told the sender someone else had emptied. */
  readonly emptied?: readonly string[];
}

/** Who last changed `key` by an accepted save (the one who emptied it); null when the record does not say. */
function lastChangedBy(recentSaves: readonly PostMortemSaveRecord[], key: string): string | null {
  for (const save of recentSaves) {
    if (!save.accepted) continue;
    if (save.changed === undefined) return null;
    if (save.changed.includes(key)) return save.actorUserId;
  }
  return null;
}

/** The keys the sender was told, by their latest refused save with nothing accepted since, someone had emptied. */
function toldEmptied(recentSaves: readonly PostMortemSaveRecord[], actorUserId: string): Set<string> {
  for (const save of recentSaves) {
    if (save.accepted) return new Set();
    if (save.actorUserId === actorUserId) return new Set(save.emptied ?? []);
  }
  return new Set();
}

/** The texts (keys as validation's) a save changes. */
function changedKeys(before: PostMortem, after: ValidSubmission): string[] {
  const fields = STANDARD_FIELDS.filter((name) => before.fields[name] !== after.fields[name]);
  const answers = before.questions.filter((q) => (before.answers[q.id] ?? '') !== (after.answers[q.id] ?? '')).map((q) => questionKey(q.id));
  return [...fields, ...answers];
}

/**
 * The modal was submitted. 'save' keeps a draft; 'submit' also sends it to the reviewers who did not
 * write it, and is refused when there are none (never published unreviewed). The owner and the
 * reviewers may write.
 */
export function savePostMortem(postMortem: PostMortem, command: SavePostMortemCommand, clock: Clock): PostMortemDecision {
  const at = clock.now();
  const c: Context = {
    postMortem,
    actorUserId: command.actorUserId,
    action: command.intent === 'submit' ? 'submit_postmortem' : 'save_postmortem',
    at,
    text: command.submission.fields.summary ?? null,
    // The whole submission as typed, so the audit log shows exactly what was sent (and refused).
    details: { intent: command.intent, submission: JSON.parse(JSON.stringify(command.submission)) as JsonObject },
    locale: command.locale,
  };
  if (postMortem.status === 'published') return refuse(c, 'postmortem.refusal.published', {});
  if (postMortem.status === 'in_review') {
    // Submit pressed again while Slack was slow to answer the first: what it sends is what is in review,
    // so it is done, not refused (a refusal would tell its sender that their submission failed).
    if (command.intent === 'submit' && sameAsInReview(postMortem, command, clock)) return { ok: true, postMortem, effects: [], audit: audit(c, 'no_op', null) };
    return refuse(c, 'postmortem.refusal.in_review', {});
  }
  if (command.actorUserId !== postMortem.ownerUserId && !postMortem.reviewerUserIds.includes(command.actorUserId)) {
    return refuse(c, 'postmortem.refusal.not_authorised', {});
  }
  let { submission } = command;
  let emptied: readonly string[] = [];
  const recentSaves = command.recentSaves ?? [];
  if (command.shown) {
    const merged = mergeSubmission(postMortem, submission, command.shown, toldEmptied(recentSaves, command.actorUserId));
    if (!merged.ok) {
      const message = t(command.locale, 'postmortem.error.edited_since_opened', {});
      const errors = Object.fromEntries(merged.conflicts.map((key) => [key, message]));
      return refuse({ ...c, details: { ...c.details, conflicts: [...merged.conflicts] } }, 'postmortem.refusal.edited_since_opened', { count: merged.conflicts.length }, errors);
    }
    submission = merged.submission;
    emptied = merged.emptied;
  }
  // Audited with the summary it keeps (a merge may keep the stored one, not the one sent).
  const audited: Context = { ...c, text: submission.fields.summary ?? null };
  const validation = validatePostMortemSubmission(postMortem, submission, command.intent, command.locale, clock);
  if (!validation.ok) {
    // "Required" under a box that still shows the text would puzzle: say someone emptied it meanwhile
    // (audited, so that sending it again keeps it: toldEmptied).
    const told = emptied.filter((key) => key in validation.errors);
    const errors = { ...validation.errors };
    for (const key of told) errors[key] = t(command.locale, 'postmortem.error.emptied_since_opened', { who: null });
    const refused = refuse(told.length > 0 ? { ...audited, details: { ...audited.details, emptied: told } } : audited, 'postmortem.refusal.invalid_submission', { count: Object.keys(errors).length }, errors);
    return told.length > 0 && !refused.ok ? { ...refused, emptiedBy: Object.fromEntries(told.map((key) => [key, lastChangedBy(recentSaves, key)])) } : refused;
  }

  // Whoever changed its text is one of its authors from now on; opening and saving unchanged is not writing.
  const wrote = changesText(postMortem, validation.value) && !postMortem.contributorUserIds.includes(command.actorUserId);
  const saved: PostMortem = {
    ...postMortem,
    ...validation.value,
    contributorUserIds: wrote ? [...postMortem.contributorUserIds, command.actorUserId] : postMortem.contributorUserIds,
    updatedAt: at,
  };
  // Which texts it changed, so a later refusal can say who emptied one (lastChangedBy).
  const accepted: Context = { ...audited, details: { ...audited.details, changed: changedKeys(postMortem, validation.value) } };
  if (command.intent === 'save') return accept(accepted, saved, []);

  const round = postMortem.round + 1;
  const reviewerUserIds = command.currentReviewerUserIds ? [...new Set(command.currentReviewerUserIds)] : saved.reviewerUserIds;
  const submitted: PostMortem = { ...saved, reviewerUserIds, status: 'in_review', round, submittedAt: at };
  // Nobody left to review it: refused before it is locked in review, so it stays an editable draft
  // (the modal keeps what was typed) instead of waiting for an approval nobody may give.
  if (reviewersFor(submitted).length === 0) {
    return refuse(audited, 'postmortem.refusal.no_eligible_reviewer', { reviewers: [...reviewerUserIds], authors: authorsOf(submitted) });
  }
  return accept(accepted, submitted, [
    { type: 'request_postmortem_review', incidentId: postMortem.incidentId, reviewerUserIds: reviewersFor(submitted), round },
  ]);
}

/** Whether an author sends for review exactly what is in review now (fields, answers, action items). */
function sameAsInReview(postMortem: PostMortem, command: SavePostMortemCommand, clock: Clock): boolean {
  if (!authorsOf(postMortem).includes(command.actorUserId)) return false;
  const validation = validatePostMortemSubmission(postMortem, command.submission, 'submit', command.locale, clock);
  return validation.ok && !changesText(postMortem, validation.value);
}

/** Its authors: the owner (invited to write it, accountable for it) and everyone whose save changed its text. */
export function authorsOf(postMortem: PostMortem): string[] {
  return [...new Set([...(postMortem.ownerUserId ? [postMortem.ownerUserId] : []), ...postMortem.contributorUserIds])];
}

/** Who must approve a round: the reviewers who are not among its authors (nobody reviews what they wrote). */
export function reviewersFor(postMortem: PostMortem): string[] {
  const authors = authorsOf(postMortem);
  return postMortem.reviewerUserIds.filter((id) => !authors.includes(id));
}

function changesText(before: PostMortem, after: ValidSubmission): boolean {
  const differs = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) =>
    [...new Set([...Object.keys(a), ...Object.keys(b)])].some((key) => (a[key] ?? '') !== (b[key] ?? ''));
  const item = (a: ActionItem) => JSON.stringify([a.id, a.text, a.ownerUserId, a.dueAt]);
  return (
    differs(before.fields, after.fields) ||
    differs(before.answers, after.answers) ||
    before.actionItems.map(item).join('\n') !== after.actionItems.map(item).join('\n')
  );
}

function publish(postMortem: PostMortem, at: number): [PostMortem, PostMortemEffect[]] {
  const published: PostMortem = { ...postMortem, status: 'published', publishedAt: at };
  const effects: PostMortemEffect[] = [
    { type: 'publish_postmortem', incidentId: postMortem.incidentId },
    { type: 'cancel_reminder', reminderKey: postMortemReminderKeys.due(postMortem.incidentId) },
  ];
  for (const item of postMortem.actionItems) {
    if (item.doneAt === null) effects.push(actionItemReminder(postMortem.incidentId, item));
  }
  return [published, effects];
}

function actionItemReminder(incidentId: string, item: ActionItem, at = item.dueAt): PostMortemEffect {
  return {
    type: 'schedule_reminder',
    reminderKey: postMortemReminderKeys.actionItem(item.id),
    incidentId,
    reason: 'action_item',
    at,
    recipientUserIds: [item.ownerUserId],
    subject: item.text,
  };
}

export interface ReviewPostMortemCommand {
  readonly actorUserId: string;
  readonly locale: Locale;
  readonly decision: 'approve' | 'request_changes';
  readonly comment?: string | null;
}

/** Published once every reviewer approved this round; one request for changes sends it back to draft. */
export function reviewPostMortem(postMortem: PostMortem, command: ReviewPostMortemCommand, clock: Clock): PostMortemDecision {
  const at = clock.now();
  const comment = command.comment?.trim() ? command.comment : null;
  const c: Context = {
    postMortem,
    actorUserId: command.actorUserId,
    action: 'review_postmortem',
    at,
    text: comment,
    details: { decision: command.decision, round: postMortem.round },
    locale: command.locale,
  };
  if (postMortem.status !== 'in_review') return refuse(c, 'postmortem.refusal.not_in_review', {});
  if (authorsOf(postMortem).includes(command.actorUserId)) {
    return refuse(c, 'postmortem.refusal.own_postmortem', { owner: command.actorUserId === postMortem.ownerUserId, reviewers: waitingFor(postMortem) });
  }
  if (!postMortem.reviewerUserIds.includes(command.actorUserId)) return refuse(c, 'postmortem.refusal.not_a_reviewer', {});
  if (postMortem.reviews.some((r) => r.round === postMortem.round && r.reviewerUserId === command.actorUserId)) {
    return refuse(c, 'postmortem.refusal.already_reviewed', {});
  }
  const problem = checkText(comment);
  if (command.decision === 'request_changes' && problem?.kind === 'required') return refuse(c, 'postmortem.refusal.comment_required', {});
  if (problem?.kind === 'too_long') return refuse(c, 'postmortem.refusal.comment_too_long', { length: problem.length, max: problem.max });

  const reviewed: PostMortem = {
    ...postMortem,
    reviews: [...postMortem.reviews, { reviewerUserId: command.actorUserId, decision: command.decision, comment, at, round: postMortem.round }],
    updatedAt: at,
  };
  if (command.decision === 'request_changes') {
    return accept(c, { ...reviewed, status: 'draft' }, [
      {
        type: 'notify_postmortem_changes_requested',
        incidentId: postMortem.incidentId,
        ownerUserId: postMortem.ownerUserId,
        reviewerUserId: command.actorUserId,
        comment: comment as string,
      },
    ]);
  }
  const approvedBy = new Set(reviewed.reviews.filter((r) => r.round === postMortem.round && r.decision === 'approve').map((r) => r.reviewerUserId));
  if (reviewersFor(reviewed).every((id) => approvedBy.has(id))) return accept(c, ...publish(reviewed, at));
  return accept(c, reviewed, [{ type: 'show_postmortem_review_progress', incidentId: postMortem.incidentId, round: postMortem.round, approvals: approvedBy.size }]);
}

/**
 * Slack deactivated `userId`: an account nobody can use never approves, so a round in review stops
 * waiting for them (they leave its reviewers). Published when everyone left has approved; with
 * nobody left to review it, nothing changes (someone must be named in the playbook's reviewers).
 */
export function reviewerDeactivated(postMortem: PostMortem, command: { readonly userId: string; readonly locale: Locale }, clock: Clock): PostMortemDecision {
  const at = clock.now();
  const { userId } = command;
  const c: Context = { postMortem, actorUserId: userId, action: 'reviewer_deactivated', at, text: null, details: { userId, round: postMortem.round }, locale: command.locale };
  if (postMortem.status !== 'in_review') return refuse(c, 'postmortem.refusal.not_in_review', {});
  if (!awaitsReviewFrom(postMortem, userId)) return refuse(c, 'postmortem.refusal.not_a_reviewer', {});
  const rest: PostMortem = { ...postMortem, reviewerUserIds: postMortem.reviewerUserIds.filter((id) => id !== userId), updatedAt: at };
  if (reviewersFor(rest).length === 0) return refuse(c, 'postmortem.refusal.no_eligible_reviewer', { reviewers: [...postMortem.reviewerUserIds], authors: authorsOf(postMortem) });
  const notice = (published: boolean): PostMortemEffect => ({ type: 'notify_postmortem_reviewer_deactivated', incidentId: postMortem.incidentId, userId, round: postMortem.round, published });
  const approvedBy = new Set(rest.reviews.filter((r) => r.round === rest.round && r.decision === 'approve').map((r) => r.reviewerUserId));
  if (reviewersFor(rest).every((id) => approvedBy.has(id))) {
    const [published, effects] = publish(rest, at);
    return accept(c, published, [notice(true), ...effects]);
  }
  // The notice also redraws the review request without them.
  return accept(c, rest, [notice(false)]);
}

/** Whether a round in review still waits for `userId`'s approval. */
export function awaitsReviewFrom(postMortem: PostMortem, userId: string): boolean {
  return postMortem.status === 'in_review' && waitingFor(postMortem).includes(userId);
}

/** The reviewers who may still approve this round: not its authors, not yet approved. */
function waitingFor(postMortem: PostMortem): string[] {
  const approved = postMortem.reviews.filter((r) => r.round === postMortem.round && r.decision === 'approve').map((r) => r.reviewerUserId);
  return reviewersFor(postMortem).filter((id) => !approved.includes(id));
}

/**
 * Action items are due at this hour of their due day on the wall clock of the incident's workspace
 * (the end of the working day), and reminded at this hour each day after until done.
 */
export const ACTION_ITEM_DUE_HOUR = 17;
/** A reminder that fired late (Firebreak was down) is not followed by another within this time. */
const MIN_ACTION_ITEM_REMINDER_GAP_MS = 12 * 3_600_000;

/**
 * After an action item's reminder fired: the next one, at ACTION_ITEM_DUE_HOUR on `timeZone`'s wall
 * clock (the incident's workspace's zone) at least half a day later, so a late reminder is not
 * followed by another an hour after, and a daylight-saving change does not move the hour. Only
 * while the item is open and the post-mortem published; null once it is done (reminders stop by themselves).
 */
export function nextActionItemReminder(postMortem: PostMortem, actionItemId: string, clock: Clock, timeZone: string): PostMortemEffect | null {
  const item = postMortem.actionItems.find((a) => a.id === actionItemId);
  if (!item || item.doneAt !== null || postMortem.status !== 'published') return null;
  return actionItemReminder(postMortem.incidentId, item, nextLocalHour(clock.now() + MIN_ACTION_ITEM_REMINDER_GAP_MS, ACTION_ITEM_DUE_HOUR, timeZone));
}

export interface SetActionItemDoneCommand {
  readonly actorUserId: string;
  readonly locale: Locale;
  readonly actionItemId: string;
  readonly done: boolean;
}

/** Anyone may tick an action item; its reminder stops, and comes back if it is unticked after publication. */
export function setActionItemDone(postMortem: PostMortem, command: SetActionItemDoneCommand, clock: Clock): PostMortemDecision {
  const at = clock.now();
  const item = postMortem.actionItems.find((a) => a.id === command.actionItemId);
  const c: Context = {
    postMortem,
    actorUserId: command.actorUserId,
    action: 'set_action_item_done',
    at,
    text: item?.text ?? null,
    details: { actionItemId: command.actionItemId, done: command.done },
    locale: command.locale,
  };
  if (!item) return refuse(c, 'postmortem.refusal.action_item_not_found', { id: command.actionItemId });
  if ((item.doneAt !== null) === command.done) return refuse(c, 'postmortem.refusal.action_item_unchanged', { text: item.text, done: command.done });

  const updated: ActionItem = command.done ? { ...item, doneAt: at, doneByUserId: command.actorUserId } : { ...item, doneAt: null, doneByUserId: null };
  const next: PostMortem = {
    ...postMortem,
    actionItems: postMortem.actionItems.map((a) => (a.id === item.id ? updated : a)),
    updatedAt: at,
  };
  const effects: PostMortemEffect[] = [];
  if (postMortem.status === 'published') {
    effects.push(
      command.done ? { type: 'cancel_reminder', reminderKey: postMortemReminderKeys.actionItem(item.id) } : actionItemReminder(postMortem.incidentId, updated),
    );
  }
  return accept(c, next, effects);
}
