// Terms as members wrote them. Scoring counts lexicon keys ("pesimo", "decepcion", "can't-stand",
// "emo-sad"): lower case, accents folded, elongations squeezed, expressions joined with "-". People
// reading an alert should see "pésimo", "decepción", "can’t stand", ":(". Keys are turned back into
// words from a few kept messages (an alert's samples) when an explanation is built, never per message.
import { foldAccents, lexicons } from './lexicon.js';
import { normalizeText, tokenizeInto, type Tokens } from './normalize.js';
import { endsWithNt, isKnownWord, NEGATION_REACH } from './score.js';

// A run of letters, marks, digits, apostrophes and hyphens: what the tokenizer keeps as one word.
const SURFACE_WORD = /[\p{L}\p{M}\p{N}'’‘´-]+/gu;
const CHUNK = /\S+/g;
const EDGES = /^['’‘´-]+|['’‘´-]+$/g;
// Clause punctuation between two words ends a clause for scoring: no expression or negation spans it.
const CLAUSE_MARK = /[.!?;,…¿¡()[\]{}"“”«»]/;

/** One word of a message: the token scoring makes of it and how it reads, lower-cased. */
interface Word {
  token: string | null;
  shown: string;
  /** A clause mark separates it from the word before. */
  clauseStart: boolean;
}

let negators: ReadonlySet<string> | undefined;

function isNegator(token: string): boolean {
  negators ??= new Set(Object.values(lexicons()).flatMap((lexicon) => [...lexicon.negators]));
  return negators.has(token) || endsWithNt(token);
}

/**
 * Whether a counted key is worth showing a reader as one of an alert's terms. A negator on its own
 * ("no", "not") stays a scored word (AFINN gives "no" −1, and dropping it cost es/train .015, see
 * docs/detection.md) and is counted like any other, but as a term it says nothing about what the crisis
 * is; what it negates shows in the expressions it starts ("no funciona") and in "no me gusta".
 */
export function isShownTerm(key: string): boolean {
  return !isNegator(key);
}

/** How the lexicons spell `key` when that differs from the key ("caído", "no funciona"): an alert's term no sample of the window wrote. */
export function listedSpelling(key: string): string | undefined {
  const { es, en } = lexicons();
  return es.spellings.get(key) ?? en.spellings.get(key);
}

function scoresPositive(key: string): boolean {
  return Object.values(lexicons()).some((lexicon) => Object.hasOwn(lexicon.labels, key) && (lexicon.labels[key] as number) > 0);
}

/**
 * For each key, the form it most often had in `texts` (ties: the first seen), lower-cased, without
 * elongations ("PÉSIIIMO" → "pésimo"); an expression's words are joined with spaces, and a positive
 * word keeps its negator ("no me gusta"), as that is what was said. Keys not found are left out.
 */
export function surfaceForms(keys: Iterable<string>, texts: Iterable<string>): Map<string, string> {
  const wanted = new Set(keys);
  const seen = new Map<string, Map<string, number>>();
  if (wanted.size === 0) return new Map();
  let longest = 1;
  for (const key of wanted) longest = Math.max(longest, key.split('-').length);
  const scratch: Tokens = { words: [], exclamations: 0, spanishMarks: 0 };
  const tokenOf = (text: string): string | null => {
    const words = tokenizeInto(text, isKnownWord, scratch).words.filter((word) => word !== '|');
    return words.length === 1 ? (words[0] as string) : null;
  };
  const note = (key: string, shown: string): void => {
    let forms = seen.get(key);
    if (!forms) seen.set(key, (forms = new Map()));
    forms.set(shown, (forms.get(shown) ?? 0) + 1);
  };
  for (const raw of texts) {
    const text = normalizeText(raw);
    // Emoticons are tokens of their own (":(" → "emo-sad"), between spaces.
    for (const [chunk] of text.matchAll(CHUNK)) {
      if (!/[:;=<^♥()]|x-?d|-[_.]-/i.test(chunk)) continue;
      const token = tokenOf(chunk);
      if (token !== null && token.startsWith('emo-') && wanted.has(token)) note(token, chunk);
    }
    const words: Word[] = [];
    let end = 0;
    for (const match of text.matchAll(SURFACE_WORD)) {
      const clauseStart = CLAUSE_MARK.test(text.slice(end, match.index));
      end = match.index + match[0].length;
      const shown = match[0].toLowerCase().replace(EDGES, '');
      if (shown === '') continue;
      const token = tokenOf(match[0]);
      words.push({ token, shown: token === null ? shown : (shortenedLike(shown, token) ?? shown), clauseStart });
    }
    for (let last = 0; last < words.length; last++) {
      // The expressions (and single words) ending at `last`.
      let key = '';
      for (let first = last; first >= 0 && last - first < longest; first--) {
        const word = words[first] as Word;
        if (word.token === null) break;
        key = key === '' ? word.token : `${word.token}-${key}`;
        if (wanted.has(key)) note(key, shownFrom(words, first, last, key));
        if (word.clauseStart) break;
      }
    }
  }
  const forms = new Map<string, string>();
  for (const [key, counts] of seen) {
    let best = '';
    let bestCount = 0;
    for (const [shown, count] of counts) if (count > bestCount) [best, bestCount] = [shown, count];
    forms.set(key, best);
  }
  return forms;
}

/**
 * Words `first`…`last` as written. A word the lexicon scores positive counts towards a negative
 * message only when negated: it is shown from its negator ("no me gusta", "not happy"), if the clause
 * has one close enough before it.
 */
function shownFrom(words: readonly Word[], first: number, last: number, key: string): string {
  let from = first;
  if (scoresPositive(key)) {
    for (let i = first - 1; i >= 0 && first - i <= NEGATION_REACH && !(words[i + 1] as Word).clauseStart; i--) {
      const token = (words[i] as Word).token;
      if (token !== null && isNegator(token)) {
        from = i;
        break;
      }
    }
  }
  return words.slice(from, last + 1).map((word) => word.shown).join(' ');
}

/**
 * `shown` (lower case) cut down to `token`'s letters: accents and apostrophes as written, a letter
 * repeated only as often as the token has it ("pésiiimo" → "pésimo"). Null when they do not line up.
 */
function shortenedLike(shown: string, token: string): string | null {
  const plain = canonical(shown);
  if (plain === token) return shown;
  if (plain.length !== shown.length) return null;
  let out = '';
  let i = 0;
  let j = 0;
  while (i < plain.length && j < token.length) {
    const letter = plain[i];
    if (letter !== token[j]) return null;
    let runEnd = i;
    while (runEnd < plain.length && plain[runEnd] === letter) runEnd++;
    let tokenRunEnd = j;
    while (tokenRunEnd < token.length && token[tokenRunEnd] === letter) tokenRunEnd++;
    if (tokenRunEnd - j > runEnd - i) return null;
    out += shown.slice(i, i + (tokenRunEnd - j));
    i = runEnd;
    j = tokenRunEnd;
  }
  return i === plain.length && j === token.length ? out : null;
}

/** What the tokenizer compares: accents folded (ñ kept), apostrophes as "'"; one character for one. */
function canonical(shown: string): string {
  return foldAccents(shown).replace(/[’‘´]/g, "'");
}
