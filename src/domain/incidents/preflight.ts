/**
 * Reply preflight: the one check every public reply passes at three gates (sending a draft for
 * approval, each approval, and the outbox right before posting). Refusals block the reply; warnings
 * are shown to the drafter and on the draft card for the approvers to weigh.
 */
import type { Locale } from '../../i18n/index.js';
import { detectLanguage } from '../language/detect.js';
import { TEMPLATE_VARIABLE_NAMES } from '../playbooks/templates.js';
import { PLAIN_TEXT_INPUT_MAX } from './limits.js';

/**
 * A reply is typed into a plain_text_input and shown in a section of the draft card, both capped at
 * 3000 characters; a public post never carries more than what was typed and approved.
 */
export const REPLY_TEXT_MAX = PLAIN_TEXT_INPUT_MAX;

export type PreflightRefusal =
  /** `[member]` (what the draft modal shows for a value nobody could fill) or a raw `{{…}}` tag. */
  | { readonly code: 'unfilled_variable'; readonly found: string }
  /** `<!channel>`, `<!here>`, `<!everyone>`, `<!group>` (Slack's legacy alias of `<!channel>`), `@here`… or a user-group mention `<!subteam^S…>`. */
  | { readonly code: 'mass_mention'; readonly found: string }
  | { readonly code: 'empty' }
  | { readonly code: 'too_long'; readonly length: number; readonly max: number };

export type ContactKind = 'email' | 'phone' | 'url';

export type PreflightWarning =
  /**
   * The reply's language differs from the target message's or channel's. `confirmed`: the person who
   * wrote this revision said to post it in this language anyway (absent on records older than the field).
   */
  | { readonly code: 'language'; readonly language: Locale; readonly expected: Locale; readonly confirmed?: boolean }
  /** An e-mail address, phone number or link that neither the templates nor the playbook contain. */
  | { readonly code: 'unknown_contact'; readonly kind: ContactKind; readonly found: string };

export interface PreflightContext {
  /** Language of the message replied to, or of the channel; undefined when unknown. */
  readonly targetLanguage?: Locale | undefined;
  /** Texts a reply may take contact details from: the playbook's templates and the configured values. */
  readonly knownTexts?: readonly string[];
  /** Link domains the playbook allows (`example.com` allows `help.example.com` too). */
  readonly allowedLinkDomains?: readonly string[];
}

export interface PreflightResult {
  readonly refusals: readonly PreflightRefusal[];
  readonly warnings: readonly PreflightWarning[];
}

const VARIABLE_MARKER = new RegExp(`\\[(?:${TEMPLATE_VARIABLE_NAMES.join('|')})\\]`, 'i');
const MUSTACHE_TAG = /\{\{[^{}]*\}\}/;
const SPECIAL_MENTION = /<!(?:channel|here|everyone|group)(?:\|[^>]*)?>|<!subteam\^[^>]*>/i;
/** Typed without brackets they still notify everyone in clients that link names. */
const PLAIN_MASS_MENTION = /(?:^|[^\w@.])@(?:channel|here|everyone)\b/i;

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
/** `<https://x|label>` as Slack writes links, bare `https://…`, and `www.…`. */
const URL_PATTERN = /<((?:https?|mailto|tel):[^|>\s]+)(?:\|[^>]*)?>|\b(?:https?:\/\/|www\.)[^\s<>"'|]+/gi;
const PHONE = /\+?\d[\d\s().-]{6,}\d/g;

/** Runs every check on the exact text that would be posted. Pure and deterministic. */
export function preflightReply(text: string, language: Locale, context: PreflightContext = {}): PreflightResult {
  const refusals: PreflightRefusal[] = [];
  const trimmed = text.trim();
  if (trimmed === '') refusals.push({ code: 'empty' });
  if (text.length > REPLY_TEXT_MAX) refusals.push({ code: 'too_long', length: text.length, max: REPLY_TEXT_MAX });
  const variable = VARIABLE_MARKER.exec(text)?.[0] ?? MUSTACHE_TAG.exec(text)?.[0];
  if (variable) refusals.push({ code: 'unfilled_variable', found: variable });
  const mention = SPECIAL_MENTION.exec(text)?.[0] ?? PLAIN_MASS_MENTION.exec(text)?.[0]?.trim();
  if (mention) refusals.push({ code: 'mass_mention', found: mention });

  const warnings: PreflightWarning[] = [];
  const expected = context.targetLanguage;
  if (expected && trimmed !== '') {
    const written = languageOfText(text) ?? language;
    if (written !== expected) warnings.push({ code: 'language', language: written, expected });
  }
  const known = contactsIn((context.knownTexts ?? []).join('\n'));
  const domains = (context.allowedLinkDomains ?? []).map((domain) => domain.toLowerCase().replace(/^\.+/, ''));
  for (const contact of contactsIn(text)) {
    if (known.some((other) => other.kind === contact.kind && other.key === contact.key)) continue;
    if (contact.kind === 'url' && contact.host && domains.some((domain) => contact.host === domain || contact.host!.endsWith(`.${domain}`))) continue;
    if (contact.kind === 'email' && domains.some((domain) => contact.key.endsWith(`@${domain}`))) continue;
    if (warnings.some((warning) => warning.code === 'unknown_contact' && warning.found === contact.found)) continue;
    warnings.push({ code: 'unknown_contact', kind: contact.kind, found: contact.found });
  }
  return { refusals, warnings };
}

/** True when nothing refuses the text. */
export function preflightPasses(result: PreflightResult): boolean {
  return result.refusals.length === 0;
}

/** The text's own language when its words say so clearly, else null (short or mixed texts). */
export function languageOfText(text: string): Locale | null {
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  const marks = (text.match(/[ñáéíóú¿¡]/gi) ?? []).length;
  const guess = detectLanguage(words, marks);
  if (guess.language === 'unknown') return null;
  const { en, es } = guess.evidence;
  const [winner, loser] = guess.language === 'en' ? [en, es] : [es, en];
  return winner >= 3 && winner >= 2 * loser ? guess.language : null;
}

interface Contact {
  kind: ContactKind;
  /** As written in the text. */
  found: string;
  /** Normalised for comparison: lower-case e-mail, digits of a phone, URL without trailing punctuation. */
  key: string;
  host?: string;
}

/**
 * The host a browser opens, as the URL standard parses it: in `https://status.example.com:443@evil.test/`
 * what precedes the `@` is a user name and password, and the host is evil.test. Undefined when unparsable.
 */
function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase() || undefined;
  } catch {
    return undefined;
  }
}

/** Percent-escapes read as the characters they stand for; the text as written when they are malformed. */
function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function contactsIn(text: string): Contact[] {
  const contacts: Contact[] = [];
  let rest = text;
  for (const match of text.matchAll(URL_PATTERN)) {
    const raw = (match[1] ?? match[0]).replace(/[.,;:!?)\]]+$/, '');
    rest = rest.replace(match[0], ' ');
    if (/^mailto:/i.test(raw)) {
      // Every address in it counts (`mailto:a@x,b@y?cc=c@z` writes to three), and only addresses: a domain
      // after `?` names no recipient (`mailto:me@elsewhere?subject=@example.com` writes to elsewhere).
      const written = raw.slice('mailto:'.length);
      const addresses = decoded(written).match(EMAIL) ?? [written];
      for (const address of addresses) contacts.push({ kind: 'email', found: address.toLowerCase(), key: address.toLowerCase() });
      continue;
    }
    if (/^tel:/i.test(raw)) {
      contacts.push({ kind: 'phone', found: raw.slice(4), key: raw.replace(/\D/g, '') });
      continue;
    }
    const withScheme = /^www\./i.test(raw) ? `https://${raw}` : raw;
    const host = hostOf(withScheme);
    contacts.push({ kind: 'url', found: raw, key: withScheme.toLowerCase().replace(/^https?:\/\//, '').replace(/\/$/, ''), ...(host ? { host } : {}) });
  }
  for (const match of rest.matchAll(EMAIL)) {
    rest = rest.replace(match[0], ' ');
    contacts.push({ kind: 'email', found: match[0], key: match[0].toLowerCase() });
  }
  for (const match of rest.matchAll(PHONE)) {
    const digits = match[0].replace(/\D/g, '');
    // Times and ticket numbers are shorter (8 digits is the shortest phone number we treat as one); dates are not phones.
    if (digits.length < 8 || /^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$|^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$/.test(match[0].trim())) continue;
    contacts.push({ kind: 'phone', found: match[0].trim(), key: digits });
  }
  return contacts;
}
