import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { englishAdditions, spanishAdditions, spanishNonVerbs, spanishTranslationFixes } from './lexicons/additions.js';
import type { Language } from './types.js';

/**
 * The word lists behind scoring. Keys are lower case and accent-folded (ñ kept), so "dificil" and
 * "difícil" score alike; multi-word expressions are stored joined with "-", the form the normaliser
 * rewrites them to.
 */
export interface Lexicon {
  language: Language;
  labels: Record<string, number>;
  /** First word → the expressions starting with it (as word arrays), longest first. */
  phrases: Map<string, string[][]>;
  negators: ReadonlySet<string>;
  /** Words that strengthen (> 1) or soften (< 1) the sentiment word after them. */
  modifiers: ReadonlyMap<string, number>;
  /** "but"-like words: the clause after them outweighs the one before. */
  contrasts: ReadonlySet<string>;
  /** Key → how the lists spell it, where that differs ("caido" → "caído", "no-funciona" → "no funciona"): its accented spelling when one is listed. */
  spellings: ReadonlyMap<string, string>;
}

const require = createRequire(import.meta.url);

const ACCENTS: Record<string, string> = { á: 'a', é: 'e', í: 'i', ó: 'o', ú: 'u', ü: 'u', à: 'a', è: 'e', ì: 'i', ò: 'o', ù: 'u', â: 'a', ê: 'e', î: 'i', ô: 'o', û: 'u', ï: 'i', ë: 'e', ç: 'c' };
// Per character code below U+0100: the folded letter, or undefined when the character stays.
const FOLDED: (string | undefined)[] = [];
for (const [accented, plain] of Object.entries(ACCENTS)) FOLDED[accented.charCodeAt(0)] = plain;

/** Lower-case letters with their accents removed, except ñ (a different letter in Spanish). */
export function foldAccents(word: string): string {
  let out: string | undefined;
  let from = 0;
  for (let i = 0; i < word.length; i++) {
    const code = word.charCodeAt(i);
    if (code < 0xc0 || code > 0xff) continue;
    const plain = FOLDED[code];
    if (plain === undefined) continue;
    out = (out ?? '') + word.slice(from, i) + plain;
    from = i + 1;
  }
  return out === undefined ? word : out + word.slice(from);
}

/** A list entry as the words it is matched by: lower case, accents folded, one apostrophe. */
function entryWords(entry: string): string[] {
  return foldAccents(entry.toLowerCase().normalize('NFC')).replace(/['’]/g, "'").split(/\s+/).filter(Boolean);
}

function build(language: Language, base: Record<string, number>, additions: Record<string, number>, extra: {
  negators: string[];
  modifiers: Record<string, number>;
  contrasts: string[];
  /** Corrections to the base list: a new score, or `null` to drop the word. */
  fixes?: Record<string, number | null>;
  inflect?: (word: string, value: number) => string[];
}): Lexicon {
  const labels: Record<string, number> = {};
  const phrases = new Map<string, string[][]>();
  const spellings = new Map<string, string>();
  const add = (entry: string, value: number, override: boolean): void => {
    const words = entryWords(entry);
    if (words.length === 0) return;
    const key = words.join('-');
    // Whichever list spells it with its accents ("caído"; the additions write "caido" to match it typed without).
    const spelled = entry.toLowerCase().normalize('NFC').trim().split(/\s+/).join(' ');
    if (spelled !== key && accentsIn(spelled) >= accentsIn(spellings.get(key) ?? '')) spellings.set(key, spelled);
    if (!override && Object.hasOwn(labels, key)) return;
    labels[key] = value;
    if (words.length > 1) {
      const list = phrases.get(words[0] as string) ?? [];
      if (!list.some((phrase) => phrase.join('-') === key)) list.push(words);
      list.sort((a, b) => b.length - a.length);
      phrases.set(words[0] as string, list);
    }
  };
  const remove = (entry: string): void => {
    const words = entryWords(entry);
    const key = words.join('-');
    delete labels[key];
    spellings.delete(key);
    const list = phrases.get(words[0] as string)?.filter((phrase) => phrase.join('-') !== key);
    if (list && list.length > 0) phrases.set(words[0] as string, list);
    else if (list) phrases.delete(words[0] as string);
  };
  for (const [entry, value] of Object.entries(base)) add(entry, value, false);
  for (const [entry, value] of Object.entries(additions)) add(entry, value, true);
  for (const [entry, value] of Object.entries(extra.fixes ?? {})) {
    if (value === null) remove(entry);
    else add(entry, value, true);
  }
  if (extra.inflect) {
    // Lexicons list one form; chat uses all of them. Add the regular forms of single words that
    // are missing ("aburrido" → aburrida, aburridos, aburridas; "odiar" → odian).
    // A word a fix decided (scored or dropped) is never generated back from another entry.
    const fixed = new Set(Object.keys(extra.fixes ?? {}).map((entry) => entryWords(entry).join('-')));
    for (const [word, value] of Object.entries(labels)) {
      if (word.includes('-')) continue;
      for (const form of extra.inflect(word, value)) if (!Object.hasOwn(labels, form) && !fixed.has(form)) labels[form] = value;
    }
  }
  return {
    language,
    labels,
    phrases,
    negators: new Set(extra.negators),
    modifiers: new Map(Object.entries(extra.modifiers)),
    contrasts: new Set(extra.contrasts),
    spellings,
  };
}

/** Characters beyond ASCII in `text`: how much of its spelling folding would lose. */
function accentsIn(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) count++;
  return count;
}

/**
 * Regular Spanish number forms of a noun or adjective, and the gender forms of words with an
 * adjective ending (a rule, not a word list). Gender is not swapped on other words: "cara" (face) is
 * not "caro" (expensive), nor "moda" (fashion) "modo" (way).
 */
export function spanishForms(word: string, value = 0): string[] {
  if (word.length < 4) return [];
  if (Math.abs(value) >= 2 && /^[a-zñ]{3,}[aei]r$/.test(word) && !spanishNonVerbs.has(word)) return spanishVerbForms(word);
  const adjective = ADJECTIVE_ENDING.test(word);
  if (/[^aeiou]o$/.test(word)) return adjective ? [`${word.slice(0, -1)}a`, `${word}s`, `${word.slice(0, -1)}as`] : [`${word}s`];
  if (/[^aeiou]a$/.test(word)) return adjective ? [`${word.slice(0, -1)}o`, `${word}s`, `${word.slice(0, -1)}os`] : [`${word}s`];
  if (/[^aeiou]e$/.test(word)) return [`${word}s`];
  if (/(?:al|il|or)$/.test(word)) return [`${word}es`];
  return [];
}

/**
 * The regular present (yo, tú, él, nosotros, ellos), gerund and preterite (él, ellos; accents folded)
 * of an infinitive: AFINN-es lists "odiar", chat writes "odian". Only for clearly scored verbs (|score|
 * ≥ 2): a weakly scored infinitive is mostly a translation artefact whose forms are everyday words.
 * Irregular stems get no forms; a made-up form is never written, so it costs nothing.
 */
function spanishVerbForms(infinitive: string): string[] {
  const stem = infinitive.slice(0, -2);
  const endings = infinitive.endsWith('ar')
    ? ['o', 'as', 'a', 'amos', 'an', 'ando', 'aron']
    : infinitive.endsWith('er')
      ? ['o', 'es', 'e', 'emos', 'en', 'iendo', 'io', 'ieron']
      : ['o', 'es', 'e', 'imos', 'en', 'iendo', 'io', 'ieron'];
  return endings.map((ending) => stem + ending);
}

// Past participles and the common adjective suffixes (-oso, -ivo, -ado, -ido, -isimo, -ento, -ico…).
const ADJECTIVE_ENDING = /(?:ad|id|os|iv|isim|ent|ic|ur|ari|ez|ot|ct|ast|erd|nd)[oa]$/;

/**
 * A hand review of a base list's entries (lexicons/README.md): each with its new score (`null` drops
 * it), a category and the reason, so every correction can be read and argued with.
 */
interface ReviewedEntry {
  score: number | null;
  category: 'slip' | 'neutral' | 'sign' | 'magnitude';
  reason: string;
}

function reviewedFixes(file: string): Record<string, number | null> {
  const review = JSON.parse(readFileSync(new URL(`./lexicons/${file}`, import.meta.url), 'utf8')) as Record<string, ReviewedEntry>;
  return Object.fromEntries(Object.entries(review).map(([word, entry]) => [word, entry.score]));
}

let cache: Record<Language, Lexicon> | undefined;

/** Both lexicons, built once per process. */
export function lexicons(): Record<Language, Lexicon> {
  if (cache) return cache;
  const afinn165 = require('sentiment/languages/en/labels.json') as Record<string, number>;
  const afinnEs = JSON.parse(readFileSync(new URL('./lexicons/afinn-es.json', import.meta.url), 'utf8')) as Record<string, number>;
  cache = {
    en: build('en', afinn165, englishAdditions, {
      negators: ['not', 'no', 'never', 'none', 'nobody', 'nothing', 'neither', 'nor', 'without', 'cannot', "can't", 'cant', "don't", 'dont', "doesn't", 'doesnt', "didn't", 'didnt', "isn't", 'isnt', "aren't", 'arent', "wasn't", 'wasnt', "weren't", 'werent', "won't", 'wont', "wouldn't", 'wouldnt', "shouldn't", 'shouldnt', "couldn't", 'couldnt', "haven't", 'havent', "hasn't", 'hasnt', "ain't", 'aint', 'nah', 'hardly', 'barely'],
      modifiers: {
        very: 1.5, really: 1.5, so: 1.4, too: 1.3, extremely: 1.8, totally: 1.5, absolutely: 1.6, completely: 1.5, super: 1.5, truly: 1.4,
        incredibly: 1.7, seriously: 1.4, utterly: 1.7, fucking: 1.7, freaking: 1.5, damn: 1.4, most: 1.3, such: 1.3, highly: 1.5, literally: 1.3,
        slightly: 0.5, somewhat: 0.6, 'a-bit': 0.6, 'a-little': 0.6, kinda: 0.6, 'kind-of': 0.6, 'sort-of': 0.6, barely: 0.4, almost: 0.7, pretty: 1.2, quite: 1.2, fairly: 0.8,
      },
      contrasts: ['but', 'however', 'although', 'though', 'yet', 'anyway'],
      fixes: reviewedFixes('afinn-165-review.json'),
    }),
    es: build('es', afinnEs, spanishAdditions, {
      negators: ['no', 'nunca', 'jamas', 'ni', 'sin', 'tampoco', 'nada', 'nadie', 'ningun', 'ninguno', 'ninguna'],
      modifiers: {
        muy: 1.5, tan: 1.4, super: 1.5, re: 1.4, demasiado: 1.4, demasiada: 1.4, sumamente: 1.7, totalmente: 1.5, completamente: 1.5,
        realmente: 1.4, increiblemente: 1.7, extremadamente: 1.8, bastante: 1.2, mas: 1.2, bien: 1.3, puta: 1.4, puto: 1.4, jodidamente: 1.6,
        poco: 0.5, 'un-poco': 0.6, algo: 0.7, apenas: 0.4, medio: 0.7, casi: 0.7,
      },
      contrasts: ['pero', 'aunque', 'sino', 'sin-embargo', 'mientras'],
      fixes: { ...reviewedFixes('afinn-es-review.json'), ...spanishTranslationFixes },
      inflect: spanishForms,
    }),
  };
  return cache;
}
