import Sentiment from 'sentiment';
import { detectLanguage } from '../language/detect.js';
import { lexicons, type Lexicon } from './lexicon.js';
import { DEFAULT_MAX_CHARS, EMOTICON_SCORES, normalizeText, tokenize } from './normalize.js';
import type { DetectedLanguage, Language, SentimentLabel } from './types.js';

export interface ScoreOptions {
  /** Score as this language, or detect it per message (the default). */
  language?: 'auto' | Language;
  /** The channel's usual language (see `languageHint`), used when a message is too short to tell. */
  channelLanguageHint?: Language;
  maxChars?: number;
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
}

/** Score at or above which a message is positive, and at or below which it is negative. */
export const LABEL_THRESHOLDS = Object.freeze({ positive: 2, negative: -0.5 });
/** A negated word keeps this (sign-flipped) share of its score: "not good" is bad, "not bad" is only fair. */
const NEGATION_FACTOR = -0.6;
/** Sentiment before "but"/"pero" counts less, after it more. */
const BEFORE_CONTRAST = 0.5;
const AFTER_CONTRAST = 1.5;
const EXCLAMATION_BOOST = 0.3;

const analyzer = new Sentiment();
let registered = false;

/**
 * Registers both languages with `sentiment` once per process. `sentiment` keeps languages (and any
 * `extras`) in module-global tables, so this never happens per call.
 */
function ensureRegistered(): Record<Language, Lexicon> {
  const all = lexicons();
  if (registered) return all;
  for (const lexicon of Object.values(all)) {
    Object.assign(lexicon.labels, EMOTICON_SCORES);
    analyzer.registerLanguage(sentimentCode(lexicon.language), { labels: lexicon.labels, scoringStrategy: scoringStrategy(lexicon) });
  }
  registered = true;
  return all;
}

function sentimentCode(language: Language): string {
  return `firebreak-${language}`;
}

/**
 * Negation (up to three words back within the clause), intensifiers and softeners just before the
 * word, and contrast ("but", "pero"), applied by `sentiment` to each scored token.
 */
function scoringStrategy(lexicon: Lexicon): { apply(tokens: string[], cursor: number, tokenScore: number): number } {
  const { labels, negators, modifiers, contrasts } = lexicon;
  return {
    apply(tokens, cursor, tokenScore) {
      const token = tokens[cursor] as string;
      const next = tokens[cursor + 1];
      if (next !== undefined && modifiers.has(token) && Object.hasOwn(labels, next)) return 0; // "bien feo": "bien" only strengthens
      let factor = 1;
      // Emoji and emoticons say how the writer feels; words before them do not negate that.
      const pictorial = token.startsWith('emo-') || token.charCodeAt(0) > 0x2000;
      for (let i = cursor - 1, distance = 1; !pictorial && i >= 0 && distance <= 3; i--, distance++) {
        const previous = tokens[i] as string;
        if (previous === '|') break;
        if (distance === 1) factor *= modifiers.get(previous) ?? 1;
        if (negators.has(previous) || previous.endsWith("n't")) {
          factor *= NEGATION_FACTOR;
          break;
        }
      }
      for (let i = cursor + 1; i < tokens.length && i <= cursor + 12; i++) {
        if (contrasts.has(tokens[i] as string)) {
          factor *= BEFORE_CONTRAST;
          break;
        }
      }
      for (let i = cursor - 1; i >= 0 && i >= cursor - 12; i--) {
        if (contrasts.has(tokens[i] as string)) {
          factor *= AFTER_CONTRAST;
          break;
        }
      }
      return tokenScore * factor;
    },
  };
}

/** Joins the words of known multi-word expressions ("no funciona" → "no-funciona"). */
function joinPhrases(words: readonly string[], lexicon: Lexicon): readonly string[] {
  let starts = false;
  for (const word of words) if (lexicon.phrases.has(word)) starts = true;
  if (!starts) return words;
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    const candidates = lexicon.phrases.get(word);
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
      out.push(words.slice(i, i + matched).join('-'));
      i += matched - 1;
    } else {
      out.push(word);
    }
  }
  return out;
}

let knownWord: ((word: string) => boolean) | undefined;
function isKnownWord(all: Record<Language, Lexicon>): (word: string) => boolean {
  knownWord ??= (word) => Object.hasOwn(all.en.labels, word) || Object.hasOwn(all.es.labels, word) || all.en.negators.has(word) || all.es.negators.has(word) || all.en.modifiers.has(word) || all.es.modifiers.has(word);
  return knownWord;
}

interface Analysis {
  score: number;
  /** sentiment's per-call result: `words[i]` was scored `calculation[i][words[i]]`. */
  words: string[];
  calculation: Record<string, number>[];
}

function analyse(words: readonly string[], lexicon: Lexicon): Analysis {
  const joined = joinPhrases(words, lexicon);
  const result = analyzer.analyze(joined.join(' '), { language: sentimentCode(lexicon.language) });
  return { score: result.score, words: result.words, calculation: result.calculation as Record<string, number>[] };
}

const MAX_TERMS = 5;

/** The words that drove the score (same sign as the label, any sign when neutral), strongest first. */
function drivingTerms(analysis: Analysis, label: SentimentLabel, score: number): string[] {
  const terms: string[] = [];
  const weights: number[] = [];
  const sign = label === 'neutral' ? 0 : Math.sign(score);
  for (let i = 0; i < analysis.words.length; i++) {
    const term = analysis.words[i] as string;
    const value = (analysis.calculation[i] as Record<string, number>)[term] as number;
    if (value === 0 || (sign !== 0 && Math.sign(value) !== sign)) continue;
    const weight = Math.abs(value);
    // Insertion into a list of at most five: cheaper than sorting for a chat message.
    let at = terms.length;
    while (at > 0 && (weights[at - 1] as number) < weight) at--;
    if (at >= MAX_TERMS) continue;
    terms.splice(at, 0, term);
    weights.splice(at, 0, weight);
    if (terms.length > MAX_TERMS) {
      terms.pop();
      weights.pop();
    }
  }
  return terms;
}

const NEUTRAL_EMPTY = (language: Language, detectedLanguage: DetectedLanguage): SentimentResult => ({
  label: 'neutral', score: 0, comparative: 0, language, detectedLanguage, terms: [],
});

/**
 * Scores one chat message: normalise, tokenise, pick the language (forced, detected, the channel's,
 * or whichever lexicon recognises more words), then `sentiment` with the language's lexicon and rules.
 */
export function scoreMessage(text: string, options: ScoreOptions = {}): SentimentResult {
  const all = ensureRegistered();
  const normalised = normalizeText(text, options.maxChars ?? DEFAULT_MAX_CHARS);
  const tokens = tokenize(normalised, isKnownWord(all));
  const wanted = options.language ?? 'auto';
  const detected = detectLanguage(tokens.words, tokens.spanishMarks).language;
  if (tokens.words.length === 0) return NEUTRAL_EMPTY(wanted === 'auto' ? options.channelLanguageHint ?? 'en' : wanted, detected);

  let language: Language;
  let analysis: ReturnType<typeof analyse>;
  if (wanted !== 'auto') {
    language = wanted;
    analysis = analyse(tokens.words, all[language]);
  } else if (detected !== 'unknown' || options.channelLanguageHint) {
    language = detected === 'unknown' ? (options.channelLanguageHint as Language) : detected;
    analysis = analyse(tokens.words, all[language]);
  } else {
    const english = analyse(tokens.words, all.en);
    const spanish = analyse(tokens.words, all.es);
    [language, analysis] = spanish.words.length > english.words.length ? ['es', spanish] : ['en', english];
  }

  let score = analysis.score;
  if (score !== 0 && tokens.exclamations > 0) score += Math.sign(score) * EXCLAMATION_BOOST * Math.min(tokens.exclamations, 3);
  score = Math.round(score * 1000) / 1000;
  let wordCount = 0;
  for (const word of tokens.words) if (word !== '|') wordCount++;
  const label: SentimentLabel = score >= LABEL_THRESHOLDS.positive ? 'positive' : score <= LABEL_THRESHOLDS.negative ? 'negative' : 'neutral';
  const terms = drivingTerms(analysis, label, score);
  return { label, score, comparative: wordCount > 0 ? Math.round((score / wordCount) * 1000) / 1000 : 0, language, detectedLanguage: detected, terms };
}
