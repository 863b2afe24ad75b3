import Sentiment from 'sentiment';
import { functionWordKind, functionWords, languageFromEvidence, spanishMarkEvidence } from '../language/detect.js';
import { lexicons, type Lexicon } from './lexicon.js';
import { DEFAULT_MAX_CHARS, EMOTICON_SCORES, normalizeText, tokenizeInto, type Tokens } from './normalize.js';
import type { DetectedLanguage, Language, SentimentLabel } from './types.js';

/** What a learnt word adds: to the score (and towards positive or negative), and towards neutral. */
export interface LearntWeight {
  readonly weight: number;
  readonly neutral: number;
}

/**
 * A workspace's learnt corrections as scoring applies them (see `corrections.ts`): each label's
 * logit is its class part (intercept, and weights on log(1 + the lexicon's positive part), log(1 + its
 * negative part), the shipped verdict being positive, being negative) plus, per learnt word in the
 * message, −weight/2 (negative), +neutral (neutral), +weight/2 (positive); the likeliest label wins.
 */
export interface CorrectionModel {
  readonly weights: ReadonlyMap<string, LearntWeight>;
  /** Negative, neutral, positive: [intercept, positive words, negative words, shipped positive, shipped negative]. */
  readonly classes: readonly [readonly number[], readonly number[], readonly number[]];
}

export interface ScoreOptions {
  /** Score as this language, or detect it per message (the default). */
  language?: 'auto' | Language;
  /** The channel's usual language (see `languageHint`), used when a message is too short to tell. */
  channelLanguageHint?: Language;
  maxChars?: number;
  /** The workspace's learnt corrections; without them the shipped lexicon alone decides. */
  corrections?: CorrectionModel;
}

export interface SentimentResult {
  label: SentimentLabel;
  /** Sum of the word scores after negation, modifiers, contrast and emphasis. */
  score: number;
  /** `score` per word, comparable across message lengths. */
  comparative: number;
  /** The language the message was scored as: detected, forced, or taken from the channel. */
  language: Language;
  /** What detection alone concluded. */
  detectedLanguage: DetectedLanguage;
  /** The words that drove the score, strongest first. */
  terms: string[];
  /** Lexicon words whose learnt weight changed the score (only when corrections were given and applied). */
  learnt?: string[];
}

/** Score at or above which a message is positive, and at or below which it is negative. */
export const LABEL_THRESHOLDS = Object.freeze({ positive: 2, negative: -0.5 });
/** A negated word keeps this (sign-flipped) share of its score: "not good" is bad, "not bad" is only fair. */
const NEGATION_FACTOR = -0.6;
/** How many words back, within the clause, a negator reaches. */
export const NEGATION_REACH = 3;
/** Sentiment before "but"/"pero" counts less, after it more. */
const BEFORE_CONTRAST = 0.5;
const AFTER_CONTRAST = 1.5;
const EXCLAMATION_BOOST = 0.3;

const analyzer = new Sentiment();

/**
 * One language as scoring uses it: the lexicon's rules and a `Map` of every scored token, built once
 * from the very table `sentiment` holds for the registered language (AFINN + additions + `sentiment`'s
 * emoji scores + emoticon tokens).
 */
interface Scorer {
  lexicon: Lexicon;
  scores: Map<string, number>;
  /** `lexicon.phrases` with each expression's joined token and what the language knows of it, built once. */
  phrases: Map<string, JoinedPhrase[]>;
}

/** A multi-word expression: its words, the token they are joined into, and that token's info. */
interface JoinedPhrase {
  words: readonly string[];
  token: string;
  info: WordInfo | undefined;
}

/** What scoring needs to know about a token in one language; undefined when the language has nothing on it. */
interface WordInfo {
  /**
   * The token itself, as the table holds it: terms are reported with this one string rather than a
   * fresh slice of each message, so buckets counting them by name look up a string V8 already knows.
   */
  word: string;
  score: number | undefined;
  modifier: number | undefined;
  negator: boolean;
  contrast: boolean;
  /** Starts a multi-word expression. */
  phrase: boolean;
}

/** Everything about a token, from one lookup: function-word kind (language detection) and each language's info. */
interface WordEntry {
  kind: number;
  en: WordInfo | undefined;
  es: WordInfo | undefined;
}

interface Prepared {
  scorers: Record<Language, Scorer>;
  entries: Map<string, WordEntry>;
  /** 1 for each character code below U+0250 that starts some entry: other tokens ("|", numbers) need no lookup. */
  firstCodes: Uint8Array;
  /** Words the squeezer may return ("goooood" → good): scored, negators and modifiers of both languages. */
  known: (word: string) => boolean;
}

let prepared: Prepared | undefined;

/**
 * Registers both languages with `sentiment` once per process (`sentiment` keeps languages, and any
 * `extras`, in module-global tables, so this never happens per call) and builds the lookup tables
 * from what was registered.
 */
function prepare(): Prepared {
  if (prepared) return prepared;
  const all = lexicons();
  const scorers = {} as Record<Language, Scorer>;
  const known = new Set<string>();
  for (const lexicon of Object.values(all)) {
    Object.assign(lexicon.labels, EMOTICON_SCORES);
    // `sentiment` adds its emoji scores to the labels it is given: the map is built after that.
    analyzer.registerLanguage(sentimentCode(lexicon.language), { labels: lexicon.labels, scoringStrategy: scoringStrategy(lexicon.language) });
    const scores = new Map<string, number>(Object.entries(lexicon.labels));
    scorers[lexicon.language] = { lexicon, scores, phrases: new Map() };
    for (const word of scores.keys()) known.add(word);
    for (const word of lexicon.negators) known.add(word);
    for (const word of lexicon.modifiers.keys()) known.add(word);
  }
  const entries = new Map<string, WordEntry>();
  const keys = new Set<string>(functionWords());
  for (const { lexicon, scores } of Object.values(scorers)) {
    for (const word of scores.keys()) keys.add(word);
    for (const word of lexicon.negators) keys.add(word);
    for (const word of lexicon.modifiers.keys()) keys.add(word);
    for (const word of lexicon.contrasts) keys.add(word);
    for (const word of lexicon.phrases.keys()) keys.add(word);
  }
  for (const word of keys) entries.set(word, { kind: functionWordKind(word), en: wordInfo(word, scorers.en), es: wordInfo(word, scorers.es) });
  for (const scorer of Object.values(scorers)) {
    const language = scorer.lexicon.language;
    for (const [first, list] of scorer.lexicon.phrases) {
      scorer.phrases.set(first, list.map((words) => ({ words, token: words.join('-'), info: entries.get(words.join('-'))?.[language] })));
    }
  }
  const firstCodes = new Uint8Array(FIRST_CODES);
  for (const word of entries.keys()) if (word.charCodeAt(0) < FIRST_CODES) firstCodes[word.charCodeAt(0)] = 1;
  prepared = { scorers, entries, firstCodes, known: (word) => known.has(word) };
  return prepared;
}

const FIRST_CODES = 0x250;

/** Whether the squeezer may return `word` (a scored word, negator or modifier of either language). */
export function isKnownWord(word: string): boolean {
  return prepare().known(word);
}

function wordInfo(word: string, { lexicon, scores }: Scorer): WordInfo | undefined {
  const info: WordInfo = {
    word,
    score: scores.get(word),
    modifier: lexicon.modifiers.get(word),
    negator: lexicon.negators.has(word),
    contrast: lexicon.contrasts.has(word),
    phrase: lexicon.phrases.has(word),
  };
  return info.score === undefined && info.modifier === undefined && !info.negator && !info.contrast && !info.phrase ? undefined : info;
}

export function sentimentCode(language: Language): string {
  return `firebreak-${language}`;
}

/**
 * The language's rules as a `sentiment` scoring strategy, for the registered language (what
 * `sentiment.analyze(text, { language: sentimentCode(language) })` applies; the tests compare it with
 * Firebreak's own loop).
 */
function scoringStrategy(language: Language): { apply(tokens: string[], cursor: number, tokenScore: number): number } {
  // `sentiment` calls `apply` for each scored token of one array: look the array up once.
  let looked: string[] | undefined;
  let info: (WordInfo | undefined)[] = [];
  let contrasted = false;
  return {
    apply(tokens, cursor, tokenScore) {
      if (tokens !== looked) {
        const entries = (prepared as Prepared).entries;
        looked = tokens;
        info = tokens.map((token) => entries.get(token)?.[language]);
        contrasted = info.some((known) => known?.contrast === true);
      }
      return applyRulesAt(tokens, info, tokens.length, cursor, tokenScore, contrasted);
    },
  };
}

/**
 * Negation (up to three words back within the clause), intensifiers and softeners just before the
 * word, and contrast ("but", "pero"), applied to the scored token at `cursor`. `info[i]` is what the
 * language knows of `tokens[i]`; `contrasted` tells whether any token is a contrast word, so most
 * messages skip that search.
 */
function applyRulesAt(tokens: readonly string[], info: readonly (WordInfo | undefined)[], length: number, cursor: number, tokenScore: number, contrasted: boolean): number {
  const self = info[cursor] as WordInfo;
  if (cursor + 1 < length && self.modifier !== undefined && info[cursor + 1]?.score !== undefined) return 0; // "bien feo": "bien" only strengthens
  let factor = 1;
  const token = tokens[cursor] as string;
  // Emoji and emoticons say how the writer feels; words before them do not negate that.
  const pictorial = token.charCodeAt(0) > 0x2000 || token.startsWith('emo-');
  for (let i = cursor - 1, distance = 1; !pictorial && i >= 0 && distance <= NEGATION_REACH; i--, distance++) {
    const previous = tokens[i] as string;
    if (previous === '|') break;
    const before = info[i];
    if (distance === 1) factor *= before?.modifier ?? 1;
    if (before?.negator === true || endsWithNt(previous)) {
      factor *= NEGATION_FACTOR;
      break;
    }
  }
  if (!contrasted) return tokenScore * factor;
  for (let i = cursor + 1; i < length && i <= cursor + 12; i++) {
    if (info[i]?.contrast === true) {
      factor *= BEFORE_CONTRAST;
      break;
    }
  }
  for (let i = cursor - 1; i >= 0 && i >= cursor - 12; i--) {
    if (info[i]?.contrast === true) {
      factor *= AFTER_CONTRAST;
      break;
    }
  }
  return tokenScore * factor;
}

/** `word.endsWith("n't")`, by character codes: checked for up to three words before each scored one. */
export function endsWithNt(word: string): boolean {
  const length = word.length;
  return length >= 3 && word.charCodeAt(length - 1) === 116 && word.charCodeAt(length - 2) === 39 && word.charCodeAt(length - 3) === 110;
}

/**
 * Joins the words of known multi-word expressions ("no funciona" → "no-funciona"); `first` is the
 * first word that may start one, when the caller already knows it.
 */
function joinPhrases(words: readonly string[], lexicon: Lexicon, first = words.findIndex((word) => lexicon.phrases.has(word))): readonly string[] {
  const phrases = lexicon.phrases;
  if (first === -1) return words;
  let out: string[] | undefined;
  for (let i = first; i < words.length; i++) {
    const word = words[i] as string;
    const candidates = phrases.get(word);
    let matched = 0;
    if (candidates) {
      for (const phrase of candidates) {
        let ok = i + phrase.length <= words.length;
        for (let k = 1; ok && k < phrase.length; k++) ok = words[i + k] === phrase[k];
        if (ok) {
          matched = phrase.length;
          break;
        }
      }
    }
    if (matched > 1) {
      out ??= words.slice(0, i);
      out.push(words.slice(i, i + matched).join('-'));
      i += matched - 1;
    } else if (out) {
      out.push(word);
    }
  }
  return out ?? words;
}

/**
 * `joinPhrases` for the per-message loop, where `info[i]` is what the language knows of `words[i]`:
 * only words marked as starting an expression are tried (Spanish starts some with "que", "de", "el"),
 * joined tokens and their info come from the table built once, and `info` moves along with the tokens.
 */
function joinPhrasesWithInfo(words: readonly string[], info: (WordInfo | undefined)[], phrases: Map<string, JoinedPhrase[]>, first: number): readonly string[] {
  let out: string[] | undefined;
  for (let i = first; i < words.length; i++) {
    const word = words[i] as string;
    const known = info[i];
    let matched: JoinedPhrase | undefined;
    if (known !== undefined && known.phrase) {
      const candidates = phrases.get(word) as JoinedPhrase[];
      for (let c = 0; c < candidates.length && matched === undefined; c++) {
        const phrase = (candidates[c] as JoinedPhrase).words;
        let ok = i + phrase.length <= words.length;
        for (let k = 1; ok && k < phrase.length; k++) ok = words[i + k] === phrase[k];
        if (ok) matched = candidates[c];
      }
    }
    // Tokens only move left (out.length <= i), so info[i] is always read before it is overwritten.
    if (matched !== undefined && matched.words.length > 1) {
      out ??= words.slice(0, i);
      info[out.length] = matched.info;
      out.push(matched.token);
      i += matched.words.length - 1;
    } else if (out) {
      info[out.length] = known;
      out.push(word);
    }
  }
  return out ?? words;
}

/**
 * The scored tokens of one message, last first (the order `sentiment.analyze` visits them), with the
 * value each contributed. Reused between calls: scoring is synchronous and allocates nothing here.
 */
interface Analysis {
  score: number;
  /** The part of `score` from positive values. */
  positive: number;
  count: number;
  terms: string[];
  values: number[];
}

const scratch: Record<Language, Analysis> = {
  en: { score: 0, positive: 0, count: 0, terms: [], values: [] },
  es: { score: 0, positive: 0, count: 0, terms: [], values: [] },
};

/**
 * What `sentiment.analyze` computes for the space-joined tokens with the registered language (same
 * tokens, same visiting order, same sum), without re-joining and re-splitting the message: `sentiment`'s
 * tokeniser would split exactly at the spaces, as no token holds a character it strips.
 */
function analyse(words: readonly string[], found: readonly (WordEntry | undefined)[], scorer: Scorer): Analysis {
  const language = scorer.lexicon.language;
  const info = scratchInfo[language];
  let firstPhrase = -1;
  let contrasted = false;
  for (let i = 0; i < words.length; i++) {
    const entry = found[i];
    const known = entry === undefined ? undefined : entry[language];
    info[i] = known;
    if (known === undefined) continue;
    if (known.phrase && firstPhrase === -1) firstPhrase = i;
    if (known.contrast) contrasted = true;
  }
  let tokens = words;
  if (firstPhrase !== -1) {
    tokens = joinPhrasesWithInfo(words, info, scorer.phrases, firstPhrase);
    if (tokens !== words) {
      contrasted = false;
      for (let i = 0; i < tokens.length; i++) if (info[i]?.contrast === true) contrasted = true;
    }
  }
  const out = scratch[language];
  const length = tokens.length;
  let score = 0;
  let positive = 0;
  let count = 0;
  for (let i = length - 1; i >= 0; i--) {
    const known = info[i];
    if (known === undefined || known.score === undefined) continue;
    const value = applyRulesAt(tokens, info, length, i, known.score, contrasted);
    score += value;
    if (value > 0) positive += value;
    out.terms[count] = known.word;
    out.values[count] = value;
    count++;
  }
  out.score = score;
  out.positive = positive;
  out.count = count;
  return out;
}

/** Per-message lookups, reused (scoring is synchronous). */
const scratchInfo: Record<Language, (WordInfo | undefined)[]> = { en: [], es: [] };
const scratchFound: (WordEntry | undefined)[] = [];

/** Looks every word up once: the entries, and the language evidence `detectLanguage` would count. */
function lookUp(words: readonly string[], spanishMarks: number, { entries, firstCodes }: Prepared): { detected: DetectedLanguage; wordCount: number } {
  let en = 0;
  let es = spanishMarkEvidence(spanishMarks);
  let wordCount = 0;
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    const first = word.charCodeAt(0);
    const entry = first < FIRST_CODES && firstCodes[first] === 0 ? undefined : entries.get(word);
    scratchFound[i] = entry;
    if (entry !== undefined) {
      if (entry.kind & 1) en += 1;
      if (entry.kind & 2) es += 1;
    }
    if (word !== '|') wordCount++;
  }
  lookedUp.detected = languageFromEvidence(en, es);
  lookedUp.wordCount = wordCount;
  return lookedUp;
}
const lookedUp: { detected: DetectedLanguage; wordCount: number } = { detected: 'unknown', wordCount: 0 };

/**
 * The raw score (before "!" emphasis) of `text` as `sentiment.analyze` gives it for the registered
 * language on the space-joined tokens: the reference the per-message loop (`analyse`) must equal.
 * For tests; the per-message path never calls it.
 */
export function sentimentPackageScore(text: string, language: Language): number {
  const { scorers, known } = prepare();
  const tokens = tokenizeInto(normalizeText(text), known, { words: [], exclamations: 0, spanishMarks: 0 });
  if (tokens.words.length === 0) return 0;
  const joined = joinPhrases(tokens.words, scorers[language].lexicon);
  return analyzer.analyze(joined.join(' '), { language: sentimentCode(language) }).score;
}

/** `analyse`'s raw score for `text`, to compare with `sentimentPackageScore`. */
export function rawScore(text: string, language: Language): number {
  const { scorers, known } = prepare();
  const tokens = tokenizeInto(normalizeText(text), known, { words: [], exclamations: 0, spanishMarks: 0 });
  if (tokens.words.length === 0) return 0;
  lookUp(tokens.words, tokens.spanishMarks, prepared!);
  return analyse(tokens.words, scratchFound, scorers[language]).score;
}

const MAX_TERMS = 5;

/** The words that drove the score (same sign as the label, any sign when neutral), strongest first. */
function drivingTerms(analysis: Analysis, label: SentimentLabel, score: number): string[] {
  const terms: string[] = [];
  const weights = termWeights;
  const sign = label === 'neutral' ? 0 : Math.sign(score);
  for (let i = 0; i < analysis.count; i++) {
    const value = analysis.values[i] as number;
    if (value === 0 || (sign !== 0 && Math.sign(value) !== sign)) continue;
    const weight = Math.abs(value);
    // Insertion into a list of at most five: cheaper than sorting for a chat message.
    let at = terms.length;
    while (at > 0 && (weights[at - 1] as number) < weight) at--;
    if (at >= MAX_TERMS) continue;
    for (let k = terms.length; k > at; k--) {
      terms[k] = terms[k - 1] as string;
      weights[k] = weights[k - 1] as number;
    }
    terms[at] = analysis.terms[i] as string;
    weights[at] = weight;
    if (terms.length > MAX_TERMS) terms.length = MAX_TERMS;
  }
  return terms;
}
const termWeights: number[] = [0, 0, 0, 0, 0, 0];

/** The per-message tokens, reused: scoring is synchronous and keeps no reference to them. */
const scratchTokens: Tokens = { words: [], exclamations: 0, spanishMarks: 0 };

const NEUTRAL_EMPTY = (language: Language, detectedLanguage: DetectedLanguage): SentimentResult => ({
  label: 'neutral', score: 0, comparative: 0, language, detectedLanguage, terms: [],
});

/**
 * Scores one chat message: normalise, tokenise, pick the language (forced, detected, the channel's,
 * or whichever lexicon recognises more words), then `sentiment` with the language's lexicon and rules.
 */
export function scoreMessage(text: string, options: ScoreOptions = {}): SentimentResult {
  const ready = prepare();
  const { scorers, known } = ready;
  const normalised = normalizeText(text, options.maxChars ?? DEFAULT_MAX_CHARS);
  const tokens = tokenizeInto(normalised, known, scratchTokens);
  const words = tokens.words;
  const wanted = options.language ?? 'auto';
  const { detected, wordCount } = lookUp(words, tokens.spanishMarks, ready);
  if (words.length === 0) return NEUTRAL_EMPTY(wanted === 'auto' ? options.channelLanguageHint ?? 'en' : wanted, detected);

  let language: Language;
  let analysis: Analysis;
  if (wanted !== 'auto') {
    language = wanted;
    analysis = analyse(words, scratchFound, scorers[language]);
  } else if (detected !== 'unknown' || options.channelLanguageHint) {
    language = detected === 'unknown' ? (options.channelLanguageHint as Language) : detected;
    analysis = analyse(words, scratchFound, scorers[language]);
  } else {
    const english = analyse(words, scratchFound, scorers.en);
    const spanish = analyse(words, scratchFound, scorers.es);
    [language, analysis] = spanish.count > english.count ? ['es', spanish] : ['en', english];
  }

  let score = withEmphasis(analysis.score, tokens.exclamations);
  const corrections = options.corrections;
  if (corrections === undefined) {
    score = Math.round(score * 1000) / 1000;
    const label: SentimentLabel = score >= LABEL_THRESHOLDS.positive ? 'positive' : score <= LABEL_THRESHOLDS.negative ? 'negative' : 'neutral';
    const terms = drivingTerms(analysis, label, score);
    return { label, score, comparative: wordCount > 0 ? Math.round((score / wordCount) * 1000) / 1000 : 0, language, detectedLanguage: detected, terms };
  }
  // Learnt corrections: three logits from the shipped verdict, and one map lookup per scored word.
  score = Math.round(score * 1000) / 1000;
  const positivePart = Math.log1p(analysis.positive);
  const negativePart = Math.log1p(Math.max(0, analysis.positive - analysis.score));
  const shippedPositive = score >= LABEL_THRESHOLDS.positive ? 1 : 0;
  const shippedNegative = score <= LABEL_THRESHOLDS.negative ? 1 : 0;
  const [n, u, p] = corrections.classes;
  let negative = (n[0] as number) + (n[1] as number) * positivePart + (n[2] as number) * negativePart + (n[3] as number) * shippedPositive + (n[4] as number) * shippedNegative;
  let neutral = (u[0] as number) + (u[1] as number) * positivePart + (u[2] as number) * negativePart + (u[3] as number) * shippedPositive + (u[4] as number) * shippedNegative;
  let positive = (p[0] as number) + (p[1] as number) * positivePart + (p[2] as number) * negativePart + (p[3] as number) * shippedPositive + (p[4] as number) * shippedNegative;
  let learnt: string[] | undefined;
  const weights = corrections.weights;
  for (let i = 0; i < analysis.count; i++) {
    const term = analysis.terms[i] as string;
    const found = weights.get(term);
    if (found === undefined) continue;
    score += found.weight;
    negative -= found.weight / 2;
    positive += found.weight / 2;
    neutral += found.neutral;
    (learnt ??= []).push(term);
  }
  score = Math.round(score * 1000) / 1000;
  const label: SentimentLabel = negative > neutral && negative >= positive ? 'negative' : positive > neutral ? 'positive' : 'neutral';
  const terms = drivingTerms(analysis, label, score);
  const result: SentimentResult = { label, score, comparative: wordCount > 0 ? Math.round((score / wordCount) * 1000) / 1000 : 0, language, detectedLanguage: detected, terms };
  if (learnt) result.learnt = [...new Set(learnt)];
  return result;
}

function withEmphasis(score: number, exclamations: number): number {
  return score !== 0 && exclamations > 0 ? score + Math.sign(score) * EXCLAMATION_BOOST * Math.min(exclamations, 3) : score;
}

/** What the corrections learner sees of a message: the shipped lexicon's score and the words it is made of. */
export interface MessageFeatures {
  /** The shipped score. */
  score: number;
  /** What positive and negative words contributed to it (the rest is "!" emphasis). */
  positive: number;
  negative: number;
  language: Language;
  /** Scoring tokens, clause marks left out; a word appears once per occurrence. */
  words: string[];
  /** The words (and joined expressions) the lexicon scored. */
  scored: string[];
}

/** The features `scoreMessage` applies corrections to, for learning them. */
export function messageFeatures(text: string, options: Omit<ScoreOptions, 'corrections'> = {}): MessageFeatures {
  const result = scoreMessage(text, options);
  const analysis = scratch[result.language];
  const words = scratchTokens.words.filter((word) => word !== '|');
  const scored = words.length === 0 ? [] : analysis.terms.slice(0, analysis.count);
  const parts = words.length === 0 ? { positive: 0, negative: 0 } : { positive: analysis.positive, negative: analysis.score - analysis.positive };
  return { score: result.score, ...parts, language: result.language, words, scored };
}
