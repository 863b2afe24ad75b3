/**
 * English texts of Firebreak's Slack surfaces (buttons, headings, modals, App Home, commands).
 * Params named user/lead/channel/at… arrive already formatted (mentions, Slack dates); member text
 * arrives escaped. Kept apart from en.ts so the domain's catalog stays readable.
 */

type Empty = Record<string, never>;
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export const uiEn = {
  'ui.button.acknowledge': (_: Empty) => 'Acknowledge & lead',
  'ui.button.take_over': (_: Empty) => 'Take over the lead',
  'ui.button.draft_reply': (_: Empty) => 'Draft reply',
  'ui.button.change_severity': (_: Empty) => 'Change severity',
  'ui.button.add_note': (_: Empty) => 'Add note',
  'ui.button.resolve': (_: Empty) => 'Resolve',
  'ui.button.reopen': (_: Empty) => 'Reopen',
  'ui.button.postmortem': (_: Empty) => 'Write post-mortem',
  // On the resolved alert, which is not redrawn when the post-mortem moves on: true in every status.
  'ui.button.postmortem_open': (_: Empty) => 'Open post-mortem',
  'ui.button.approve': (_: Empty) => 'Approve',
  'ui.button.request_changes': (_: Empty) => 'Request changes',
  'ui.button.reject': (_: Empty) => 'Reject',
  'ui.button.edit': (_: Empty) => 'Edit',
  'ui.button.done': (_: Empty) => 'Done',
  'ui.button.undo': (_: Empty) => 'Undo',
  'ui.button.skip': (_: Empty) => 'Skip…',

  'ui.field.channel': (_: Empty) => 'Channel',
  'ui.field.playbook': (_: Empty) => 'Playbook',
  'ui.field.lead': (_: Empty) => 'Lead',
  'ui.field.status': (_: Empty) => 'Status',
  'ui.field.checklist': (_: Empty) => 'Checklist',
  'ui.field.replies': (_: Empty) => 'Replies',

  'ui.root.title': (p: { severity: string; number: number; channel: string; drill: boolean }) =>
    `${p.drill ? 'DRILL · ' : ''}${p.severity} · Incident #${p.number} · #${p.channel}`,
  'ui.root.notification': (p: { title: string; ratio: string }) =>
    `${p.title}: negative messages ${p.ratio ? `at ${p.ratio}× the usual level` : 'above the usual level'}`,
  'ui.root.notification_declared': (p: { title: string; user: string }) => `${p.title}: declared by ${p.user}`,
  'ui.root.declared': (p: { user: string; channel: string }) => `Declared by ${p.user} for ${p.channel}; no detection behind it.`,
  'ui.root.drill_notice': (_: Empty) =>
    ':test_tube: *DRILL* — this is a practice run. Everything works as in a real incident, but no reply reaches the community.',
  'ui.root.detected_heading': (_: Empty) => 'What was detected',
  'ui.root.no_detection': (p: { channel: string }) => `Declared by staff for ${p.channel}; no detection figures.`,
  'ui.root.spike': (p: { observed: number; window: string; expected: string; noneExpected: boolean; ratio: string }) =>
    `${plural(p.observed, 'negative message', 'negative messages')}${p.window ? ` in ${p.window}` : ''}` +
    `${p.expected ? `, where about ${p.expected} were expected` : p.noneExpected ? ', where almost none are usual' : ''}${p.ratio ? ` (*${p.ratio}×* the baseline)` : ''}`,
  'ui.root.share': (p: { share: string; usual: string }) => `${p.share} of messages negative${p.usual ? ` (usually ${p.usual})` : ''}`,
  'ui.root.authors': (p: { count: number }) => plural(p.count, 'member', 'different members'),
  'ui.root.crisis': (_: Empty) => ':busts_in_silhouette: Spread across members, no single one dominating: treat it as a crisis.',
  'ui.root.single_author': (p: { share: string; author: string }) =>
    `:bust_in_silhouette: One member${p.author ? ` (${p.author})` : ''} wrote ${p.share || 'most'} of them: likely a moderation case rather than a crisis.`,
  'ui.root.terms': (p: { terms: string }) => `Dominant terms: ${p.terms}`,
  'ui.root.samples_heading': (_: Empty) => 'Sample messages',
  'ui.root.open_message': (_: Empty) => 'open message',
  'ui.root.sample_deleted': (_: Empty) => ':wastebasket: _Deleted by its author: Firebreak no longer shows it._',
  'ui.root.sample_edited': (_: Empty) => '_edited by its author_',
  'ui.root.resolution': (_: Empty) => 'Resolution',
  'ui.root.no_lead': (_: Empty) => 'nobody yet',
  'ui.root.replies': (p: { inReview: number; posting: number; posted: number; notPosted: number }) =>
    [
      `${p.inReview} in review`,
      p.posting > 0 ? `${p.posting} approved, posting` : '',
      `${p.posted} posted`,
      p.notPosted > 0 ? `${p.notPosted} approved but not posted` : '',
    ]
      .filter(Boolean)
      .join(' · '),
  'ui.root.quorum_unreachable': (p: { drafts: string; count: number }) =>
    `:warning: ${p.count === 1 ? `Reply ${p.drafts} cannot be approved` : `Replies ${p.drafts} cannot be approved`} as things stand: fewer people may approve than the playbook's quorum needs (deactivated Slack accounts, four-eyes). Edit the playbook's approvers; \`firebreak doctor\` lists deactivated accounts at their playbook line.`,
  'ui.root.times': (p: { detected: string; opened: string }) => `Detected ${p.detected} · opened ${p.opened}`,

  'ui.status.open': (_: Empty) => ':rotating_light: Open, waiting for a lead',
  'ui.status.acknowledged': (_: Empty) => ':large_blue_circle: Acknowledged',
  'ui.status.resolved': (p: { at: string }) => `:checkered_flag: Resolved${p.at ? ` ${p.at}` : ''}`,

  'ui.checklist.heading': (p: { number: number }) => `Checklist for incident #${p.number}`,
  'ui.checklist.progress': (p: { done: number; total: number; overdue: number }) =>
    `${p.done}/${p.total} done${p.overdue > 0 ? ` · :warning: ${p.overdue} overdue` : ''}`,
  'ui.checklist.done_by': (p: { user: string; at: string }) => `Done${p.user ? ` by ${p.user}` : ''} ${p.at}`,
  'ui.checklist.skipped_by': (p: { user: string; reason: string }) => `Skipped${p.user ? ` by ${p.user}` : ''}${p.reason ? `: ${p.reason}` : ''}`,
  'ui.checklist.due': (p: { at: string }) => `due ${p.at}`,
  'ui.checklist.overdue': (_: Empty) => 'overdue',
  'ui.checklist.optional': (_: Empty) => '_(optional)_',
  'ui.checklist.no_owner': (_: Empty) => 'no owner',
  // A step owned by a role nobody fills yet: the playbook's built-in roles (extra roles keep their id); English keeps the keys.
  'ui.checklist.role.lead': (_: Empty) => 'lead',
  'ui.checklist.role.approvers': (_: Empty) => 'approvers',
  'ui.checklist.empty': (_: Empty) => 'This playbook has no checklist.',
  'ui.checklist.closed': (_: Empty) => 'The incident is resolved; reopen it to change the checklist.',

  'ui.draft.heading': (p: { number: number; revision: number }) => `Reply #${p.number} · revision ${p.revision}`,
  'ui.draft.target_thread': (p: { link: string }) => `In reply to ${p.link || 'a member’s message'}`,
  'ui.draft.member_message': (_: Empty) => 'this member’s message',
  'ui.draft.target_channel': (p: { channel: string }) => `New message in ${p.channel}`,
  'ui.draft.language': (p: { language: string }) => `in ${p.language}`,
  // Languages named in the reader's language; `self` is this catalog's own language in its own words (for pickers).
  'ui.language.en': (_: Empty) => 'English',
  'ui.language.es': (_: Empty) => 'Spanish',
  'ui.language.self': (_: Empty) => 'English',
  'ui.draft.changes_heading': (p: { from: number }) => `What changed since revision ${p.from}`,
  'ui.draft.approvals': (p: { count: number; required: number; approvers: string }) => `Approvals: ${p.count} of ${p.required} (${p.approvers})`,
  'ui.draft.approvals_voided': (p: { users: string }) => `:no_entry: No longer counts: the approval of ${p.users}, whose Slack account was deactivated.`,
  'ui.draft.approvers_deactivated': (p: { users: string; more: number }) =>
    `:bust_in_silhouette: No longer an approver: ${p.users}${p.more > 0 ? ` and ${p.more} more` : ''}, whose Slack account is deactivated; not counted in the quorum.`,
  'ui.draft.quorum_unreachable': (p: { required: number; eligible: number }) =>
    `:warning: This reply cannot be approved as things stand: it needs ${p.required} ${p.required === 1 ? 'approval' : 'approvals'} and only ${p.eligible} ${p.eligible === 1 ? 'person can' : 'people can'} give them (whoever wrote or edited it cannot). Edit the playbook's approvers; \`firebreak doctor\` lists deactivated accounts at their playbook line.`,
  'ui.draft.approve_again': (_: Empty) => ':point_right: Everyone who can still approve has approved: one of you, press Approve again to post it.',
  'ui.draft.nobody_yet': (_: Empty) => 'none yet',
  'ui.draft.changes_by': (p: { user: string }) => `:leftwards_arrow_with_hook: ${p.user} asked for changes:`,
  'ui.draft.rejected_by': (p: { user: string }) => `:no_entry_sign: ${p.user} rejected it:`,
  'ui.draft.view_reply': (_: Empty) => 'See the posted reply',
  'ui.draft.drill': (_: Empty) => ':test_tube: Drill: once approved, this reply is posted only in this thread.',
  'ui.draft.author': (p: { user: string }) => `Drafted by ${p.user}`,
  'ui.draft.notification': (p: { number: number; status: string }) => `Reply #${p.number}: ${p.status}`,
  'ui.draft.status.pending': (_: Empty) => ':hourglass_flowing_sand: Waiting for approval',
  'ui.draft.status.changes_requested': (_: Empty) => ':leftwards_arrow_with_hook: Changes requested: edit it to continue',
  'ui.draft.status.approved': (_: Empty) => ':white_check_mark: Approved, being posted',
  'ui.draft.status.posted': (_: Empty) => ':speech_balloon: Approved and posted',
  'ui.draft.status.posted_drill': (_: Empty) => ':test_tube: Approved; posted in this thread only (drill)',
  'ui.draft.status.rejected': (_: Empty) => ':no_entry_sign: Rejected',
  'ui.draft.status.not_posted': (_: Empty) => ':x: Approved but not posted: nothing reached the community (why: in this thread). Draft a new reply to try again',
  'ui.draft.status.closed_unsent': (_: Empty) =>
    ':lock: Not sent: the incident was resolved while this reply waited for approval. Nothing reached the community; reopen the incident and draft a new reply to send one',
  'ui.draft.status.unconfirmed': (_: Empty) =>
    ':warning: Approved; Slack never confirmed the post and it was not tried again (why: in this thread), so it may or may not be in the channel. Look there before drafting it again',

  'ui.modal.cancel': (_: Empty) => 'Cancel',
  'ui.modal.close': (_: Empty) => 'Close',
  'ui.modal.save': (_: Empty) => 'Save',
  'ui.modal.send': (_: Empty) => 'Send',
  'ui.modal.draft.title': (p: { number: number }) => `Reply · incident #${p.number}`,
  'ui.modal.draft.language_confirm_label': (_: Empty) => 'Language check',
  'ui.modal.draft.language_confirm': (_: Empty) => 'Post in this language anyway (the members write in another)',
  'ui.modal.edit.language_confirm': (p: { language: string }) => `Post in this language anyway (if not ${p.language}, the members’ language)`,
  'ui.modal.draft.no_member_message': (_: Empty) =>
    ':information_source: This template answers a member’s message, but this incident has none (it was declared by hand). It can only go to the channel: replace “[member]” before sending it for approval.',
  'ui.modal.draft.submit': (_: Empty) => 'Send for approval',
  'ui.modal.draft.template': (_: Empty) => 'Template',
  'ui.modal.draft.language': (_: Empty) => 'Language of the reply',
  'ui.modal.draft.guidance': (_: Empty) => 'Guidance',
  'ui.modal.draft.text': (_: Empty) => 'Reply text',
  'ui.modal.draft.target': (_: Empty) => 'Where it goes',
  'ui.modal.draft.target_channel': (p: { channel: string }) => `New message in #${p.channel}`,
  'ui.modal.draft.target_thread': (p: { author: string }) => `Reply in thread to ${p.author}`,
  'ui.modal.draft.a_member': (_: Empty) => 'a member',
  'ui.modal.draft.kept_text': (p: { from: string; to: string }) =>
    `You edited the text, so it was kept as you wrote it. It was prefilled for ${p.from}, but the reply now goes to ${p.to}: check whom it greets.`,
  'ui.modal.draft.for_thread': (p: { author: string }) => `${p.author}’s message`,
  'ui.modal.draft.for_channel': (p: { channel: string }) => `a new message in #${p.channel}`,
  'ui.modal.draft.review_note': (p: { channel: string }) => `Nothing is posted in ${p.channel} until the approvers agree.`,
  'ui.modal.draft.review_note_drill': (p: { channel: string }) =>
    `:test_tube: Drill: nothing is posted in ${p.channel}, even once approved. After the approvers agree, the reply is posted only in this incident’s alert thread.`,
  'ui.modal.draft.target_drill': (_: Empty) => 'Where it would go in a real incident',
  'ui.modal.draft.kept_typed_text': (p: { template: string }) =>
    `Your edited text stays in the box. The template “${p.template}” reads as below: copy what you need from it, or empty the box and pick the template again to start from it.`,
  'ui.modal.draft.kept_language': (p: { language: string }) =>
    `You edited the text, so it was kept as you wrote it instead of the template in ${p.language}: check it is written in ${p.language}.`,
  'ui.modal.edit.title': (p: { number: number }) => `Edit reply #${p.number}`,
  'ui.modal.edit.note': (p: { revision: number }) =>
    `You are editing revision ${p.revision}. Saving creates a new revision; approvals given so far stop counting.`,
  'ui.modal.changes.title': (_: Empty) => 'Request changes',
  'ui.modal.changes.comment': (_: Empty) => 'What should change?',
  'ui.modal.reject.title': (_: Empty) => 'Reject reply',
  'ui.modal.reject.submit': (_: Empty) => 'Reject',
  'ui.modal.reject.reason': (_: Empty) => 'Why is it rejected?',
  'ui.modal.reject.final': (_: Empty) => 'A rejected reply is closed for good; someone can write a new draft.',
  'ui.modal.severity.title': (_: Empty) => 'Change severity',
  'ui.modal.severity.submit': (_: Empty) => 'Change',
  'ui.modal.severity.current': (p: { number: number; severity: string }) => `Incident #${p.number} is *${p.severity}* now.`,
  'ui.modal.severity.new': (_: Empty) => 'New severity',
  'ui.modal.severity.no_playbook': (_: Empty) => 'The playbook this incident was opened under is no longer loaded, so what each level means is not shown: choose by the level alone.',
  'ui.modal.severity.reason': (_: Empty) => 'Why?',
  'ui.modal.resolve.title': (p: { number: number }) => `Resolve incident #${p.number}`,
  'ui.modal.resolve.submit': (_: Empty) => 'Resolve',
  'ui.modal.resolve.summary': (_: Empty) => 'Resolution summary',
  'ui.modal.resolve.hint': (_: Empty) => 'What happened and how it was settled; it starts the post-mortem.',
  'ui.modal.resolve.open_steps': (p: { count: number }) =>
    `${plural(p.count, 'required step is', 'required steps are')} still open. Mark ${p.count === 1 ? 'it' : 'them'} *Done* on the checklist in the incident thread, or say below why ${p.count === 1 ? 'it does' : 'they do'} not apply: ${p.count === 1 ? 'it is' : 'they are'} then skipped with that reason as you resolve.`,
  'ui.modal.resolve.skip_label': (p: { step: string }) => `Skip “${p.step}” because…`,
  'ui.modal.resolve.skip_hint': (_: Empty) => 'Leave empty if the step is done. The reason goes on the timeline and into the post-mortem.',
  'ui.modal.resolve.step_still_open': (_: Empty) => 'This required step is still open: say why it does not apply, or mark it Done on the checklist first.',
  'ui.modal.skip.title': (_: Empty) => 'Skip a step',
  'ui.modal.skip.submit': (_: Empty) => 'Skip step',
  'ui.modal.skip.step': (p: { step: string; number: number }) => `Incident #${p.number}: *${p.step}*`,
  'ui.modal.skip.reason': (_: Empty) => 'Why does this step not apply?',
  'ui.modal.skip.hint': (_: Empty) => 'The reason goes to the thread, the timeline and the post-mortem.',
  'ui.modal.note.title': (p: { number: number }) => `Note · incident #${p.number}`,
  'ui.modal.note.submit': (_: Empty) => 'Add note',
  'ui.modal.note.label': (_: Empty) => 'Note',
  'ui.modal.note.hint': (_: Empty) => 'Notes go to the incident thread and the timeline, and into the post-mortem.',
  'ui.modal.timeline.title': (_: Empty) => 'Add to timeline',
  'ui.modal.timeline.submit': (_: Empty) => 'Add',
  'ui.modal.timeline.incident': (_: Empty) => 'Incident',
  'ui.modal.timeline.none': (_: Empty) => 'There is no open incident to add this message to.',
  'ui.modal.timeline.option': (p: { number: number; severity: string; channel: string; drill: boolean }) =>
    `Incident #${p.number} · ${p.severity} · #${p.channel}${p.drill ? ' (drill)' : ''}`,

  'ui.pm.title': (p: { number: number }) => `Post-mortem #${p.number}`,
  'ui.pm.questions': (_: Empty) => 'Playbook questions',
  'ui.pm.action_items': (_: Empty) => 'Action items',
  'ui.pm.action_items_hint': (_: Empty) =>
    'One item per row: what, who owns it and by when; an item needs all three. Leave a row empty to skip it; clear a row to remove its item.',
  'ui.pm.action_text': (p: { n: number }) => `Action ${p.n}: what`,
  'ui.pm.action_owner': (p: { n: number }) => `Action ${p.n}: owner`,
  'ui.pm.action_due': (p: { n: number }) => `Action ${p.n}: due date`,
  'ui.pm.action_due_hint': (_: Empty) => 'Its owner is reminded at 17:00 on this day until it is done; an item is saved with its date. Leave the whole row empty to skip it.',
  'ui.pm.intent': (_: Empty) => 'When I save',
  'ui.pm.intent_submit': (_: Empty) => 'Send for review',
  'ui.pm.intent_submit_hint': (_: Empty) => 'Every required field must be filled.',
  'ui.pm.no_eligible_reviewer': (_: Empty) =>
    'Not sent: nobody can review this post-mortem (each of its reviewers owns it or wrote part of it, and nobody approves what they wrote). Choose "Keep as draft" to save it; the message in the incident thread says who can fix this.',
  'ui.pm.intent_save': (_: Empty) => 'Keep as draft',
  'ui.pm.intent_save_hint': (_: Empty) => 'Save what is there and finish later.',
  'ui.pm.changes_by': (p: { user: string }) => `:leftwards_arrow_with_hook: ${p.user} asked for changes:`,
  'ui.pm.changes_intro': (p: { number: number }) => `What should change in the post-mortem of incident #${p.number}?`,
  'ui.pm.invite': (p: { owner: string; number: number; due: string }) =>
    `${p.owner}, please write the post-mortem of incident #${p.number} by ${p.due}.`,
  'ui.pm.the_lead': (_: Empty) => 'Incident lead',
  'ui.pm.review_request': (p: { reviewers: string; number: number; round: number }) =>
    `${p.reviewers}: the post-mortem of incident #${p.number} is ready for review${p.round > 1 ? ` (round ${p.round})` : ''}.`,
  'ui.pm.published_at': (p: { at: string }) => `Published ${p.at}`,
  'ui.pm.approved_by': (p: { users: string }) => `approved by ${p.users}`,
  'ui.pm.review_progress': (p: { approved: number; total: number; users: string }) => `:white_check_mark: ${p.approved} of ${p.total} approved: ${p.users}`,
  'ui.pm.reviewer_deactivated': (p: { user: string; number: number; published: boolean }) =>
    `:bust_in_silhouette: ${p.user}'s Slack account was deactivated, so the post-mortem of incident #${p.number} no longer waits for their review${p.published ? ': everyone else had approved it, so it is published.' : '.'}`,
  'ui.pm.full_export': (_: Empty) => 'full post-mortem',

  'ui.guard.other_team': (_: Empty) => 'Firebreak did not do this: it belongs to another Slack workspace than the one you are in.',
  'ui.guard.no_user': (_: Empty) => 'Firebreak did not do this: Slack did not say who you are. Try again from Slack.',
  'ui.guard.malformed': (_: Empty) => 'Firebreak did not do this: the button or form it came from is damaged. Use the incident message instead.',
  'ui.guard.invalid': (p: { detail: string }) => `Firebreak could not do this: ${p.detail}`,
  'ui.workspace_unavailable': (_: Empty) => 'Firebreak cannot act for this workspace right now: its access to Slack here could not be read or checked. Whoever runs Firebreak can see why on its /healthz page and in its log.',
  'ui.modal.not_opened': (_: Empty) => 'Slack did not open the form just now, so nothing was done. Click the button again in a moment.',
  'ui.guard.slack_unavailable': (_: Empty) => 'Slack did not answer Firebreak just now, so nothing was done. Try again in a moment.',
  'ui.guard.late_form': (p: { title: string }) =>
    `Your form${p.title ? ` “${p.title}”` : ''} was NOT saved: Slack closed it before Firebreak could show you why, so nothing was changed.`,
  'ui.guard.late_form_typed': (_: Empty) => 'What you had typed, to send again once fixed:',
  'ui.guard.failed': (_: Empty) => 'Firebreak could not do this because of an error on its side; it has been logged. Please try again.',
  'ui.unfinished.notice': (p: { what: string; at: string }) =>
    `${p.what} (${p.at}) was most likely not done: Firebreak stopped while doing it, before it could confirm it was saved. Check whether it shows; if not, please do it again.`,
  'ui.unfinished.click': (p: { label: string }) => `Your “${p.label}” click`,
  'ui.unfinished.click_on_incident': (p: { label: string; number: number }) => `Your “${p.label}” click on incident #${p.number}`,
  'ui.unfinished.form': (p: { label: string }) => `The “${p.label}” form you sent`,
  'ui.unfinished.form_on_incident': (p: { label: string; number: number }) => `The “${p.label}” form you sent for incident #${p.number}`,
  'ui.unfinished.command': (p: { command: string }) => `Your ${p.command} command`,
  'ui.unfinished.shortcut': (p: { label: string }) => `Your “${p.label}” shortcut`,
  'ui.home.title': (_: Empty) => 'Firebreak overview',
  'ui.home.delivery_heading': (p: { count: number }) => `${plural(p.count, 'message', 'messages')} could not be delivered`,
  'ui.home.delivery_hint': (_: Empty) =>
    'Slack refused these for good, so Firebreak will not retry them. Fix the cause (often the bot is not in the channel) and repeat the action.',
  'ui.home.waiting_for_channel': (p: { what: string; channel: string }) =>
    `${p.what} waits for channel ${p.channel} (archived, or the bot is not in it); posted once it is unarchived or the bot invited`,
  'ui.home.waiting_for_missing_channel': (p: { what: string; channel: string }) =>
    `${p.what} waits for channel ${p.channel}, which Slack cannot find: posted once the bot is invited if it is private; if it was deleted, choose another alerts channel (incidents are raised there, waiting digests dropped with a note)`,
  'ui.home.quarantined': (p: { channel: string }) => `Incoming message from ${p.channel} kept in quarantine (not stored)`,
  'ui.home.unfinished': (p: { user: string; action: string; told: boolean }) =>
    `A request by ${p.user} (${p.action}) was acknowledged but Firebreak stopped before confirming it was done${p.told ? ' (they were asked to check and do it again)' : ''}`,
  'ui.home.approvals_heading': (p: { count: number }) => `Waiting for your approval (${p.count})`,
  'ui.home.approvals_none': (_: Empty) => 'Nothing waits for you.',
  'ui.home.approval_line': (p: { draftNumber: number; revision: number; incidentNumber: number; approvals: number; required: number }) =>
    `Reply #${p.draftNumber} (rev. ${p.revision}) of incident #${p.incidentNumber}: ${p.approvals} of ${p.required} approvals`,
  'ui.home.approval_unreachable': (_: Empty) => ':warning: cannot be approved as things stand: edit the playbook\'s approvers',
  'ui.home.incidents_heading': (p: { count: number }) => `Open incidents (${p.count})`,
  'ui.home.incidents_none': (_: Empty) => 'No open incidents.',
  'ui.home.incident_label': (p: { number: number; severity: string; drill: boolean }) =>
    `${p.drill ? 'DRILL ' : ''}Incident #${p.number} · ${p.severity}`,
  'ui.home.lead': (p: { lead: string }) => `lead: ${p.lead}`,
  'ui.home.unapprovable': (p: { drafts: string; count: number }) =>
    `:warning: ${p.count === 1 ? `reply ${p.drafts} cannot be approved` : `replies ${p.drafts} cannot be approved`}: edit the playbook's approvers`,
  'ui.home.age': (p: { age: string }) => `open for ${p.age}`,
  'ui.home.more': (p: { count: number }) => `…and ${p.count} more`,
  'ui.home.health_heading': (_: Empty) => 'Watched channels today',
  'ui.home.health_none': (_: Empty) => 'No channel is watched yet: `/firebreak watch #channel`.',
  'ui.home.health_quiet': (_: Empty) => 'no messages today',
  'ui.home.health_learning': (p: { until: string }) => `learning its baseline: no alerts before ${p.until}`,
  'ui.home.health_line': (p: { share: string; usual: string; messages: number }) =>
    `${p.share} negative${p.usual ? ` (usually ${p.usual})` : ' (baseline still learning)'} · ${plural(p.messages, 'message', 'messages')}`,
  'ui.home.postmortems_heading': (_: Empty) => 'Recent post-mortems',
  'ui.home.postmortems_none': (_: Empty) => 'None published yet.',
  'ui.home.metrics_heading': (p: { days: number; count: number }) => `Response, last ${p.days} days (${p.count} ${p.count === 1 ? 'incident' : 'incidents'}, drills left out)`,
  'ui.home.metrics_line': (p: { label: string; median: string; p90: string; count: number }) => `${p.label}: median *${p.median}*, p90 ${p.p90} (${p.count})`,
  'ui.home.metrics_none': (_: Empty) => 'No incidents in this period.',
  'ui.home.viewer': (p: { user: string }) => `Shown for ${p.user}.`,

  'ui.reminder.everyone': (_: Empty) => 'Incident team,',
  'ui.reminder.acknowledge': (p: { who: string; number: number; severity: string }) =>
    `${p.who} incident #${p.number} (${p.severity}) still has no lead. Press “Acknowledge & lead” on the alert.`,
  'ui.reminder.checklist_step': (p: { who: string; number: number; subject: string }) =>
    `${p.who} “${p.subject}” is due now (incident #${p.number}).`,
  'ui.reminder.postmortem_due': (p: { who: string; number: number }) => `${p.who} the post-mortem of incident #${p.number} is due.`,
  'ui.reminder.action_item': (p: { who: string; number: number; subject: string }) =>
    `${p.who} the action item “${p.subject}” from incident #${p.number} is due.`,
  'ui.reminder.other': (p: { who: string; number: number; subject: string }) => `${p.who} reminder for incident #${p.number}: ${p.subject}`,
  'ui.reminder.late': (_: Empty) => 'Sent late: Firebreak was not running at the scheduled time.',
  'ui.reminder.deactivated': (p: { users: string; lead: boolean }) =>
    `${p.users}'s Slack account was deactivated, so this reminder is yours now${p.lead ? ': one of you please take the lead (“Acknowledge & lead” on the alert)' : '.'}`,
  'ui.reminder.deactivated_postmortem_due': (p: { users: string }) =>
    `${p.users}'s Slack account was deactivated, so this reminder is yours now: one of you please take over the post-mortem (“Write post-mortem” below).`,
  'ui.reminder.deactivated_action_item': (p: { users: string }) =>
    `${p.users}'s Slack account was deactivated, so this reminder is yours now: one of you please see this action item through, or mark it done if it is.`,
  'ui.drill.reply': (p: { number: number; where: string }) =>
    `DRILL: reply #${p.number} is approved. In a real incident it would now be posted ${p.where}:`,
  'ui.drill.where_thread': (p: { channel: string }) => `as a thread reply in ${p.channel}`,
  'ui.drill.where_channel': (p: { channel: string }) => `in ${p.channel}`,

  'ui.refusal.footer': (_: Empty) => 'Only you can see this.',
  'ui.help.heading': (_: Empty) => 'Firebreak commands',
  'ui.help.footer': (_: Empty) => 'Buttons on each incident’s alert do the rest: lead, draft replies, checklist, resolve. Every command but help is for the community team: the people the playbooks name, workspace admins and owners, and whoever installed Firebreak.',
  'ui.operator.refused': (_: Empty) =>
    'Firebreak is run by this workspace’s community team (the people its playbooks name, workspace admins and owners, and whoever installed Firebreak), so this is not available to you. Nothing was changed.',
  'ui.operator.refused_short': (_: Empty) => 'Only this workspace’s community team can do this. Nothing was changed.',
  'ui.operator.unconfirmed': (_: Empty) =>
    'Slack did not confirm just now that you are on this workspace’s community team, so nothing was done. Try again in a moment.',
  'ui.operator.unconfirmed_short': (_: Empty) => 'Slack did not confirm who you are just now. Nothing was changed; try again in a moment.',
  'ui.home.unconfirmed': (_: Empty) => 'Slack did not confirm who you are just now, so Firebreak shows nothing yet. Reopen the Home tab in a moment.',
  'ui.home.not_operator': (_: Empty) =>
    'Firebreak helps this workspace’s community team notice and answer crises. Its incidents and channel figures are shown only to that team (the people its playbooks name, workspace admins and owners, and whoever installed Firebreak).',
  'ui.help.also': (p: { word: string }) => `also \`${p.word}\``,
  'ui.help.did_you_mean': (p: { command: string }) => `Did you mean \`${p.command}\`?`,
  'ui.help.see_all': (p: { command: string }) => `\`${p.command}\` lists every command.`,
  'ui.help.unknown': (p: { typed: string }) => `“${p.typed}” is not a Firebreak command.`,
  // What follows the subcommand word (help, status and list take nothing).
  'ui.help.args.declare': (_: Empty) => '#channel [sev1|sev2|sev3|sev4] [drill] [what is happening]',
  'ui.help.args.watch': (_: Empty) => '#channel',
  'ui.help.args.unwatch': (_: Empty) => '#channel',
  'ui.help.args.alerts': (_: Empty) => '#channel',
  'ui.help.args.resolve': (_: Empty) => '<incident number> <summary>',
  'ui.help.about.help': (_: Empty) => 'Show this help.',
  'ui.help.about.status': (_: Empty) => 'Open incidents with their lead, checklist and replies in review.',
  'ui.help.about.declare': (_: Empty) =>
    'Open an incident by hand for a channel (default SEV3). Add `drill` to practise without reaching the community.',
  'ui.help.about.list': (_: Empty) => 'The latest incidents, open and resolved, newest first.',
  'ui.help.about.watch': (_: Empty) => 'Start watching a channel’s sentiment (the bot joins it).',
  'ui.help.about.unwatch': (_: Empty) => 'Stop watching a channel.',
  'ui.help.about.alerts': (_: Empty) => 'Post this workspace’s incidents in a channel only staff can read (the bot joins it).',
  'ui.help.about.resolve': (_: Empty) => 'Resolve an incident with a short summary.',
  'ui.declare.unknown_channel': (p: { name: string }) =>
    `There is no channel named #${p.name} that Firebreak can see. Pick it from Slack's list as you type #, or invite the bot to a private channel first.`,
  'ui.declare.drill_declared': (p: { number: string; channel: string }) => `Drill incident #${p.number} declared on ${p.channel}: its replies stay in the alert thread.`,
  'ui.declare.usage': (_: Empty) => 'Usage:',
  'ui.declare.example': (p: { command: string }) => `Example: \`${p.command} declare #community sev2 Refund complaints after the price change\``,

  'ui.list.heading': (p: { count: number }) => `${plural(p.count, 'open incident', 'open incidents')}`,
  'ui.list.none': (_: Empty) => 'No open incidents.',
  'ui.list.heading_recent': (p: { count: number; open: number }) => `${plural(p.count, 'latest incident', 'latest incidents')}, ${p.open} open`,
  'ui.list.none_recent': (_: Empty) => 'No incidents yet.',
  'ui.list.opened_ago': (p: { age: string }) => `opened ${p.age} ago`,
  'ui.list.in_review': (p: { count: number }) => `${plural(p.count, 'reply', 'replies')} in review`,
  'ui.list.status.open': (_: Empty) => 'waiting for a lead',
  'ui.list.status.acknowledged': (_: Empty) => 'acknowledged',
  'ui.list.status.resolved': (_: Empty) => 'resolved',

  // Answers to /firebreak declare, watch, unwatch and resolve (ephemeral). {command} is the slash command as typed.
  'ui.declare.channel_missing': (_: Empty) => 'Name the channel as #channel.',
  'ui.declare.bad_severity': (p: { severities: string }) => `The severity must be one of ${p.severities}.`,
  'ui.declare.alerts_channel': (p: { channel: string }) => `${p.channel} is where Firebreak posts incidents, a staff channel, not a community one: declare the incident on the channel it is about.`,
  'ui.declare.summary_missing': (_: Empty) => 'Add a short summary.',
  'ui.declare.declaring': (_: Empty) => 'Declaring the incident…',
  'ui.declare.declared': (p: { number: string; channel: string }) => `Incident #${p.number} declared on ${p.channel}.`,
  'ui.declare.declared_real_not_drill': (p: { number: string; channel: string; command: string }) =>
    `Incident #${p.number} declared on ${p.channel}. It is a *real* incident, not a drill: its approved replies reach ${p.channel}. A drill needs \`drill\` before the summary; after it, the word is part of the summary. To practise instead, resolve #${p.number} and declare again: \`${p.command} declare ${p.channel} drill …\``,
  'ui.declare.already_open': (p: { number: string; channel: string }) => `Incident #${p.number} is already open on ${p.channel}: it continues there.`,
  // A drill declared over a real incident would put practice replies where approved replies reach the community.
  'ui.declare.open_is_real': (p: { number: string; channel: string }) =>
    `No drill declared: incident #${p.number} on ${p.channel} is *real*, and its approved replies reach ${p.channel}. Practise on another channel, or once #${p.number} is resolved.`,
  'ui.watch.usage': (p: { command: string; subcommand: string }) => `Usage: ${p.command} ${p.subcommand} #channel`,
  'ui.watch.started': (p: { channel: string }) => `Watching ${p.channel} now.`,
  'ui.watch.alerts_channel': (p: { channel: string }) => `${p.channel} is also where incidents are posted: watched, it is a community channel, so no incident is posted there any more; choose a channel only staff can read as the alerts channel.`,
  'ui.watch.stopped': (p: { channel: string }) => `No longer watching ${p.channel}.`,
  'ui.resolve.usage': (p: { command: string }) => `Usage: ${p.command} resolve &lt;incident number&gt; &lt;summary&gt;`,
  'ui.resolve.done': (p: { number: number }) => `Incident #${p.number} resolved.`,
  'ui.resolve.unknown': (p: { number: number }) => `There is no incident #${p.number} in this workspace: \`status\` and \`list\` show the incidents and their numbers.`,
  // A command whose form Slack sent broken; {problem} is the technical detail, in English.
  'ui.command.unreadable': (p: { problem: string }) => `Firebreak could not read this command: ${p.problem}. Try again from Slack.`,
  // Interactions that no longer apply.
  'ui.button.stale': (_: Empty) => 'This button no longer does anything. Use the buttons on the incident message.',
  'ui.modal.severity.invalid': (p: { severities: string }) => `Choose one of ${p.severities}.`,
  'ui.pm.none_yet': (_: Empty) => 'This incident has no post-mortem yet.',
  'ui.pm.gone': (_: Empty) => 'This post-mortem no longer exists.',
  'ui.timeline_add.choose_incident': (_: Empty) => 'Choose an open incident.',
  'ui.timeline_add.already_there': (p: { number: number }) => `This message is already on the timeline of incident #${p.number}.`,

  // Notices in the alerts channel about the playbooks themselves (the problems follow, one per line).
  'ui.notice.playbook_edit_broken': (_: Empty) => 'A playbook edit has errors: the last good version keeps running.',
  'ui.notice.playbook_references_missing': (_: Empty) => 'Playbooks name channels or user groups this workspace does not have:',

  // Axis titles of the incident chart (an image in the alert thread) and the mark at the spike.
  'ui.chart.share': (_: Empty) => 'Negative share',
  'ui.chart.volume': (_: Empty) => 'Negative messages',
  'ui.chart.spike': (_: Empty) => 'Spike',

  // The weekly (or daily) digest. Shares and durations arrive formatted ("23.3 %", "12 min", "–").
  'ui.digest.title': (p: { days: number }) => (p.days === 1 ? 'Digest of the last day' : `Digest of the last ${p.days} days`),
  'ui.digest.channel': (p: { channel: string; messages: number; share: string; usual: string }) =>
    `• *#${p.channel}*: ${plural(p.messages, 'message', 'messages')}, ${p.share} negative (usual ${p.usual})`,
  'ui.digest.no_channels': (_: Empty) => 'No watched channels.',
  'ui.digest.metrics': (p: {
    incidents: number;
    detect: string;
    detectP90: string;
    acknowledge: string;
    acknowledgeP90: string;
    firstReply: string;
    firstReplyP90: string;
    resolve: string;
    resolveP90: string;
    recovery: string;
    repliesPosted: number;
  }) =>
    `*${plural(p.incidents, 'incident', 'incidents')}.* Median (p90): detect ${p.detect} (${p.detectP90}), acknowledge ${p.acknowledge} (${p.acknowledgeP90}), first approved reply ${p.firstReply} (${p.firstReplyP90}), resolve ${p.resolve} (${p.resolveP90}), recovery ${p.recovery}. Replies posted: ${p.repliesPosted}.`,
  'ui.digest.open': (p: { incidents: number; drafts: number; overdueSteps: number; postMortems: number }) =>
    `*Still open:* ${plural(p.incidents, 'open incident', 'open incidents')}, ${plural(p.drafts, 'reply', 'replies')} awaiting approval, ${plural(p.overdueSteps, 'overdue step', 'overdue steps')}, ${plural(p.postMortems, 'post-mortem', 'post-mortems')} to write.`,
  'ui.digest.footer': (_: Empty) => 'Firebreak · automatic digest',
  // The OAuth install pages (/slack/install, /slack/oauth_redirect): plain HTML, {brand} is Firebreak.
  'ui.install.title': (_: Empty) => 'Add Firebreak to your Slack workspace',
  'ui.install.intro': (_: Empty) => 'Firebreak watches the community channels you choose, alerts your team when sentiment turns, and posts only replies your approvers agreed on.',
  'ui.install.button': (_: Empty) => 'Add to Slack',
  'ui.install.expires': (p: { minutes: number }) => `This link works once, for ${p.minutes} minutes.`,
  'ui.install.success_title': (_: Empty) => 'Firebreak is installed',
  'ui.install.success': (p: { team: string; reinstalled: boolean }) =>
    `${p.reinstalled ? 'Firebreak was reinstalled' : 'Firebreak is now installed'} in ${p.team}. In Slack, open Firebreak's App Home, then choose the alerts channel with /firebreak alerts #channel and invite the bot to the channels it should watch.`,
  'ui.install.failure_title': (_: Empty) => 'Firebreak was not installed',
  'ui.install.failure.denied': (_: Empty) => 'The install was cancelled on Slack’s page: nothing was installed. Start again from the install link when you are ready.',
  'ui.install.failure.state': (_: Empty) => 'This install link was already used, has expired, or did not start in this browser. Start again from the install link.',
  'ui.install.failure.exchange': (p: { error: string }) => `Slack did not confirm the install (${p.error}). Check SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and the redirect URL, then start again.`,
  'ui.install.failure.unavailable': (p: { error: string }) => `Slack did not answer the install this time (${p.error}): nothing was installed. Start again from the install link in a minute.`,
  // /firebreak alerts #channel: the workspace's own alerts channel (OAuth installs share one Firebreak).
  'ui.install.busy': (_: Empty) => 'Too many installs have been started in the last few minutes, so this one cannot start now. Try again in a few minutes.',
  'ui.home.settings_heading': (_: Empty) => 'This workspace’s settings',
  'ui.home.settings_defaults': (p: { alerts: string; locale: string; timeZone: string }) => `Unset, these follow the server’s: alerts ${p.alerts}, language ${p.locale}, time zone ${p.timeZone}.`,
  'ui.home.settings_alerts_placeholder': (_: Empty) => 'Alerts channel',
  'ui.home.settings_locale_placeholder': (_: Empty) => 'Language',
  'ui.home.settings_tz_placeholder': (_: Empty) => 'Time zone',
  'ui.home.settings_readonly': (_: Empty) => 'Only workspace admins and the person who installed Firebreak can change these.',
  'ui.settings.refused': (_: Empty) => 'Only workspace admins and the person who installed Firebreak can change this workspace’s settings.',
  'ui.settings.unconfirmed': (_: Empty) => 'Slack did not answer when Firebreak asked whether you may change this workspace’s settings, so nothing was changed. Try again in a moment.',
  'ui.command.working': (p: { command: string }) => `Slack is slow to answer just now: Firebreak is still working on ${p.command} and will answer here.`,
  'ui.alerts.usage': (p: { command: string }) => `Usage: ${p.command} alerts #channel (where this workspace's incidents are posted)`,
  'ui.alerts.refused_watched': (p: { channel: string }) => `${p.channel} is a community channel Firebreak watches, so it cannot be the alerts channel: incident threads are internal; choose a channel only staff can read.`,
  'ui.home.alerts_channel_renamed': (p: { playbook: string; name: string; channel: string; currentName: string }) =>
    `Playbook ${p.playbook} names its alerts channel #${p.name}, which was renamed in Slack to ${p.channel}. Its incidents still go there; change its alertsChannel to ${p.currentName} so the playbook says where they go.`,
  'ui.home.alerts_channel_deleted': (p: { playbook: string; name: string }) =>
    `Playbook ${p.playbook} names its alerts channel #${p.name}, which was deleted in Slack. Its incidents wait: they are posted in the first channel that takes the name #${p.name} (created, renamed or unarchived), or change its alertsChannel to another channel.`,
  'ui.home.alerts_channel_watched': (p: { channel: string }) => `The alerts channel ${p.channel} is a community channel Firebreak watches, so no incident is posted there: choose a channel only staff can read (App Home settings, /firebreak alerts, ALERTS_CHANNEL or the playbook's alertsChannel).`,
  'ui.alerts.set': (p: { channel: string }) => `Incidents of this workspace now go to ${p.channel}.`,
  'ui.declare.not_visible': (p: { channel: string }) =>
    `Firebreak cannot see ${p.channel} in this workspace, so it could not post replies there and nothing was declared. For a private channel, invite the bot first (/invite @Firebreak in that channel), then declare again; check the channel if you typed its id.`,
  'ui.declare.archived': (p: { channel: string }) =>
    `${p.channel} is archived, so no reply could be posted there and nothing was declared. Unarchive it in Slack, then declare again.`,
  'ui.declare.visibility_unchecked': (p: { channel: string }) =>
    `Slack did not answer when Firebreak checked that it can post in ${p.channel}. If it is a private channel, invite the bot (/invite @Firebreak in that channel) so replies can be posted there.`,
  'ui.watch.archived': (p: { channel: string }) =>
    `${p.channel} is archived, so nobody can post there and Firebreak would never read a message from it; nothing is watched. Unarchive it in Slack, then run this again.`,
  'ui.watch.visibility_unchecked': (p: { channel: string }) =>
    `Slack did not answer when Firebreak checked that it can read ${p.channel}. If it is archived, unarchive it; if it is a private channel, invite the bot (/invite @Firebreak in that channel), or no message will be read there.`,
  'ui.watch.not_visible': (p: { channel: string }) => `Firebreak cannot see ${p.channel} in this workspace, so it would never read its messages. For a private channel, invite the bot first (/invite @Firebreak in that channel), then run this again.`,
  'ui.alerts.archived': (p: { channel: string }) =>
    `${p.channel} is archived, so no incident could be posted there; the alerts channel is unchanged. Unarchive it in Slack, then run this again.`,
  'ui.alerts.visibility_unchecked': (p: { channel: string }) =>
    `Slack did not answer when Firebreak checked that it can post in ${p.channel}. If it is archived, unarchive it; if it is a private channel, invite the bot (/invite @Firebreak in that channel), or incidents cannot be posted there.`,
  'ui.alerts.not_visible': (p: { channel: string }) => `Firebreak cannot see ${p.channel} in this workspace, so it could not post incidents there. For a private channel, invite the bot first (/invite @Firebreak in that channel), then run this again.`,
};

export type UiCatalog = typeof uiEn;
