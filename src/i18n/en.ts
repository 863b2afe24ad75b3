/** English texts. The shape of this object is the catalog every other language must match. */
import { drillCliEn } from './drill-cli-en.js';
import { feedbackEn } from './feedback-en.js';
import { sandboxEn } from './sandbox-en.js';
import { uiEn } from './ui-en.js';

type Empty = Record<string, never>;

const fields: Record<string, string> = {
  text: 'reply text',
  note: 'note',
  comment: 'comment',
  reason: 'reason',
  summary: 'resolution summary',
  severity: 'severity',
  impact: 'impact',
  whatHappened: 'what happened',
  whatWentWell: 'what went well',
  whatToImprove: 'what to improve',
  actionItems: 'action items',
  owner: 'owner',
  dueAt: 'due date',
};
const field = (name: string) => fields[name] ?? name;
const feedbackVerdictsEn: Record<string, string> = { real_crisis: 'real crisis', false_alarm: 'false alarm', negative: 'negative', not_negative: 'not negative' };

const actions: Record<string, string> = {
  resolve: 'resolve the incident',
  reopen: 'reopen the incident',
  change_severity: 'change the severity',
};
/** "the incident lead, an approver or someone the playbook names". */
const whoMay = (p: { lead: boolean; approvers: boolean; named: boolean }) => {
  const parts = [p.lead && 'the incident lead', p.approvers && 'an approver', p.named && 'someone the playbook names'].filter(
    (part): part is string => typeof part === 'string',
  );
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} or ${parts.at(-1)}` : (parts[0] ?? 'nobody');
};
/** " Ask one of them: <@U1>, <@U2> (and 3 more)." — whom a refused person can turn to; '' when nobody. */
const askOneOf = (people: readonly string[], more: number) =>
  people.length > 0 ? ` Ask one of them: ${people.map((id) => `<@${id}>`).join(', ')}${more > 0 ? ` (and ${more} more)` : ''}.` : '';
const languageName = (code: string) => (code === 'es' ? 'Spanish' : code === 'en' ? 'English' : code);
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
/** Where an approved reply goes, said once on the approval's line (`channel` is empty in old records). */
const willPostEn = (p: { channel: string; drill: boolean }) =>
  p.drill ? 'it will be posted only in the alert thread (drill)' : p.channel ? `it will be posted in ${p.channel}` : 'it will be posted';

export const en = {
  // Refusals: shown to the person who pressed the button, and written to the audit log.
  'refusal.incident_resolved': (p: { number: number }) =>
    `Incident #${p.number} is resolved, so this can no longer be done. Reopen it first if the response must go on.`,
  'refusal.message_deleted': (_: Empty) =>
    'Its author deleted this message, so Firebreak keeps nothing of it: it was not added to the timeline.',
  'refusal.incident_not_resolved': (p: { number: number }) => `Incident #${p.number} is not resolved, so there is nothing to reopen.`,
  'refusal.already_lead': (p: { number: number }) => `You are already leading incident #${p.number}.`,
  'refusal.lead_changed': (p: { number: number; leadUserId: string | null }) =>
    p.leadUserId
      ? `<@${p.leadUserId}> took the lead of incident #${p.number} just before you pressed. Press *Take over the lead* on the alert if you mean to take it from them.`
      : `Nobody leads incident #${p.number} any more: press the alert's first button if you mean to lead it.`,
  'refusal.not_authorised': (p: { action: string; lead: boolean; approvers: boolean; named: boolean; people?: string[]; more?: number }) =>
    `Only ${whoMay(p)} can ${actions[p.action] ?? p.action} under this playbook.` + askOneOf(p.people ?? [], p.more ?? 0),
  'refusal.not_an_approver': (p: { draftNumber: number; approvers: string[]; more: number }) =>
    `You are not one of this playbook's approvers, so you cannot decide on reply #${p.draftNumber}.` + askOneOf(p.approvers, p.more),
  'refusal.approvers_unconfirmed': (_: Empty) =>
    'Slack did not say who is in this playbook’s approver groups just now, so your approval was not recorded. Try again in a moment.',
  'refusal.four_eyes': (p: { draftNumber: number }) =>
    `You wrote or edited reply #${p.draftNumber}; under the four-eyes rule someone else must approve it.`,
  'refusal.no_approvers': (_: Empty) =>
    'This playbook names no approvers (or its approver groups are empty), so no reply could be approved. Ask an admin to fix the playbook.',
  'refusal.invalid_quorum': (p: { n: number }) =>
    `This playbook's quorum (${p.n}) is not a whole number of at least 1, so no reply could be approved. Ask an admin to fix the playbook.`,
  'refusal.quorum_unreachable': (p: { required: number; eligible: number }) =>
    `This reply needs ${plural(p.required, 'approval', 'approvals')} but only ${plural(p.eligible, 'approver is', 'approvers are')} allowed to give one, so it could never be posted.`,
  'refusal.draft_not_found': (p: { draftId: string }) => `There is no reply draft ${p.draftId} in this incident.`,
  'refusal.draft_closed': (p: { draftNumber: number }) => `Reply #${p.draftNumber} was rejected; write a new draft instead.`,
  'refusal.draft_already_approved': (p: { draftNumber: number }) =>
    `Reply #${p.draftNumber} is already approved and goes out once; nothing more to decide.`,
  'refusal.draft_not_approved': (p: { draftNumber: number }) => `Reply #${p.draftNumber} has not been approved, so it cannot be posted.`,
  'refusal.draft_closed_unsent': (p: { draftNumber: number }) => `Reply #${p.draftNumber} was not sent: the incident was resolved while it waited for approval; write a new draft instead.`,
  'refusal.draft_not_posted': (p: { draftNumber: number }) => `Reply #${p.draftNumber} was approved but could not be posted; write a new draft instead.`,
  'refusal.stale_revision': (p: { draftNumber: number; seen: number; current: number }) =>
    `Reply #${p.draftNumber} has changed since you opened it (you saw revision ${p.seen}, it is now at revision ${p.current}). Review the new text.`,
  'refusal.already_decided': (p: { draftNumber: number; revision: number }) =>
    `You have already given your decision on revision ${p.revision} of reply #${p.draftNumber}.`,
  'refusal.changes_requested_pending': (p: { draftNumber: number; requestedBy: string }) =>
    `Changes were requested on reply #${p.draftNumber}${p.requestedBy ? ` by <@${p.requestedBy}>` : ''}; it must be edited before it can be approved.`,
  'refusal.no_change': (p: { draftNumber: number }) => `The text is the same as the current revision of reply #${p.draftNumber}.`,
  'refusal.same_severity': (p: { severity: string }) => `The incident is already ${p.severity.toUpperCase()}.`,
  'refusal.severity_changed': (p: { number: number; seen: string; current: string }) =>
    `Someone changed incident #${p.number} to ${p.current.toUpperCase()} while this form was open (it showed ${p.seen.toUpperCase()}). Close it and press Change severity again to decide from there.`,
  'refusal.step_not_found': (p: { stepId: string }) => `This incident's checklist has no step "${p.stepId}".`,
  'refusal.step_already_done': (p: { step: string; doneByUserId: string }) =>
    `"${p.step}" is already done${p.doneByUserId ? ` (by <@${p.doneByUserId}>)` : ''}.`,
  'refusal.step_not_done': (p: { step: string }) => `"${p.step}" is not done, so there is nothing to undo.`,
  'refusal.step_already_skipped': (p: { step: string }) => `“${p.step}” is already skipped.`,
  'refusal.required_steps_open': (p: { steps: string[] }) =>
    `These required steps are neither done nor skipped: ${p.steps.map((s) => `“${s}”`).join(', ')}. On the checklist in the incident thread, mark each Done or use Skip… to give a reason, then resolve again.`,
  'refusal.text_required': (p: { field: string }) => `The ${field(p.field)} is required.`,
  'refusal.text_too_long': (p: { field: string; length: number; max: number }) =>
    `The ${field(p.field)} is ${p.length} characters long; Slack allows at most ${p.max}.`,
  'refusal.invalid_input': (p: { field: string; value: string; expected: string }) =>
    `"${p.value}" is not a valid ${field(p.field)}; expected one of: ${p.expected}.`,
  'refusal.preflight': (p: { field: string; unfilled: string; mention: string; empty: boolean; length: number; max: number }) =>
    [
      'This reply cannot go to the community:',
      p.empty ? 'it is empty.' : '',
      p.length > p.max ? `it is ${p.length} characters long; Slack allows at most ${p.max}.` : '',
      p.unfilled
        ? p.unfilled === '[member]'
          ? 'it still contains “[member]”: there is no member message to answer, so write to everyone or reply to a member’s message instead.'
          : `it still contains “${p.unfilled}”, a gap the template could not fill; write the real value in.`
        : '',
      p.mention ? `it contains “${p.mention}”, which would notify a whole channel or group.` : '',
    ]
      .filter(Boolean)
      .join(' '),
  // With the expected language already chosen the modal offers no "anyway" box: the text itself must change.
  'refusal.preflight_language': (p: { field: string; language: string; expected: string; chosen: string; edit: boolean }) =>
    p.edit
      ? `This reply is now in ${languageName(p.language)}, but the people it answers write in ${languageName(p.expected)}. Tick “Post in this language anyway” to post it in ${languageName(p.language)}, or rewrite it in ${languageName(p.expected)}.`
      : p.chosen === p.expected
      ? `This reply is written in ${languageName(p.language)}, but the language chosen, and the one the people it answers write in, is ${languageName(p.expected)}. Write it in ${languageName(p.expected)}; to post it in ${languageName(p.language)}, pick ${languageName(p.language)} as the reply's language and tick “Post in this language anyway”.`
      : `This reply is in ${languageName(p.language)}, but the people it answers write in ${languageName(p.expected)}. Tick “Post in this language anyway” to post it in ${languageName(p.language)}, or rewrite it in ${languageName(p.expected)} and pick ${languageName(p.expected)} as the reply's language.`,
  'refusal.unknown_target': (_: { field: string }) =>
    'This reply would answer a message this incident does not quote. Pick where it goes again: the channel, or one of the member messages listed.',
  'preflight.passed': (_: Empty) => ':white_check_mark: Preflight: nothing to flag.',
  'preflight.refused': (_: Empty) => ':no_entry: Preflight refuses this text; it cannot be approved:',
  'preflight.warning.language': (p: { language: string; expected: string; confirmed: boolean }) =>
    `:warning: Written in ${languageName(p.language)}; the people it answers write in ${languageName(p.expected)}${p.confirmed ? ' (the drafter confirmed)' : ''}.`,
  'preflight.warning.contact': (p: { kind: string; found: string }) =>
    `:warning: ${p.kind === 'email' ? 'E-mail address' : p.kind === 'phone' ? 'Phone number' : 'Link'} not in the playbook or its templates: ${p.found}`,
  'preflight.hold.unknown_draft': (_: Empty) => 'its draft or revision no longer exists.',
  'preflight.hold.not_approved': (_: Empty) => 'no quorum approved it.',
  'preflight.hold.text_not_approved': (_: Empty) => 'its text is not the exact text a quorum approved.',
  'preflight.hold.quorum_lost': (_: Empty) => 'some of its approvers are no longer approvers in the playbook, so the approvals left no longer make a quorum.',
  'preflight.hold.quorum_grew': (_: Empty) =>
    'more people may approve it now than when it was approved (an approver whose Slack account is active again, or approvers added to the playbook or its group), and its quorum needs their approval too; draft it again to have it approved.',
  'preflight.hold.approver_deactivated': (_: Empty) => 'the Slack account of an approver it counted on was deactivated, so the approvals left no longer make a quorum; draft it again to have it approved.',
  'preflight.hold.preflight_refused': (_: Empty) => 'the preflight refuses its text (an unfilled variable, a mass mention, or its length).',
  'preflight.hold.drill_outside_thread': (_: Empty) => 'this is a drill, and a drill never posts outside its alert thread.',
  'preflight.hold.wrong_channel': (_: Empty) => 'it was addressed to another channel than the one approved.',
  'preflight.hold.parent_deleted': (p: { channel: string }) =>
    `the member's message it answers in ${p.channel} was deleted (or Firebreak can no longer see it), so a reply in its thread would be invisible or out of place. Nothing was posted. To tell the community anyway, draft it again as a new message in the channel.`,
  'preflight.hold.lookup_failed': (p: { channel: string }) =>
    `Slack never answered an earlier attempt to post it, and Firebreak could not check whether that attempt landed (reading ${p.channel} failed). Nothing more was posted, so it is never posted twice. Look in ${p.channel}: if the reply is not there, draft it again; if it is, there is nothing to do.`,
  'preflight.hold.lookup_incomplete': (p: { channel: string }) =>
    `Slack never answered an earlier attempt to post it, and Firebreak could not read every message posted in ${p.channel} since then, in time, to check whether that attempt landed (too many messages, or Slack limits how often Firebreak may read the channel). Nothing more was posted, so it is never posted twice. Look in ${p.channel}: if the reply is not there, draft it again; if it is, there is nothing to do.`,
  'preflight.hold.parent_unchecked': (p: { channel: string }) =>
    `Firebreak could not check that the member's message it answers in ${p.channel} is still there: Slack kept refusing to let it read the thread (its rate limit). A reply is never posted unchecked, so nothing was posted. Look in ${p.channel}: if the member's message is still there, draft the reply again.`,
  'preflight.waiting.lookup': (p: { draftNumber: number; channel: string; minutes: number }) =>
    `:hourglass_flowing_sand: Reply #${p.draftNumber} is waiting: Slack never answered an earlier attempt to post it, and Slack limits how often Firebreak may read ${p.channel} to check whether that attempt landed (apps not approved for the Slack Marketplace may read a channel once a minute, 15 messages at a time). It is posted once the check finds it missing, never twice; if the check is not done within ${p.minutes} minutes it is held and said here.`,
  'preflight.waiting.parent': (p: { draftNumber: number; channel: string; minutes: number }) =>
    `:hourglass_flowing_sand: Reply #${p.draftNumber} is waiting: before posting it Firebreak checks that the member's message it answers in ${p.channel} is still there, and Slack limits how often Firebreak may read it (apps not approved for the Slack Marketplace may read threads once a minute). It is posted once the check passes; if the check is not done within ${p.minutes} minutes it is held and said here.`,
  'preflight.held': (p: { draftNumber: number; reason: string }) =>
    `:octagonal_sign: Reply #${p.draftNumber} was held and not posted: ${p.reason}`,
  'unanswered.reminder': (p: { who: string; count: number; channel: string; minutes: number; list: string }) =>
    `:speech_balloon: ${p.who} ${plural(p.count, 'negative message', 'negative messages')} in #${p.channel} ${p.count === 1 ? 'has' : 'have'} had no answer for over ${p.minutes} min:\n${p.list}`,
  'digest.dropped': (p: { channel: string; date: string }) =>
    `The digest of ${p.date} was not posted: Slack would not take it in ${p.channel} (deleted, archived, or the bot is not in it). Digests come here now; the next one is on schedule.`,
  'outbox.reply_stopped_by_uninstall': (p: { draftNumber: number; uncertain: boolean }) =>
    `:warning: Reply #${p.draftNumber} was approved but Firebreak was uninstalled from this workspace (or its access revoked) before posting it, so it was never posted${p.uncertain ? ' (an earlier attempt went unanswered: check the channel before posting again)' : ': nothing reached the community'}. Firebreak is back now; if the reply is still needed, draft it again.`,
  'outbox.message_deleted': (p: { method: string; error: string }) =>
    `:warning: A message Firebreak keeps up to date was deleted in Slack, so it no longer shows the latest state (${p.method}: \`${p.error}\`). \`/firebreak status\` shows where every open incident stands.`,
  'outbox.thread_lines_stopped_by_uninstall': (p: { lines: string[]; more: number }) =>
    `:information_source: While Firebreak was uninstalled from this workspace (or its access revoked), ${plural(p.lines.length + p.more, 'update was', 'updates were')} not posted in this thread; the alert and the cards above now show where things stand. What happened meanwhile:\n${p.lines.map((line) => `• ${line}`).join('\n')}${p.more > 0 ? `\n…and ${p.more} more (the incident's timeline has them all).` : ''}`,
  'outbox.write_refused': (p: { method: string; error: string }) =>
    `:warning: Slack refused a write (${p.method}): \`${p.error}\`. Firebreak will not retry it; check the channel and the bot's access.`,

  // Timeline entries. {user} and friends arrive already formatted (a Slack mention or a display name).
  'timeline.detected': (_: Empty) => 'Negative sentiment detected in the channel',
  'timeline.opened': (p: { severity: string; drill: boolean }) =>
    `${p.drill ? 'Drill incident' : 'Incident'} opened as ${p.severity.toUpperCase()}`,
  'timeline.alert_posted': (_: Empty) => 'Alert posted to the alerts channel',
  'timeline.alert_raised_again': (p: { heldChannel: string }) =>
    `Raised here late: this incident was held because its alerts channel ${p.heldChannel} is a community channel Firebreak watches, so nothing of it was posted there`,
  'timeline.alert_raised_elsewhere': (p: { heldChannel: string }) =>
    `Raised here late: Slack would not take this incident in its alerts channel ${p.heldChannel} (archived, deleted, or the bot is not in it), so nothing of it was posted there`,
  'timeline.acknowledged': (p: { user: string }) => `${p.user} acknowledged the incident and took the lead`,
  'timeline.lead_changed': (p: { user: string; from: string }) => `${p.user} took over the lead from ${p.from}`,
  'timeline.lead_deactivated': (p: { user: string; ask: string }) =>
    `${p.user}'s Slack account was deactivated, so this incident has no lead now: ${p.ask}, one of you please take the lead (“Acknowledge & lead” on the alert)`,
  'timeline.severity_changed': (p: { user: string; from: string; to: string }) =>
    `${p.user} changed the severity from ${p.from.toUpperCase()} to ${p.to.toUpperCase()}`,
  'timeline.draft_created': (p: { user: string; draftNumber: number }) => `${p.user} drafted reply #${p.draftNumber}`,
  'timeline.draft_edited': (p: { user: string; draftNumber: number; revision: number; voided: number }) =>
    `${p.user} edited reply #${p.draftNumber} (now revision ${p.revision})${p.voided > 0 ? `; ${plural(p.voided, 'earlier decision no longer counts', 'earlier decisions no longer count')}` : ''}`,
  'timeline.draft_approved': (p: { user: string; draftNumber: number; revision: number; approvals: number; required: number }) =>
    `${p.user} approved revision ${p.revision} of reply #${p.draftNumber} (${p.approvals} of ${p.required})`,
  'timeline.draft_changes_requested': (p: { user: string; draftNumber: number; comment: string }) =>
    `${p.user} asked for changes to reply #${p.draftNumber}: ${p.comment}`,
  'timeline.draft_rejected': (p: { user: string; draftNumber: number; comment: string }) =>
    `${p.user} rejected reply #${p.draftNumber}: ${p.comment}`,
  /** The approval that reached the quorum: one line for the approval and what follows from it. */
  'timeline.draft_approved_quorum': (p: { user: string; draftNumber: number; revision: number; approvals: number; required: number; channel: string; drill: boolean }) =>
    `${p.user} approved revision ${p.revision} of reply #${p.draftNumber} (${p.approvals} of ${p.required}): ${willPostEn(p)}`,
  'timeline.quorum_met': (p: { draftNumber: number; approvers: string; channel: string; drill: boolean }) =>
    `Reply #${p.draftNumber} approved by ${p.approvers}: ${willPostEn(p)}`,
  'timeline.approval_voided': (p: { user: string; draftNumber: number; backToPending: boolean }) =>
    `${p.user}'s approval of reply #${p.draftNumber} no longer counts: their Slack account was deactivated${p.backToPending ? '. The reply is not posted and waits for approval again' : ''}`,
  'timeline.approver_deactivated': (p: { user: string; drafts: string; unreachable: string; approvedByAll: string }) =>
    `${p.user}'s Slack account was deactivated, so they are no longer an approver: replies waiting for approval (${p.drafts}) no longer count on them.` +
    (p.unreachable ? ` Reply ${p.unreachable} can no longer get the approvals its playbook asks for: edit the playbook's approvers (\`firebreak doctor\` lists deactivated accounts at their playbook line).` : '') +
    (p.approvedByAll ? ` Reply ${p.approvedByAll} now has the approval of everyone who can still approve: one of you, press Approve again to post it.` : ''),
  'timeline.approver_reactivated': (p: { user: string; drafts: string; unreachable: string; approvedByAll: string }) =>
    `${p.user}'s Slack account is active again, so they count as an approver again for the replies waiting for approval (${p.drafts}).` +
    (p.unreachable ? ` Reply ${p.unreachable} still cannot get the approvals its playbook asks for: edit the playbook's approvers.` : ''),
  'timeline.reply_posted': (p: { draftNumber: number; drill: boolean }) =>
    p.drill ? `Reply #${p.draftNumber} posted (drill: only to the alert thread)` : `Reply #${p.draftNumber} posted to the community`,
  'timeline.draft_closed_unsent': (p: { draftNumber: number }) =>
    `Reply #${p.draftNumber} was not sent: it was still waiting for approval when the incident was resolved`,
  'timeline.reply_not_posted': (p: { draftNumber: number; reason: string; uncertain: boolean }) =>
    p.uncertain
      ? `Reply #${p.draftNumber} was not confirmed as posted (Slack never answered an attempt, then answered \`${p.reason}\`)`
      : `Reply #${p.draftNumber} was not posted (\`${p.reason}\`): nothing reached the community`,
  'timeline.checklist_ticked': (p: { user: string; step: string }) => `${p.user} completed “${p.step}”`,
  'timeline.checklist_unticked': (p: { user: string; step: string }) => `${p.user} reopened “${p.step}”`,
  'timeline.checklist_skipped': (p: { user: string; step: string }) => `${p.user} skipped “${p.step}”`,
  'timeline.reminder_sent': (p: { recipients: string; subject: string }) => `Reminder sent to ${p.recipients}: ${p.subject}`,
  'timeline.escalation_sent': (p: { recipients: string; subject: string }) => `Escalated to ${p.recipients}: ${p.subject}`,
  /** `window` is a formatted duration ("30 s", "2 min"), `expected` a number formatted for the locale. */
  'timeline.detection_escalated': (p: { observed: number; expected: string; window: string }) =>
    `Getting worse: ${plural(p.observed, 'negative message', 'negative messages')} in ${p.window} where about ${p.expected} are usual`,
  'timeline.note_added': (p: { user: string }) => `${p.user} added a note`,
  'timeline.message_added': (p: { user: string; author: string }) => `${p.user} added a message by ${p.author} to the timeline`,
  'timeline.message_added_deleted': (p: { user: string; author: string }) =>
    `${p.user} added a message by ${p.author} to the timeline; its author has since deleted it, so Firebreak no longer shows it`,
  'timeline.message_added_edited': (p: { user: string; author: string }) =>
    `${p.user} added a message by ${p.author} to the timeline; its author has since edited it, and Firebreak shows the latest words`,
  'timeline.feedback_given': (p: { user: string; verdict: string; excerpt: string }) =>
    `${p.user} gave feedback: ${feedbackVerdictsEn[p.verdict] ?? p.verdict}${p.excerpt ? ` on “${p.excerpt}”` : ''}`,
  /** `earlier`: the verdict of `earlierBy` that counts again (same: the person who undid it), when Undo let one. */
  'timeline.feedback_undone': (p: { user: string; verdict: string; excerpt: string; earlier: string; earlierBy: string; earlierSame: boolean }) =>
    `${p.user} undid the feedback “${feedbackVerdictsEn[p.verdict] ?? p.verdict}”${p.excerpt ? ` on “${p.excerpt}”` : ''}` +
    (p.earlier ? `; ${p.earlierSame ? 'their' : `${p.earlierBy}’s`} earlier verdict, “${feedbackVerdictsEn[p.earlier] ?? p.earlier}”, counts again` : ''),
  'timeline.resolved': (p: { user: string }) => `${p.user} resolved the incident`,
  'timeline.reopened': (p: { user: string }) => `${p.user} reopened the incident`,
  'timeline.firebreak': (_: Empty) => 'Firebreak',
  'timeline.nobody': (_: Empty) => 'nobody',
  'timeline.unknown_member': (_: Empty) => 'an unknown member',

  // Post-mortem fields, modal errors (shown under the input) and refusals.
  'postmortem.field.summary': (_: Empty) => 'Summary',
  'postmortem.field.impact': (_: Empty) => 'Impact',
  'postmortem.field.whatHappened': (_: Empty) => 'What happened',
  'postmortem.field.whatWentWell': (_: Empty) => 'What went well',
  'postmortem.field.whatToImprove': (_: Empty) => 'What to improve',
  'postmortem.error.required': (p: { label: string }) => `“${p.label}” is required before the post-mortem can go to review.`,
  'postmortem.error.too_long': (p: { length: number; max: number }) =>
    `This is ${p.length} characters long; Slack allows at most ${p.max}.`,
  // Numbers typed in a field (domain/numbers): which field, what was typed, what to write instead.
  'number.invalid': (p: { field: string; value: string; example: string }) =>
    `“${p.value}” in “${p.field}” is not a number. Write digits, with a decimal point or comma if needed (for example ${p.example}).`,
  'number.invalid_whole': (p: { field: string; value: string; example: string }) =>
    `“${p.value}” in “${p.field}” is not a whole number. Write digits only (for example ${p.example}).`,
  'number.ambiguous': (p: { field: string; value: string; thousands: string; decimals: string }) =>
    `“${p.value}” in “${p.field}” could be read two ways, as thousands or as decimals. Write thousands without a separator (${p.thousands}), or decimals with a fourth digit (${p.decimals}).`,
  'number.not_whole': (p: { field: string; value: string }) => `“${p.value}” in “${p.field}” has decimals; write a whole number.`,
  'number.below_min': (p: { field: string; value: string; min: string }) => `${p.value} in “${p.field}” is too small; the least it takes is ${p.min}.`,
  'number.above_max': (p: { field: string; value: string; max: string }) => `${p.value} in “${p.field}” is too large; the most it takes is ${p.max}.`,
  'postmortem.error.not_yes_no': (_: Empty) => 'Answer yes or no.',
  'postmortem.error.unknown_question': (p: { id: string }) => `This playbook has no question "${p.id}".`,
  'postmortem.error.too_many_actions': (p: { max: number; count: number }) =>
    `${p.count} action items is too many for one post-mortem; keep it to ${p.max} at most.`,
  'postmortem.error.unknown_action': (p: { id: string }) => `Action item ${p.id} does not belong to this post-mortem.`,
  'postmortem.error.action_text_required': (_: Empty) => 'Say what needs to be done.',
  'postmortem.error.action_owner_required': (_: Empty) => 'Choose who owns this action item.',
  'postmortem.error.action_due_required': (_: Empty) => 'Pick a due date.',
  'postmortem.error.action_due_past': (_: Empty) => 'The due date is in the past.',
  'postmortem.error.edited_since_opened': (_: Empty) =>
    'Someone else saved a change to this field after you opened this form. Copy your text, close the form and open it again to see their version, then add yours.',
  'postmortem.error.emptied_since_opened': (p: { who: string | null }) =>
    `${p.who ?? 'Someone else'} emptied this field after you opened this form. Send again to keep the text shown here.`,
  'postmortem.refusal.edited_since_opened': (p: { count: number }) =>
    `The post-mortem was not saved: someone else changed ${p.count === 1 ? 'a field you changed too' : `${p.count} fields you changed too`} after you opened this form.`,
  'postmortem.refusal.invalid_submission': (p: { count: number }) =>
    `The post-mortem was not saved: ${plural(p.count, 'field needs', 'fields need')} attention.`,
  'postmortem.refusal.not_authorised': (_: Empty) => 'Only the post-mortem owner and its reviewers can edit it.',
  'postmortem.refusal.published': (_: Empty) => 'This post-mortem is published and can no longer change.',
  'postmortem.refusal.in_review': (_: Empty) =>
    'This post-mortem is in review; a reviewer must request changes before it can be edited.',
  'postmortem.refusal.not_in_review': (_: Empty) => 'This post-mortem is not waiting for review.',
  'postmortem.refusal.not_a_reviewer': (_: Empty) => 'You are not one of the reviewers of this post-mortem.',
  'postmortem.refusal.own_postmortem': (p: { owner: boolean; reviewers: string[] }) =>
    `${p.owner ? 'You own this post-mortem' : 'You wrote part of this post-mortem'}, so someone else must review it: nobody approves what they wrote (four-eyes, as for replies). ` +
    (p.reviewers.length > 0
      ? `${p.reviewers.map((id) => `<@${id}>`).join(', ')} can review it.`
      : 'No reviewer who did not write it is left; ask an admin to add one to the playbook\'s post-mortem reviewers.'),
  'postmortem.refusal.no_eligible_reviewer': (p: { reviewers: string[]; authors: string[] }) =>
    (p.reviewers.length > 0
      ? `Nobody can review this post-mortem: its reviewers (${p.reviewers.map((id) => `<@${id}>`).join(', ')}) each own it or wrote part of it (${p.authors.map((id) => `<@${id}>`).join(', ')}), and nobody approves what they wrote.`
      : `Nobody can review this post-mortem: its playbook's post-mortem reviewers are nobody in this workspace (an empty group?), and its authors (${p.authors.map((id) => `<@${id}>`).join(', ')}) cannot approve it themselves.`) +
    ' Ask an admin to add someone who did not write it to the playbook\'s postMortem.reviewers (or to its group), then send it again. Nothing was sent; choose "Keep as draft" to save what you wrote.',
  'postmortem.refusal.already_reviewed': (_: Empty) => 'You have already reviewed this version of the post-mortem.',
  'postmortem.refusal.comment_required': (_: Empty) => 'Say what should change: a comment is required.',
  'postmortem.refusal.comment_too_long': (p: { length: number; max: number }) =>
    `The comment is ${p.length} characters long; Slack allows at most ${p.max}.`,
  'postmortem.refusal.action_item_not_found': (p: { id: string }) => `There is no action item ${p.id} in this post-mortem.`,
  'postmortem.refusal.action_item_unchanged': (p: { text: string; done: boolean }) =>
    p.done ? `“${p.text}” is already done.` : `“${p.text}” is not done, so there is nothing to undo.`,

  // Exports.
  'export.title': (p: { number: number }) => `Post-mortem: incident #${p.number}`,
  'export.member': (p: { letter: string }) => `Member ${p.letter}`,
  'export.drill': (_: Empty) => 'This was a drill: no reply reached the community.',
  'export.status.draft': (_: Empty) => 'Draft',
  'export.status.in_review': (_: Empty) => 'In review',
  'export.status.published': (_: Empty) => 'Published',
  'export.review.approve': (_: Empty) => 'approved',
  'export.review.request_changes': (_: Empty) => 'asked for changes',
  'export.review.pending': (_: Empty) => 'not reviewed yet',
  'export.header.status': (_: Empty) => 'Status',
  'export.header.severity': (_: Empty) => 'Severity',
  'export.header.playbook': (_: Empty) => 'Playbook',
  'export.header.channel': (_: Empty) => 'Channel',
  'export.header.lead': (_: Empty) => 'Lead',
  'export.header.detected': (_: Empty) => 'Detected',
  'export.header.resolved': (_: Empty) => 'Resolved',
  'export.header.reviewers': (_: Empty) => 'Reviewers',
  'export.section.metrics': (_: Empty) => 'Metrics',
  'export.section.timeline': (_: Empty) => 'Timeline',
  'export.section.action_items': (_: Empty) => 'Action items',
  'export.section.questions': (_: Empty) => 'Playbook questions',
  'export.metric': (_: Empty) => 'Metric',
  'export.value': (_: Empty) => 'Value',
  'export.metric.time_to_detect': (_: Empty) => 'Time to detect (from the first abnormal bucket)',
  'export.metric.time_to_acknowledge': (_: Empty) => 'Time to acknowledge (from detection)',
  'export.metric.time_to_first_reply': (_: Empty) => 'Time to first approved reply (from detection)',
  'export.metric.time_to_resolve': (_: Empty) => 'Time to resolve (from detection)',
  'export.metric.time_to_recovery': (_: Empty) => 'Time to sentiment recovery (from the first abnormal bucket)',
  'export.metric.peak_negative_ratio': (_: Empty) => 'Peak negative ratio',
  'export.metric.members_affected': (_: Empty) => 'Members affected',
  'export.metric.replies_posted': (_: Empty) => 'Replies posted',
  'export.metric.reopened': (_: Empty) => 'Times reopened',
  'export.not_reached': (_: Empty) => 'not reached',
  'export.times_in': (p: { timeZone: string }) => `Times in ${p.timeZone}.`,
  'export.unanswered': (_: Empty) => 'Not answered.',
  'export.none': (_: Empty) => 'None.',
  'export.yes': (_: Empty) => 'Yes.',
  'export.no': (_: Empty) => 'No.',
  'export.action.text': (_: Empty) => 'Action',
  'export.action.owner': (_: Empty) => 'Owner',
  'export.action.due': (_: Empty) => 'Due',
  'export.action.state': (_: Empty) => 'State',
  'export.action.open': (_: Empty) => 'Open',
  'export.action.done': (_: Empty) => 'Done',

  // Slack surfaces: buttons, headings, modals, App Home, commands (ui-en.ts).
  ...uiEn,
  ...feedbackEn,
  ...sandboxEn,
  ...drillCliEn,
};

export type Catalog = typeof en;
