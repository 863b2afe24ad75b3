// The contract between Block Kit builders and Slack listeners: every action_id and callback_id,
// and the typed values buttons and modals carry (checked when they come back from Slack).
import { z } from 'zod';
import { FirebreakError } from '../../errors.js';
import { SEVERITIES, type Severity } from '../../domain/incidents/types.js';
import { truncateSlackText } from '../text.js';
import { SLACK_LIMITS } from './limits.js';

export const actionIds = {
  acknowledge: 'incident.acknowledge',
  changeSeverity: 'incident.change_severity',
  draftReply: 'incident.draft_reply',
  addNote: 'incident.add_note',
  resolve: 'incident.resolve',
  reopen: 'incident.reopen',
  approveDraft: 'draft.approve',
  requestChanges: 'draft.request_changes',
  rejectDraft: 'draft.reject',
  editDraft: 'draft.edit',
  toggleStep: 'checklist.toggle',
  /** Opens the skip modal for a step (value: stepRef). */
  skipStep: 'checklist.skip',
  openPostMortem: 'postmortem.open',
  approvePostMortem: 'postmortem.approve',
  requestPostMortemChanges: 'postmortem.request_changes',
  /** On an action item's reminder: mark it done (value: actionItemRef). */
  actionItemDone: 'postmortem.action_done',
  /** Inside the post-mortem modal: "Send for review" / "Keep as draft" re-renders which inputs are required. */
  postMortemIntent: 'postmortem_intent',
  /** Inside the draft modal: switching template or language re-renders the text. */
  pickTemplate: 'draft_modal.template',
  pickLanguage: 'draft_modal.language',
  /** Inside the draft modal: "Where it goes" (also its input's block_id); a thread's author re-fills the greeting. */
  pickTarget: 'draft_target',
  /** Staff feedback (#16): on the alert (value: alertFeedbackRef), on a sample (sampleFeedbackRef). */
  realCrisis: 'feedback.real_crisis',
  falseAlarm: 'feedback.false_alarm',
  sampleNotNegative: 'feedback.sample_not_negative',
  sampleNegative: 'feedback.sample_negative',
  /** On the ephemeral confirmation (value: feedbackRef). */
  undoFeedback: 'feedback.undo',
  feedbackReason: 'feedback.reason',
  /** App Home, OAuth installs: the workspace's own settings (value: the selected channel / option). */
  settingsAlertsChannel: 'settings.alerts_channel',
  settingsLocale: 'settings.locale',
  settingsTimeZone: 'settings.time_zone',
} as const;

export const callbackIds = {
  draftReplyModal: 'draft_reply_modal',
  editDraftModal: 'edit_draft_modal',
  requestChangesModal: 'request_changes_modal',
  rejectDraftModal: 'reject_draft_modal',
  severityModal: 'severity_modal',
  resolveModal: 'resolve_modal',
  noteModal: 'note_modal',
  skipStepModal: 'skip_step_modal',
  postMortemModal: 'postmortem_modal',
  /** The same post-mortem while in review: read-only, never submitted. */
  postMortemInReview: 'postmortem_in_review',
  postMortemPublished: 'postmortem_published',
  feedbackReasonSaved: 'feedback_reason_saved',
  postMortemChangesModal: 'postmortem_changes_modal',
  addToTimelineModal: 'add_to_timeline_modal',
  /** Message shortcut declared in manifest.json. */
  addToTimelineShortcut: 'add_to_timeline',
  /** Message shortcut "Firebreak: mark sentiment" (manifest.json) and its modal. */
  markSentimentShortcut: 'mark_sentiment',
  markSentimentModal: 'mark_sentiment_modal',
  feedbackReasonModal: 'feedback_reason_modal',
} as const;

/** A button or modal about an incident. */
export const incidentRef = z.object({ i: z.string().min(1) });
/**
 * The root's Acknowledge / Take over the lead button: also who led when it was shown (null: nobody), so
 * two people pressing at once do not take the lead from each other unawares. Absent on older messages.
 */
export const leadRef = incidentRef.extend({ l: z.string().min(1).nullable().optional() });
/**
 * The draft modal: its incident, and which target ("channel" or "thread:<ts>", draftTargetValue) the
 * text in its box was prefilled for, so a later change of target knows whom that text greets.
 */
/** The draft modal's metadata: `w` the target its text was prefilled for; `p` set once staff picked the target themselves. */
export const draftModalRef = incidentRef.extend({ w: z.string().max(100).optional(), p: z.literal(1).optional() });
/** A button or modal about one revision of a draft: decisions are for the revision shown. */
export const draftRef = z.object({ i: z.string().min(1), d: z.string().min(1), r: z.number().int().positive() });
/** A checklist button: tick when `done` is false, untick when true. */
export const stepRef = z.object({ i: z.string().min(1), s: z.string().min(1), done: z.boolean() });
/** The message shortcut's modal remembers which message it is about. */
export const messageRef = z.object({ c: z.string().min(1), ts: z.string().min(1), u: z.string().optional(), text: z.string().max(2000) });

/** An action item of an incident's post-mortem. */
export const actionItemRef = z.object({ i: z.string().min(1), a: z.string().min(1) });

/** The change-severity modal: also the severity it showed, so a change made meanwhile is not overruled unseen. */
export const severityModalRef = incidentRef.extend({ v: z.custom<Severity>((value) => SEVERITIES.includes(value as Severity), 'not a severity').optional() });
export type IncidentRef = z.infer<typeof incidentRef>;
export type LeadRef = z.infer<typeof leadRef>;
export type DraftRef = z.infer<typeof draftRef>;
export type StepRef = z.infer<typeof stepRef>;
export type MessageRef = z.infer<typeof messageRef>;

/** Button values and private_metadata are compact JSON. */
export function encodeRef(value: IncidentRef | LeadRef | DraftRef | StepRef | MessageRef | Record<string, unknown>): string {
  return JSON.stringify(value);
}

/**
 * A modal's ref that carries a member's message text, the text shortened until the JSON fits
 * private_metadata: JSON writes a quote, a backslash or a line break in two characters (a control
 * character in six), so a pasted log of 2,000 characters can take twice that, and Slack refuses the modal.
 */
export function encodeRefWithText<T extends { readonly text: string }>(value: T, options: { ellipsis?: string } = {}): string {
  const ellipsis = options.ellipsis ?? '…';
  let text = value.text;
  for (;;) {
    const encoded = encodeRef({ ...value, text });
    const over = encoded.length - SLACK_LIMITS.view.privateMetadata;
    // Each character cut takes at least one off the JSON: cutting the overflow is nearly always enough.
    const shorter = over > 0 ? truncateSlackText(text, Math.max(text.length - over, ellipsis.length), { ellipsis, wholeWords: false }) : text;
    if (shorter === text) return encoded;
    text = shorter;
  }
}

export function decodeRef<T>(schema: z.ZodType<T>, raw: string | undefined, where: string): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw ?? '');
  } catch {
    throw new FirebreakError('input_invalid', `${where}: value is not JSON`);
  }
  const result = schema.safeParse(parsed);
  if (!result.success) throw new FirebreakError('input_invalid', `${where}: ${result.error.issues.map((issue) => `${issue.path.join('.') || 'value'} ${issue.message}`).join('; ')}`);
  return result.data;
}

/**
 * block_id of each input in Firebreak's modals, so submissions and field errors line up. A plain
 * input's element uses its block_id as action_id too: a submitted value is `view.state.values[id][id]`
 * (the draft modal's template and language selects dispatch actions and use their own action ids).
 */
export const inputIds = {
  draftText: 'draft_text',
  draftTarget: actionIds.pickTarget,
  draftTemplate: 'draft_template',
  draftLanguage: 'draft_language',
  draftLanguageConfirm: 'draft_language_confirm',
  comment: 'comment',
  reason: 'reason',
  severity: 'severity',
  resolutionSummary: 'resolution_summary',
  /** The resolve modal's reason to skip one open required step. */
  skipReason: (stepId: string) => `skip_reason.${stepId}`,
  note: 'note',
  incident: 'incident',
  sentimentVerdict: 'sentiment_verdict',
} as const;

/** Values of the draft modal's target radio buttons: a new channel message, or a reply in a member's thread. */
export const draftTargetValue = {
  channel: 'channel',
  thread: (messageTs: string) => `thread:${messageTs}`,
} as const;

/**
 * block_ids of the post-mortem modal. They are the keys of `validatePostMortemSubmission`'s field
 * errors (summary, question.<id>, actionItems.<i>.<text|owner|dueAt>), so errors land under their input.
 * Owners are users_select (selected_user), due dates datepicker (selected_date, YYYY-MM-DD), yes/no
 * questions radio_buttons ("yes"/"no"), number questions number_input, the intent radio_buttons.
 */
export const postMortemInputIds = {
  intent: actionIds.postMortemIntent,
  field: (name: string) => name,
  question: (id: string) => `question.${id}`,
  actionItem: (index: number, part: 'text' | 'owner' | 'dueAt') => `actionItems.${index}.${part}`,
} as const;

/** Values of the post-mortem intent radio buttons (SubmissionIntent). */
export const postMortemIntents = ['submit', 'save'] as const;

/**
 * The post-mortem modal remembers its incident, which existing action item each row edits (by row),
 * and what it showed (`s`, fingerprints: f standard fields and q answers by name, x one per row of
 * `a`; z the zone its due dates were shown in, x then holding the days shown), so a save merges with
 * what others saved since (domain/postmortems/merge.ts). Modals opened before it was remembered have
 * no `s`; those opened before z existed fingerprint due dates as instants.
 */
export const postMortemRef = z.object({
  i: z.string().min(1),
  a: z.array(z.string()),
  s: z.object({ f: z.record(z.string(), z.string()), q: z.record(z.string(), z.string()).optional(), x: z.array(z.string()), z: z.string().optional() }).optional(),
});
export type PostMortemRef = z.infer<typeof postMortemRef>;

/**
 * block_id of the draft modal's text box. Slack keeps what an input holds across views.update as long
 * as its block_id and action_id stay the same, ignoring the new initial_value; so when staff switch
 * template, language or the target the text was prefilled for (a thread reply greets its author), the
 * re-rendered text only shows if the block_id changes with them; text staff edited by hand is kept by
 * keeping the block_id. The first template in the incident's language, prefilled for its default
 * target, keeps the plain `inputIds.draftText`.
 */
export function draftTextBlockId(templateId: string | null, language: string, isDefault: boolean, writtenFor?: string): string {
  return isDefault ? inputIds.draftText : `${inputIds.draftText}.${templateId ?? 'none'}.${language}${writtenFor ? `.${writtenFor}` : ''}`;
}

export function isDraftTextBlockId(blockId: string): boolean {
  return blockId === inputIds.draftText || blockId.startsWith(`${inputIds.draftText}.`);
}

/**
 * block_id of the draft modal's target radios. Slack keeps a selection while its block_id stays, so
 * while the target is the template's own, another template than the first (the modal opens on it)
 * gets its own block_id: picking it shows its target. Once staff pick a target themselves it is
 * `draft_target` whatever the template, and their pick stays.
 */
export function draftTargetBlockId(templateId: string | null, isFirstTemplate: boolean, pickedByHand: boolean): string {
  return pickedByHand || isFirstTemplate || templateId === null ? inputIds.draftTarget : `${inputIds.draftTarget}.${templateId}`;
}

export function isDraftTargetBlockId(blockId: string): boolean {
  return blockId === inputIds.draftTarget || blockId.startsWith(`${inputIds.draftTarget}.`);
}

/** The draft text from a submitted draft modal's `view.state.values`, whichever template it was rendered for. */
export function draftTextValue(values: Record<string, Record<string, { value?: string | null }>>): string | undefined {
  for (const [blockId, actions] of Object.entries(values)) {
    if (!isDraftTextBlockId(blockId)) continue;
    const value = actions[blockId]?.value ?? Object.values(actions)[0]?.value;
    if (typeof value === 'string') return value;
  }
  return undefined;
}
