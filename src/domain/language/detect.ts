import type { DetectedLanguage, Language } from '../sentiment/types.js';

// Frequent function words that are not also common words of the other language (no "a", "no",
// "me", "he", "son"…). Accent-folded, as tokens are.
const ENGLISH = new Set(
  ('the and is are was were be been to of in on at for with this that these those it its i you he she we they my your our ' +
    'their his her them him what which who when where why how do does did have has had will would can could should not ' +
    "just but or if so there here about from by an all some any very really too than then out up get got im i'm it's " +
    "don't dont can't cant didn't isn't wasn't won't you're they're we're thats that's gonna wanna like love good bad " +
    'thanks thank please new time today day one now more most much many only also still even after before well back')
    .split(/\s+/),
);
const SPANISH = new Set(
  ('el la los las un una unos unas y es son esta estan estoy este esto esa ese eso de del al en con por para que pero ' +
    'como mas muy ya se su sus mi mis tu tus lo le les nos yo ella ellos nosotros hay fue ser estar tiene tengo tienen ' +
    'hace hacer cuando donde porque pues si tambien todo todos toda todas nada nunca siempre hoy dia ahora aqui ' +
    'bien mal bueno buena gracias hola vamos voy va van sin sobre entre hasta desde otro otra asi sea solo cada algo ' +
    'mucho mucha muchos poco ni ser era han ha he hemos puedo puede quiero creo dice les qué cómo más está están así también')
    .split(/\s+/),
);

// One lookup per word: bit 1 = English function word, bit 2 = Spanish.
const FUNCTION_WORDS = new Map<string, number>();
for (const word of ENGLISH) FUNCTION_WORDS.set(word, 1);
for (const word of SPANISH) FUNCTION_WORDS.set(word, (FUNCTION_WORDS.get(word) ?? 0) | 2);

/** Function-word kind of a token for detection: bit 1 English, bit 2 Spanish (0 or undefined: neither). */
export function functionWordKind(word: string): number {
  return FUNCTION_WORDS.get(word) ?? 0;
}

/** Every function word `detectLanguage` counts. */
export function functionWords(): IterableIterator<string> {
  return FUNCTION_WORDS.keys();
}

/** The language `detectLanguage` concludes from evidence counted elsewhere (the per-message path). */
export function languageFromEvidence(en: number, es: number): DetectedLanguage {
  return en === es ? 'unknown' : en > es ? 'en' : 'es';
}

/** Evidence from Spanish-only characters, as `detectLanguage` counts it. */
export function spanishMarkEvidence(spanishMarks: number): number {
  return Math.min(spanishMarks, 3) * 1.5;
}

export interface LanguageGuess {
  language: DetectedLanguage;
  /** Evidence found for each language (function words, Spanish-only characters). */
  evidence: Record<Language, number>;
}

/**
 * Guesses English or Spanish from a message's tokens by counting function words of each language
 * and Spanish-only characters; `unknown` when there is no evidence or it is tied.
 */
export function detectLanguage(words: readonly string[], spanishMarks = 0): LanguageGuess {
  const evidence = { en: 0, es: 0 };
  const language = weigh(words, spanishMarks, evidence);
  return { language, evidence };
}

function weigh(words: readonly string[], spanishMarks: number, evidence: Record<Language, number>): DetectedLanguage {
  let en = 0;
  let es = spanishMarkEvidence(spanishMarks);
  for (let i = 0; i < words.length; i++) {
    const kind = FUNCTION_WORDS.get(words[i] as string);
    if (kind === undefined) continue;
    if (kind & 1) en += 1;
    if (kind & 2) es += 1;
  }
  evidence.en = en;
  evidence.es = es;
  return languageFromEvidence(en, es);
}

/** Recent languages of a channel, decayed so the mix follows the channel as it changes. */
export interface ChannelLanguageMix {
  en: number;
  es: number;
}

export const emptyLanguageMix: Readonly<ChannelLanguageMix> = Object.freeze({ en: 0, es: 0 });

const MIX_DECAY = 0.98; // about the last fifty messages that told their language

/** The mix after one more message; messages of unknown language leave it as it was. */
export function updateLanguageMix(mix: ChannelLanguageMix, language: DetectedLanguage): ChannelLanguageMix {
  if (language === 'unknown') return mix;
  return {
    en: mix.en * MIX_DECAY + (language === 'en' ? 1 : 0),
    es: mix.es * MIX_DECAY + (language === 'es' ? 1 : 0),
  };
}

/** The channel's main language once enough messages told it and one language clearly leads. */
export function languageHint(mix: ChannelLanguageMix, minimumEvidence = 3, minimumShare = 0.65): Language | undefined {
  const total = mix.en + mix.es;
  if (total < minimumEvidence) return undefined;
  if (mix.en / total >= minimumShare) return 'en';
  if (mix.es / total >= minimumShare) return 'es';
  return undefined;
}
