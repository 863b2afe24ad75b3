/**
 * A reply draft in the incident thread, edited in place as decisions arrive: the exact text, where it
 * will go, who approved this revision against the quorum, what changed since the last revision, and
 * the decision buttons for this revision only. Once the draft is decided the buttons go.
 */
import type { Button, KnownBlock, RichTextBlock, RichTextText } from '@slack/types';
import { isLocale, t, type Locale } from '../../i18n/index.js';
import { awaitsApproval, diffDraftText, languageConfirmed, liveApprovals, preflightReply, voidedApprovals, shortenDraftDiff, type IncidentState, type ReplyDraft, type TextChange } from '../../domain/incidents/index.js';
import { escapeSlackText, plainFromMrkdwnText } from '../text.js';
import { actionIds, encodeRef } from './ids.js';
import { actions, blockQuote, button, channelLink, context, fit, inertStaffText, link, mention, message, section, wholeQuoteSections, type SlackMessage } from './kit.js';

/** How far the revision is: from `quorumProgress` or the overview's `DraftProgress`. */
export interface DraftCardProgress {
  readonly approvedBy: readonly string[];
  readonly required: number;
  /** How many may approve this revision now; fewer than `required` means no quorum can be met. */
  readonly eligibleCount?: number;
  /** Approvers the playbook names whose Slack accounts are deactivated: said, as they no longer count. */
  readonly deactivatedApprovers?: readonly string[];
}

/** How many deactivated approvers the card names (the playbook's check lists them all). */
const DEACTIVATED_NAMED = 6;

export interface DraftCardOptions {
  /** The text of the revision before this one, to show what changed. */
  readonly previousText?: string;
  /** Permalink of the member message a thread reply answers. */
  readonly targetPermalink?: string;
  /** Permalink of the public reply once posted. */
  readonly postedPermalink?: string;
}

export function draftCard(
  state: IncidentState,
  draft: ReplyDraft,
  progress: DraftCardProgress,
  locale: Locale,
  options: DraftCardOptions = {},
): SlackMessage {
  const open = awaitsApproval(draft);
  const target =
    draft.target.kind === 'thread'
      ? t(locale, 'ui.draft.target_thread', { link: link(options.targetPermalink, t(locale, 'ui.draft.member_message', {})) })
      : t(locale, 'ui.draft.target_channel', { channel: channelLink(draft.target.channelId) });

  const blocks: KnownBlock[] = [
    section(
      `*${t(locale, 'ui.draft.heading', { number: draft.number, revision: draft.revision })}*\n` +
        `${target} · ${t(locale, 'ui.draft.language', { language: isLocale(draft.language) ? t(locale, `ui.language.${draft.language}`, {}) : String(draft.language) })}`,
    ),
    ...wholeQuoteSections(inertStaffText(draft.text)),
  ];
  if (options.previousText !== undefined && draft.revision > 1 && options.previousText !== draft.text) {
    blocks.push(section(`*${t(locale, 'ui.draft.changes_heading', { from: draft.revision - 1 })}*`));
    // rich_text shows its text literally: the diff is of the texts as read (`&amp;` as `&`), not as escaped.
    blocks.push(diffBlock(shortenDraftDiff(diffDraftText(plainFromMrkdwnText(options.previousText), plainFromMrkdwnText(draft.text)), 40, DIFF_MAX_LENGTH)));
  }
  blocks.push(section(decisionsText(state, draft, progress, locale, options)));
  if (open || draft.status === 'approved') blocks.push(context(preflightText(draft, locale)));
  if (state.incident.drill && draft.status !== 'rejected' && draft.status !== 'closed_unsent') blocks.push(context(t(locale, 'ui.draft.drill', {})));
  if (open && state.incident.status !== 'resolved') blocks.push(actions(draftButtons(state, draft, locale)));
  blocks.push(context(t(locale, 'ui.draft.author', { user: mention(draft.authorUserId) })));

  const text = t(locale, 'ui.draft.notification', { number: draft.number, status: statusLabel(draft, locale, state.incident.drill) });
  return message(text, blocks, `draft card ${draft.id} r${draft.revision}`);
}

/** Characters of the "What changed" quote: as much as the mrkdwn quote it replaced showed. */
const DIFF_MAX_LENGTH = 2500;

/**
 * The diff as rich text: insertions bold, deletions struck, each a styled element of plain text. The
 * reply's own `*`, `_`, `~` or backticks stay characters (mrkdwn has no escape for them, so in a mrkdwn
 * quote they opened and closed the diff's own emphasis), and a mention in it stays text.
 */
function diffBlock(changes: readonly TextChange[]): RichTextBlock {
  const elements: RichTextText[] = [];
  for (const change of changes) {
    // A deleted space is not worth a mark; an inserted one is shown as the space it is.
    if (change.text === '' || (change.op === 'delete' && change.text.trim() === '')) continue;
    const style = change.op === 'insert' && change.text.trim() !== '' ? { bold: true } : change.op === 'delete' ? { strike: true } : undefined;
    elements.push({ type: 'text', text: change.text, ...(style ? { style } : {}) });
  }
  if (elements.length === 0) elements.push({ type: 'text', text: '…' });
  return { type: 'rich_text', elements: [{ type: 'rich_text_quote', elements }] };
}

/**
 * The preflight as approvers see it: refusals of the exact text (recomputed, they need no context) and
 * the warnings recorded when this revision was written.
 */
function preflightText(draft: ReplyDraft, locale: Locale): string {
  const refusals = preflightReply(draft.text, draft.language).refusals;
  if (refusals.length > 0) {
    const found = refusals.map((refusal) => ('found' in refusal ? `\`${inertStaffText(refusal.found)}\`` : refusal.code)).join(', ');
    return fit(`${t(locale, 'preflight.refused', {})} ${found}`, 1900);
  }
  if (draft.preflightWarnings.length === 0) return t(locale, 'preflight.passed', {});
  const lines = draft.preflightWarnings.map((warning) =>
    warning.code === 'language'
      ? t(locale, 'preflight.warning.language', { language: warning.language, expected: warning.expected, confirmed: languageConfirmed(warning, draft) })
      : t(locale, 'preflight.warning.contact', { kind: warning.kind, found: inertStaffText(warning.found) }),
  );
  return fit(lines.join('\n'), 1900);
}

/** A drill's reply is posted in the alert thread only: its card must not say it reached the community. */
function statusLabel(draft: ReplyDraft, locale: Locale, drill: boolean): string {
  if (drill && draft.status === 'posted') return t(locale, 'ui.draft.status.posted_drill', {});
  return t(locale, `ui.draft.status.${draft.status}`, {});
}

function decisionsText(state: IncidentState, draft: ReplyDraft, progress: DraftCardProgress, locale: Locale, options: DraftCardOptions): string {
  const approvers = progress.approvedBy.length > 0 ? progress.approvedBy.map(mention).join(', ') : t(locale, 'ui.draft.nobody_yet', {});
  const lines = [
    `*${t(locale, 'ui.field.status', {})}:* ${statusLabel(draft, locale, state.incident.drill)}`,
    t(locale, 'ui.draft.approvals', { count: progress.approvedBy.length, required: progress.required, approvers }),
  ];
  // Approvals that stopped counting because Slack deactivated their approver.
  const voided = voidedApprovals(state, draft);
  if (voided.length > 0) lines.push(t(locale, 'ui.draft.approvals_voided', { users: [...new Set(voided.map((a) => a.approverUserId))].map(mention).join(', ') }));
  const open = awaitsApproval(draft);
  const gone = progress.deactivatedApprovers ?? [];
  if (open && gone.length > 0) lines.push(t(locale, 'ui.draft.approvers_deactivated', { users: gone.slice(0, DEACTIVATED_NAMED).map(mention).join(', '), more: Math.max(0, gone.length - DEACTIVATED_NAMED) }));
  // Never silently stuck: a quorum nobody can meet says so and what to do; one met since says who posts it.
  if (open && progress.eligibleCount !== undefined && progress.eligibleCount < progress.required) {
    lines.push(t(locale, 'ui.draft.quorum_unreachable', { required: progress.required, eligible: progress.eligibleCount }));
  } else if (draft.status === 'pending' && progress.approvedBy.length >= progress.required) {
    lines.push(t(locale, 'ui.draft.approve_again', {}));
  }
  // Objections on this revision, with what was said, so the drafter knows what to fix.
  for (const decision of liveApprovals(state, draft)) {
    if (decision.decision === 'approve') continue;
    const key = decision.decision === 'reject' ? 'ui.draft.rejected_by' : 'ui.draft.changes_by';
    const comment = decision.comment ? `\n${blockQuote(escapeSlackText(decision.comment), 600)}` : '';
    lines.push(`${t(locale, key, { user: mention(decision.approverUserId) })}${comment}`);
  }
  if (draft.status === 'posted') {
    const posted = link(options.postedPermalink, t(locale, 'ui.draft.view_reply', {}));
    if (posted) lines.push(posted);
  }
  return lines.join('\n');
}

function draftButtons(state: IncidentState, draft: ReplyDraft, locale: Locale): Button[] {
  const ref = encodeRef({ i: state.incident.id, d: draft.id, r: draft.revision });
  const buttons: Button[] = [];
  // With changes requested the domain refuses approval until an edit; offer Edit first instead.
  if (draft.status === 'pending') buttons.push(button(t(locale, 'ui.button.approve', {}), actionIds.approveDraft, ref, 'primary'));
  buttons.push(button(t(locale, 'ui.button.request_changes', {}), actionIds.requestChanges, ref));
  buttons.push(button(t(locale, 'ui.button.edit', {}), actionIds.editDraft, ref, draft.status === 'changes_requested' ? 'primary' : undefined));
  buttons.push(button(t(locale, 'ui.button.reject', {}), actionIds.rejectDraft, ref, 'danger'));
  return buttons;
}
