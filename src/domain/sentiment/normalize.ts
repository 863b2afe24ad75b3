import { decodeHTML } from 'entities';
import { get as emojiForShortcode } from 'node-emoji';
import { foldAccents } from './lexicon.js';

/** Messages longer than this are cut before any work: a 1 MB paste must not stall the watcher. */
export const DEFAULT_MAX_CHARS = 4000;

const CODE_BLOCK = /```[\s\S]*?(?:```|$)/g;
const INLINE_CODE = /`[^`\n]*`/g;
const SLACK_TOKEN = /<([^<>|\s]*)(?:\|([^<>]*))?>/g;
const QUOTE_LINE = /^(?:&gt;|>)[^\n]*$/gm;
const SHORTCODE = /:([a-z0-9_+'-]{1,60}):/gi;
const LITERAL_ESCAPE = /\\u([0-9a-fA-F]{4})(?:\\u([dD][c-fC-F][0-9a-fA-F]{2}))?/g;

/**
 * Slack mrkdwn and HTML to the words a person reads: user, channel and special mentions dropped,
 * links replaced by their label, code and quoted text (someone else's words) removed, entities
 * decoded, `:emoji_name:` turned into the emoji, Unicode in NFC. Case is kept.
 */
export function normalizeText(raw: string, maxChars = DEFAULT_MAX_CHARS): string {
  let text = raw.length > maxChars ? cutSafely(raw, maxChars) : raw;
  if (text.includes('`')) text = text.replace(CODE_BLOCK, ' ').replace(INLINE_CODE, ' ');
  if (text.includes('<')) text = text.replace(SLACK_TOKEN, slackToken);
  if (text.includes('>') || text.includes('&gt;')) text = text.replace(QUOTE_LINE, ' ');
  if (text.includes('&')) text = decodeHTML(text);
  // Text that went through JSON twice (bridges, exports) shows escapes literally: "didn\u2019t".
  if (text.includes('\\u')) text = text.replace(LITERAL_ESCAPE, literalEscape);
  if (text.includes(':')) text = text.replace(SHORTCODE, shortcode);
  // Latin-1 text is already NFC (none of its characters changes or combines), so only text with
  // characters beyond it pays for `normalize`: most Spanish chat stays within Latin-1.
  if (BEYOND_LATIN1.test(text)) text = text.normalize('NFC');
  return text;
}

function literalEscape(_whole: string, hex: string, lowHex: string | undefined): string {
  const code = Number.parseInt(hex, 16);
  if (lowHex !== undefined && code >= 0xd800 && code <= 0xdbff) return String.fromCharCode(code, Number.parseInt(lowHex, 16));
  return code >= 0xd800 && code <= 0xdfff ? ' ' : String.fromCharCode(code); // a lone half of a pair is no character
}

function slackToken(whole: string, target: string, label: string | undefined): string {
  const head = target.charAt(0);
  if (head === '@' || head === '#' || head === '!') return ' '; // <@U123>, <#C123|general>, <!here>
  if (/^(?:https?|mailto|tel):/i.test(target)) return label ? ` ${label} ` : ' ';
  return whole;
}

function shortcode(whole: string, name: string): string {
  const lower = name.toLowerCase();
  if (lower.startsWith('skin-tone')) return ' ';
  const emoji = emojiForShortcode(lower);
  return emoji ? ` ${emoji} ` : ` ${lower.replace(/[_+-]+/g, ' ')} `; // unknown custom emoji: its name is often words
}

/** Cuts at `maxChars` without leaving half of a surrogate pair behind. */
function cutSafely(text: string, maxChars: number): string {
  const code = text.charCodeAt(maxChars - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? maxChars - 1 : maxChars);
}

// Native regex scans: several times cheaper than a character loop in JavaScript.
const NON_ASCII = /[^\0-\x7f]/;
const BEYOND_LATIN1 = /[^\0-\xff]/;
function isAscii(text: string): boolean {
  return !NON_ASCII.test(text);
}

/** Tokens of a normalised text, and the cues they lose (exclamation marks, Spanish-only characters). */
export interface Tokens {
  /** Lower case, accent-folded words, emoji and emoticon tokens; "|" marks a clause boundary. */
  words: string[];
  exclamations: number;
  /** Count of ñ, ¿, ¡ and accented vowels: strong hints of Spanish. */
  spanishMarks: number;
}

const URL = /\b(?:https?:\/\/|www\.)\S+/g;
const MENTION = /(^|\s)@\w+/g;
// One pass for all emoticons; the replacer names the one that matched.
const EMOTICON = /(^|\s)(?:([:=]-?\)+|\(+-?[:=]|:-?\]|\^\^|\^_\^)|([:=]-?d+|x-?d+|:-?p+|;-?p+)|(;-?\)|;-?d)|(>:-?\(|>:-?\[|:-?@)|([:=]'?-?\(+|\)+-?[:=]|:-?\[)|([:=]-?[\\/]|:-?s|-_-|-\.-)|(<3+|♥+))(?=\s|$)/g;
const EMOTICON_TOKENS = ['emo-smile', 'emo-laugh', 'emo-wink', 'emo-angry', 'emo-sad', 'emo-unsure', 'emo-heart'];
function emoticon(_whole: string, lead: string, ...groups: unknown[]): string {
  for (let i = 0; i < EMOTICON_TOKENS.length; i++) if (groups[i] !== undefined) return `${lead} ${EMOTICON_TOKENS[i]} `;
  return lead;
}
export const EMOTICON_SCORES: Record<string, number> = {
  'emo-smile': 2, 'emo-laugh': 2, 'emo-wink': 1, 'emo-sad': -2, 'emo-angry': -3, 'emo-unsure': -1, 'emo-heart': 3,
};
const LAUGH_ES = /(^|[^a-zñ])(?:j+[aeiou]+){2,}j*(?=[^a-zñ]|$)/g;
const LAUGH_EN = /(^|[^a-z])(?:h+[aeiou]+){2,}h*(?=[^a-z]|$)|(^|[^a-z])l+o+l+(?=[^a-z]|$)/g;
// Clause punctuation becomes a "|" boundary token; any other symbol becomes a space.
const SEPARATORS = /([.!?;,…¿¡()[\]{}"“”«»]+)|[^\p{L}\p{N}\p{Extended_Pictographic}'|\s-]+/gu;
// Most chat is ASCII, Latin letters with accents, and emoji: one hand-written scanner reads those.
// Unicode property classes (needed for other scripts) are several times slower, so they only run
// when such characters are present.
const ASCII = 0;
const LATIN = 1;
const EMOJI = 2;
const OTHER = 3;

/** What `scriptOf` saw besides the script: Spanish-only marks and apostrophe look-alikes. */
const seen = { spanishMarks: 0, apostrophes: false };

/**
 * ASCII only; Latin letters with accents, ñ, ¿¡ and typographic quotes; those plus emoji and symbols
 * (astral characters, U+2000–U+2BFF); or other scripts, which need Unicode property classes. Counts
 * ñ, ¿, ¡ and accented vowels, and notes ’ ‘ ´, on the way.
 */
function scriptOf(text: string): number {
  if (isAscii(text)) {
    seen.spanishMarks = 0;
    seen.apostrophes = false;
    return ASCII;
  }
  let script = ASCII;
  let spanishMarks = 0;
  let apostrophes = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code <= 0xff) {
      if (SPANISH_MARK[code] === 1) spanishMarks++;
      else if (code === 0xb4) apostrophes = true;
      if (script === ASCII) script = LATIN;
    } else if (code <= 0x24f || (code >= 0x2018 && code <= 0x201d) || code === 0x2026) {
      if (code === 0x2018 || code === 0x2019) apostrophes = true;
      if (script === ASCII) script = LATIN;
    } else if ((code >= 0x2000 && code <= 0x2bff) || (code >= 0xd800 && code <= 0xdfff) || code === 0xfe0e || code === 0xfe0f) {
      script = EMOJI;
    } else {
      return OTHER;
    }
  }
  seen.spanishMarks = spanishMarks;
  seen.apostrophes = apostrophes;
  return script;
}
// ñ ¿ ¡ á é í ó ú, by character code.
const SPANISH_MARK = new Uint8Array(0x100);
for (const mark of 'ñ¿¡áéíóú') SPANISH_MARK[mark.charCodeAt(0)] = 1;

/** Puts spaces around emoji and symbols and drops joiners, variation selectors and skin tones. */
function spaceOutEmoji(text: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x2000 || (code >= 0x2018 && code <= 0x201d) || code === 0x2026) continue;
    let width = 1;
    let keep = true;
    if (code >= 0xd800 && code <= 0xdbff) {
      width = 2;
      const low = text.charCodeAt(i + 1);
      keep = !(code === 0xd83c && low >= 0xdffb && low <= 0xdfff); // skin tone modifiers
    } else if (code === 0x200d || code === 0xfe0e || code === 0xfe0f) {
      keep = false;
    } else if (code > 0x2bff) {
      continue;
    }
    out += text.slice(from, i) + (keep ? ` ${text.slice(i, i + width)} ` : '');
    i += width - 1;
    from = i + 1;
  }
  return out + text.slice(from);
}
function separator(_whole: string, boundary: string | undefined): string {
  return boundary === undefined ? ' ' : ' | ';
}
const MAY_EMOTICON = /[:;=<^♥()]|x-?d|-[_.]-/;
const MAY_NEED_REWRITE = /[:;=<^♥()@]|x-?d|-[_.]-|j[aeiou]j|jj|h[aeiou]h|lol|http|www\./;
const MAY_LAUGH_ES = /j[aeiou]j|jj/;
const MAY_LAUGH_EN = /h[aeiou]h|lol/;
const PICTOGRAPH = /(\p{Extended_Pictographic})/gu;
const EMOJI_NOISE = /[\u{1F3FB}-\u{1F3FF}]|\uFE0E|\uFE0F|\u200D/gu;
const SPANISH_MARKS = /[ñ¿¡áéíóú]/g;

/**
 * Splits a normalised text into scoring tokens. `known(word)` tells whether a squeezed spelling is a
 * real word, so "goooood" becomes "good" and "nooooo" becomes "no".
 */
export function tokenize(text: string, known: (word: string) => boolean): Tokens {
  return tokenizeInto(text, known, { words: [], exclamations: 0, spanishMarks: 0 });
}

/** `tokenize`, filling `out` (its words array emptied first): the per-message path reuses one. */
export function tokenizeInto(text: string, known: (word: string) => boolean, out: Tokens): Tokens {
  let lower = text.toLowerCase();
  const script = scriptOf(lower);
  const ascii = script === ASCII;
  let spanishMarks = 0;
  if (script === OTHER) {
    spanishMarks = lower.match(SPANISH_MARKS)?.length ?? 0;
    if (/[’‘´]/.test(lower)) lower = lower.replace(/[’‘´]/g, "'");
    lower = lower.replace(EMOJI_NOISE, '').replace(PICTOGRAPH, ' $1 ');
  } else if (!ascii) {
    spanishMarks = seen.spanishMarks;
    if (seen.apostrophes) lower = lower.replace(/[’‘´]/g, "'");
    if (script === EMOJI) lower = spaceOutEmoji(lower);
  }
  let exclamations = 0;
  for (let i = lower.indexOf('!'); i !== -1; i = lower.indexOf('!', i + 1)) exclamations++;
  // One cheap test tells most messages that none of the rarer rewrites apply.
  if (MAY_NEED_REWRITE.test(lower)) {
    if (lower.includes('http') || lower.includes('www.')) lower = lower.replace(URL, ' ');
    if (lower.includes('@')) lower = lower.replace(MENTION, '$1 ');
    if (MAY_EMOTICON.test(lower)) lower = lower.replace(EMOTICON, emoticon);
    if (MAY_LAUGH_ES.test(lower)) lower = lower.replace(LAUGH_ES, '$1 jaja ');
    if (MAY_LAUGH_EN.test(lower)) lower = lower.replace(LAUGH_EN, (_m, a = '', b = '') => `${a}${b} haha `);
  }
  const words = out.words;
  words.length = 0;
  out.exclamations = exclamations;
  out.spanishMarks = spanishMarks;
  if (script !== OTHER) {
    scanLatin(lower, !ascii, known, words);
    return out;
  }
  lower = foldAccents(lower.replace(SEPARATORS, separator));
  for (const word of lower.split(/\s+/)) if (word !== '') pushWord(words, word, known, true);
  return out;
}

/** Adds one raw word: edge apostrophes and hyphens trimmed, long letter runs squeezed, "|" runs merged. */
function pushWord(words: string[], raw: string, known: (word: string) => boolean, mayRepeat: boolean): void {
  let word = raw;
  const last = word.length > 1 ? word.charCodeAt(word.length - 1) : 0;
  // 39 is an apostrophe, 45 a hyphen.
  if (word.length > 1 && (word.charCodeAt(0) === 39 || word.charCodeAt(0) === 45 || last === 39 || last === 45)) {
    word = word.replace(/^['-]+|['-]+$/g, '');
    if (word === '') return;
  }
  if (mayRepeat && word.length > 2 && hasTriple(word)) word = squeeze(word, known);
  if (word === '|' && (words.length === 0 || words[words.length - 1] === '|')) return;
  words.push(word);
}

// Character classes of the single-pass scanner for ASCII and Latin texts (see `scanLatin`).
const SPACE = 0;
const WORD = 1;
const BOUNDARY = 2;
const LATIN_CLASS = new Uint8Array(0x250);
for (let code = 0; code < 0x250; code++) {
  const char = String.fromCharCode(code);
  LATIN_CLASS[code] = /[a-z0-9'|\u00c0-\u024f-]/.test(char) ? WORD : /[.!?;,¿¡()[\]{}"«»]/.test(char) ? BOUNDARY : SPACE;
}

/**
 * The tokens of a lower-cased ASCII or Latin text, emoji already spaced out, in one pass: the same as
 * replacing clause punctuation with " | ", every other symbol with a space, folding accents and
 * splitting on whitespace. A run of letters, digits, apostrophes, hyphens and "|" is a word, and so
 * is an emoji or a symbol from U+2000–U+2BFF; a run of clause punctuation is one "|"; anything else
 * separates.
 */
function scanLatin(text: string, fold: boolean, known: (word: string) => boolean, words: string[]): void {
  let start = -1;
  let accented = false;
  let repeat = false;
  let inBoundary = false;
  // The character before and how many times in a row it came, within the word: a run of three marks a repeat.
  let previous = -1;
  let run = 0;
  const length = text.length;
  for (let i = 0; i <= length; i++) {
    const code = i < length ? text.charCodeAt(i) : 32;
    const kind = code < 0x250 ? (LATIN_CLASS[code] as number) : wideClass(code);
    if (kind === WORD) {
      if (inBoundary) {
        pushWord(words, '|', known, false);
        inBoundary = false;
      }
      if (start === -1) {
        start = i;
        previous = -1;
      }
      if (code >= 0xc0 && code < 0x250) accented = true;
      run = code === previous ? run + 1 : 1;
      if (run >= 3) repeat = true;
      previous = code;
      continue;
    }
    if (start !== -1) {
      const word = text.slice(start, i);
      // Folding can make a run ("aáa"): folded words are checked again.
      pushWord(words, fold && accented ? foldAccents(word) : word, known, repeat || (fold && accented));
      start = -1;
      accented = false;
      repeat = false;
    }
    if (kind === BOUNDARY) inBoundary = true;
    else if (inBoundary) {
      pushWord(words, '|', known, false);
      inBoundary = false;
    }
  }
}

/** `scanLatin`'s class of a character above U+024F: emoji halves and symbols are word characters. */
function wideClass(code: number): number {
  if (code === 0x2026 || code === 0x201c || code === 0x201d) return BOUNDARY;
  if ((code >= 0xd800 && code <= 0xdfff) || (code >= 0x2000 && code <= 0x2bff && (code < 0x2018 || code > 0x201d))) return WORD;
  return SPACE;
}

function hasTriple(word: string): boolean {
  for (let i = 2; i < word.length; i++) {
    const code = word.charCodeAt(i);
    if (code === word.charCodeAt(i - 1) && code === word.charCodeAt(i - 2)) return true;
  }
  return false;
}

function squeeze(word: string, known: (word: string) => boolean): string {
  const two = word.replace(/(.)\1{2,}/g, '$1$1');
  if (known(two)) return two;
  const one = word.replace(/(.)\1+/g, '$1');
  return known(one) ? one : two;
}
