/**
 * The small Block Kit vocabulary every builder composes from, and the formatting rules they share
 * (mentions, times, severities, quoting). Builders never write raw block JSON themselves.
 */
import type {
  ActionsBlock,
  Button,
  ContextBlock,
  DividerBlock,
  HeaderBlock,
  HomeView,
  InputBlock,
  InputBlockElement,
  KnownBlock,
  ModalView,
  PlainTextOption,
  PlainTextElement,
  SectionBlock,
  SectionBlockAccessory,
  MrkdwnElement,
} from '@slack/types';
import type { Locale } from '../../i18n/index.js';
import type { Severity } from '../../domain/incidents/index.js';
import { escapeSlackText, truncateSlackText } from '../text.js';
import { SLACK_LIMITS, assertWithinSlackLimits } from './limits.js';

/** What every message builder returns: notification text (also the accessible fallback) and blocks. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: KnownBlock[];
}

export const plain = (text: string, limit?: number): PlainTextElement => ({
  type: 'plain_text',
  text: limit === undefined ? text : fit(text, limit),
  emoji: true,
});

export const mrkdwn = (text: string): MrkdwnElement => ({ type: 'mrkdwn', text });

/** Shorten our own (already safe) text to a limit without breaking an entity or an escape. */
export function fit(text: string, limit: number): string {
  return truncateSlackText(text, limit);
}

/** Draft numbers named in one line ("#1, #2"): the first few, so the advice after them is never cut. */
export function draftNumbers(numbers: readonly string[], shown = 10): string {
  return numbers.length > shown ? `${numbers.slice(0, shown).join(', ')}, …` : numbers.join(', ');
}

export function header(text: string): HeaderBlock {
  return { type: 'header', text: plain(text, SLACK_LIMITS.header.text) };
}

export function section(text: string, options: { accessory?: SectionBlockAccessory; blockId?: string } = {}): SectionBlock {
  return {
    type: 'section',
    text: mrkdwn(fit(text, SLACK_LIMITS.section.text)),
    ...(options.accessory ? { accessory: options.accessory } : {}),
    ...(options.blockId ? { block_id: options.blockId } : {}),
  };
}

/** Label/value pairs shown in two columns (at most 10). */
export function fields(pairs: readonly (readonly [string, string])[]): SectionBlock {
  return {
    type: 'section',
    fields: pairs
      .slice(0, SLACK_LIMITS.section.fields)
      .map(([label, value]) => mrkdwn(fit(`*${label}*\n${value}`, SLACK_LIMITS.section.fieldText))),
  };
}

export function context(...texts: string[]): ContextBlock {
  return {
    type: 'context',
    elements: texts.slice(0, SLACK_LIMITS.context.elements).map((text) => mrkdwn(fit(text, SLACK_LIMITS.section.text))),
  };
}

export const divider = (): DividerBlock => ({ type: 'divider' });

export function actions(elements: Button[], blockId?: string): ActionsBlock {
  return { type: 'actions', elements: elements.slice(0, SLACK_LIMITS.actions.elements), ...(blockId ? { block_id: blockId } : {}) };
}

export function button(
  label: string,
  actionId: string,
  value: string,
  style?: 'primary' | 'danger',
): Button {
  return { type: 'button', text: plain(label, SLACK_LIMITS.button.text), action_id: actionId, value, ...(style ? { style } : {}) };
}

export function option(text: string, value: string, description?: string): PlainTextOption {
  return {
    text: plain(text, SLACK_LIMITS.option.text),
    value,
    ...(description ? { description: plain(description, SLACK_LIMITS.option.description) } : {}),
  };
}

export function input(
  blockId: string,
  label: string,
  element: InputBlockElement,
  options: { optional?: boolean; hint?: string; dispatchAction?: boolean } = {},
): InputBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label, SLACK_LIMITS.input.label),
    element,
    optional: options.optional ?? false,
    ...(options.hint ? { hint: plain(options.hint, SLACK_LIMITS.input.hint) } : {}),
    ...(options.dispatchAction ? { dispatch_action: true } : {}),
  };
}

/** A plain text input; its action_id is its block_id, so values read `state.values[id][id]`. */
export function textInput(
  blockId: string,
  label: string,
  options: { multiline?: boolean; initial?: string; placeholder?: string; optional?: boolean; hint?: string; maxLength?: number } = {},
): InputBlock {
  const maxLength = Math.min(options.maxLength ?? SLACK_LIMITS.plainTextInput.maxLength, SLACK_LIMITS.plainTextInput.maxLength);
  return input(
    blockId,
    label,
    {
      type: 'plain_text_input',
      action_id: blockId,
      multiline: options.multiline ?? false,
      max_length: maxLength,
      ...(options.initial ? { initial_value: options.initial.slice(0, maxLength) } : {}),
      ...(options.placeholder ? { placeholder: plain(options.placeholder, SLACK_LIMITS.plainTextInput.placeholder) } : {}),
    },
    { optional: options.optional ?? false, ...(options.hint ? { hint: options.hint } : {}) },
  );
}

/** Finish a message: the one place every built message is checked against Slack's limits. */
export function message(text: string, blocks: KnownBlock[], what: string): SlackMessage {
  const built = { text: fit(text, 3000), blocks };
  assertWithinSlackLimits('message', built as unknown as Record<string, unknown>, what);
  return built;
}

export interface ModalOptions {
  readonly callbackId: string;
  readonly title: string;
  readonly blocks: KnownBlock[];
  readonly privateMetadata?: string;
  /** Without it the modal only informs (no inputs, no submit button). */
  readonly submit?: string;
  readonly close: string;
}

/** Finish a modal: titles fitted to Slack's 24 characters, then checked against every limit. */
export function modal(options: ModalOptions): ModalView {
  const view: ModalView = {
    type: 'modal',
    callback_id: options.callbackId,
    title: plain(options.title, SLACK_LIMITS.view.title),
    close: plain(options.close, SLACK_LIMITS.view.close),
    ...(options.submit ? { submit: plain(options.submit, SLACK_LIMITS.view.submit) } : {}),
    ...(options.privateMetadata !== undefined ? { private_metadata: options.privateMetadata } : {}),
    blocks: options.blocks,
  };
  assertWithinSlackLimits('modal', view as unknown as Record<string, unknown>, `modal ${options.callbackId}`);
  return view;
}

export function homeView(blocks: KnownBlock[]): HomeView {
  const view: HomeView = { type: 'home', blocks };
  assertWithinSlackLimits('home', view as unknown as Record<string, unknown>, 'App Home');
  return view;
}

// ——— Formatting shared by the builders ———

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;
const SLACK_CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;

/** A staff member as a Slack mention; anything that is not a user id is shown inert. */
export function mention(userId: string): string {
  return SLACK_USER_ID.test(userId) ? `<@${userId}>` : escapeSlackText(userId);
}

/** A channel's name where the text writes its "#" itself: inert (an /ingest source's name follows no Slack rule). */
export function channelNameText(name: string): string {
  return escapeSlackText(name.replace(/^#/, ''));
}

export function channelLink(channelId: string, fallbackName?: string): string {
  if (SLACK_CHANNEL_ID.test(channelId)) return `<#${channelId}>`;
  return `#${escapeSlackText(fallbackName ?? channelId)}`;
}

/**
 * A link whose label is shown; only plain https URLs are linked (anything else could break the
 * entity), and http on this machine (the sandbox's message links).
 */
const LINKABLE = /^(?:https:\/\/[^\s<>|]+|http:\/\/(?:localhost|127\.0\.0\.1|\[::1\])(?::\d+)?\/[^\s<>|]*)$/;

export function link(url: string | undefined, label: string): string {
  if (url === undefined || !LINKABLE.test(url)) return '';
  return `<${url}|${label.replace(/[<>|]/g, '')}>`;
}

/** Epoch ms shown in each reader's own time zone by Slack; the fallback is UTC. */
export function slackDate(epochMs: number, format = '{date_short_pretty} {time}'): string {
  const seconds = Math.floor(epochMs / 1000);
  const fallback = new Date(epochMs).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  return `<!date^${seconds}^${format}|${fallback}>`;
}

export const SEVERITY_EMOJI: Readonly<Record<Severity, string>> = {
  sev1: ':red_circle:',
  sev2: ':large_orange_circle:',
  sev3: ':large_yellow_circle:',
  sev4: ':white_circle:',
};

/** "SEV2" — how staff say it. */
export const severityName = (severity: Severity): string => severity.toUpperCase();

export function percent(share: number, locale: Locale): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(share);
}

export function decimal(value: number, locale: Locale, digits = 1): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value);
}

/** What clients may draw as a new line besides "\n": each must start a quoted line too, or the rest reads as ours. */
const OTHER_LINE_BREAKS = /\r\n?|[\v\f\u0085\u2028\u2029]/g;

/** Member-written text as a Slack quote: escaped (cannot ping or link), shortened, every line quoted. */
export function quoteMember(text: string, maxLength: number): string {
  return blockQuote(escapeSlackText(text.replace(OTHER_LINE_BREAKS, '\n')), maxLength);
}

/** Already-safe mrkdwn as a block quote, shortened to fit with its quote markers. */
export function blockQuote(safeText: string, maxLength: number): string {
  const lines = Math.max(1, safeText.split('\n').length);
  // Each line gains "> " (2 characters); budget for that before shortening.
  const short = fit(safeText, Math.max(8, maxLength - 2 * lines));
  return short
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

/**
 * Safe text quoted whole, over as many sections as it needs: what approvers read must be all of what
 * is posted, so nothing is cut. Sections break between lines; a line longer than a section is split
 * at a word (never inside an entity or escape) and goes on in the next one.
 */
export function wholeQuoteSections(safeText: string): SectionBlock[] {
  const room = SLACK_LIMITS.section.text;
  const quoted: string[] = [];
  for (let line of safeText.split('\n')) {
    while (`> ${line}`.length > room) {
      const piece = truncateSlackText(line, room - 2, { ellipsis: '' });
      quoted.push(`> ${piece}`);
      line = line.slice(piece.length).trimStart();
    }
    quoted.push(`> ${line}`);
  }
  const sections: string[] = [];
  let current = '';
  for (const line of quoted) {
    if (current !== '' && current.length + 1 + line.length > room) {
      sections.push(current);
      current = line;
    } else {
      current = current === '' ? line : `${current}\n${line}`;
    }
  }
  sections.push(current);
  return sections.map((text) => ({ type: 'section', text: mrkdwn(text) }));
}

/**
 * Staff-written text shown to staff as it will look when posted: formatting and links stay, but
 * mentions (`<!channel>`, `<@U…>`, `<#C…>`, `<!subteam^…>`) and bare `@here`-style words are made
 * inert, so reviewing a draft in the alerts channel never pings anyone.
 */
export function inertStaffText(text: string): string {
  return text
    .replace(/<([!@#][^<>]*)>/g, '&lt;$1&gt;')
    .replace(/(^|[^\p{L}\p{N}_])@(?=(?:channel|here|everyone)\b)/giu, '$1@\u2060');
}
