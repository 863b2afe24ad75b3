/**
 * Text safety for what Firebreak quotes from members: escaping so a quote can never ping or link,
 * and truncation that never breaks a Slack entity, an escape, a surrogate pair or a grapheme.
 *
 * Lengths are UTF-16 code units (String.length), the same measure as src/slack/blocks/limits.ts.
 */

import { headCut } from '../domain/text/cut.js';

const WORD_JOINER = '\u2060';

/**
 * Make member text inert in a Slack message (mrkdwn or plain): `&`, `<`, `>` become `&amp;`, `&lt;`,
 * `&gt;`, so `<!channel>`, `<!here>`, `<!everyone>`, `<@U…>`, `<#C…>`, `<!subteam^S…>` and links show
 * as text instead of pinging. A bare `@channel`/`@here`/`@everyone`/`@name` gets an invisible word
 * joiner after the `@`, so it stays inert even in a message sent with link_names.
 */
export function escapeSlackText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/(^|[^\p{L}\p{N}_])@(?=[\p{L}\p{N}_])/gu, `$1@${WORD_JOINER}`);
}

/**
 * Text escaped for mrkdwn (a rendered reply template) as a `plain_text` object shows it: Slack shows
 * plain_text literally, so `&amp;`, `&lt;`, `&gt;` would read as written. plain_text never pings or
 * links, so the characters are safe there as typed.
 */
export function plainFromMrkdwnText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * A slash command's text as the person typed it. The manifest's `should_escape: true` makes Slack
 * send `&`, `<`, `>` as `&amp;`, `&lt;`, `&gt;` and what was typed as `@lucia`, `#general`,
 * `@community-leads`, `@here` or a link as `<@U…|lucia>`, `<#C…|general>`,
 * `<!subteam^S…|@community-leads>`, `<!here>`, `<https://…>`: each goes back to its typed form, so
 * a summary is stored as a modal would store it (plain text, escaped only where it is rendered).
 */
export function typedFromCommandText(text: string): string {
  // Only Slack's own markup has literal brackets here: what the person typed arrived escaped.
  const typed = text.replace(/<([^<>]*)>/g, (_markup, inner: string) => {
    const bar = inner.indexOf('|');
    const target = bar === -1 ? inner : inner.slice(0, bar);
    const label = bar === -1 ? null : inner.slice(bar + 1);
    if (target.startsWith('@') || target.startsWith('#')) return label ? `${target[0]}${label}` : target;
    if (/^!(?:here|channel|everyone)$/.test(target)) return `@${target.slice(1)}`;
    // A user group keeps its `@handle` label; a link its label, or the address itself.
    return label ?? target.replace(/^!/, '');
  });
  return plainFromMrkdwnText(typed);
}

/** Slack's markup as staff type it: a mention (`<@U…>`, `<!here>`, `<#C…>`) or a link (`<https://…|label>`). */
const SLACK_MARKUP = /<(?:[!@#]|(?:https?|mailto|tel):)[^<>\n]*>/g;

/**
 * A reply's message text (mrkdwn) as its plain_text_input shows it: `&amp;`, `&lt;`, `&gt;` as the
 * characters they stand for. An escaped `&lt;@U…&gt;` or link (a member's name rendered into a
 * template) stays escaped, so submitting the box never turns it into a live mention or link.
 */
export function inputTextFromMrkdwn(text: string): string {
  return text.replace(/&lt;(?:(?!&gt;)[^<>\n])*&gt;|&(?:amp|lt|gt);/g, (escape) => {
    if (escape.length <= 5) return plainFromMrkdwnText(escape);
    const unescaped = `<${plainFromMrkdwnText(escape.slice(4, -4))}>`;
    return new RegExp(`^${SLACK_MARKUP.source}$`).test(unescaped) ? escape : unescaped;
  });
}

/**
 * What staff typed in a reply's plain_text_input, as message text (mrkdwn): `&`, `<`, `>` escaped
 * exactly once (an escape already there is kept), Slack markup staff wrote (`<https://…|label>`,
 * `<!channel>`, which the preflight refuses) kept as markup. The inverse of inputTextFromMrkdwn.
 */
export function mrkdwnFromInputText(typed: string): string {
  const escapeOnce = (text: string) => text.replace(/&(?!(?:amp|lt|gt);)/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  let mrkdwn = '';
  let from = 0;
  for (const markup of typed.matchAll(SLACK_MARKUP)) {
    mrkdwn += escapeOnce(typed.slice(from, markup.index)) + markup[0];
    from = markup.index + markup[0].length;
  }
  return mrkdwn + escapeOnce(typed.slice(from));
}

export interface TruncateOptions {
  /** Appended when the text was cut; counted within maxLength. Default "…". */
  ellipsis?: string;
  /** Locale for grapheme segmentation; graphemes barely vary by locale. Default "en". */
  locale?: string;
  /** End on a whole word when the last space is within the final fifth of the room. Default true. */
  wholeWords?: boolean;
}

/** Spans a cut must not fall inside: `<…>` entities and `&amp;`-style escapes. */
const PROTECTED_SPANS = /<[^<>\n]*>|&(?:amp|lt|gt|#\d{1,7}|#x[0-9a-fA-F]{1,6});/g;

/**
 * Shorten text to at most `maxLength` (ellipsis included). Cuts only at grapheme boundaries (so never
 * inside a surrogate pair, an emoji sequence or a letter with its accents), never inside a `<…>` entity
 * or an `&…;` escape, prefers a word boundary when one is near, drops whitespace left at the cut, and
 * returns the text unchanged when it fits.
 */
export function truncateSlackText(text: string, maxLength: number, options: TruncateOptions = {}): string {
  const ellipsis = options.ellipsis ?? '…';
  if (!Number.isInteger(maxLength) || maxLength < ellipsis.length) {
    throw new RangeError(`maxLength must be a whole number ≥ ${ellipsis.length} (the ellipsis), got ${maxLength}`);
  }
  if (text.length <= maxLength) return text;
  const budget = maxLength - ellipsis.length;

  const forbidden: [number, number][] = [];
  for (const match of text.matchAll(PROTECTED_SPANS)) {
    if (match.index >= budget) break;
    forbidden.push([match.index, match.index + match[0].length]);
  }
  const insideSpan = (position: number) => forbidden.some(([start, end]) => position > start && position < end);
  const cut = headCut(text, budget, { allowed: (position) => !insideSpan(position), ...(options.locale ? { locale: options.locale } : {}), ...(options.wholeWords === false ? { wholeWords: false } : {}) });
  return `${text.slice(0, cut).trimEnd()}${ellipsis}`;
}
