// Block Kit for staff feedback (#16): the alert's "Real crisis / False alarm" and per-sample
// "Not negative / Negative" buttons (under each quoted sample), the confirmation with Undo, the
// shortcut's and the reason's modals.
import type { KnownBlock } from '@slack/types';
import { z } from 'zod';
import { t, type Locale } from '../../i18n/index.js';
import { actions, button, context, decimal, input, message, modal, option, quoteMember, section, textInput, type SlackMessage } from './kit.js';
import type { DetectionFeedback, DetectionSample } from './detection-summary.js';
import { actionIds, callbackIds, encodeRef, encodeRefWithText, inputIds } from './ids.js';
import type { ModalView } from '@slack/types';

export const alertFeedbackRef = z.object({ i: z.string().min(1), v: z.enum(['real_crisis', 'false_alarm']) });
export const sampleFeedbackRef = z.object({ i: z.string().min(1), s: z.string().min(1), v: z.enum(['negative', 'not_negative']) });
export const feedbackRef = z.object({ f: z.string().min(1) });
/** The shortcut's modal remembers the message (text shortened to fit private_metadata). */
export const markedMessageRef = z.object({ c: z.string().min(1), ts: z.string().min(1), text: z.string().max(2500) });

/** The alert's verdict buttons: "Real crisis" / "False alarm". */
export function alertFeedbackBlocks(incidentId: string, locale: Locale): KnownBlock[] {
  return [
    context(t(locale, 'feedback.alert_question', {})),
    actions([
      button(t(locale, 'feedback.button.real_crisis', {}), actionIds.realCrisis, encodeRef({ i: incidentId, v: 'real_crisis' })),
      button(t(locale, 'feedback.button.false_alarm', {}), actionIds.falseAlarm, encodeRef({ i: incidentId, v: 'false_alarm' })),
    ], 'feedback.alert'),
  ];
}

/** "Not negative" / "Negative" under one quoted sample (the alert quotes each sample once, with these). */
export function sampleFeedbackActions(incidentId: string, sample: Pick<DetectionSample, 'id'>, index: number, locale: Locale): KnownBlock {
  return actions([
    button(t(locale, 'feedback.button.not_negative', {}), actionIds.sampleNotNegative, encodeRef({ i: incidentId, s: sample.id, v: 'not_negative' })),
    button(t(locale, 'feedback.button.negative', {}), actionIds.sampleNegative, encodeRef({ i: incidentId, s: sample.id, v: 'negative' })),
  ], `feedback.sample.${index + 1}`);
}

/** The ephemeral confirmation of a click: what was recorded, what it changes, Undo and Add a reason. */
export function feedbackRecordedMessage(feedbackId: string, verdict: string, target: 'alert' | 'message', locale: Locale): SlackMessage {
  const label = t(locale, `feedback.verdict.${verdict as 'negative'}`, {});
  const text = t(locale, 'feedback.recorded', { verdict: label, effect: t(locale, target === 'alert' ? 'feedback.effect.alert' : 'feedback.effect.message', {}) });
  const ref = encodeRef({ f: feedbackId });
  return message(text, [section(text), actions([button(t(locale, 'feedback.button.undo', {}), actionIds.undoFeedback, ref), button(t(locale, 'feedback.button.add_reason', {}), actionIds.feedbackReason, ref)])], 'feedback confirmation');
}

/** The shortcut's modal: the message, Negative / Not negative, and an optional reason. */
export function markSentimentModal(marked: z.infer<typeof markedMessageRef>, locale: Locale): ModalView {
  const options = (['not_negative', 'negative'] as const).map((verdict) => option(t(locale, `feedback.button.${verdict}`, {}), verdict));
  return modal({
    callbackId: callbackIds.markSentimentModal,
    title: t(locale, 'feedback.modal.title', {}),
    submit: t(locale, 'feedback.modal.submit', {}),
    close: t(locale, 'feedback.modal.cancel', {}),
    privateMetadata: encodeRefWithText({ ...marked, text: marked.text.slice(0, 2500) }, { ellipsis: '' }),
    blocks: [
      section(t(locale, 'feedback.modal.message', { excerpt: quoteMember(marked.text, 1500) })),
      input(inputIds.sentimentVerdict, t(locale, 'feedback.modal.verdict', {}), { type: 'radio_buttons', action_id: inputIds.sentimentVerdict, options }),
      textInput(inputIds.reason, t(locale, 'feedback.modal.reason', {}), { optional: true, multiline: true, maxLength: 500 }),
    ],
  });
}

export function feedbackReasonModal(feedbackId: string, locale: Locale): ModalView {
  return modal({
    callbackId: callbackIds.feedbackReasonModal,
    title: t(locale, 'feedback.modal.reason_title', {}),
    submit: t(locale, 'feedback.modal.submit', {}),
    close: t(locale, 'feedback.modal.cancel', {}),
    privateMetadata: encodeRef({ f: feedbackId }),
    blocks: [textInput(inputIds.reason, t(locale, 'feedback.modal.reason', {}), { multiline: true, maxLength: 500 })],
  });
}

/** What the reason modal turns into once the reason is stored: it says so, quoting it, and only closes. */
export function feedbackReasonSavedModal(reason: string, locale: Locale): ModalView {
  return modal({
    callbackId: callbackIds.feedbackReasonSaved,
    title: t(locale, 'feedback.modal.reason_title', {}),
    close: t(locale, 'ui.modal.close', {}),
    blocks: [section(`:white_check_mark: ${t(locale, 'feedback.reason_saved', {})}\n${quoteMember(reason, 600)}`)],
  });
}

/** The alert's line about feedback: which way it moved the threshold, and whether it decided this alert. */
export function feedbackNoteText(note: DetectionFeedback | null, locale: Locale): string | null {
  if (!note || note.thresholdAfter === note.thresholdBefore) return null;
  const before = decimal(note.thresholdBefore, locale, 2);
  const after = decimal(note.thresholdAfter, locale, 2);
  return note.thresholdAfter > note.thresholdBefore
    ? t(locale, 'feedback.alert_note.raised', { falseAlarms: note.falseAlarms, before, after })
    : t(locale, 'feedback.alert_note.lowered', { lateCrises: note.lateCrises, before, after, decided: note.decided });
}
