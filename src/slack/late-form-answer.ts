// A form's field errors that reach Slack too late to show: the listener guard answered the submission
// for its listener at ACK_DEADLINE_MS (an empty answer, which closes the form) while the listener still
// waited on Slack (who the person is, their language), so the errors that came after had nowhere to go.
// They are told to the person by direct message instead, with what they typed, quoted, so nothing they
// wrote is lost and they never believe a refused form was saved.
import { t, type Locale } from '../i18n/index.js';

type Body = Record<string, unknown>;
const record = (value: unknown): Body | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Body) : undefined);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);

/** Slack shows a message's text up to 40,000 characters; room is left for the explanation around the quote. */
const QUOTE_LIMIT = 36_000;

/** A submission's field errors (`response_action: errors`), or undefined for any other answer. */
export function formErrorsOf(response: unknown): Record<string, string> | undefined {
  const answer = record(response);
  if (answer?.['response_action'] !== 'errors') return undefined;
  const errors = record(answer['errors']);
  if (!errors) return undefined;
  const entries = Object.entries(errors).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** Typed text as Slack shows it literally (its mrkdwn reads `<`, `>` and `&` as markup). */
const literal = (typed: string) => typed.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const optionText = (option: unknown) => text(record(record(option)?.['text'])?.['text']) ?? text(record(option)?.['value']);

/** What one input held when it was sent, as the person would recognise it; undefined when empty. */
function typedIn(element: Body): string | undefined {
  const typed = text(element['value']);
  if (typed !== undefined) return literal(typed);
  const option = optionText(element['selected_option']);
  if (option !== undefined) return literal(option);
  const options = Array.isArray(element['selected_options']) ? element['selected_options'].map(optionText).filter((item) => item !== undefined) : [];
  if (options.length > 0) return literal(options.join(', '));
  const users = [element['selected_user'], ...(Array.isArray(element['selected_users']) ? element['selected_users'] : [])].map(text).filter((id) => id !== undefined);
  if (users.length > 0) return users.map((id) => `<@${id}>`).join(', ');
  const channels = [element['selected_channel'], element['selected_conversation'], ...(Array.isArray(element['selected_channels']) ? element['selected_channels'] : []), ...(Array.isArray(element['selected_conversations']) ? element['selected_conversations'] : [])]
    .map(text)
    .filter((id) => id !== undefined);
  if (channels.length > 0) return channels.map((id) => `<#${id}>`).join(', ');
  return text(element['selected_date']) ?? text(element['selected_time']);
}

/** An input's label in the form (what the person read above it), else its block id. */
function labelOf(view: Body | undefined, blockId: string): string {
  const blocks = Array.isArray(view?.['blocks']) ? view['blocks'] : [];
  const block = blocks.map(record).find((candidate) => candidate?.['block_id'] === blockId);
  return literal(text(record(block?.['label'])?.['text']) ?? blockId);
}

/**
 * The direct message telling a person their form was refused after it closed: why (each field's error,
 * under its label) and what they had typed, quoted, within Slack's limit on a message's length.
 */
export function lateFormErrorsMessage(locale: Locale, body: Body, errors: Record<string, string>): string {
  const view = record(body['view']);
  const title = literal(text(record(view?.['title'])?.['text']) ?? '');
  const why = Object.entries(errors).map(([blockId, error]) => `• *${labelOf(view, blockId)}*: ${literal(error)}`);
  const typed: string[] = [];
  for (const [blockId, block] of Object.entries(record(record(view?.['state'])?.['values']) ?? {})) {
    for (const element of Object.values(record(block) ?? {})) {
      const value = record(element) ? typedIn(record(element)!) : undefined;
      if (value !== undefined) typed.push(`*${labelOf(view, blockId)}*\n${value.split('\n').map((line) => `> ${line}`).join('\n')}`);
    }
  }
  let quoted = typed.join('\n');
  if (quoted.length > QUOTE_LIMIT) quoted = `${quoted.slice(0, QUOTE_LIMIT)}…`;
  return [t(locale, 'ui.guard.late_form', { title }), ...why, ...(quoted ? [t(locale, 'ui.guard.late_form_typed', {}), quoted] : [])].join('\n');
}
