/**
 * The incident modals. Each carries its callback_id and private_metadata from ids.ts, and names its
 * inputs with ids.ts's block_ids, so the view listeners read exactly what these builders wrote.
 */
import type { KnownBlock, ModalView, Option, RadioButtons, StaticSelect } from '@slack/types';
import { LOCALES, t, type Locale } from '../../i18n/index.js';
import { SEVERITIES, type Refusal, type RefusalCode, type Severity } from '../../domain/incidents/index.js';
import { replyTemplateName, type Playbook } from '../../domain/playbooks/index.js';
import { escapeSlackText, inputTextFromMrkdwn, plainFromMrkdwnText, truncateSlackText } from '../text.js';
import {
  actionIds,
  callbackIds,
  draftTargetValue,
  draftTextBlockId,
  encodeRef,
  encodeRefWithText,
  inputIds,
  isDraftTextBlockId,
  draftTargetBlockId,
  isDraftTargetBlockId,
  type DraftRef,
  type MessageRef,
  type StepRef,
} from './ids.js';
import { SLACK_LIMITS } from './limits.js';
import { SEVERITY_EMOJI, blockQuote, channelLink, context, input, inertStaffText, modal, option, quoteMember, section, severityName, textInput } from './kit.js';

/** A member message the draft can answer in its thread. */
export interface ReplyTargetChoice {
  /** The message ts. */
  readonly ts: string;
  readonly text: string;
  readonly authorName?: string;
}

export interface DraftReplyModalInput {
  readonly incidentId: string;
  readonly incidentNumber: number;
  readonly channelId: string;
  readonly channelName: string;
  readonly locale: Locale;
  /** The playbook's reply templates (at least one). */
  readonly templates: Playbook['replies'];
  /** The template shown; default the first. */
  readonly templateId?: string;
  /** The reply's language; default the modal's locale. */
  readonly language?: Locale;
  /** The chosen template rendered for the chosen language (renderTemplate), prefilled in the text box. */
  readonly text: string;
  /** Messages the reply can answer in thread (detection's samples); at most 9 are offered. */
  readonly targets: readonly ReplyTargetChoice[];
  /** Pre-selected target; default: the template's target (first message for thread templates). */
  readonly target?: { readonly kind: 'channel' } | { readonly kind: 'thread'; readonly ts: string };
  /** Each template rendered as it would be prefilled, shown in the template choices (raw text when absent). */
  readonly templatePreviews?: Readonly<Record<string, string>>;
  /** Members may read another language than the reply's: offer the "post in this language anyway" box. */
  readonly askLanguageConfirmation?: boolean;
  /** The template answers a member's message but there is none (a declared incident): say so. */
  readonly noMemberMessage?: boolean;
  /**
   * The target `text` was prefilled for; default the chosen target. It differs only when staff edited
   * the text by hand and then picked another target: their text is kept (same block_id) and a warning
   * names whom it was written for and where it now goes.
   */
  readonly textTarget?: { readonly kind: 'channel' } | { readonly kind: 'thread'; readonly ts: string };
  /**
   * Staff edited the text by hand: the box keeps this block_id (so Slack keeps what they typed, and
   * `text` stays its first prefill); `languageChanged` says the language was switched under it.
   */
  readonly keptText?: { readonly blockId: string; readonly languageChanged: boolean };
  /**
   * With `keptText`: the chosen template as it would be prefilled (language, target), shown under the
   * box to copy from, since staff's own text stays in the box whatever template they pick.
   */
  readonly templateText?: string;
  /** The text box's block_id before this re-render, when its text is re-filled: never reused, so Slack shows the new text. */
  readonly replacedBlockId?: string;
  /** A drill: its reply is only ever posted in the alert thread, and the modal says so. */
  readonly drill?: boolean;
  /** Staff picked the target themselves: another template keeps it (otherwise each template brings its own). */
  readonly targetPicked?: boolean;
}

/** Radio buttons allow 10 options; one is "post in the channel". */
export const MAX_THREAD_TARGETS = 9;
/** Room for a member's name in a target option (its text allows 75 characters with the label). */
const MAX_AUTHOR_NAME = 40;

type DraftTarget = NonNullable<DraftReplyModalInput['target']>;
const targetValue = (target: DraftTarget) => (target.kind === 'thread' ? draftTargetValue.thread(target.ts) : draftTargetValue.channel);

/**
 * A member's display name as shown in the modal: one line, short; inert in mrkdwn (it is theirs to
 * choose), as typed in a plain_text option (which Slack shows literally).
 */
function authorLabel(name: string | undefined, locale: Locale, format: 'mrkdwn' | 'plain_text'): string {
  const flat = name?.replace(/\s+/g, ' ').trim();
  if (!flat) return t(locale, 'ui.modal.draft.a_member', {});
  const short = truncateSlackText(flat, MAX_AUTHOR_NAME);
  return format === 'mrkdwn' ? escapeSlackText(short) : short;
}

/**
 * The "post in this language anyway" box of the draft and edit modals. The edit modal shows it before
 * anything is rewritten, so there it says when it matters and names the members' language.
 */
function languageConfirmInput(locale: Locale, readersLanguage?: Locale): KnownBlock {
  const text = readersLanguage ? t(locale, 'ui.modal.edit.language_confirm', { language: t(locale, `ui.language.${readersLanguage}`, {}) }) : t(locale, 'ui.modal.draft.language_confirm', {});
  const confirm = option(text, 'confirmed');
  return input(inputIds.draftLanguageConfirm, t(locale, 'ui.modal.draft.language_confirm_label', {}), { type: 'checkboxes', action_id: inputIds.draftLanguageConfirm, options: [confirm] }, { optional: true });
}

export function draftReplyModal(input_: DraftReplyModalInput): ModalView {
  const { locale } = input_;
  const template = input_.templates.find((tpl) => tpl.id === input_.templateId) ?? input_.templates[0];
  const language = input_.language ?? locale;
  const blocks: KnownBlock[] = [];

  if (input_.templates.length > 0) {
    // Rendered for a message (values escaped), shown in a plain_text description.
    const previewOf = (id: string) => (input_.templatePreviews?.[id] === undefined ? undefined : plainFromMrkdwnText(input_.templatePreviews[id]));
    const templateOptions = input_.templates.slice(0, SLACK_LIMITS.select.options).map((tpl) => option(replyTemplateName(tpl, locale), tpl.id, previewOf(tpl.id) ?? tpl.text[language]));
    const select: StaticSelect = {
      type: 'static_select',
      action_id: actionIds.pickTemplate,
      options: templateOptions,
      ...(template ? { initial_option: templateOptions.find((o) => o.value === template.id) } : {}),
    };
    blocks.push(input(inputIds.draftTemplate, t(locale, 'ui.modal.draft.template', {}), select, { dispatchAction: true, optional: true }));
  }
  // Each language in its own words, whatever the reader's: people look for the name they know.
  const languageOptions = LOCALES.map((code) => option(t(code, 'ui.language.self', {}), code));
  blocks.push(
    input(
      inputIds.draftLanguage,
      t(locale, 'ui.modal.draft.language', {}),
      {
        type: 'static_select',
        action_id: actionIds.pickLanguage,
        options: languageOptions,
        initial_option: languageOptions.find((o) => o.value === language),
      },
      { dispatchAction: true },
    ),
  );
  if (input_.askLanguageConfirmation) blocks.push(languageConfirmInput(locale));
  if (input_.noMemberMessage) blocks.push(context(t(locale, 'ui.modal.draft.no_member_message', {})));
  if (template) blocks.push(section(`:bulb: *${t(locale, 'ui.modal.draft.guidance', {})}*\n${escapeSlackText(template.guidance[locale])}`));

  const offered = input_.targets.slice(0, MAX_THREAD_TARGETS);
  const defaultTarget: DraftTarget = template?.target === 'thread' && offered[0] ? { kind: 'thread', ts: offered[0].ts } : { kind: 'channel' };
  const wanted = input_.target ?? defaultTarget;
  const writtenFor = input_.textTarget ?? wanted;
  // The text's block_id follows whom it was prefilled for: a new target re-fills it, an edited text keeps it.
  const isDefault = template === undefined || (template === input_.templates[0] && language === locale && targetValue(writtenFor) === targetValue(defaultTarget));
  const prefilledId = draftTextBlockId(template?.id ?? null, language, isDefault, targetValue(writtenFor));
  // Slack keeps what a box holds while its block_id stays: a box emptied to start again from a template gets a new one.
  const textBlockId = input_.keptText?.blockId ?? (prefilledId === input_.replacedBlockId ? `${prefilledId}.again` : prefilledId);
  // A rendered template is message text; text kept from the box is already as the box shows it.
  const initial = input_.keptText ? input_.text : inputTextFromMrkdwn(input_.text);
  blocks.push(textInput(textBlockId, t(locale, 'ui.modal.draft.text', {}), { multiline: true, initial }));
  if (input_.keptText && template && input_.templateText !== undefined) {
    // Plain text, so what they copy is the template's characters, not its rendering.
    blocks.push(context(`:clipboard: ${t(locale, 'ui.modal.draft.kept_typed_text', { template: escapeSlackText(replyTemplateName(template, locale)) })}`));
    blocks.push({ type: 'section', text: { type: 'plain_text', text: truncateSlackText(plainFromMrkdwnText(input_.templateText), SLACK_LIMITS.section.text), emoji: false } });
  }
  if (input_.keptText?.languageChanged) {
    blocks.push(context(`:warning: ${t(locale, 'ui.modal.draft.kept_language', { language: t(locale, `ui.language.${language}`, {}) })}`));
  }
  if (targetValue(writtenFor) !== targetValue(wanted)) {
    const describe = (target: DraftTarget) =>
      target.kind === 'thread'
        ? t(locale, 'ui.modal.draft.for_thread', { author: authorLabel(input_.targets.find((choice) => choice.ts === target.ts)?.authorName, locale, 'mrkdwn') })
        : t(locale, 'ui.modal.draft.for_channel', { channel: escapeSlackText(input_.channelName.replace(/^#/, '')) });
    blocks.push(context(`:warning: ${t(locale, 'ui.modal.draft.kept_text', { from: describe(writtenFor), to: describe(wanted) })}`));
  }

  const targetOptions: Option[] = [
    option(t(locale, 'ui.modal.draft.target_channel', { channel: input_.channelName.replace(/^#/, '') }), draftTargetValue.channel),
    ...offered.map((choice) =>
      option(
        t(locale, 'ui.modal.draft.target_thread', { author: authorLabel(choice.authorName, locale, 'plain_text') }),
        draftTargetValue.thread(choice.ts),
        truncateSlackText(choice.text.replace(/\s+/g, ' '), SLACK_LIMITS.option.description),
      ),
    ),
  ];
  const radios: RadioButtons = {
    type: 'radio_buttons',
    action_id: actionIds.pickTarget,
    options: targetOptions,
    initial_option: targetOptions.find((o) => o.value === targetValue(wanted)) ?? targetOptions[0],
  };
  // Picking another thread re-renders the modal, so the greeting follows the member answered.
  // A drill's reply never leaves its alert thread: the target only says where it would go for real.
  const targetBlockId = draftTargetBlockId(template?.id ?? null, template === input_.templates[0], input_.targetPicked === true);
  blocks.push(input(targetBlockId, t(locale, input_.drill ? 'ui.modal.draft.target_drill' : 'ui.modal.draft.target', {}), radios, { dispatchAction: true }));
  const channel = channelLink(input_.channelId, input_.channelName);
  blocks.push(context(t(locale, input_.drill ? 'ui.modal.draft.review_note_drill' : 'ui.modal.draft.review_note', { channel })));

  return modal({
    callbackId: callbackIds.draftReplyModal,
    title: t(locale, 'ui.modal.draft.title', { number: input_.incidentNumber }),
    submit: t(locale, 'ui.modal.draft.submit', {}),
    close: t(locale, 'ui.modal.cancel', {}),
    privateMetadata: encodeRef({ i: input_.incidentId, w: targetValue(writtenFor), ...(input_.targetPicked ? { p: 1 } : {}) }),
    blocks,
  });
}

export interface EditDraftModalInput {
  readonly draft: DraftRef;
  readonly draftNumber: number;
  /** The draft's message text (mrkdwn), as it will be posted. */
  readonly text: string;
  readonly locale: Locale;
  /** The template's guidance, when the draft came from one. */
  readonly guidance?: string;
  /** The readers' language is known, so an edit into another asks for the "post in this language anyway" box. */
  readonly askLanguageConfirmation?: boolean;
  /** That language, named on the box. */
  readonly readersLanguage?: Locale;
}

export function editDraftModal(input_: EditDraftModalInput): ModalView {
  const { locale } = input_;
  const blocks: KnownBlock[] = [];
  if (input_.guidance) blocks.push(section(`:bulb: *${t(locale, 'ui.modal.draft.guidance', {})}*\n${escapeSlackText(input_.guidance)}`));
  blocks.push(textInput(inputIds.draftText, t(locale, 'ui.modal.draft.text', {}), { multiline: true, initial: inputTextFromMrkdwn(input_.text) }));
  // As on creation: a reply rewritten in a language its readers do not write in is posted only once confirmed.
  if (input_.askLanguageConfirmation) blocks.push(languageConfirmInput(locale, input_.readersLanguage));
  blocks.push(context(t(locale, 'ui.modal.edit.note', { revision: input_.draft.r })));
  return modal({
    callbackId: callbackIds.editDraftModal,
    title: t(locale, 'ui.modal.edit.title', { number: input_.draftNumber }),
    submit: t(locale, 'ui.modal.save', {}),
    close: t(locale, 'ui.modal.cancel', {}),
    privateMetadata: encodeRef(input_.draft),
    blocks,
  });
}

export interface DraftDecisionModalInput {
  readonly draft: DraftRef;
  readonly draftNumber: number;
  /** The revision's text, quoted so the reviewer sees what they are objecting to. */
  readonly text: string;
  readonly locale: Locale;
}

export function requestChangesModal(input_: DraftDecisionModalInput): ModalView {
  const { locale } = input_;
  return modal({
    callbackId: callbackIds.requestChangesModal,
    title: t(locale, 'ui.modal.changes.title', {}),
    submit: t(locale, 'ui.modal.send', {}),
    close: t(locale, 'ui.modal.cancel', {}),
    privateMetadata: encodeRef(input_.draft),
    blocks: [
      section(`*${t(locale, 'ui.draft.heading', { number: input_.draftNumber, revision: input_.draft.r })}*\n${blockQuote(inertStaffText(input_.text), 2800)}`),
      textInput(inputIds.comment, t(locale, 'ui.modal.changes.comment', {}), { multiline: true }),
    ],
  });
}

export function rejectDraftModal(input_: DraftDecisionModalInput): ModalView {
  const { locale } = input_;
  return modal({
    callbackId: callbackIds.rejectDraftModal,
    title: t(locale, 'ui.modal.reject.title', {}),
    submit: t(locale, 'ui.modal.reject.submit', {}),
    close: t(locale, 'ui.modal.cancel', {}),
    privateMetadata: encodeRef(input_.draft),
    blocks: [
      section(`*${t(locale, 'ui.draft.heading', { number: input_.draftNumber, revision: input_.draft.r })}*\n${blockQuote(inertStaffText(input_.text), 2800)}`),
      textInput(inputIds.reason, t(locale, 'ui.modal.reject.reason', {}), { multiline: true }),
      context(t(locale, 'ui.modal.reject.final', {})),
    ],
  });
}

export interface SeverityModalInput {
  readonly incidentId: string;
  readonly incidentNumber: number;
  readonly current: Severity;
  /** The playbook's severities, for what each level means; undefined when the incident's playbook is no longer loaded. */
  readonly severities: Playbook['severities'] | undefined;
  readonly locale: Locale;
}

export function severityModal(input_: SeverityModalInput): ModalView {
  const { locale } = input_;
  const { severities } = input_;
  const options = SEVERITIES.map((sev) => option(`${severityName(sev)}`, sev, severities?.[sev].meaning[locale]));
  const meanings = severities
    ? SEVERITIES.map((sev) => `${SEVERITY_EMOJI[sev]} *${severityName(sev)}* — ${escapeSlackText(severities[sev].meaning[locale])}`).join('\n')
    : t(locale, 'ui.modal.severity.no_playbook', {});
  return modal({
    callbackId: callbackIds.severityModal,
    title: t(locale, 'ui.modal.severity.title', {}),
    submit: t(locale, 'ui.modal.severity.submit', {}),
    close: t(locale, 'ui.modal.cancel', {}),
    privateMetadata: encodeRef({ i: input_.incidentId, v: input_.current }),
    blocks: [
      section(t(locale, 'ui.modal.severity.current', { number: input_.incidentNumber, severity: severityName(input_.current) })),
      section(meanings),
      input(inputIds.severity, t(locale, 'ui.modal.severity.new', {}), {
        type: 'static_select',
        action_id: inputIds.severity,
        options,
        initial_option: options.find((o) => o.value === input_.current),
      }),
      textInput(inputIds.reason, t(locale, 'ui.modal.severity.reason', {}), { multiline: true }),
    ],
  });
}

export interface ResolveModalInput {
  readonly incidentId: string;
  readonly incidentNumber: number;
  /** Required checklist steps neither done nor skipped: each gets a reason box to skip it while resolving. */
  readonly openRequiredSteps: readonly { readonly stepId: string; readonly text: string }[];
  readonly locale: Locale;
}

/** Reason boxes offered in the resolve modal (a view allows 100 blocks; nobody reads 20 of these). */
const MAX_SKIP_INPUTS = 20;

export function resolveModal(input_: ResolveModalInput): ModalView {
  const { locale } = input_;
  const blocks: KnownBlock[] = [];
  blocks.push(textInput(inputIds.resolutionSummary, t(locale, 'ui.modal.resolve.summary', {}), { multiline: true, hint: t(locale, 'ui.modal.resolve.hint', {}) }));
  if (input_.openRequiredSteps.length > 0) {
    // The steps still blocking resolution can be skipped right here, with a reason, so resolving never dead-ends.
    blocks.push(section(`:warning: ${t(locale, 'ui.modal.resolve.open_steps', { count: input_.openRequiredSteps.length })}`));
    for (const step of input_.openRequiredSteps.slice(0, MAX_SKIP_INPUTS)) {
      blocks.push(
        textInput(inputIds.skipReason(step.stepId), t(locale, 'ui.modal.resolve.skip_label', { step: step.text }), {
          optional: true,
          hint: t(locale, 'ui.modal.resolve.skip_hint', {}),
        }),
      );
    }
  }
  return modal({
    callbackId: callbackIds.resolveModal,
    title: t(locale, 'ui.modal.resolve.title', { number: input_.incidentNumber }),
    submit: t(locale, 'ui.modal.resolve.submit', {}),
    close: t(locale, 'ui.modal.cancel', {}),
    privateMetadata: encodeRef({ i: input_.incidentId }),
    blocks,
  });
}

export interface SkipStepModalInput {
  readonly step: StepRef;
  readonly incidentNumber: number;
  readonly stepText: string;
  readonly locale: Locale;
}

/** Skip… on a checklist step: a step that does not apply this time is closed with a reason. */
export function skipStepModal(input_: SkipStepModalInput): ModalView {
  const { locale } = input_;
  return modal({
    callbackId: callbackIds.skipStepModal,
    title: t(locale, 'ui.modal.skip.title', {}),
    submit: t(locale, 'ui.modal.skip.submit', {}),
    close: t(locale, 'ui.modal.cancel', {}),
    privateMetadata: encodeRef({ ...input_.step, done: false }),
    blocks: [
      section(t(locale, 'ui.modal.skip.step', { number: input_.incidentNumber, step: escapeSlackText(input_.stepText) })),
      textInput(inputIds.reason, t(locale, 'ui.modal.skip.reason', {}), { multiline: true, hint: t(locale, 'ui.modal.skip.hint', {}) }),
    ],
  });
}

export function noteModal(incidentId: string, incidentNumber: number, locale: Locale): ModalView {
  return modal({
    callbackId: callbackIds.noteModal,
    title: t(locale, 'ui.modal.note.title', { number: incidentNumber }),
    submit: t(locale, 'ui.modal.note.submit', {}),
    close: t(locale, 'ui.modal.cancel', {}),
    privateMetadata: encodeRef({ i: incidentId }),
    blocks: [
      textInput(inputIds.note, t(locale, 'ui.modal.note.label', {}), { multiline: true }),
      context(t(locale, 'ui.modal.note.hint', {})),
    ],
  });
}

export interface OpenIncidentChoice {
  readonly incidentId: string;
  readonly number: number;
  readonly severity: Severity;
  readonly channelName: string;
  readonly drill?: boolean;
}

export interface AddToTimelineModalInput {
  /** The message the shortcut was used on; its text is shortened to fit the metadata. */
  readonly message: MessageRef;
  readonly incidents: readonly OpenIncidentChoice[];
  readonly locale: Locale;
}

export function addToTimelineModal(input_: AddToTimelineModalInput): ModalView {
  const { locale } = input_;
  const ref: MessageRef = { ...input_.message, text: truncateSlackText(input_.message.text, 2000) };
  const blocks: KnownBlock[] = [section(quoteMember(input_.message.text, 1500))];
  if (input_.incidents.length === 0) {
    blocks.push(section(t(locale, 'ui.modal.timeline.none', {})));
    return modal({
      callbackId: callbackIds.addToTimelineModal,
      title: t(locale, 'ui.modal.timeline.title', {}),
      close: t(locale, 'ui.modal.close', {}),
      privateMetadata: encodeRefWithText(ref),
      blocks,
    });
  }
  const options = input_.incidents
    .slice(0, SLACK_LIMITS.select.options)
    .map((incident) =>
      option(
        t(locale, 'ui.modal.timeline.option', {
          number: incident.number,
          severity: severityName(incident.severity),
          channel: incident.channelName.replace(/^#/, ''),
          drill: incident.drill === true,
        }),
        incident.incidentId,
      ),
    );
  const only = options.length === 1 ? options[0] : undefined;
  blocks.push(
    input(inputIds.incident, t(locale, 'ui.modal.timeline.incident', {}), {
      type: 'static_select',
      action_id: inputIds.incident,
      options,
      ...(only ? { initial_option: only } : {}),
    }),
  );
  return modal({
    callbackId: callbackIds.addToTimelineModal,
    title: t(locale, 'ui.modal.timeline.title', {}),
    submit: t(locale, 'ui.modal.timeline.submit', {}),
    close: t(locale, 'ui.modal.cancel', {}),
    privateMetadata: encodeRefWithText(ref),
    blocks,
  });
}

/** Which input a domain refusal about a text field belongs to, per modal. */
const REFUSAL_FIELD_BLOCKS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  [callbackIds.draftReplyModal]: { text: inputIds.draftText, language: inputIds.draftLanguage, target: inputIds.draftTarget },
  // The edit modal has no language picker: a language refusal goes under its "anyway" box.
  [callbackIds.editDraftModal]: { text: inputIds.draftText, language: inputIds.draftLanguageConfirm },
  [callbackIds.requestChangesModal]: { comment: inputIds.comment },
  [callbackIds.rejectDraftModal]: { comment: inputIds.reason, reason: inputIds.reason },
  [callbackIds.severityModal]: { reason: inputIds.reason, severity: inputIds.severity },
  [callbackIds.resolveModal]: { summary: inputIds.resolutionSummary },
  [callbackIds.noteModal]: { note: inputIds.note },
  [callbackIds.skipStepModal]: { reason: inputIds.reason },
};

/** Refusals about the modal as a whole, shown on the input that the person would change next. */
const REFUSAL_CODE_FIELDS: Readonly<Partial<Record<RefusalCode, string>>> = {
  // Resolving with required steps open: the summary stays typed, the steps are ticked elsewhere.
  required_steps_open: 'summary',
  // Someone changed the severity while the form was open: said under the choice, the reason stays typed.
  severity_changed: 'severity',
};

/** The field a refusal is about: its `field` parameter, or the field its code points at. */
export function refusalField(refusal: Pick<Refusal, 'code' | 'params'>): string | undefined {
  const field = refusal.params['field'];
  return typeof field === 'string' ? field : REFUSAL_CODE_FIELDS[refusal.code];
}

/**
 * A refusal of a missing or too long text (`refusal.params.field`) as `response_action: errors` for
 * the modal it came from; null when the refusal is not about one of the modal's inputs (show it instead).
 * Pass the submitted view's block_ids so the draft text's error lands on the block actually shown
 * (its block_id follows the template and language, see draftTextBlockId).
 */
export function refusalFieldErrors(
  callbackId: string,
  field: unknown,
  message: string,
  viewBlockIds: readonly string[] = [],
): Record<string, string> | null {
  let blockId = typeof field === 'string' ? REFUSAL_FIELD_BLOCKS[callbackId]?.[field] : undefined;
  if (blockId === inputIds.draftText) blockId = viewBlockIds.find(isDraftTextBlockId) ?? blockId;
  if (blockId === inputIds.draftTarget) blockId = viewBlockIds.find(isDraftTargetBlockId) ?? blockId;
  return blockId ? { [blockId]: message } : null;
}

